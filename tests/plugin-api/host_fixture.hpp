// Running the real ace-dt binary against test plugins, shared by the test
// files of this folder.
#pragma once

#include "process.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace acedt::tests {

namespace fs = std::filesystem;

inline const fs::path kBinary = ACE_DT_BINARY;
inline const fs::path kPluginBuildDir = TEST_PLUGIN_DIR;

inline int count_occurrences(const std::string& text, const std::string& needle) {
    int count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

// Returns the value of a "key=value" line a test command printed.
inline std::string echo_value(const std::string& out, const std::string& key) {
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
    return "<missing " + key + ">";
}

inline std::vector<std::string> stderr_lines_naming(const std::string& err, const std::string& needle) {
    std::vector<std::string> found;
    std::istringstream lines(err);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find(needle) != std::string::npos) found.push_back(line);
    }
    return found;
}

// Runs ace-dt in a temporary directory with its own HOME, working
// directory and plugin directory (ACE_DT_PLUGIN_PATH), which contains a
// link to test-good. link_plugin() adds further test plugins.
class HostFixture : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "ace-dt-abi-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        home_ = root_ / "home";
        work_ = root_ / "work";
        plugins_ = root_ / "plugins";
        fs::create_directories(home_);
        fs::create_directories(work_);
        fs::create_directories(plugins_);
        link_plugin("test-good");
    }

    void TearDown() override { fs::remove_all(root_); }

    void link_plugin(const std::string& name) {
        fs::create_symlink(kPluginBuildDir / (name + ".so"), plugins_ / (name + ".so"));
    }

    void write_file(const fs::path& path, const std::string& text) {
        std::ofstream stream(path);
        stream << text;
    }

    ProcessResult run(std::vector<std::string> arguments, const std::map<std::string, std::string>& extra = {},
                      ProcessOptions options = {}) {
        options.arguments = std::move(arguments);
        options.environment = {{"PATH", "/usr/bin:/bin"},
                               {"HOME", home_.string()},
                               {"ACE_DT_PLUGIN_PATH", plugins_.string()}};
        for (const auto& [name, value] : extra) options.environment[name] = value;
        options.working_directory = work_;
        return run_process(kBinary, options);
    }

    fs::path root_;
    fs::path home_;
    fs::path work_;
    fs::path plugins_;
};

}  // namespace acedt::tests
