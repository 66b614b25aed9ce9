#include "http_transport.hpp"

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <mutex>

namespace acedt::oci::http {

namespace {

constexpr int kLogDebug = 12;
constexpr int kMaxRedirects = 10;
constexpr const char *kUserAgent = "ace-dt";

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw Error("libcurl initialisation failed");
        }
    });
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    return lower;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

// State the curl callbacks write into during one request.
struct Exchange {
    Response response;
    std::int64_t max_body_bytes = 0;
    bool body_too_large = false;
    const ClientHooks *hooks = nullptr;
    bool interrupted = false;
    bool got_status_line = false;
    const TlsOptions *tls = nullptr;
    std::string tls_problem;  // set by add_trusted_certificates on failure
};

size_t on_body(char *data, size_t size, size_t count, void *user_data) {
    auto *exchange = static_cast<Exchange *>(user_data);
    const size_t length = size * count;
    const auto new_size = static_cast<std::int64_t>(exchange->response.body.size() + length);
    if (exchange->max_body_bytes > 0 && new_size > exchange->max_body_bytes) {
        exchange->body_too_large = true;
        return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    exchange->response.body.append(data, length);
    return length;
}

// Collects headers; a status line starts a new response (after a redirect
// or an interim 1xx), so earlier headers are dropped.
size_t on_header(char *data, size_t size, size_t count, void *user_data) {
    auto *exchange = static_cast<Exchange *>(user_data);
    const size_t length = size * count;
    const std::string_view line(data, length);

    if (line.starts_with("HTTP/")) {
        exchange->got_status_line = true;
        exchange->response.headers.clear();
        return length;
    }

    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
        exchange->response.headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                                                std::string(trim(line.substr(colon + 1))));
    }
    return length;
}

int on_progress(void *user_data, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto *exchange = static_cast<Exchange *>(user_data);
    if (exchange->hooks->interrupted()) {
        exchange->interrupted = true;
        return 1;  // makes curl fail with CURLE_ABORTED_BY_CALLBACK
    }
    return 0;
}

// Adds the certificates of the extra CA files to the store that libcurl
// filled with the system CAs. libcurl calls this for each new connection, and
// the caller turns the store cache off, so the store belongs to this
// connection alone.
CURLcode add_trusted_certificates(CURL *, void *ssl_context, void *user_data) {
    auto *exchange = static_cast<Exchange *>(user_data);
    X509_STORE *store = SSL_CTX_get_cert_store(static_cast<SSL_CTX *>(ssl_context));

    for (const std::string &file : exchange->tls->ca_files) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(file.c_str(), "r"), &BIO_free);
        if (!bio) {
            exchange->tls_problem = "cannot read the CA file " + file;
            return CURLE_SSL_CACERT_BADFILE;
        }
        int added = 0;
        while (X509 *certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
            X509_STORE_add_cert(store, certificate);  // a duplicate is harmless
            X509_free(certificate);
            ++added;
        }
        if (added == 0) {
            exchange->tls_problem = "the CA file " + file + " contains no PEM certificate";
            return CURLE_SSL_CACERT_BADFILE;
        }
    }
    return CURLE_OK;
}

// Errors OpenSSL reports when a server replies to a TLS ClientHello with
// plain-HTTP bytes.
bool is_plain_http_answer(std::string_view reason) {
    return reason.find("wrong version number") != std::string_view::npos ||
           reason.find("packet length too long") != std::string_view::npos ||
           reason.find("http request") != std::string_view::npos;
}

// A server that requires a client certificate rejects a client without one
// during or right after the TLS handshake. With TLS 1.3 the client sees
// that as an alert, a reset or a closed connection, depending on timing, so
// every such failure of an HTTPS request sent without a certificate gets
// the hint.
bool may_want_client_certificate(CURLcode code, const Exchange &exchange, const std::string &url,
                                 const TlsOptions &tls) {
    const bool handshake_or_read = code == CURLE_SSL_CONNECT_ERROR || code == CURLE_RECV_ERROR ||
                                   code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING;
    return handshake_or_read && !exchange.got_status_line && url.starts_with("https://") &&
           tls.client_certificate.empty();
}

std::string format_duration(std::chrono::milliseconds duration) {
    const auto ms = duration.count();
    if (ms % 1000 != 0) {
        return std::to_string(ms) + "ms";
    }
    return std::to_string(ms / 1000) + "s";
}

