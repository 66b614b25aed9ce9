// A GoogleTest fixture for tests that open sources through SourceOpener:
// a configuration whose only credentials file is the test's own, HOME and
// XDG_RUNTIME_DIR pointing at empty directories, and the library's log
// lines collected with their levels.
#pragma once

#include <acedt/oci/error.hpp>
#include <acedt/oci/source.hpp>

#include "support/environment.hpp"
#include "support/mock_http_server.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace acedt::oci::testing {

class OpenerFixture : public ::testing::Test {
protected:
    OpenerFixture()
        : home_("HOME", (directory_.path() / "home").string()),
          runtime_("XDG_RUNTIME_DIR", (directory_.path() / "run").string()) {
        auth_file_ = directory_.write("auth.json", R"({"auths": {}})").string();
        config_.registry_auth_file = auth_file_;
        config_.credential_files = std::vector<std::string>{auth_file_};
        config_.certificate_directories = std::vector<std::string>{(directory_.path() / "certs.d").string()};
    }

    // Replaces the credentials file.
    void write_auth_file(const std::string &json) { directory_.write("auth.json", json); }

    // Sends requests for `registry` straight to the scripted server over
    // plain HTTP.
    void use_plain_http(const MockHttpServer &server, const std::string &registry) {
        config_.registries[registry].endpoints = {server.url()};
    }

    // The opener, created on first use with the configuration as it is then.
    SourceOpener &opener() {
        if (!opener_) {
            ClientHooks hooks;
            hooks.log = [this](int level, const std::string &message) {
                log_.push_back(std::to_string(level) + " " + message);
            };
            hooks.interrupted = [this] { return interrupted_.load(); };
            opener_ = std::make_unique<SourceOpener>(config_, hooks);
        }
        return *opener_;
    }

    std::string error_of_root(const std::string &spec) {
        try {
            opener().open(spec)->fetch_root();
        } catch (const Error &error) {
            return error.what();
        }
        return "(no error)";
    }

    std::size_t count_log_lines(const std::string &part) const {
        return static_cast<std::size_t>(std::count_if(log_.begin(), log_.end(), [&](const std::string &line) {
            return line.find(part) != std::string::npos;
        }));
    }

    std::string log_text() const { return ::testing::PrintToString(log_); }

    TempDir directory_;
    ScopedEnvironmentVariable home_;
    ScopedEnvironmentVariable runtime_;
    std::string auth_file_;
    ClientConfig config_;
    std::vector<std::string> log_;
    std::atomic<bool> interrupted_{false};
    std::unique_ptr<SourceOpener> opener_;
};

inline bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

}  // namespace acedt::oci::testing
