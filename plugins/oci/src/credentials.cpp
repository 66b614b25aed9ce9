// Credentials from docker-style config files, and the base64 coding that
// their "auth" fields and Basic authorization use.
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

constexpr std::string_view kDockerHub = "docker.io";

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
    return Credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

std::optional<Credentials> parse_auth_entry(const json::value &value, std::string_view path) {
    const json::object &entry = json_fields::to_object(value, path);

    if (const json::value *auth = json_fields::find(entry, "auth")) {
        const std::string encoded = secret_string(*auth, json_fields::member_path(path, "auth"));
        if (!encoded.empty()) {
            return split_auth_field(encoded, json_fields::member_path(path, "auth"));
        }
    }

    Credentials credentials;
    if (const json::value *username = json_fields::find(entry, "username")) {
        credentials.username = secret_string(*username, json_fields::member_path(path, "username"));
    }
    if (const json::value *password = json_fields::find(entry, "password")) {
        credentials.password = secret_string(*password, json_fields::member_path(path, "password"));
    }
    if (credentials.username.empty() && credentials.password.empty()) {
        return std::nullopt;
    }
    return credentials;
}

std::string default_config_path() {
    const char *home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
        return {};
    }
    return std::string(home) + "/.docker/config.json";
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

std::map<std::string, Credentials> parse_docker_auths(std::string_view json_text, std::string_view origin) {
    std::map<std::string, Credentials> result;
    try {
        const json::value document = json_fields::parse(json_text);
        const json::object &object = json_fields::to_object(document, "");
        const json::value *auths = json_fields::find(object, "auths");
        if (auths == nullptr) {
            return result;
        }

        for (const auto &member : json_fields::to_object(*auths, "auths")) {
            const std::string key(member.key().data(), member.key().size());
            const std::optional<Credentials> credentials =
                parse_auth_entry(member.value(), json_fields::member_path("auths", key));
            if (credentials) {
                result.emplace(normalize_registry_host(key), *credentials);
            }
        }
    } catch (const Error &error) {
        throw Error(std::string(origin) + ": " + error.what());
    }
    return result;
}

CredentialStore::CredentialStore(std::string path) : path_(path.empty() ? default_config_path() : std::move(path)) {}

std::optional<Credentials> CredentialStore::find(std::string_view registry) {
    std::lock_guard lock(mutex_);
    if (!loaded_) {
        load_locked();
        loaded_ = true;
    }

    const auto found = credentials_.find(normalize_registry_host(registry));
    if (found == credentials_.end()) {
        return std::nullopt;
    }
    return found->second;
}

void CredentialStore::load_locked() {
    if (path_.empty()) {
        return;
    }

    std::error_code error;
    if (!std::filesystem::exists(path_, error)) {
        return;
    }

    std::ifstream file(path_, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (!file) {
        throw Error("cannot read registry credentials from " + path_);
    }
    credentials_ = parse_docker_auths(text.str(), path_);
}

}  // namespace acedt::oci
