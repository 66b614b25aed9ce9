#include <acedt/oci/error.hpp>
#include <acedt/oci/reference.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <regex>

namespace acedt::oci {

namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kDockerHubApiHost = "registry-1.docker.io";
constexpr std::string_view kDockerHubLegacyHost = "index.docker.io";
constexpr std::string_view kDefaultTag = "latest";

// Maximum length of registry/repository, as in the Docker distribution
// reference grammar.
constexpr std::size_t kMaxNameLength = 255;

// The tag grammar of the Docker distribution reference format. Path
// components and host names are checked by the scanners below instead of
// std::regex: their grammar nests repetitions, on which libstdc++'s
// backtracking engine takes exponential time and recurses once per
// character. With g++ 12 -O2, 24 letters followed by '!' took 4.5 s, and
// each further letter doubled that.
const std::regex kTag("[\\w][\\w.-]{0,127}");

[[noreturn]] void reject(std::string_view reference, std::string_view reason) {
    throw Error("invalid reference \"" + std::string(reference) + "\": " + std::string(reason));
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
}

bool matches(const std::regex &pattern, std::string_view text) {
    return std::regex_match(text.begin(), text.end(), pattern);
}

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_alnum(char c) {
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// True when `component` matches [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*:
// runs of lower-case letters and digits joined by '.', '_', '__' or one or
// more dashes. Runs in linear time.
bool is_valid_path_component(std::string_view component) {
    std::size_t position = 0;
    while (true) {
        const std::size_t run_start = position;
        while (position < component.size() && is_lower_alnum(component[position])) {
            ++position;
        }
        if (position == run_start) {
            return false;  // empty component, or a separator at the start, at the end or after another
        }
        if (position == component.size()) {
            return true;
        }

        const char separator = component[position];
        if (separator == '.') {
            ++position;
        } else if (separator == '_') {
            position += component.substr(position).starts_with("__") ? 2 : 1;
        } else if (separator == '-') {
            while (position < component.size() && component[position] == '-') {
                ++position;
            }
        } else {
            return false;
        }
    }
}

// True when `host` is a host name as the reference grammar has it: labels
// of letters, digits and inner dashes, separated by single dots. IPv4
// addresses match too. Runs in linear time.
bool is_valid_domain_name(std::string_view host) {
    std::size_t label_start = 0;
    while (true) {
        const std::size_t dot = std::min(host.find('.', label_start), host.size());
        const std::string_view label = host.substr(label_start, dot - label_start);
        if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) {
            return false;
        }
        if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
            return false;
        }
        if (dot == host.size()) {
            return true;
        }
        label_start = dot + 1;
    }
}

struct HostPort {
    std::string_view host;  // keeps the brackets of an IPv6 address
    std::optional<std::string_view> port;
    std::string_view trailing;  // text after "]" that is not ":PORT"
};

HostPort split_host_port(std::string_view domain) {
    std::size_t host_end = 0;
    if (domain.starts_with('[')) {
        const std::size_t close = domain.find(']');
        host_end = close == std::string_view::npos ? domain.size() : close + 1;
    } else {
        host_end = std::min(domain.find(':'), domain.size());
    }

    HostPort parts{domain.substr(0, host_end), std::nullopt, {}};
    const std::string_view rest = domain.substr(host_end);
    if (rest.starts_with(':')) {
        parts.port = rest.substr(1);
    } else {
        parts.trailing = rest;
    }
    return parts;
}

bool is_ipv6_literal(std::string_view bracketed, in6_addr *address) {
    if (bracketed.size() < 3 || !bracketed.starts_with('[') || !bracketed.ends_with(']')) {
        return false;
    }
    const std::string inner(bracketed.substr(1, bracketed.size() - 2));
    in6_addr parsed{};
    const bool valid = inet_pton(AF_INET6, inner.c_str(), &parsed) == 1;
    if (valid && address != nullptr) {
        *address = parsed;
    }
    return valid;
}

bool is_valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5) {
        return false;
    }
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    return std::stoi(std::string(port)) <= 65535;
}

void validate_domain(std::string_view reference, std::string_view domain) {
    const HostPort parts = split_host_port(domain);

    if (parts.host.starts_with('[')) {
        if (!is_ipv6_literal(parts.host, nullptr) || !parts.trailing.empty()) {
            reject(reference, "invalid IPv6 address in registry \"" + std::string(domain) +
                                  "\"; expected [ADDRESS] or [ADDRESS]:PORT");
        }
    } else if (!is_valid_domain_name(parts.host)) {
        reject(reference, "invalid registry host \"" + std::string(parts.host) +
                              "\"; expected a host name, an IPv4 address or a bracketed IPv6 address");
    }

    if (parts.port && !is_valid_port(*parts.port)) {
        reject(reference, "invalid port \"" + std::string(*parts.port) + "\" in registry \"" + std::string(domain) +
                              "\"; expected a number from 0 to 65535");
    }
}

