#include "http_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace acedt::oci::http {

namespace {

constexpr int kLogDebug = 12;
constexpr long kConnectTimeoutSeconds = 30;
// A transfer slower than 1 byte/s for this long counts as stalled and fails.
constexpr long kStallSeconds = 30;
constexpr long kMaxRedirects = 10;
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

// Timeouts and resets before the status line count as connection failures,
// so that the caller may try another endpoint.
FailureKind classify(CURLcode code, bool got_status_line) {
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

Transport::Transport(ClientHooks hooks) : handle_(nullptr), hooks_(std::move(hooks)) {
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

Response Transport::get(const Request &request) {
    if (hooks_.interrupted()) {
        throw InterruptedError();
    }

    // Reset clears the options of the previous request but keeps the
    // connection cache, so connections are reused.
    curl_easy_reset(handle_);

    Exchange exchange;
    exchange.max_body_bytes = request.max_body_bytes;
    exchange.hooks = &hooks_;

    HeaderList headers;
    for (const std::string &header : request.headers) {
        headers.list = curl_slist_append(headers.list, header.c_str());
    }

    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle_, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle_, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(handle_, CURLOPT_USERAGENT, kUserAgent);
    curl_easy_setopt(handle_, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_buffer);

    // Only HTTP(S), also after redirects. libcurl sends our Authorization
    // header only to the host of the original URL.
    curl_easy_setopt(handle_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(handle_, CURLOPT_MAXREDIRS, kMaxRedirects);

    curl_easy_setopt(handle_, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
    curl_easy_setopt(handle_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle_, CURLOPT_LOW_SPEED_TIME, kStallSeconds);

    if (request.insecure_skip_verify) {
        curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(handle_, CURLOPT_SSL_VERIFYHOST, 0L);
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
    const std::string shown_url = redact_url(request.url);

    if (code == CURLE_ABORTED_BY_CALLBACK && exchange.interrupted) {
        throw InterruptedError();
    }
    if (code != CURLE_OK) {
        const FailureKind kind = exchange.body_too_large ? FailureKind::kBodyTooLarge
                                                               : classify(code, exchange.got_status_line);
        std::string reason = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
        if (kind == FailureKind::kBodyTooLarge) {
            const std::string length = exchange.response.header("content-length");
            reason = "the response is larger than the limit of " + std::to_string(request.max_body_bytes) + " bytes" +
                     (length.empty() ? "" : " (Content-Length: " + length + ")");
        }
        hooks_.log(kLogDebug, "GET " + shown_url + " failed: " + reason);
        throw TransportError(kind, "GET " + shown_url + " failed: " + reason);
    }

    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &exchange.response.status);
    char *effective_url = nullptr;
    curl_easy_getinfo(handle_, CURLINFO_EFFECTIVE_URL, &effective_url);
    exchange.response.url = effective_url != nullptr ? effective_url : request.url;

    hooks_.log(kLogDebug, "GET " + shown_url + " -> HTTP " + std::to_string(exchange.response.status) + ", " +
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
