// GET requests over libcurl, with the limits, logging and interruption that
// registry access needs. One Transport owns one curl easy handle, so requests
// made through it reuse connections. A Transport is not thread-safe.
#pragma once

#include <acedt/oci/client_config.hpp>
#include <acedt/oci/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef void CURL;

namespace acedt::oci::http {

struct Request {
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    bool insecure_skip_verify = false;
    std::int64_t max_body_bytes = 0;  // 0: no limit
};

struct Response {
    long status = 0;
    std::string url;  // after redirects
    // Headers of the final response, with lower-case names, in order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // Values of every header called `name` (lower-case).
    std::vector<std::string> header_values(std::string_view name) const;
    // The first value of header `name`, or "" when absent.
    std::string header(std::string_view name) const;
};

enum class FailureKind {
    kConnect,      // no HTTP response: DNS, TCP, TLS handshake or an empty reply
    kCertificate,  // the server certificate was rejected
    kTransfer,     // the exchange failed after it began
    kBodyTooLarge, // the body exceeds Request::max_body_bytes
};

class TransportError : public Error {
public:
    TransportError(FailureKind kind, const std::string &message) : Error(message), kind_(kind) {}
    FailureKind kind() const { return kind_; }

private:
    FailureKind kind_;
};

class Transport {
public:
    explicit Transport(ClientHooks hooks);
    ~Transport();
    Transport(const Transport &) = delete;
    Transport &operator=(const Transport &) = delete;

    // Sends a GET and returns the response whatever its status. Follows up
    // to 10 redirects over HTTP(S). Throws TransportError when no complete
    // response arrives and InterruptedError when the hooks report Ctrl-C.
    Response get(const Request &request);

    const ClientHooks &hooks() const { return hooks_; }

private:
    CURL *handle_;
    ClientHooks hooks_;
};

// The URL without any user:password@ part, for logs and messages.
std::string redact_url(std::string_view url);

// Percent-encodes everything but unreserved characters (RFC 3986), for
// query parameter values.
std::string escape_query_value(std::string_view value);

// The "host[:port]" part of an absolute URL, without user information.
std::string url_host(std::string_view url);

// "scheme://host[:port]" of an absolute URL, lower-cased; empty when the URL
// has no scheme.
std::string url_origin(std::string_view url);

}  // namespace acedt::oci::http
