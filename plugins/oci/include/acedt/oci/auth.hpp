// Registry authentication: WWW-Authenticate challenges, and credentials from
// docker-style config files, their credential helpers and stores.
#pragma once

#include <acedt/oci/client_config.hpp>

#include <chrono>
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

// Credentials for one registry: a user name and password, or an identity
// token. An identity token is an OAuth2 refresh token: it is exchanged at the
// token service for an access token and never sent as a password.
struct Credentials {
    std::string username;
    std::string password;
    std::string identity_token;

    bool has_identity_token() const { return !identity_token.empty(); }
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

// The credential settings of one docker-style config file, keyed by
// normalised registry host.
struct DockerConfigFile {
    // credHelpers: the helper name (NAME in docker-credential-NAME) per host.
    std::map<std::string, std::string> credential_helpers;
    // credsStore: the helper for every host without a credHelpers entry;
    // empty when absent.
    std::string credentials_store;
    // auths: inline credentials per host. An entry without any credential
    // field maps to std::nullopt, which means "ask the credentials store".
    std::map<std::string, std::optional<Credentials>> auths;
};

// Parses a docker config.json or containers auth.json. In an auths entry,
// "auth" is base64 of "user:password" split at the first colon. When it is
// absent or empty, "username" and "password" are used, and "identitytoken"
// is kept as an identity token. When two keys normalise to
// one host, the first in the file wins. `origin` names the file in messages,
// which never repeat a credential. Throws Error.
DockerConfigFile parse_docker_config(std::string_view json, std::string_view origin);

// The entries of parse_docker_config(...).auths that hold credentials.
std::map<std::string, Credentials> parse_docker_auths(std::string_view json, std::string_view origin);

// The result of `docker-credential-NAME get`.
struct HelperAnswer {
    enum class Status {
        kFound,     // credentials returned
        kNotFound,  // the helper has none for this server
        kMissing,   // no executable docker-credential-NAME in PATH
        kFailed,    // it exited with another error, timed out or wrote invalid JSON
    };
    Status status = Status::kNotFound;
    Credentials credentials;
    std::string problem;  // for kMissing and kFailed; never contains the helper's output
};

// Runs `docker-credential-NAME get` (looked up in PATH) with `server` on
// standard input, and reads the JSON object {"Username", "Secret"} it
// writes. A Username of "<token>" makes Secret an identity token. Throws
// Error only for a helper name that is not a plain file name.
HelperAnswer run_credential_helper(const std::string &name, const std::string &server,
                                   std::chrono::milliseconds timeout);

// The credentials found for a registry and where they came from.
struct CredentialLookup {
    std::optional<Credentials> credentials;  // nullopt: anonymous access
    // Their source, for messages: "the auths entry in FILE" or
    // "docker-credential-NAME (credHelpers in FILE)". Empty when anonymous.
    std::string origin;
};

// The files consulted for credentials, in order: `registry_auth_file` when
// set (the host has applied its environment overrides to it), then
// $XDG_RUNTIME_DIR/containers/auth.json, then $HOME/.docker/config.json.
// Variables that are unset or empty contribute no file.
std::vector<std::string> default_credential_files(const std::string &registry_auth_file);

// Credentials for registries, looked up lazily and once per registry. The
// files are read in order; in each, the credHelpers entry for the registry
// is asked first, then the credsStore, then the inline auths entry. The first
// of these that has credentials wins. A helper that is missing, fails or has
// nothing for the registry costs one warning per registry, and the lookup
// goes on. Nothing found at all means anonymous access. Safe to share
// between threads.
class CredentialStore {
public:
    explicit CredentialStore(std::vector<std::string> files, LogFunction log = {},
                             std::chrono::milliseconds helper_timeout = std::chrono::seconds(30));

    // Looks up `registry` (normalised as above). Reads each file on first
    // use; a missing file has no credentials. Throws Error when a file
    // cannot be read or parsed.
    CredentialLookup find(std::string_view registry);

    // The files consulted, for messages: "A, B or C", or "(none)".
    std::string describe_files() const;

    const std::vector<std::string> &files() const { return files_; }

private:
    const DockerConfigFile &load_locked(std::size_t index);
    CredentialLookup look_up_locked(const std::string &host);
    std::optional<Credentials> ask_helper_locked(const std::string &helper, const std::string &host,
                                                 const std::string &file, std::string_view role);

    std::vector<std::string> files_;
    LogFunction log_;
    std::chrono::milliseconds helper_timeout_;
    std::mutex mutex_;
    std::map<std::size_t, DockerConfigFile> loaded_;  // by index in files_
    std::map<std::string, CredentialLookup> cache_;   // by normalised host
};

}  // namespace acedt::oci
