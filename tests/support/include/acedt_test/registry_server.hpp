// Starts a local registry (the distribution project's `registry`, packaged
// in Debian as /usr/bin/docker-registry) on loopback for tests.
#pragma once

#include <acedt_test/temp_dir.hpp>

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

namespace acedt_test {

struct RegistryOptions {
    /// An htpasswd file with bcrypt entries (`htpasswd -Bbn USER PASSWORD`).
    /// When set, every request needs Basic authentication. Empty allows
    /// anonymous access.
    std::string htpasswd_file;
    std::string realm = "ace-dt-test";
};

/// A registry process serving plain HTTP on 127.0.0.1, with filesystem
/// storage in a temporary directory and deletion enabled.
class RegistryServer {
public:
    /// Starts the registry on a free port and waits until GET /v2/ returns
    /// 200 (or 401 with authentication), trying up to three ports. The
    /// program is /usr/bin/docker-registry unless the environment variable
    /// ACE_DT_TEST_REGISTRY_BIN names another one. Throws std::runtime_error
    /// with the registry's standard error when it exits early or does not
    /// answer within 15 seconds.
    ///
    /// The process receives SIGKILL when the calling thread exits, so start
    /// the server from a thread that outlives it.
    static std::unique_ptr<RegistryServer> start(const RegistryOptions &options = {});

    /// Stops the process (SIGTERM, then SIGKILL after 5 seconds), waits for
    /// it and removes the temporary directory.
    ~RegistryServer();

    RegistryServer(const RegistryServer &) = delete;
    RegistryServer &operator=(const RegistryServer &) = delete;

    /// "127.0.0.1:PORT"
    std::string host_port() const;
    /// "http://127.0.0.1:PORT"
    std::string url() const { return "http://" + host_port(); }
    /// The process ID of the registry.
    pid_t pid() const { return pid_; }
    /// The storage root directory of the registry.
    std::filesystem::path storage_dir() const { return dir_.path() / "data"; }
    /// The file that receives the registry's standard output and error.
    std::filesystem::path log_file() const { return dir_.path() / "registry.log"; }

private:
    RegistryServer(TempDir dir, int port, pid_t pid);

    TempDir dir_;
    int port_;
    pid_t pid_;
};

}  // namespace acedt_test