// "N of M bytes" of the body received so far, M from Content-Length; "N
// bytes" when the response has no Content-Length.
std::string describe_received(const Exchange &exchange) {
    const std::string received = std::to_string(exchange.response.body.size());
    const std::string length = exchange.response.header("content-length");
    return length.empty() ? received + " bytes" : received + " of " + length + " bytes";
}

// libcurl words an idle timeout as a transfer rate ("Operation too slow.
// Less than 1 bytes/sec transferred the last 1 seconds"), which hides that
// the server went silent and which setting ended the wait.
std::string describe_stall(const Exchange &exchange, std::chrono::milliseconds idle_timeout) {
    std::string reason = "no data for " + format_duration(idle_timeout) + " (httpIdleTimeout)";
    if (exchange.got_status_line) {
        reason += " after " + describe_received(exchange) + " of the response body";
    } else {
        reason += " while waiting for the response";
    }
    return reason;
}

// A body that ends before its Content-Length: the server closed or reset
// the connection. libcurl's own text is kept in brackets for the details.
std::string describe_cut_body(const Exchange &exchange, const std::string &curl_reason) {
    return "connection closed after " + describe_received(exchange) + " of the response body (" + curl_reason +
           ")";
}

// Timeouts and resets before the status line count as connection failures,
// so that the caller may try another endpoint.
FailureKind classify(CURLcode code, bool got_status_line, std::string_view reason) {
    if (code == CURLE_SSL_CONNECT_ERROR && is_plain_http_answer(reason)) {
        return FailureKind::kPlainHttpServer;
    }
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        return got_status_line ? FailureKind::kTransfer : FailureKind::kConnect;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_GOT_NOTHING:
        return FailureKind::kConnect;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return FailureKind::kCertificate;
    case CURLE_FILESIZE_EXCEEDED:
        return FailureKind::kBodyTooLarge;
    default:
        return FailureKind::kTransfer;
    }
}

struct HeaderList {
    curl_slist *list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
};

}  // namespace

std::vector<std::string> Response::header_values(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto &[header_name, value] : headers) {
        if (header_name == name) {
            values.push_back(value);
        }
    }
    return values;
}

std::string Response::header(std::string_view name) const {
    for (const auto &[header_name, value] : headers) {
        if (header_name == name) {
            return value;
        }
    }
    return {};
}

// One mutex per kind of shared data, so that a DNS lookup does not wait for
// the connection cache.
struct SharedConnections::Locks {
    std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes;
};

namespace {

void lock_shared(CURL *, curl_lock_data data, curl_lock_access, void *user_data) {
    static_cast<std::array<std::mutex, CURL_LOCK_DATA_LAST> *>(user_data)->at(data).lock();
}

void unlock_shared(CURL *, curl_lock_data data, void *user_data) {
    static_cast<std::array<std::mutex, CURL_LOCK_DATA_LAST> *>(user_data)->at(data).unlock();
}

}  // namespace

SharedConnections::SharedConnections() : share_(nullptr), locks_(std::make_unique<Locks>()) {
    init_curl_once();
    CURLSH *share = curl_share_init();
    if (share == nullptr) {
        throw Error("libcurl could not create a share handle");
    }
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &lock_shared);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &unlock_shared);
    curl_share_setopt(share, CURLSHOPT_USERDATA, &locks_->mutexes);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    share_ = share;
}

SharedConnections::~SharedConnections() {
    curl_share_cleanup(static_cast<CURLSH *>(share_));
}

Transport::Transport(ClientHooks hooks, TransportSettings settings, std::shared_ptr<SharedConnections> shared)
    : shared_(std::move(shared)), handle_(nullptr), hooks_(std::move(hooks)), settings_(std::move(settings)) {
    if (!hooks_.log) {
        hooks_.log = [](int, const std::string &) {};
    }
    if (!hooks_.interrupted) {
        hooks_.interrupted = [] { return false; };
    }
    init_curl_once();
    handle_ = curl_easy_init();
    if (handle_ == nullptr) {
        throw Error("libcurl could not create a transfer handle");
    }
}

Transport::~Transport() {
    curl_easy_cleanup(handle_);
}

