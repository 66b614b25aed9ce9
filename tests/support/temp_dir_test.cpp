#include <acedt_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace acedt_test {
namespace {

TEST(TempDir, CreatesAndRemovesDirectory) {
    std::filesystem::path path;
    {
        TempDir dir("ace-dt-temp-test-");
        path = dir.path();
        EXPECT_TRUE(std::filesystem::is_directory(path));
        EXPECT_TRUE(path.is_absolute());
        EXPECT_EQ(path.filename().string().rfind("ace-dt-temp-test-", 0), 0u) << path;
        std::filesystem::create_directories(path / "nested" / "deeper");
        std::ofstream(path / "nested" / "deeper" / "file") << "content";
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(TempDir, UsesTmpdirVariable) {
    TempDir parent;
    const char *previous = std::getenv("TMPDIR");
    std::string saved = previous != nullptr ? previous : "";
    ::setenv("TMPDIR", parent.path().c_str(), 1);
    TempDir child;
    if (previous != nullptr) {
        ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
        ::unsetenv("TMPDIR");
    }
    EXPECT_EQ(child.path().parent_path(), parent.path());
}

TEST(TempDir, KeepVariablePreservesDirectory) {
    std::filesystem::path path;
    ::setenv("ACE_DT_TEST_KEEP", "1", 1);
    {
        TempDir dir;
        path = dir.path();
    }
    ::unsetenv("ACE_DT_TEST_KEEP");
    EXPECT_TRUE(std::filesystem::is_directory(path));
    std::filesystem::remove_all(path);
}

TEST(TempDir, MoveTransfersOwnership) {
    TempDir first;
    std::filesystem::path path = first.path();
    TempDir second(std::move(first));
    EXPECT_TRUE(first.path().empty());
    EXPECT_EQ(second.path(), path);
    EXPECT_TRUE(std::filesystem::is_directory(path));

    TempDir third;
    std::filesystem::path replaced = third.path();
    third = std::move(second);
    EXPECT_FALSE(std::filesystem::exists(replaced));
    EXPECT_EQ(third.path(), path);
    EXPECT_TRUE(std::filesystem::is_directory(path));
}

}  // namespace
}  // namespace acedt_test
