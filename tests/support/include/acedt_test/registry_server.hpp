// Starts a local registry (the distribution project's `registry`, packaged
// in Debian as /usr/bin/docker-registry) on loopback for tests.
#pragma once

#include <acedt_test/temp_dir.hpp>

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace acedt_test {

/// TLS for the registry: PEM certificate and key, and optionally the CAs
/// whose client certificates it requires (mutual TLS).
struct RegistryTls {
    std::filesystem::path certificate;
    std::filesystem::path key;
    std::filesystem::path client_ca;  // empty: no client certificate needed
    /// The client certificate and key the readiness probe presents when
    /// client_ca is set.
    std::filesystem::path probe_certificate;
    std::filesystem::path probe_key;
};

/// Token authentication (`auth: token:`): the registry sends clients to
/// `realm` and accepts JWTs from `issuer` for `service`, signed by a key
/// whose certificate is in `root_certificate_bundle`.
struct RegistryTokenAuth {
    std::string realm;
    std::string service;
    std::string issuer;
    std::filesystem::path root_certificate_bundle;
};

struct RegistryOptions {
    /// An htpasswd file with bcrypt entries (`htpasswd -Bbn USER PASSWORD`).
    /// When set, every request needs Basic authentication. Empty allows
    /// anonymous access.
    std::string htpasswd_file;
    std::string realm = "ace-dt-test";
    /// Serve HTTPS instead of plain HTTP.
    std::optional<RegistryTls> tls;
    /// Require tokens from a token service; excludes htpasswd_file.
    std::optional<RegistryTokenAuth> token;
    /// Storage root to use instead of a fresh one, so that a registry with
    /// authentication or TLS can serve what a plain one received.
    std::filesystem::path storage_dir;
};

/// A registry process serving plain HTTP (or HTTPS) on 127.0.0.1, with
/// filesystem storage in a temporary directory and deletion enabled.
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
    /// "http://127.0.0.1:PORT", or https:// with TLS.
    std::string url() const { return (tls_ ? "https://" : "http://") + host_port(); }
    /// The process ID of the registry.
    pid_t pid() const { return pid_; }
    /// The storage root directory of the registry.
    std::filesystem::path storage_dir() const { return storage_dir_; }
    /// The file that receives the registry's standard output and error.
    std::filesystem::path log_file() const { return dir_.path() / "registry.log"; }

private:
    RegistryServer(TempDir dir, int port, pid_t pid);

    TempDir dir_;
    int port_;
    pid_t pid_;
    bool tls_ = false;
    std::filesystem::path storage_dir_;
};

}  // namespace acedt_test
