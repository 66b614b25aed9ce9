#include "ace_dt_runner.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>

namespace acedt_test {

AceDtRunner::AceDtRunner(std::filesystem::path home) : home_(std::move(home)) { set_config(""); }

void AceDtRunner::set_config(const std::string &body) {
    std::ofstream out(config_path(), std::ios::trunc);
    out << "apiVersion: config.dt.act3-ace.io/v1alpha1\n"
        << "kind: Configuration\n"
        << body;
}

ProcessResult AceDtRunner::run(const std::vector<std::string> &arguments,
                               const std::map<std::string, std::string> &extra_env) const {
    ProcessOptions options = process_options();
    for (const auto &[name, value] : extra_env) {
        options.env_overrides[name] = value;
    }
    return run_process_with(command_line(arguments), options);
}

ProcessResult AceDtRunner::run_in(const std::filesystem::path &directory,
                                  const std::vector<std::string> &arguments) const {
    ProcessOptions options = process_options();
    options.working_directory = directory;
    return run_process_with(command_line(arguments), options);
}

std::vector<std::string> AceDtRunner::command_line(const std::vector<std::string> &arguments) const {
    std::vector<std::string> argv = prefix_;
    argv.push_back(binary_.string());
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return argv;
}

ProcessOptions AceDtRunner::process_options() const {
    ProcessOptions options;
    options.env_overrides = {
        {"HOME", home_.string()},
        {"XDG_CONFIG_HOME", (home_ / ".config").string()},
        {"XDG_CACHE_HOME", (home_ / ".cache").string()},
        {"XDG_RUNTIME_DIR", (home_ / "run").string()},
        {"ACE_DT_CONFIG", config_path().string()},
    };
    options.env_unset = {"ACE_DT_VERBOSITY", "ACE_DT_PLUGIN_PATH", "DOCKER_CONFIG", "REGISTRY_AUTH_FILE",
                         "ACE_DT_REGISTRY_AUTH_FILE", "ACE_DT_CACHE_PATH", "ACE_DT_CONCURRENT_HTTP", "ACE_DT_HTTP_CONNECT_TIMEOUT",
                         "ACE_DT_HTTP_IDLE_TIMEOUT", "ACE_DT_HTTP_RETRIES", "ACE_DT_HTTP_RETRY_MAX_TIME"};
    options.timeout = std::chrono::seconds(120);
    return options;
}

std::vector<std::pair<std::string, std::string>> parse_json_rows(const std::string &json) {
    std::vector<std::pair<std::string, std::string>> rows;
    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(json, ec);
    if (ec || !parsed.is_array()) {
        ADD_FAILURE() << "not a JSON array: " << json;
        return rows;
    }
    for (const auto &item : parsed.as_array()) {
        const auto &object = item.as_object();
        rows.emplace_back(std::string(object.at("reference").as_string()),
                          std::string(object.at("digest").as_string()));
    }
    return rows;
}

}  // namespace acedt_test
