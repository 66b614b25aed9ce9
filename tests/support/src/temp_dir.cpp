#include <acedt_test/temp_dir.hpp>

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace acedt_test {

TempDir::TempDir(std::string_view prefix) {
    const char *tmpdir = std::getenv("TMPDIR");
    std::filesystem::path parent = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
    std::string pattern = (parent / (std::string(prefix) + "XXXXXX")).string();

    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "failed to create a temporary directory " + pattern);
    }
    path_ = std::filesystem::absolute(buffer.data());
}

TempDir::~TempDir() { remove(); }

TempDir::TempDir(TempDir &&other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir &TempDir::operator=(TempDir &&other) noexcept {
    if (this != &other) {
        remove();
        path_ = std::move(other.path_);
        other.path_.clear();
    }
    return *this;
}

void TempDir::remove() noexcept {
    if (path_.empty()) {
        return;
    }
    const char *keep = std::getenv("ACE_DT_TEST_KEEP");
    if (keep != nullptr && *keep != '\0') {
        std::cerr << "ACE_DT_TEST_KEEP is set: keeping " << path_.string() << "\n";
    } else {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    path_.clear();
}

}  // namespace acedt_test
