// Credentials from docker-style config files and their credential helpers,
// and the base64 coding that "auth" fields and Basic authorization use.
#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>

#include "json_fields.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace acedt::oci {

namespace json = boost::json;

namespace {

constexpr int kLogWarn = 4;
constexpr int kLogDebug = 12;

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kDockerHubIndexUrl = "https://index.docker.io/v1/";

// Names that Docker clients use for Docker Hub in the auths section.
constexpr std::array<std::string_view, 3> kDockerHubAliases = {"index.docker.io", "registry-1.docker.io", "docker.io"};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

bool is_base64_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}

// Like json_fields::to_string, but the message never shows the value,
// which may be a secret.
std::string secret_string(const json::value &value, std::string_view path) {
    if (!value.is_string()) {
        json_fields::fail(path, "expected a string");
    }
    return std::string(value.get_string().data(), value.get_string().size());
}

Credentials split_auth_field(std::string_view encoded, std::string_view path) {
    std::string decoded;
    try {
        decoded = decode_base64(encoded);
    } catch (const Error &error) {
        json_fields::fail(path, error.what());
    }

    const std::size_t colon = decoded.find(':');
    if (colon == std::string::npos) {
        json_fields::fail(path, "the decoded value has no ':' between user name and password");
    }
    Credentials credentials;
    credentials.username = decoded.substr(0, colon);
    credentials.password = decoded.substr(colon + 1);
    return credentials;
}

std::string optional_secret(const json::object &entry, std::string_view key, std::string_view path) {
    const json::value *value = json_fields::find(entry, key);
    return value == nullptr ? std::string() : secret_string(*value, json_fields::member_path(path, key));
}

// Returns std::nullopt for an entry without any credential field, which
// docker writes when the credentials live in a credentials store.
std::optional<Credentials> parse_auth_entry(const json::value &value, std::string_view path) {
    const json::object &entry = json_fields::to_object(value, path);

    Credentials credentials;
    const std::string encoded = optional_secret(entry, "auth", path);
    if (!encoded.empty()) {
        credentials = split_auth_field(encoded, json_fields::member_path(path, "auth"));
    } else {
        credentials.username = optional_secret(entry, "username", path);
        credentials.password = optional_secret(entry, "password", path);
    }
    credentials.identity_token = optional_secret(entry, "identitytoken", path);

    if (credentials.username.empty() && credentials.password.empty() && !credentials.has_identity_token()) {
        return std::nullopt;
    }
    return credentials;
}

std::map<std::string, std::string> parse_helper_map(const json::value &value, std::string_view path) {
    std::map<std::string, std::string> helpers;
    for (const auto &[key, name] : json_fields::to_string_map(value, path)) {
        helpers.emplace(normalize_registry_host(key), name);
    }
    return helpers;
}

std::string read_text_file(const std::string &path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (!file) {
        throw Error("cannot read registry credentials from " + path);
    }
    return text.str();
}

// The server name docker passes to credential helpers: Docker Hub is stored
// under its historical index URL, other registries under host[:port].
std::string helper_server_name(const std::string &host) {
    return host == kDockerHub ? std::string(kDockerHubIndexUrl) : host;
}

std::string describe_helper_problem(const HelperAnswer &answer) {
    switch (answer.status) {
    case HelperAnswer::Status::kNotFound:
        return "it has no credentials for this registry";
    case HelperAnswer::Status::kMissing:
    case HelperAnswer::Status::kFailed:
        return answer.problem;
    case HelperAnswer::Status::kFound:
        break;
    }
    return {};
}

}  // namespace

std::string normalize_registry_host(std::string_view name) {
    for (std::string_view scheme : {"https://", "http://"}) {
        if (starts_with_ignoring_case(name, scheme)) {
            name.remove_prefix(scheme.size());
            break;
        }
    }
    name = name.substr(0, name.find('/'));

    std::string host(name);
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    if (std::find(kDockerHubAliases.begin(), kDockerHubAliases.end(), host) != kDockerHubAliases.end()) {
        return std::string(kDockerHub);
    }
    return host;
}

std::string encode_base64(std::string_view data) {
    std::string encoded(4 * ((data.size() + 2) / 3), '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(encoded.data()),
                                       reinterpret_cast<const unsigned char *>(data.data()),
                                       static_cast<int>(data.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return encoded;
}

std::string decode_base64(std::string_view text) {
    std::string input;
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            input.push_back(c);
        }
    }

    const std::size_t data_end = input.find('=');
    const std::size_t padding = data_end == std::string::npos ? 0 : input.size() - data_end;
    const bool padding_valid = data_end == std::string::npos ||
                               (padding <= 2 && input.find_first_not_of('=', data_end) == std::string::npos);
    const bool chars_valid = std::all_of(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(input.size() - padding),
                                         is_base64_char);
    const std::size_t data_length = input.size() - padding;
    if (!padding_valid || !chars_valid || data_length % 4 == 1) {
        throw Error("invalid base64: expected the characters A-Z, a-z, 0-9, '+' and '/' with optional '=' padding");
    }

    // EVP_DecodeBlock needs whole 4-character groups and counts padding as
    // zero bytes, so pad here and cut those bytes off the result.
    input.resize(data_length);
    const std::size_t missing = (4 - data_length % 4) % 4;
    input.append(missing, '=');

    std::string decoded(input.size() / 4 * 3, '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(decoded.data()),
                                       reinterpret_cast<const unsigned char *>(input.data()),
                                       static_cast<int>(input.size()));
    if (length < 0) {
        throw Error("invalid base64");
    }
    decoded.resize(static_cast<std::size_t>(length) - missing);
    return decoded;
}