Response Transport::send(const Request &request) {
    const std::string first_origin = url_origin(request.url);
    Request current = request;

    for (int redirects = 0;; ++redirects) {
        Response response = send_once(current);
        const bool redirect = response.status == 301 || response.status == 302 || response.status == 303 ||
                              response.status == 307 || response.status == 308;
        const std::string location = response.header("location");
        if (!redirect || location.empty()) {
            if (url_origin(response.url) != first_origin) {
                response.redirected_from = first_origin;
            }
            return response;
        }

        const std::string described_request = current.method + " " + redact_url(current.url);
        if (redirects == kMaxRedirects) {
            throw TransportError(FailureKind::kTransfer,
                                 described_request + " failed: more than " + std::to_string(kMaxRedirects) + " redirects");
        }
        const std::string next = resolve_url(current.url, location);
        if (!next.starts_with("http://") && !next.starts_with("https://")) {
            throw TransportError(FailureKind::kTransfer, described_request + " failed: redirected to \"" + redact_url(next) +
                                                             "\", which is not an http:// or https:// URL");
        }

        // Credentials belong to the origin they were meant for, so a
        // redirect elsewhere (blob storage, a login page) never carries them.
        if (url_origin(next) != url_origin(current.url)) {
            std::erase_if(current.headers, [](const std::string &header) {
                return header.size() >= 14 && to_lower(std::string_view(header).substr(0, 14)) == "authorization:";
            });
            hooks_.log(kLogDebug, "following the redirect to " + url_origin(next) + " without credentials");
        }
        if (response.status == 303 || (current.method == "POST" && response.status <= 302)) {
            current.method = "GET";
            current.body.clear();
        }
        current.url = next;
    }
}

