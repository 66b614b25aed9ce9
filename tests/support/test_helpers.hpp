// Helpers shared by the tests of acedt_test_support.
#pragma once

#include <acedt_test/process.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace acedt_test::testing {

std::string read_file(const std::filesystem::path &path);

/// Every regular file under `dir`, keyed by its path relative to `dir`.
std::map<std::string, std::string> read_tree(const std::filesystem::path &dir);

/// Runs `argv` with a 60 second timeout and returns the result.
ProcessResult run(const std::vector<std::string> &argv);

/// Runs `skopeo inspect --raw` on `image` (for example "oci:DIR:TAG") and
/// returns its output. Registry references are read without TLS. Fails the
/// current test when skopeo fails.
std::string skopeo_raw(const std::string &image);

}  // namespace acedt_test::testing