DockerConfigFile parse_docker_config(std::string_view json_text, std::string_view origin) {
    DockerConfigFile config;
    try {
        const json::value document = json_fields::parse(json_text);
        const json::object &object = json_fields::to_object(document, "");

        if (const json::value *helpers = json_fields::find(object, "credHelpers")) {
            config.credential_helpers = parse_helper_map(*helpers, "credHelpers");
        }
        if (const json::value *store = json_fields::find(object, "credsStore")) {
            config.credentials_store = json_fields::to_string(*store, "credsStore");
        }
        if (const json::value *auths = json_fields::find(object, "auths")) {
            for (const auto &member : json_fields::to_object(*auths, "auths")) {
                const std::string key(member.key().data(), member.key().size());
                config.auths.emplace(normalize_registry_host(key),
                                     parse_auth_entry(member.value(), json_fields::member_path("auths", key)));
            }
        }
    } catch (const Error &error) {
        throw Error(std::string(origin) + ": " + error.what());
    }
    return config;
}

std::map<std::string, Credentials> parse_docker_auths(std::string_view json_text, std::string_view origin) {
    std::map<std::string, Credentials> result;
    for (const auto &[host, credentials] : parse_docker_config(json_text, origin).auths) {
        if (credentials) {
            result.emplace(host, *credentials);
        }
    }
    return result;
}

std::vector<std::string> default_credential_files(const std::string &registry_auth_file) {
    std::vector<std::string> files;
    if (!registry_auth_file.empty()) {
        files.push_back(registry_auth_file);
    }
    const char *runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (runtime_dir != nullptr && *runtime_dir != '\0') {
        files.push_back(std::string(runtime_dir) + "/containers/auth.json");
    }
    const char *home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        files.push_back(std::string(home) + "/.docker/config.json");
    }
    return files;
}

CredentialStore::CredentialStore(std::vector<std::string> files, LogFunction log,
                                 std::chrono::milliseconds helper_timeout)
    : files_(std::move(files)), log_(std::move(log)), helper_timeout_(helper_timeout) {
    if (!log_) {
        log_ = [](int, const std::string &) {};
    }
}

CredentialLookup CredentialStore::find(std::string_view registry) {
    const std::string host = normalize_registry_host(registry);
    std::lock_guard lock(mutex_);
    const auto cached = cache_.find(host);
    if (cached != cache_.end()) {
        return cached->second;
    }
    CredentialLookup lookup = look_up_locked(host);
    cache_.emplace(host, lookup);
    return lookup;
}

std::string CredentialStore::describe_files() const {
    if (files_.empty()) {
        return "(none)";
    }
    std::string list;
    for (std::size_t i = 0; i < files_.size(); ++i) {
        if (i > 0) {
            list += i + 1 == files_.size() ? " or " : ", ";
        }
        list += files_[i];
    }
    return list;
}

const DockerConfigFile &CredentialStore::load_locked(std::size_t index) {
    const auto loaded = loaded_.find(index);
    if (loaded != loaded_.end()) {
        return loaded->second;
    }

    const std::string &path = files_[index];
    DockerConfigFile config;
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
        config = parse_docker_config(read_text_file(path), path);
    }
    return loaded_.emplace(index, std::move(config)).first->second;
}

CredentialLookup CredentialStore::look_up_locked(const std::string &host) {
    for (std::size_t index = 0; index < files_.size(); ++index) {
        const DockerConfigFile &config = load_locked(index);
        const std::string &file = files_[index];

        // credHelpers names the helper for this registry; credsStore is
        // consulted only for registries without one, as docker does.
        const auto helper = config.credential_helpers.find(host);
        if (helper != config.credential_helpers.end()) {
            if (auto credentials = ask_helper_locked(helper->second, host, file, "credHelpers")) {
                return {std::move(credentials), "docker-credential-" + helper->second + " (credHelpers in " + file + ")"};
            }
        } else if (!config.credentials_store.empty()) {
            if (auto credentials = ask_helper_locked(config.credentials_store, host, file, "credsStore")) {
                return {std::move(credentials),
                        "docker-credential-" + config.credentials_store + " (credsStore in " + file + ")"};
            }
        }

        const auto entry = config.auths.find(host);
        if (entry != config.auths.end() && entry->second) {
            return {entry->second, "the auths entry in " + file};
        }
    }
    return {};
}

std::optional<Credentials> CredentialStore::ask_helper_locked(const std::string &helper, const std::string &host,
                                                            const std::string &file, std::string_view role) {
    HelperAnswer answer;
    try {
        answer = run_credential_helper(helper, helper_server_name(host), helper_timeout_);
    } catch (const Error &error) {
        throw Error(file + ": " + std::string(role) + ": " + error.what());
    }
    if (answer.status == HelperAnswer::Status::kFound) {
        log_(kLogDebug, "using credentials for " + host + " from docker-credential-" + helper);
        return answer.credentials;
    }

    log_(kLogWarn, "no credentials for " + host + " from docker-credential-" + helper + " (" + std::string(role) +
                       " in " + file + "): " + describe_helper_problem(answer) +
                       "; continuing without them unless another source has some");
    return std::nullopt;
}

}  // namespace acedt::oci
