// A CNCF Distribution registry (/usr/bin/docker-registry) started for one
// test on a free 127.0.0.1 port, with storage in a temporary directory.
#pragma once

#include "support/temp_dir.hpp"

#include <string>
#include <sys/types.h>

namespace acedt::oci::testing {

inline constexpr const char *kRegistryBinary = "/usr/bin/docker-registry";

struct RegistryOptions {
    // When set, the registry requires Basic authentication from an htpasswd
    // file containing this user (bcrypt, written with `htpasswd -Bbn`).
    std::string user;
    std::string password;
    // When true, the registry serves HTTPS with a self-signed certificate for
    // 127.0.0.1, made with the openssl command.
    bool tls = false;
};

class RegistryProcess {
public:
    // Starts the registry and waits until GET /v2/ responds. Throws
    // std::runtime_error with the registry's log when it does not start.
    explicit RegistryProcess(const RegistryOptions &options = {});
    // Stops the process (SIGTERM, then SIGKILL) and waits for it.
    ~RegistryProcess();
    RegistryProcess(const RegistryProcess &) = delete;
    RegistryProcess &operator=(const RegistryProcess &) = delete;

    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url() const { return (tls_ ? "https://" : "http://") + host(); }
    const TempDir &directory() const { return directory_; }

private:
    void write_config(const RegistryOptions &options);
    void wait_until_ready();
    std::string log_text() const;

    TempDir directory_;
    int port_ = 0;
    bool tls_ = false;
    pid_t pid_ = -1;
};

// True when the registry binary is installed; tests skip with a message
// when it is not.
bool registry_available();

}  // namespace acedt::oci::testing
