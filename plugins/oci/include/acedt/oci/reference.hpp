// Image references: [HOST[:PORT]/]REPOSITORY[:TAG][@DIGEST].
#pragma once

#include <acedt/oci/digest.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace acedt::oci {

// True when `host` (a registry host with an optional port, as in
// Reference::registry()) is "localhost", a 127.0.0.0/8 address or [::1].
bool is_loopback_host(std::string_view host);

// True when `path` is a valid repository path ("library/busybox"): path
// components of lower-case letters and digits joined by '.', '_', '__' or
// dashes, separated by '/'.
bool is_valid_repository_path(std::string_view path);

class Reference {
public:
    // Parses a reference in the Docker distribution grammar. A first path
    // component is a registry host when it contains '.' or ':' or is
    // "localhost"; otherwise the registry is docker.io, and a single-component
    // repository gets the "library/" prefix (busybox is
    // docker.io/library/busybox). Without tag and digest the tag is "latest".
    // Host names and IPv4 and bracketed IPv6 addresses are accepted.
    // Throws Error naming the reference and the reason.
    static Reference parse(std::string_view text);

    const std::string &registry() const { return registry_; }      // "docker.io", "127.0.0.1:5000"
    const std::string &repository() const { return repository_; }  // "library/busybox"
    const std::string &tag() const { return tag_; }                // empty when absent
    const std::optional<Digest> &digest() const { return digest_; }

    // The tag or digest string to put in a /v2/<repo>/manifests/<x> URL:
    // the digest when present, otherwise the tag.
    std::string manifest_selector() const;

    // Host and port to contact for the registry's API: "registry-1.docker.io"
    // for docker.io, the registry itself otherwise.
    std::string api_host() const;

    // True when the registry host is "localhost", a 127.0.0.0/8 address or
    // [::1].
    bool is_loopback() const;

    // Canonical text: registry/repository[:tag][@digest].
    std::string str() const;

    // A copy with the digest set (the tag is kept).
    Reference with_digest(const Digest &digest) const;

private:
    std::string registry_;
    std::string repository_;
    std::string tag_;
    std::optional<Digest> digest_;
};

}  // namespace acedt::oci