Response Transport::send_once(const Request &request) {
    if (hooks_.interrupted()) {
        throw InterruptedError();
    }

    // Reset clears the options of the previous request but keeps the
    // connection cache, so connections are reused.
    curl_easy_reset(handle_);
    if (shared_) {
        curl_easy_setopt(handle_, CURLOPT_SHARE, shared_->handle());
    }

    Exchange exchange;
    exchange.max_body_bytes = request.max_body_bytes;
    exchange.hooks = &hooks_;
    exchange.response.url = request.url;

    HeaderList headers;
    for (const std::string &header : request.headers) {
        headers.list = curl_slist_append(headers.list, header.c_str());
    }

    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle_, CURLOPT_URL, request.url.c_str());
    if (request.method == "POST") {
        curl_easy_setopt(handle_, CURLOPT_POST, 1L);
        curl_easy_setopt(handle_, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(handle_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else {
        curl_easy_setopt(handle_, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(handle_, CURLOPT_USERAGENT, kUserAgent);
    curl_easy_setopt(handle_, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_buffer);

    // Only HTTP(S). Redirects are followed by send(), which decides what
    // each hop may carry.
    curl_easy_setopt(handle_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle_, CURLOPT_FOLLOWLOCATION, 0L);
    // HTTP/2 where the server offers it over TLS, HTTP/1.1 otherwise.
    curl_easy_setopt(handle_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));

    if (settings_.max_connections > 0) {
        curl_easy_setopt(handle_, CURLOPT_MAXCONNECTS, settings_.max_connections);
    }
    curl_easy_setopt(handle_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
    const long idle_seconds = static_cast<long>((settings_.idle_timeout.count() + 999) / 1000);
    curl_easy_setopt(handle_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle_, CURLOPT_LOW_SPEED_TIME, std::max(1L, idle_seconds));

    TlsOptions tls;
    if (request.url.starts_with("https://") && settings_.tls_for_origin) {
        tls = settings_.tls_for_origin(url_origin(request.url));
    }
    exchange.tls = &tls;
    if (tls.insecure_skip_verify) {
        curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!tls.ca_files.empty()) {
        curl_easy_setopt(handle_, CURLOPT_CA_CACHE_TIMEOUT, 0L);
        curl_easy_setopt(handle_, CURLOPT_SSL_CTX_FUNCTION, &add_trusted_certificates);
        curl_easy_setopt(handle_, CURLOPT_SSL_CTX_DATA, &exchange);
    }
    if (!tls.client_certificate.empty()) {
        curl_easy_setopt(handle_, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(handle_, CURLOPT_SSLCERT, tls.client_certificate.c_str());
        curl_easy_setopt(handle_, CURLOPT_SSLKEY, tls.client_key.c_str());
    }
    if (request.max_body_bytes > 0) {
        curl_easy_setopt(handle_, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body_bytes));
    }

    curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(handle_, CURLOPT_WRITEDATA, &exchange);
    curl_easy_setopt(handle_, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(handle_, CURLOPT_HEADERDATA, &exchange);
    curl_easy_setopt(handle_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle_, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(handle_, CURLOPT_XFERINFODATA, &exchange);

    const CURLcode code = curl_easy_perform(handle_);
    const std::string described_request = request.method + " " + redact_url(request.url);

    if (code == CURLE_ABORTED_BY_CALLBACK && exchange.interrupted) {
        throw InterruptedError();
    }
    if (code != CURLE_OK) {
        std::string reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
        const FailureKind kind =
            exchange.body_too_large ? FailureKind::kBodyTooLarge : classify(code, exchange.got_status_line, reason);
        if (kind == FailureKind::kBodyTooLarge) {
            const std::string length = exchange.response.header("content-length");
            reason = "the response is larger than the limit of " + std::to_string(request.max_body_bytes) + " bytes" +
                     (length.empty() ? "" : " (Content-Length: " + length + ")");
        } else if (!exchange.tls_problem.empty()) {
            reason = exchange.tls_problem;
        } else if (kind == FailureKind::kConnect && may_want_client_certificate(code, exchange, request.url, tls)) {
            const std::string host = url_host(request.url);
            reason += " (if the server requires a client certificate, save it as client.cert and client.key in "
                      "~/.docker/certs.d/" + host + "/ or /etc/docker/certs.d/" + host + "/)";
        } else if (code == CURLE_OPERATION_TIMEDOUT &&
                   (exchange.got_status_line || reason.find("too slow") != std::string::npos)) {
            reason = describe_stall(exchange, settings_.idle_timeout);
        } else if (code == CURLE_OPERATION_TIMEDOUT) {
            reason += " (httpConnectTimeout is " + format_duration(settings_.connect_timeout) + ")";
        } else if (exchange.got_status_line && (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR)) {
            reason = describe_cut_body(exchange, reason);
        }
        long request_bytes = 0;
        curl_easy_getinfo(handle_, CURLINFO_REQUEST_SIZE, &request_bytes);
        hooks_.log(kLogDebug, described_request + " failed: " + reason);
        throw TransportError(kind, described_request + " failed: " + reason,
                             request_bytes > 0 || exchange.got_status_line);
    }

    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &exchange.response.status);
    hooks_.log(kLogDebug, described_request + " -> HTTP " + std::to_string(exchange.response.status) + ", " +
                              std::to_string(exchange.response.body.size()) + " bytes");
    return std::move(exchange.response);
}

std::string redact_url(std::string_view url) {
    const size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url);
    }

    const size_t authority_start = scheme_end + 3;
    const size_t authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
    const size_t at = url.rfind('@', authority_end - 1);
    if (at == std::string_view::npos || at < authority_start) {
        return std::string(url);
    }
    return std::string(url.substr(0, authority_start)) + std::string(url.substr(at + 1));
}

std::string url_origin(std::string_view url) {
    const std::string redacted = redact_url(url);
    const size_t scheme_end = redacted.find("://");
    if (scheme_end == std::string::npos) {
        return {};
    }
    const size_t authority_end = std::min(redacted.find_first_of("/?#", scheme_end + 3), redacted.size());
    return to_lower(std::string_view(redacted).substr(0, authority_end));
}

std::string url_host(std::string_view url) {
    const std::string origin = url_origin(url);
    const size_t scheme_end = origin.find("://");
    return scheme_end == std::string::npos ? std::string() : origin.substr(scheme_end + 3);
}

std::string resolve_url(const std::string &base, const std::string &reference) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), &curl_url_cleanup);
    char *resolved = nullptr;
    if (!url || curl_url_set(url.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
        curl_url_set(url.get(), CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK ||
        curl_url_get(url.get(), CURLUPART_URL, &resolved, 0) != CURLUE_OK) {
        throw Error("cannot resolve the URL \"" + redact_url(reference) + "\" against " + redact_url(base));
    }
    std::string result(resolved);
    curl_free(resolved);
    return result;
}

bool is_json_content_type(std::string_view content_type) {
    const std::string type = to_lower(content_type.substr(0, content_type.find(';')));
    const std::string_view trimmed = trim(type);
    return trimmed == "application/json" || trimmed.ends_with("+json");
}

std::string escape_query_value(std::string_view value) {
    static constexpr char kHexDigits[] = "0123456789ABCDEF";
    std::string escaped;
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
            escaped.push_back(c);
        } else {
            escaped.push_back('%');
            escaped.push_back(kHexDigits[byte >> 4]);
            escaped.push_back(kHexDigits[byte & 0x0f]);
        }
    }
    return escaped;
}

}  // namespace acedt::oci::http
