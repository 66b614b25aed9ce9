#include <acedt_test/process.hpp>
#include <acedt_test/temp_dir.hpp>

#include "test_helpers.hpp"

#include <gtest/gtest.h>

namespace acedt_test {
namespace {

using testing::read_tree;

// Set by CMake: the program that writes the example layouts, and the
// examples/ folder of the source tree.
constexpr const char *kMakeExampleLayouts = ACE_DT_MAKE_EXAMPLE_LAYOUTS;
constexpr const char *kExamplesDir = ACE_DT_EXAMPLES_DIR;

std::map<std::string, std::string> write_examples(const TempDir &dir) {
    ProcessResult result = run_process({kMakeExampleLayouts, dir.path().string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return read_tree(dir.path() / "sync-45");
}

TEST(Examples, GeneratorIsDeterministic) {
    TempDir first;
    TempDir second;
    std::map<std::string, std::string> first_files = write_examples(first);
    std::map<std::string, std::string> second_files = write_examples(second);
    EXPECT_GT(first_files.size(), 30u);
    EXPECT_TRUE(first_files == second_files);
}

TEST(Examples, CommittedLayoutIsCurrent) {
    TempDir dir;
    std::map<std::string, std::string> generated = write_examples(dir);
    std::map<std::string, std::string> committed = read_tree(std::filesystem::path(kExamplesDir) / "sync-45");

    for (const auto &[path, bytes] : generated) {
        auto found = committed.find(path);
        ASSERT_NE(found, committed.end()) << "examples/sync-45/" << path
                                          << " is missing; run make-example-layouts examples";
        EXPECT_TRUE(found->second == bytes) << "examples/sync-45/" << path << " differs from the generated file";
    }
    for (const auto &[path, bytes] : committed) {
        EXPECT_EQ(generated.count(path), 1u) << "examples/sync-45/" << path << " is not generated any more";
    }
}

TEST(Examples, GeneratorRejectsMissingArgument) {
    ProcessResult result = run_process({kMakeExampleLayouts});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("usage: make-example-layouts DIR"), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty());
}

}  // namespace
}  // namespace acedt_test
