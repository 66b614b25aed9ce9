// Uploads blobs and manifests to a registry over the distribution API with
// plain libcurl, independently of the library under test.
#pragma once

#include "support/test_content.hpp"

#include <string>

namespace acedt::oci::testing {

class RegistryPusher {
public:
    // `base_url` is "http://127.0.0.1:PORT". A non-empty user enables Basic
    // authentication.
    explicit RegistryPusher(std::string base_url, std::string user = {}, std::string password = {});

    // POST /v2/<repo>/blobs/uploads/, then PUT to the returned location with
    // the digest. Throws std::runtime_error on an unexpected status.
    void push_blob(const std::string &repository, const Blob &blob);

    // PUT /v2/<repo>/manifests/<tag or digest> with the manifest's media
    // type. Returns the Docker-Content-Digest header of the response.
    std::string push_manifest(const std::string &repository, const std::string &tag_or_digest, const Blob &manifest);

    // Pushes the config and layer blobs, then the manifest by digest.
    void push_image(const std::string &repository, const SampleImage &image);

private:
    std::string base_url_;
    std::string user_;
    std::string password_;
};

}  // namespace acedt::oci::testing
