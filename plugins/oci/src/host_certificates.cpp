#include "host_certificates.hpp"

#include <acedt/oci/error.hpp>

#include <cstdlib>
#include <filesystem>

namespace acedt::oci {

namespace {

namespace fs = std::filesystem;

struct KeyPair {
    const char *certificate;
    const char *key;
};

// docker's names first, then the names containerd's hosts.toml examples use.
constexpr KeyPair kClientPairs[] = {{"client.cert", "client.key"}, {"cert.pem", "key.pem"}};
constexpr const char *kCaFiles[] = {"ca.crt", "ca.pem"};

bool is_file(const fs::path &path) {
    std::error_code error;
    return fs::is_regular_file(path, error);
}

// Directory names to try for an origin: "host:port" as in the URL, and the
// bare host when the port is the scheme's default.
std::vector<std::string> directory_names(const std::string &origin) {
    const std::string host = http::url_host(origin);
    std::vector<std::string> names{host};
    if (host.ends_with(":443") && origin.starts_with("https://")) {
        names.push_back(host.substr(0, host.size() - 4));
    }
    if (host.find(':') == std::string::npos || host.back() == ']') {
        names.push_back(host + ":443");
    }
    return names;
}

}  // namespace

std::vector<std::string> default_certificate_directories() {
    std::vector<std::string> roots = {"/etc/containerd/certs.d", "/etc/docker/certs.d"};
    const char *home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        roots.push_back(std::string(home) + "/.docker/certs.d");
    }
    return roots;
}

http::TlsOptions find_host_certificates(const std::vector<std::string> &roots, const std::string &origin) {
    http::TlsOptions options;
    for (const std::string &root : roots) {
        for (const std::string &name : directory_names(origin)) {
            const fs::path directory = fs::path(root) / name;
            for (const char *ca_file : kCaFiles) {
                if (is_file(directory / ca_file)) {
                    options.ca_files.push_back((directory / ca_file).string());
                }
            }

            for (const KeyPair &pair : kClientPairs) {
                const bool has_certificate = is_file(directory / pair.certificate);
                const bool has_key = is_file(directory / pair.key);
                if (has_certificate != has_key) {
                    throw Error(directory.string() + " has " + (has_certificate ? pair.certificate : pair.key) +
                                " but no " + (has_certificate ? pair.key : pair.certificate) +
                                "; a client certificate needs both files");
                }
                if (has_certificate && options.client_certificate.empty()) {
                    options.client_certificate = (directory / pair.certificate).string();
                    options.client_key = (directory / pair.key).string();
                }
            }
        }
    }
    return options;
}

}  // namespace acedt::oci
