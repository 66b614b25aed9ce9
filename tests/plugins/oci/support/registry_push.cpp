#include "support/registry_push.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <vector>

namespace acedt::oci::testing {

namespace {

struct Reply {
    long status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

size_t collect_body(char *data, size_t size, size_t count, void *user_data) {
    static_cast<Reply *>(user_data)->body.append(data, size * count);
    return size * count;
}

size_t collect_header(char *data, size_t size, size_t count, void *user_data) {
    const std::string line(data, size * count);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        value.erase(value.find_last_not_of("\r\n") + 1);
        static_cast<Reply *>(user_data)->headers[name] = value;
    }
    return size * count;
}

Reply perform(const std::string &method, const std::string &url, const std::vector<std::string> &headers,
              const std::string &body, const std::string &user, const std::string &password) {
    CURL *handle = curl_easy_init();
    curl_slist *header_list = nullptr;
    for (const std::string &header : headers) {
        header_list = curl_slist_append(header_list, header.c_str());
    }

    Reply reply;
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &collect_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &collect_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &reply);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    // Test registries that serve HTTPS use a self-signed certificate.
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
    if (!user.empty()) {
        curl_easy_setopt(handle, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(handle, CURLOPT_USERNAME, user.c_str());
        curl_easy_setopt(handle, CURLOPT_PASSWORD, password.c_str());
    }

    const CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_slist_free_all(header_list);
    curl_easy_cleanup(handle);
    if (code != CURLE_OK) {
        throw std::runtime_error(method + " " + url + " failed: " + curl_easy_strerror(code));
    }
    return reply;
}

void expect_status(const Reply &reply, long expected, const std::string &what) {
    if (reply.status != expected) {
        throw std::runtime_error(what + ": expected HTTP " + std::to_string(expected) + ", got " +
                                 std::to_string(reply.status) + ": " + reply.body);
    }
}

}  // namespace

RegistryPusher::RegistryPusher(std::string base_url, std::string user, std::string password)
    : base_url_(std::move(base_url)), user_(std::move(user)), password_(std::move(password)) {}

void RegistryPusher::push_blob(const std::string &repository, const Blob &blob) {
    const Reply start = perform("POST", base_url_ + "/v2/" + repository + "/blobs/uploads/", {}, "", user_, password_);
    expect_status(start, 202, "starting the upload of " + blob.digest);

    std::string location = start.headers.count("location") != 0 ? start.headers.at("location") : std::string();
    if (location.starts_with("/")) {
        location = base_url_ + location;
    }
    std::string digest = blob.digest;
    digest.replace(digest.find(':'), 1, "%3A");
    location += (location.find('?') == std::string::npos ? "?digest=" : "&digest=") + digest;

    const Reply finish = perform("PUT", location, {"Content-Type: application/octet-stream"}, blob.data, user_, password_);
    expect_status(finish, 201, "finishing the upload of " + blob.digest);
}

std::string RegistryPusher::push_manifest(const std::string &repository, const std::string &tag_or_digest,
                                          const Blob &manifest) {
    const Reply reply = perform("PUT", base_url_ + "/v2/" + repository + "/manifests/" + tag_or_digest,
                                {"Content-Type: " + manifest.media_type}, manifest.data, user_, password_);
    expect_status(reply, 201, "pushing manifest " + tag_or_digest);
    const auto digest = reply.headers.find("docker-content-digest");
    return digest == reply.headers.end() ? std::string() : digest->second;
}

void RegistryPusher::push_image(const std::string &repository, const SampleImage &image) {
    push_blob(repository, image.config);
    push_blob(repository, image.layer);
    push_manifest(repository, image.manifest.digest, image.manifest);
}

}  // namespace acedt::oci::testing