// Returns why `repository` is not a valid repository path, or nothing when
// it is valid.
std::optional<std::string> find_repository_problem(std::string_view repository) {
    if (repository.empty()) {
        return "missing repository name";
    }

    std::size_t start = 0;
    while (start <= repository.size()) {
        const std::size_t slash = std::min(repository.find('/', start), repository.size());
        const std::string_view component = repository.substr(start, slash - start);
        if (component.empty()) {
            return "empty path component in repository \"" + std::string(repository) + "\"";
        }
        if (!is_valid_path_component(component)) {
            if (is_valid_path_component(to_lower(component))) {
                return "repository names must be lowercase, found \"" + std::string(repository) + "\"";
            }
            return "invalid path component \"" + std::string(component) +
                   "\"; components contain lower-case letters and digits, separated by '.', '_', '__' or dashes";
        }
        start = slash + 1;
    }
    return std::nullopt;
}

// A first path component names a registry when it contains '.' or ':' or
// is "localhost".
bool looks_like_domain(std::string_view component) {
    return component.find_first_of(".:") != std::string_view::npos || component == "localhost";
}

}  // namespace

Reference Reference::parse(std::string_view text) {
    if (text.empty()) {
        throw Error("invalid reference \"\": the reference is empty");
    }

    Reference reference;
    std::string_view name = text;

    const std::size_t at = name.find('@');
    if (at != std::string_view::npos) {
        try {
            reference.digest_ = Digest::parse(name.substr(at + 1));
        } catch (const Error &error) {
            reject(text, error.what());
        }
        name = name.substr(0, at);
    }

    const std::size_t colon = name.rfind(':');
    if (colon != std::string_view::npos && name.find('/', colon) == std::string_view::npos) {
        const std::string_view tag = name.substr(colon + 1);
        if (!matches(kTag, tag)) {
            reject(text, "invalid tag \"" + std::string(tag) +
                             "\"; a tag has 1 to 128 letters, digits, '_', '.' or '-' and does not start with "
                             "'.' or '-'");
        }
        reference.tag_ = std::string(tag);
        name = name.substr(0, colon);
    }

    const std::size_t slash = name.find('/');
    if (slash != std::string_view::npos && looks_like_domain(name.substr(0, slash))) {
        reference.registry_ = std::string(name.substr(0, slash));
        validate_domain(text, reference.registry_);
        name = name.substr(slash + 1);
    } else {
        reference.registry_ = std::string(kDockerHub);
    }

    if (const std::optional<std::string> problem = find_repository_problem(name)) {
        reject(text, *problem);
    }
    reference.repository_ = std::string(name);

    if (reference.registry_ == kDockerHubLegacyHost) {
        reference.registry_ = std::string(kDockerHub);
    }
    if (reference.registry_ == kDockerHub && reference.repository_.find('/') == std::string::npos) {
        reference.repository_ = "library/" + reference.repository_;
    }

    const std::size_t name_length = reference.registry_.size() + 1 + reference.repository_.size();
    if (name_length > kMaxNameLength) {
        reject(text, "the name " + reference.registry_ + "/" + reference.repository_ + " has " +
                         std::to_string(name_length) + " characters; the maximum is " +
                         std::to_string(kMaxNameLength));
    }

    if (reference.tag_.empty() && !reference.digest_) {
        reference.tag_ = std::string(kDefaultTag);
    }
    return reference;
}

std::string Reference::manifest_selector() const {
    return digest_ ? digest_->str() : tag_;
}

std::string Reference::api_host() const {
    return registry_ == kDockerHub ? std::string(kDockerHubApiHost) : registry_;
}

bool is_valid_repository_path(std::string_view path) {
    return !find_repository_problem(path).has_value();
}

bool Reference::is_loopback() const {
    return is_loopback_host(registry_);
}

bool is_loopback_host(std::string_view host_and_port) {
    const std::string_view host = split_host_port(host_and_port).host;

    if (to_lower(host) == "localhost") {
        return true;
    }

    in6_addr v6{};
    if (is_ipv6_literal(host, &v6)) {
        return std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0;
    }

    in_addr v4{};
    const std::string host_text(host);
    if (inet_pton(AF_INET, host_text.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    return false;
}

std::string Reference::str() const {
    std::string text = registry_ + "/" + repository_;
    if (!tag_.empty()) {
        text += ":" + tag_;
    }
    if (digest_) {
        text += "@" + digest_->str();
    }
    return text;
}

Reference Reference::with_digest(const Digest &digest) const {
    Reference copy = *this;
    copy.digest_ = digest;
    return copy;
}

}  // namespace acedt::oci
