#include <acedt_test/push.hpp>

#include <acedt_test/digest.hpp>
#include <acedt_test/layout_builder.hpp>

#include "http.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

namespace json = boost::json;

namespace acedt_test {
namespace {

struct Descriptor {
    std::string media_type;  // empty when the descriptor has none
    std::string digest;
};

std::string base_url(const std::string &host_port, const std::string &repository) {
    return "http://" + host_port + "/v2/" + repository;
}

http::Response send(http::Request request, const PushAuth &auth) {
    request.username = auth.username;
    request.password = auth.password;
    return http::send(request);
}

void expect_status(const http::Request &request, const http::Response &response, long expected) {
    if (response.status != expected) {
        throw HttpError(request.method, request.url, response.status, response.body);
    }
}

// The digest in the URL query: ':' is percent-encoded, as in any query value.
std::string digest_query(const std::string &digest) {
    std::string encoded;
    for (char c : digest) {
        encoded += c == ':' ? std::string("%3A") : std::string(1, c);
    }
    return "digest=" + encoded;
}

// Resolves the Location header of an upload response against the request URL.
std::string resolve_location(const std::string &location, const std::string &host_port,
                             const std::string &request_url) {
    if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) {
        return location;
    }
    if (location.rfind("/", 0) == 0) {
        return "http://" + host_port + location;
    }
    return request_url.substr(0, request_url.rfind('/') + 1) + location;
}

bool blob_exists(const std::string &host_port, const std::string &repository, const std::string &digest,
                 const PushAuth &auth) {
    http::Request request;
    request.method = "HEAD";
    request.url = base_url(host_port, repository) + "/blobs/" + digest;
    http::Response response = send(request, auth);
    if (response.status == 200) {
        return true;
    }
    if (response.status == 404) {
        return false;
    }
    throw HttpError(request.method, request.url, response.status, response.body);
}

void upload_blob(const std::string &host_port, const std::string &repository, const std::string &digest,
                 std::string_view bytes, const PushAuth &auth) {
    http::Request start;
    start.method = "POST";
    start.url = base_url(host_port, repository) + "/blobs/uploads/";
    http::Response started = send(start, auth);
    expect_status(start, started, 202);
    std::string location = started.header("location");
    if (location.empty()) {
        throw std::runtime_error("POST " + start.url + " returned no Location header");
    }

    http::Request finish;
    finish.method = "PUT";
    finish.url = resolve_location(location, host_port, start.url);
    finish.url += (finish.url.find('?') == std::string::npos ? "?" : "&") + digest_query(digest);
    finish.headers = {"Content-Type: application/octet-stream"};
    finish.body = std::string(bytes);
    http::Response finished = send(finish, auth);
    expect_status(finish, finished, 201);
}

std::optional<std::string> read_file(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Reads a descriptor, or returns nullopt when `value` is not an object with
// a string digest. Such content is skipped so that the registry is the one
// to reject malformed hand-made manifests.
std::optional<Descriptor> descriptor_of(const json::value &value) {
    if (!value.is_object()) {
        return std::nullopt;
    }
    const json::object &object = value.as_object();
    const json::value *digest = object.if_contains("digest");
    if (digest == nullptr || !digest->is_string()) {
        return std::nullopt;
    }
    Descriptor descriptor;
    descriptor.digest = std::string(digest->as_string());
    const json::value *media_type = object.if_contains("mediaType");
    if (media_type != nullptr && media_type->is_string()) {
        descriptor.media_type = std::string(media_type->as_string());
    }
    return descriptor;
}

std::vector<Descriptor> descriptors_in(const json::value *array) {
    std::vector<Descriptor> descriptors;
    if (array == nullptr || !array->is_array()) {
        return descriptors;
    }
    for (const json::value &item : array->as_array()) {
        if (std::optional<Descriptor> descriptor = descriptor_of(item)) {
            descriptors.push_back(*descriptor);
        }
    }
    return descriptors;
}

// Pushes one layout's manifests and blobs to one repository, remembering
// what it already pushed.
class LayoutPusher {
public:
    LayoutPusher(std::filesystem::path layout, std::string host_port, std::string repository, PushAuth auth)
        : layout_(std::move(layout)),
          host_port_(std::move(host_port)),
          repository_(std::move(repository)),
          auth_(std::move(auth)) {}

    // Pushes the manifest `descriptor` names, after everything it references,
    // under `reference`.
    void push_manifest_tree(const Descriptor &descriptor, const std::string &reference) {
        std::string bytes = read_layout_blob(descriptor.digest, "manifest");
        std::string actual = sha256_digest(bytes);
        if (actual != descriptor.digest) {
            throw std::runtime_error("manifest " + descriptor.digest + " in " + layout_.string() +
                                     " does not match its content, whose digest is " + actual);
        }

        std::string media_type = descriptor.media_type;
        boost::system::error_code error;
        json::value parsed = json::parse(bytes, error);
        if (!error && parsed.is_object()) {
            const json::object &manifest = parsed.as_object();
            push_children(manifest);
            const json::value *body_media_type = manifest.if_contains("mediaType");
            if (media_type.empty() && body_media_type != nullptr && body_media_type->is_string()) {
                media_type = std::string(body_media_type->as_string());
            }
        }
        if (media_type.empty()) {
            throw std::runtime_error("manifest " + descriptor.digest + " in " + layout_.string() +
                                     " has no media type in its descriptor or its body");
        }

        push_manifest_bytes(host_port_, repository_, reference, bytes, media_type, auth_);
        pushed_manifests_.insert(descriptor.digest);
    }

private:
    void push_children(const json::object &manifest) {
        std::vector<Descriptor> children = descriptors_in(manifest.if_contains("manifests"));
        const json::value *annotations = manifest.if_contains("annotations");
        if (annotations != nullptr && annotations->is_object()) {
            const json::value *extra = annotations->as_object().if_contains(kExtraManifestsAnnotation);
            if (extra != nullptr && extra->is_string()) {
                boost::system::error_code error;
                json::value extra_descriptors = json::parse(extra->as_string(), error);
                std::vector<Descriptor> more = descriptors_in(error ? nullptr : &extra_descriptors);
                children.insert(children.end(), more.begin(), more.end());
            }
        }
        for (const Descriptor &child : children) {
            if (pushed_manifests_.count(child.digest) == 0) {
                push_manifest_tree(child, child.digest);
            }
        }

        std::vector<Descriptor> blobs;
        const json::value *config = manifest.if_contains("config");
        if (config != nullptr) {
            if (std::optional<Descriptor> descriptor = descriptor_of(*config)) {
                blobs.push_back(*descriptor);
            }
        }
        std::vector<Descriptor> layers = descriptors_in(manifest.if_contains("layers"));
        blobs.insert(blobs.end(), layers.begin(), layers.end());
        for (const Descriptor &blob : blobs) {
            push_blob(blob.digest);
        }
    }

    void push_blob(const std::string &digest) {
        if (pushed_blobs_.count(digest) != 0) {
            return;
        }
        if (!blob_exists(host_port_, repository_, digest, auth_)) {
            upload_blob(host_port_, repository_, digest, read_layout_blob(digest, "blob"), auth_);
        }
        pushed_blobs_.insert(digest);
    }

    std::string read_layout_blob(const std::string &digest, const std::string &kind) const {
        std::size_t colon = digest.find(':');
        if (colon == std::string::npos) {
            throw std::runtime_error("invalid digest '" + digest + "' in " + layout_.string());
        }
        std::filesystem::path path = layout_ / "blobs" / digest.substr(0, colon) / digest.substr(colon + 1);
        std::optional<std::string> bytes = read_file(path);
        if (!bytes) {
            throw std::runtime_error(kind + " " + digest + " is missing from " + layout_.string() + " (no file " +
                                     path.string() + ")");
        }
        return *bytes;
    }

    std::filesystem::path layout_;
    std::string host_port_;
    std::string repository_;
    PushAuth auth_;
    std::set<std::string> pushed_manifests_;
    std::set<std::string> pushed_blobs_;
};

// Finds the index.json entry whose org.opencontainers.image.ref.name is
// `tag`.
Descriptor find_tag(const std::filesystem::path &layout, const std::string &tag) {
    std::filesystem::path index_path = layout / "index.json";
    std::optional<std::string> bytes = read_file(index_path);
    if (!bytes) {
        throw std::runtime_error("failed to read " + index_path.string());
    }
    json::value index = json::parse(*bytes);

    std::string tags_found;
    for (const json::value &entry : index.at("manifests").as_array()) {
        const json::object &object = entry.as_object();
        const json::value *annotations = object.if_contains("annotations");
        const json::value *name = annotations != nullptr && annotations->is_object()
                                      ? annotations->as_object().if_contains(kRefNameAnnotation)
                                      : nullptr;
        if (name == nullptr || !name->is_string()) {
            continue;
        }
        std::optional<Descriptor> descriptor = descriptor_of(entry);
        if (name->as_string() == tag && descriptor) {
            return *descriptor;
        }
        tags_found += (tags_found.empty() ? "" : ", ") + std::string(name->as_string());
    }
    throw std::runtime_error("tag '" + tag + "' is not in " + index_path.string() +
                             " (tags found: " + (tags_found.empty() ? "none" : tags_found) + ")");
}

}  // namespace

HttpError::HttpError(const std::string &method, const std::string &url, long status, std::string body)
    : std::runtime_error(method + " " + url + " returned HTTP " + std::to_string(status) + ": " + body),
      status_(status),
      body_(std::move(body)) {}

std::string push_layout_tag(const std::filesystem::path &layout, const std::string &tag,
                            const std::string &host_port, const std::string &repository,
                            const std::string &target_tag, const PushAuth &auth) {
    Descriptor root = find_tag(layout, tag);
    LayoutPusher pusher(layout, host_port, repository, auth);
    pusher.push_manifest_tree(root, target_tag);
    return root.digest;
}

std::string push_manifest_bytes(const std::string &host_port, const std::string &repository,
                                const std::string &reference, std::string_view bytes,
                                const std::string &media_type, const PushAuth &auth) {
    std::string digest = sha256_digest(bytes);

    http::Request request;
    request.method = "PUT";
    request.url = base_url(host_port, repository) + "/manifests/" + reference;
    request.headers = {"Content-Type: " + media_type};
    request.body = std::string(bytes);
    http::Response response = send(request, auth);
    expect_status(request, response, 201);

    std::string reported = response.header("docker-content-digest");
    if (!reported.empty() && reported != digest) {
        throw std::runtime_error("PUT " + request.url + " stored digest " + reported + " but the pushed bytes have " +
                                 digest);
    }
    return digest;
}

std::string push_blob_bytes(const std::string &host_port, const std::string &repository, std::string_view bytes,
                            const PushAuth &auth) {
    std::string digest = sha256_digest(bytes);
    if (!blob_exists(host_port, repository, digest, auth)) {
        upload_blob(host_port, repository, digest, bytes, auth);
    }
    return digest;
}

}  // namespace acedt_test
