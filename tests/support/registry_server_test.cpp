#include <acedt_test/process.hpp>
#include <acedt_test/registry_server.hpp>
#include <acedt_test/temp_dir.hpp>

#include "test_helpers.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

namespace acedt_test {
namespace {

using testing::run;

// The HTTP status of GET `url`, fetched with the curl program.
std::string http_status(const std::string &url, const std::vector<std::string> &extra_arguments = {}) {
    std::vector<std::string> argv = {"curl", "--silent", "--noproxy", "*", "--output", "/dev/null", "--write-out",
                                     "%{http_code}"};
    argv.insert(argv.end(), extra_arguments.begin(), extra_arguments.end());
    argv.push_back(url);
    ProcessResult result = run(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
public:
    ScopedEnv(const char *name, const std::string &value) : name_(name) { ::setenv(name, value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name_); }

private:
    const char *name_;
};

TEST(RegistryServer, V2EndpointReturnsOk) {
    std::unique_ptr<RegistryServer> registry = RegistryServer::start();
    EXPECT_EQ(registry->host_port().rfind("127.0.0.1:", 0), 0u) << registry->host_port();
    EXPECT_EQ(registry->url(), "http://" + registry->host_port());
    EXPECT_EQ(http_status(registry->url() + "/v2/"), "200");
    EXPECT_EQ(http_status(registry->url() + "/v2/missing/manifests/latest"), "404");
}

TEST(RegistryServer, DestructorStopsProcessAndRemovesFiles) {
    std::unique_ptr<RegistryServer> registry = RegistryServer::start();
    pid_t pid = registry->pid();
    std::filesystem::path storage = registry->storage_dir();
    std::filesystem::path log = registry->log_file();
    ASSERT_GT(pid, 0);
    EXPECT_TRUE(process_exists(pid));
    EXPECT_TRUE(std::filesystem::exists(log));

    registry.reset();

    EXPECT_FALSE(process_exists(pid));
    EXPECT_FALSE(std::filesystem::exists(storage.parent_path()));
}

TEST(RegistryServer, TwoServersUseDistinctPorts) {
    std::unique_ptr<RegistryServer> first = RegistryServer::start();
    std::unique_ptr<RegistryServer> second = RegistryServer::start();
    EXPECT_NE(first->host_port(), second->host_port());
    EXPECT_EQ(http_status(first->url() + "/v2/"), "200");
    EXPECT_EQ(http_status(second->url() + "/v2/"), "200");
}

TEST(RegistryServer, HtpasswdRequiresCredentials) {
    TempDir dir;
    ProcessResult entry = run({"htpasswd", "-Bbn", "tester", "secret-password"});
    ASSERT_EQ(entry.exit_code, 0) << entry.err;
    std::filesystem::path htpasswd = dir.path() / "htpasswd";
    std::ofstream(htpasswd) << entry.out;

    RegistryOptions options;
    options.htpasswd_file = htpasswd.string();
    options.realm = "test-realm";
    std::unique_ptr<RegistryServer> registry = RegistryServer::start(options);

    EXPECT_EQ(http_status(registry->url() + "/v2/"), "401");
    EXPECT_EQ(http_status(registry->url() + "/v2/", {"--user", "tester:wrong"}), "401");
    EXPECT_EQ(http_status(registry->url() + "/v2/", {"--user", "tester:secret-password"}), "200");

    ProcessResult headers = run({"curl", "--silent", "--noproxy", "*", "--include", registry->url() + "/v2/"});
    EXPECT_NE(headers.out.find("Basic realm=\"test-realm\""), std::string::npos) << headers.out;
}

TEST(RegistryServer, StartFailureIncludesRegistryOutput) {
    TempDir dir;
    std::filesystem::path program = dir.path() / "failing-registry";
    std::ofstream(program) << "#!/bin/sh\necho \"simulated failure reading $2\" >&2\nexit 3\n";
    std::filesystem::permissions(program, std::filesystem::perms::owner_all);
    ScopedEnv env("ACE_DT_TEST_REGISTRY_BIN", program.string());

    try {
        RegistryServer::start();
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error &error) {
        std::string message = error.what();
        EXPECT_NE(message.find("simulated failure reading"), std::string::npos) << message;
        EXPECT_NE(message.find("config.yml"), std::string::npos) << message;
        EXPECT_NE(message.find("exited with code 3"), std::string::npos) << message;
        EXPECT_NE(message.find(program.string()), std::string::npos) << message;
    }
}

TEST(RegistryServer, MissingProgramThrows) {
    ScopedEnv env("ACE_DT_TEST_REGISTRY_BIN", "/nonexistent/docker-registry");
    EXPECT_THROW(RegistryServer::start(), std::system_error);
}

}  // namespace
}  // namespace acedt_test
