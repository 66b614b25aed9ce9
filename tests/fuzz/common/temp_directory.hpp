// A private temporary directory for fuzz targets whose API reads files, not
// bytes. It is created on first use and removed when the process exits
// normally. A target that crashes leaves it behind in $TMPDIR (or /tmp) as
// ace-dt-fuzz-XXXXXX.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace acedt::fuzz {

class TempDirectory {
public:
    TempDirectory() {
        const char *base = std::getenv("TMPDIR");
        std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ace-dt-fuzz-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary directory from " + pattern);
        }
        path_ = pattern;
    }

    ~TempDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    TempDirectory(const TempDirectory &) = delete;
    TempDirectory &operator=(const TempDirectory &) = delete;

    const std::filesystem::path &path() const { return path_; }

    // Replaces the file `name` with `contents`. Throws std::runtime_error
    // when the write fails, because the input would not reach the target.
    std::filesystem::path write(const std::string &name, std::string_view contents) const {
        std::filesystem::path file = path_ / name;
        std::ofstream stream(file, std::ios::binary | std::ios::trunc);
        stream.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        stream.close();
        if (!stream) {
            throw std::runtime_error("cannot write " + file.string());
        }
        return file;
    }

private:
    std::filesystem::path path_;
};

}  // namespace acedt::fuzz
