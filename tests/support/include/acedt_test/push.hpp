// Pushes OCI layout content and hand-made manifests to a registry over plain
// HTTP, using the OCI distribution API with monolithic blob uploads.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace acedt_test {

/// Basic authentication credentials. With an empty username no credentials
/// are sent.
struct PushAuth {
    std::string username;
    std::string password;
};

/// An HTTP response with an unexpected status. what() names the method, URL,
/// status and response body.
class HttpError : public std::runtime_error {
public:
    HttpError(const std::string &method, const std::string &url, long status, std::string body);

    long status() const { return status_; }
    const std::string &body() const { return body_; }

private:
    long status_;
    std::string body_;
};

/// Pushes the manifest tagged `tag` in the layout's index.json to
/// http://host_port/repository and tags it `target_tag` there. Every child
/// manifest (entries of `manifests` and of the vnd.act3-ace.data.extra-manifests
/// annotation, at any depth) is pushed by digest, with its config and layer
/// blobs, children before parents, so the registry accepts each parent. A
/// manifest or blob shared by several parents is pushed once, and a blob
/// the repository already has (HEAD returns 200) is not uploaded again.
///
/// Returns the root digest. Throws HttpError when the registry rejects a
/// request, and std::runtime_error when the tag is not in index.json, a
/// blob is missing from both the layout and the registry, a manifest's
/// bytes do not match its digest, or the registry reports another digest
/// than the one pushed.
std::string push_layout_tag(const std::filesystem::path &layout, const std::string &tag,
                            const std::string &host_port, const std::string &repository,
                            const std::string &target_tag, const PushAuth &auth = {});

/// Pushes `bytes` unchanged as a manifest with Content-Type `media_type`,
/// under `reference` (a tag, or the manifest's own digest). The blobs and
/// child manifests it names must already be in the repository. Returns the
/// sha256 digest of `bytes`. Throws as push_layout_tag does.
std::string push_manifest_bytes(const std::string &host_port, const std::string &repository,
                                const std::string &reference, std::string_view bytes,
                                const std::string &media_type, const PushAuth &auth = {});

/// Uploads `bytes` as a blob unless the repository already has it. Returns
/// the sha256 digest of `bytes`.
std::string push_blob_bytes(const std::string &host_port, const std::string &repository, std::string_view bytes,
                            const PushAuth &auth = {});

}  // namespace acedt_test
