// Retries of requests that a registry or token service rejected with
// HTTP 429, 502, 503 or 504: exponential backoff, Retry-After, and bounds on
// the number of retries and the total wait.
#pragma once

#include <acedt/oci/client_config.hpp>

#include "http_transport.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace acedt::oci::http {

// True for the statuses worth retrying: 429, 502, 503 and 504.
bool is_retryable_status(long status);

// Parses a Retry-After value: a number of seconds, or an HTTP date
// (IMF-fixdate, such as "Sun, 06 Nov 1994 08:49:37 GMT") taken relative to
// `now`. A date in the past gives zero. Returns nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Sends `request` through `transport` and retries while the response has a
// retryable status, at most policy.max_retries times. Each wait is the
// Retry-After of the response when it has one, otherwise initial_backoff
// doubled per retry up to max_backoff, and each is logged once at warn
// level. Retrying stops early when the next wait would take the total past
// max_total_wait. Returns the last response; when it still has a retryable
// status, Response::retries_exhausted says why retrying stopped. Throws
// what Transport::send throws, and InterruptedError during a wait.
Response send_with_retries(Transport &transport, const Request &request, const RetryPolicy &policy);

}  // namespace acedt::oci::http
