#include "test_helpers.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace acedt_test::testing {

std::string read_file(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::map<std::string, std::string> read_tree(const std::filesystem::path &dir) {
    std::map<std::string, std::string> files;
    for (const auto &entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) {
            files[std::filesystem::relative(entry.path(), dir).string()] = read_file(entry.path());
        }
    }
    return files;
}

ProcessResult run(const std::vector<std::string> &argv) { return run_process(argv); }

std::string skopeo_raw(const std::string &image) {
    std::vector<std::string> argv = {"skopeo", "inspect", "--raw"};
    if (image.rfind("docker://", 0) == 0) {
        argv.push_back("--tls-verify=false");
    }
    argv.push_back(image);
    ProcessResult result = run_process(argv);
    EXPECT_EQ(result.exit_code, 0) << "skopeo inspect --raw " << image << " failed: " << result.err;
    return result.out;
}

}  // namespace acedt_test::testing
