// A directory under the system temporary directory, removed with its
// contents when the object is destroyed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace acedt::oci::testing {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::filesystem::path &path() const { return path_; }

    // Writes `contents` to `relative` (creating parent directories) and
    // returns the full path.
    std::filesystem::path write(const std::filesystem::path &relative, std::string_view contents) const;

private:
    std::filesystem::path path_;
};

// Reads a whole file; throws std::runtime_error when it cannot be read.
std::string read_file(const std::filesystem::path &path);

// The sha256 digest "sha256:<hex>" of `data`, computed with OpenSSL directly
// so that tests do not check the library against itself.
std::string sha256_digest(std::string_view data);

}  // namespace acedt::oci::testing
