// A temporary directory that removes itself.
#pragma once

#include <filesystem>
#include <string_view>

namespace acedt_test {

/// A directory created with mkdtemp under $TMPDIR (or /tmp when TMPDIR is
/// unset or empty) and removed recursively by the destructor. Setting the
/// environment variable ACE_DT_TEST_KEEP to a non-empty value keeps it for
/// inspection, and the destructor then prints its path to standard error.
class TempDir {
public:
    /// Creates the directory, named `prefix` followed by six random
    /// characters. Throws std::system_error when mkdtemp fails.
    explicit TempDir(std::string_view prefix = "ace-dt-test-");
    ~TempDir();

    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    TempDir(TempDir &&other) noexcept;
    TempDir &operator=(TempDir &&other) noexcept;

    /// The absolute path of the directory, or empty after a move.
    const std::filesystem::path &path() const { return path_; }

private:
    void remove() noexcept;

    std::filesystem::path path_;
};

}  // namespace acedt_test
