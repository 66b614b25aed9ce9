// Registry authentication: WWW-Authenticate challenges, and credentials from
// docker-style config files (the "auths" section of ~/.docker/config.json).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci {

// One challenge of a WWW-Authenticate header, such as
// Bearer realm="https://auth.example.com/token",service="registry".
struct AuthChallenge {
    std::string scheme;                             // lower-case: "bearer", "basic"
    std::map<std::string, std::string> parameters;  // lower-case names, unquoted values
};

// Parses one WWW-Authenticate header value, which may contain several
// challenges. Scheme and parameter names are case-insensitive, and values
// may be tokens or quoted strings with backslash escapes. Text that does not
// fit the grammar is skipped rather than rejected, because the caller only
// needs the challenges it supports.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

struct Credentials {
    std::string username;
    std::string password;
};

// Normalises a registry name or a key of the "auths" section: drops an
// http:// or https:// prefix, any path and trailing slash, lower-cases the
// host and keeps the port. docker.io, index.docker.io, registry-1.docker.io
// and https://index.docker.io/v1/ all become "docker.io".
std::string normalize_registry_host(std::string_view name);

// Standard base64 with optional padding. decode_base64 throws Error on
// invalid input, and the message does not repeat the input, which may be a
// secret.
std::string encode_base64(std::string_view data);
std::string decode_base64(std::string_view text);

// Reads the "auths" section of a docker config file, keyed by normalised
// registry host. An entry's "auth" field is base64 of "user:password", split
// at the first colon. Without it, "username" and "password" are used.
// Entries with neither are skipped. `origin` names the file in messages.
std::map<std::string, Credentials> parse_docker_auths(std::string_view json, std::string_view origin);

// Credentials for registries, read lazily from one docker config file.
// Safe to share between threads.
class CredentialStore {
public:
    // `path` empty means $HOME/.docker/config.json, or no file when HOME is
    // not set.
    explicit CredentialStore(std::string path);

    // Looks up `registry` (normalised as above). Reads the file on first use,
    // and a missing file has no credentials. Throws Error when the file cannot
    // be read or parsed.
    std::optional<Credentials> find(std::string_view registry);

    // The file consulted, for messages. Empty when none could be determined.
    const std::string &path() const { return path_; }

private:
    void load_locked();

    std::string path_;
    std::mutex mutex_;
    bool loaded_ = false;
    std::map<std::string, Credentials> credentials_;
};

}  // namespace acedt::oci
