#pragma once
// The retry rules of net/, as pure functions so they can be tested alone and
// read in one place. The libcurl client (make_http_client) applies them.
//
// - Which statuses are retried: 408, 429, 500-599 (529 included); never any
//   other status. An `x-should-retry: true|false` header overrides that.
// - How long to wait: the server's `retry-after-ms`, then `Retry-After` as
//   seconds (fractions allowed) or as an HTTP date; without one, exponential
//   backoff with full jitter: uniform in [0, min(max_backoff,
//   initial_backoff * 2^retry)].
// - A server asking for more than RetryPolicy::max_retry_after is not waited
//   for: the caller gives up at once and reports the last response.

#include "draftsmith/net/http.hpp"

#include <chrono>
#include <optional>

namespace draftsmith::net {

// Whether a response with this status and these headers may be sent again.
bool should_retry_status(long status, const Headers& headers);

// The wait the server asked for, from `retry-after-ms` (milliseconds, float
// allowed) or else `Retry-After` (seconds, float allowed, or an HTTP date
// relative to `now`). Empty when there is no such header, it does not parse,
// or it asks for no wait at all (zero, negative, a date in the past).
std::optional<std::chrono::milliseconds>
server_retry_after(const Headers& headers, std::chrono::system_clock::time_point now);

// Full-jitter exponential backoff before retry number `retry` (0 for the
// first retry); `unit_random` is uniform in [0, 1).
std::chrono::milliseconds backoff_delay(int retry, const RetryPolicy& policy, double unit_random);

// Uniform in [0, 1): the jitter of every backoff (one generator per thread).
double unit_random();

// One more try at something net/ cannot see fail (llm/: a stream that broke
// off, an answer that is not JSON), under the same policy as HTTP retries:
// takes one retry from policy.budget (nullopt when it is spent: give up)
// and returns the backoff to wait before retry number `retry`.
std::optional<std::chrono::milliseconds> take_retry(const RetryPolicy& policy, int retry);

// The wait before retry number `retry` after a response with these headers:
// the server's wait when it gave one, else the backoff. Empty when the server
// asked for longer than policy.max_retry_after (do not retry).
std::optional<std::chrono::milliseconds>
wait_before_retry(const Headers& headers, int retry, const RetryPolicy& policy,
                  std::chrono::system_clock::time_point now, double unit_random);

// An HTTP date (IMF-fixdate, RFC 850 or asctime form) as a time point; empty
// when it does not parse.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// The URL with a password in its user-info part masked and registered
// secrets redacted, for log lines and error messages.
std::string redacted_url(std::string_view url);

} // namespace draftsmith::net
