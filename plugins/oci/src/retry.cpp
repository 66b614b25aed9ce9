#include "retry.hpp"

#include <acedt/oci/error.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <thread>

namespace acedt::oci::http {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kLogWarn = 4;
// Waits are sliced so that Ctrl-C ends them quickly.
constexpr milliseconds kSleepSlice{50};

// The three date forms HTTP/1.1 recipients accept (RFC 9110, section 5.6.7).
constexpr const char *kDateFormats[] = {
    "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
    "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850
    "%a %b %e %H:%M:%S %Y",       // asctime
};

std::optional<std::time_t> parse_http_date(const std::string &text) {
    for (const char *format : kDateFormats) {
        std::tm parts{};
        const char *end = ::strptime(text.c_str(), format, &parts);
        if (end != nullptr && *end == '\0') {
            return ::timegm(&parts);
        }
    }
    return std::nullopt;
}

std::string format_seconds(milliseconds duration) {
    const auto ms = duration.count();
    if (ms % 1000 == 0) {
        return std::to_string(ms / 1000) + " s";
    }
    return std::to_string(ms) + " ms";
}

std::string status_text(long status) {
    switch (status) {
    case 429: return "429 Too Many Requests";
    case 502: return "502 Bad Gateway";
    case 503: return "503 Service Unavailable";
    case 504: return "504 Gateway Timeout";
    default: return std::to_string(status);
    }
}

void sleep_unless_interrupted(const ClientHooks &hooks, milliseconds duration) {
    const auto deadline = Clock::now() + duration;
    while (Clock::now() < deadline) {
        if (hooks.interrupted()) {
            throw InterruptedError();
        }
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        std::this_thread::sleep_for(std::min(left, kSleepSlice));
    }
    if (hooks.interrupted()) {
        throw InterruptedError();
    }
}

}  // namespace

bool is_retryable_status(long status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
        value.remove_prefix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
    }
    if (value.empty()) {
        return std::nullopt;
    }

    if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        // Anything above a day is as good as "too long"; the cap keeps the
        // arithmetic from overflowing.
        constexpr std::int64_t kMaxSeconds = 24 * 60 * 60;
        std::int64_t seconds = 0;
        for (char c : value) {
            seconds = std::min(kMaxSeconds + 1, seconds * 10 + (c - '0'));
        }
        return std::chrono::seconds(seconds);
    }

    const std::optional<std::time_t> date = parse_http_date(std::string(value));
    if (!date) {
        return std::nullopt;
    }
    const auto wait = std::chrono::system_clock::from_time_t(*date) - now;
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(wait));
}

Response send_with_retries(Transport &transport, const Request &request, const RetryPolicy &policy) {
    milliseconds waited{0};
    milliseconds backoff = policy.initial_backoff;

    for (int retry = 1;; ++retry) {
        Response response = transport.send(request);
        if (!is_retryable_status(response.status)) {
            return response;
        }

        const std::string problem = "HTTP " + status_text(response.status) + " from " + redact_url(response.url);
        if (retry > policy.max_retries) {
            response.retries_exhausted = "still " + status_text(response.status) + " after " +
                                         std::to_string(policy.max_retries) + " retries";
            return response;
        }

        const std::optional<milliseconds> retry_after =
            parse_retry_after(response.header("retry-after"), std::chrono::system_clock::now());
        const milliseconds wait = retry_after ? *retry_after : backoff;
        backoff = std::min(backoff * 2, policy.max_backoff);

        const milliseconds left = policy.max_total_wait - waited;
        if (wait > left) {
            response.retries_exhausted =
                retry_after ? "the server asked to wait " + format_seconds(wait) + " (Retry-After), more than the " +
                                  format_seconds(left) + " left of the retry limit of " +
                                  format_seconds(policy.max_total_wait)
                            : "still " + status_text(response.status) + " after waiting " + format_seconds(waited) +
                                  " in " + std::to_string(retry - 1) + " retries";
            return response;
        }

        transport.hooks().log(kLogWarn, problem + "; waiting " + format_seconds(wait) + " before retry " +
                                            std::to_string(retry) + " of " + std::to_string(policy.max_retries) +
                                            (retry_after ? " (Retry-After)" : ""));
        sleep_unless_interrupted(transport.hooks(), wait);
        waited += wait;
    }
}

}  // namespace acedt::oci::http
