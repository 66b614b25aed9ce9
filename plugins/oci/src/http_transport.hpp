// HTTP requests over libcurl, with the limits, TLS settings, redirect rules,
// logging and interruption that registry access needs. One Transport owns
// one curl easy handle, so requests made through it reuse connections. A
// Transport is not thread-safe; TransportPool hands Transports to threads.
#pragma once

#include <acedt/oci/client_config.hpp>
#include <acedt/oci/error.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

typedef void CURL;

namespace acedt::oci::http {

struct Request {
    std::string method = "GET";  // GET or POST
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;                  // sent with POST
    std::int64_t max_body_bytes = 0;   // 0: no limit
};

struct Response {
    long status = 0;
    std::string url;  // after redirects
    // The origin of the request URL when a redirect led to another origin
    // (scheme, host or port), otherwise empty.
    std::string redirected_from;
    // Headers of the final response, with lower-case names, in order.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Set by send_with_retries when it stopped retrying a retryable status:
    // why, for the caller's message. Empty otherwise.
    std::string retries_exhausted;

    // Values of every header called `name` (lower-case).
    std::vector<std::string> header_values(std::string_view name) const;
    // The first value of header `name`, or "" when absent.
    std::string header(std::string_view name) const;
};

enum class FailureKind {
    kConnect,          // no HTTP response: DNS, TCP, TLS handshake, timeout or an empty reply
    kPlainHttpServer,  // the server replied to a TLS handshake in plain HTTP
    kTlsServer,        // a TLS server replied to a plain-HTTP request
    kCertificate,      // the server certificate was rejected
    kTransfer,         // the exchange failed after it began
    kBodyTooLarge,     // the body exceeds Request::max_body_bytes
};

class TransportError : public Error {
public:
    TransportError(FailureKind kind, const std::string &message, bool request_sent = false)
        : Error(message), kind_(kind), request_sent_(request_sent) {}
    FailureKind kind() const { return kind_; }
    // True when the request reached the server before the failure, such as
    // a response that stalled or was cut off: the endpoint was reachable.
    bool request_sent() const { return request_sent_; }

private:
    FailureKind kind_;
    bool request_sent_;
};

// TLS settings for one origin.
struct TlsOptions {
    bool insecure_skip_verify = false;
    // PEM files whose certificates are trusted in addition to the system CAs.
    std::vector<std::string> ca_files;
    // PEM client certificate and key for mutual TLS; both or neither.
    std::string client_certificate;
    std::string client_key;
};

struct TransportSettings {
    std::chrono::milliseconds connect_timeout{30000};
    std::chrono::milliseconds idle_timeout{30000};
    // Connections kept open for reuse, 0 for libcurl's default of 5. A pool
    // of N transports sharing one connection cache needs N, or connections
    // beyond the fifth are closed after each transfer and opened again.
    long max_connections = 0;
    // TLS settings for an origin ("https://host:port"); none when unset.
    std::function<TlsOptions(const std::string &origin)> tls_for_origin;
};

// A curl share handle (CURLSH) that lets several Transports use one
// connection cache, DNS cache and TLS session cache, with the locks libcurl
// needs when those Transports run on different threads.
class SharedConnections {
public:
    SharedConnections();
    ~SharedConnections();
    SharedConnections(const SharedConnections &) = delete;
    SharedConnections &operator=(const SharedConnections &) = delete;

    void *handle() const { return share_; }

private:
    struct Locks;
    void *share_;
    std::unique_ptr<Locks> locks_;
};

class Transport {
public:
    // With `shared`, connections, DNS answers and TLS sessions are shared
    // with every other Transport given the same object, which must outlive
    // this one.
    explicit Transport(ClientHooks hooks, TransportSettings settings = {},
                       std::shared_ptr<SharedConnections> shared = nullptr);
    ~Transport();
    Transport(const Transport &) = delete;
    Transport &operator=(const Transport &) = delete;

    // Sends the request and returns the response whatever its status.
    // Follows up to 10 redirects over HTTP(S); a redirect to another origin
    // drops the Authorization header, and a 303 turns a POST into a GET.
    // Throws TransportError when no complete response arrives and
    // InterruptedError when the hooks report Ctrl-C.
    Response send(const Request &request);

    const ClientHooks &hooks() const { return hooks_; }
    const TransportSettings &settings() const { return settings_; }

private:
    Response send_once(const Request &request);

    std::shared_ptr<SharedConnections> shared_;
    CURL *handle_;
    ClientHooks hooks_;
    TransportSettings settings_;
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

// Resolves `reference` (absolute, or relative as in a Location or Link
// header) against the absolute URL `base`. Throws Error when it cannot.
std::string resolve_url(const std::string &base, const std::string &reference);

// True when a Content-Type names JSON: application/json or any "+json" type.
bool is_json_content_type(std::string_view content_type);

}  // namespace acedt::oci::http
