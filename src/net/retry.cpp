#include "draftsmith/net/retry.hpp"

#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace draftsmith::net {
namespace {

// A non-negative decimal number ("2", "0.1", "1.5e1" is refused), as written
// in retry-after-ms and Retry-After.
std::optional<double> parse_decimal(std::string_view text)
{
    text = text::trim(text);
    if (text.empty()) {
        return std::nullopt;
    }
    double whole = 0;
    double scale = 0;
    bool any_digit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            any_digit = true;
            if (scale == 0) {
                whole = whole * 10 + (c - '0');
            } else {
                scale /= 10;
                whole += (c - '0') * scale;
            }
        } else if (c == '.' && scale == 0) {
            scale = 1;
        } else {
            return std::nullopt;
        }
    }
    if (!any_digit) {
        return std::nullopt;
    }
    return whole;
}

std::optional<std::chrono::milliseconds> positive_millis(double millis)
{
    if (!(millis > 0) || !std::isfinite(millis)) {
        return std::nullopt;
    }
    // Anything above a day is "too long" for every caller; clamp before casting.
    const double clamped = std::min(millis, 86'400'000.0);
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(clamped)));
}

} // namespace

bool should_retry_status(long status, const Headers& headers)
{
    if (const auto says = find_header(headers, "x-should-retry")) {
        const auto value = text::to_lower_ascii(text::trim(*says));
        if (value == "true") {
            return true;
        }
        if (value == "false") {
            return false;
        }
    }
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text)
{
    const std::string copy(text::trim(text));
    if (copy.empty()) {
        return std::nullopt;
    }
    const time_t seconds = curl_getdate(copy.c_str(), nullptr);
    if (seconds == -1) {
        return std::nullopt;
    }
    return std::chrono::system_clock::from_time_t(seconds);
}

std::optional<std::chrono::milliseconds>
server_retry_after(const Headers& headers, std::chrono::system_clock::time_point now)
{
    if (const auto ms = find_header(headers, "retry-after-ms")) {
        if (const auto value = parse_decimal(*ms)) {
            return positive_millis(*value);
        }
    }
    const auto after = find_header(headers, "retry-after");
    if (!after) {
        return std::nullopt;
    }
    if (const auto value = parse_decimal(*after)) {
        return positive_millis(*value * 1000.0);
    }
    if (const auto when = parse_http_date(*after)) {
        const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*when - now);
        return positive_millis(static_cast<double>(delta.count()));
    }
    return std::nullopt;
}

std::chrono::milliseconds backoff_delay(int retry, const RetryPolicy& policy, double unit_random)
{
    const double initial = static_cast<double>(policy.initial_backoff.count());
    const double cap = static_cast<double>(policy.max_backoff.count());
    const double ceiling = std::min(cap, initial * std::pow(2.0, std::clamp(retry, 0, 30)));
    const double jitter = std::clamp(unit_random, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(ceiling * jitter));
}

double unit_random()
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::optional<std::chrono::milliseconds> take_retry(const RetryPolicy& policy, int retry)
{
    if (policy.budget && !policy.budget->take()) {
        return std::nullopt;
    }
    return backoff_delay(retry, policy, unit_random());
}

std::optional<std::chrono::milliseconds>
wait_before_retry(const Headers& headers, int retry, const RetryPolicy& policy,
                  std::chrono::system_clock::time_point now, double unit_random)
{
    if (const auto asked = server_retry_after(headers, now)) {
        if (*asked > policy.max_retry_after) {
            return std::nullopt;
        }
        return *asked;
    }
    return backoff_delay(retry, policy, unit_random);
}

std::string redacted_url(std::string_view url)
{
    std::string out(url);
    const auto scheme_end = out.find("://");
    if (scheme_end != std::string::npos) {
        const auto authority = scheme_end + 3;
        const auto path = out.find_first_of("/?#", authority);
        const auto at = out.rfind('@', path == std::string::npos ? out.size() : path);
        if (at != std::string::npos && at > authority) {
            const auto colon = out.find(':', authority);
            if (colon != std::string::npos && colon < at) {
                out.replace(colon + 1, at - colon - 1, "***");
            }
        }
    }
    return redacted(out);
}

} // namespace draftsmith::net
