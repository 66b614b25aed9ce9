// Runs the real ace-dt binary in an isolated environment: its own HOME,
// XDG directories and configuration file, and none of the caller's ace-dt
// or registry credential variables.
#pragma once

#include <acedt_test/process.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace acedt_test {

class AceDtRunner {
public:
    // `home` must exist; the runner writes its configuration file there.
    explicit AceDtRunner(std::filesystem::path home);

    // Replaces the configuration file (YAML body below apiVersion and kind).
    void set_config(const std::string &body);

    ProcessResult run(const std::vector<std::string> &arguments,
                      const std::map<std::string, std::string> &extra_env = {}) const;

    // Puts `prefix` before the binary on every command line, such as a
    // setpriv call that runs ace-dt as another user.
    void set_command_prefix(std::vector<std::string> prefix) { prefix_ = std::move(prefix); }

    // Runs `binary` instead of the ace-dt of the build, such as a copy that
    // another user can reach.
    void set_binary(std::filesystem::path binary) { binary_ = std::move(binary); }

    // Runs in `directory` instead of the current directory.
    ProcessResult run_in(const std::filesystem::path &directory, const std::vector<std::string> &arguments) const;

    const std::filesystem::path &home() const { return home_; }
    std::filesystem::path config_path() const { return home_ / "config.yaml"; }

private:
    std::vector<std::string> command_line(const std::vector<std::string> &arguments) const;
    ProcessOptions process_options() const;

    std::filesystem::path home_;
    std::vector<std::string> prefix_;
    std::filesystem::path binary_ = ACE_DT_BINARY;
};

// Rows of `mirror diff -o json` output as (reference, digest) pairs, in
// output order. Fails the current test when the text is not such an array.
std::vector<std::pair<std::string, std::string>> parse_json_rows(const std::string &json);

}  // namespace acedt_test
