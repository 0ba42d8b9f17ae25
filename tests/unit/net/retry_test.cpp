#include "draftsmith/net/retry.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace std::chrono_literals;
using draftsmith::net::Headers;
namespace net = draftsmith::net;

namespace {

std::chrono::system_clock::time_point at(const char* http_date)
{
    return *net::parse_http_date(http_date);
}

} // namespace

TEST_CASE("net::should_retry_status, statuses and x-should-retry")
{
    SUBCASE("408, 429 and every 5xx are retried")
    {
        for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 529L, 599L}) {
            CAPTURE(status);
            CHECK(net::should_retry_status(status, {}));
        }
    }
    SUBCASE("other statuses are never retried")
    {
        for (long status : {200L, 201L, 301L, 400L, 401L, 403L, 404L, 409L, 413L, 422L}) {
            CAPTURE(status);
            CHECK_FALSE(net::should_retry_status(status, {}));
        }
    }
    SUBCASE("x-should-retry wins over the status, whatever its case")
    {
        CHECK_FALSE(net::should_retry_status(529, {{"X-Should-Retry", "false"}}));
        CHECK(net::should_retry_status(400, {{"x-should-retry", "true"}}));
        CHECK(net::should_retry_status(500, {{"x-should-retry", "maybe"}}));
        CHECK_FALSE(net::should_retry_status(404, {{"x-should-retry", " "}}));
    }
}

TEST_CASE("net::server_retry_after, headers the SDKs honour")
{
    const auto now = at("Sun, 06 Nov 1994 08:49:37 GMT");
    SUBCASE("retry-after-ms first, fractions allowed")
    {
        CHECK(net::server_retry_after({{"retry-after-ms", "10"}, {"retry-after", "5"}}, now) ==
              10ms);
        CHECK(net::server_retry_after({{"Retry-After-Ms", "1.5"}}, now) == 2ms);
    }
    SUBCASE("Retry-After in seconds, fractions allowed")
    {
        CHECK(net::server_retry_after({{"Retry-After", "2"}}, now) == 2000ms);
        CHECK(net::server_retry_after({{"retry-after", "0.1"}}, now) == 100ms);
        CHECK(net::server_retry_after({{"retry-after", "61"}}, now) == 61000ms);
    }
    SUBCASE("Retry-After as an HTTP date, all three forms")
    {
        CHECK(net::server_retry_after({{"retry-after", "Sun, 06 Nov 1994 08:49:40 GMT"}}, now) ==
              3000ms);
        CHECK(net::server_retry_after({{"retry-after", "Sunday, 06-Nov-94 08:49:47 GMT"}}, now) ==
              10000ms);
        CHECK(net::server_retry_after({{"retry-after", "Sun Nov  6 08:49:39 1994"}}, now) ==
              2000ms);
    }
    SUBCASE("no usable value: absent, garbage, zero, negative, in the past")
    {
        CHECK_FALSE(net::server_retry_after({}, now));
        CHECK_FALSE(net::server_retry_after({{"retry-after", "soon"}}, now));
        CHECK_FALSE(net::server_retry_after({{"retry-after", "0"}}, now));
        CHECK_FALSE(net::server_retry_after({{"retry-after", "-3"}}, now));
        CHECK_FALSE(
            net::server_retry_after({{"retry-after", "Sun, 06 Nov 1994 08:49:00 GMT"}}, now));
    }
    SUBCASE("an unparsable retry-after-ms falls back to Retry-After")
    {
        CHECK(net::server_retry_after({{"retry-after-ms", "x"}, {"retry-after", "1"}}, now) ==
              1000ms);
    }
}

TEST_CASE("net::backoff_delay, exponential with full jitter")
{
    net::RetryPolicy policy;
    policy.initial_backoff = 500ms;
    policy.max_backoff = 8000ms;
    SUBCASE("the ceiling doubles per retry up to the cap")
    {
        CHECK(net::backoff_delay(0, policy, 0.999999) == 499ms);
        CHECK(net::backoff_delay(1, policy, 0.5) == 500ms);
        CHECK(net::backoff_delay(2, policy, 0.5) == 1000ms);
        CHECK(net::backoff_delay(4, policy, 0.5) == 4000ms);
        CHECK(net::backoff_delay(10, policy, 0.5) == 4000ms);
        CHECK(net::backoff_delay(100, policy, 1.0) == 8000ms);
    }
    SUBCASE("full jitter reaches down to no wait")
    {
        CHECK(net::backoff_delay(3, policy, 0.0) == 0ms);
    }
}

TEST_CASE("net::wait_before_retry, the server's wait within the cap")
{
    net::RetryPolicy policy;
    policy.initial_backoff = 100ms;
    policy.max_backoff = 1000ms;
    policy.max_retry_after = 60000ms;
    const auto now = std::chrono::system_clock::now();
    SUBCASE("the server's wait is used as given")
    {
        CHECK(net::wait_before_retry({{"retry-after", "30"}}, 0, policy, now, 0.5) == 30000ms);
        CHECK(net::wait_before_retry({{"retry-after", "60"}}, 0, policy, now, 0.5) == 60000ms);
    }
    SUBCASE("a wait beyond the cap means: do not retry")
    {
        CHECK_FALSE(net::wait_before_retry({{"retry-after", "61"}}, 0, policy, now, 0.5));
        CHECK_FALSE(net::wait_before_retry({{"retry-after-ms", "60001"}}, 0, policy, now, 0.5));
    }
    SUBCASE("no server wait: the backoff")
    {
        CHECK(net::wait_before_retry({}, 1, policy, now, 0.5) == 100ms);
    }
}

TEST_CASE("net::redacted_url, passwords and secrets masked")
{
    const draftsmith::Secret token("tok-abcdef-123456");
    CHECK(net::redacted_url("https://user:pa55word@example.com/x?y=1") ==
          "https://user:***@example.com/x?y=1");
    CHECK(net::redacted_url("https://example.com/api?key=tok-abcdef-123456") ==
          "https://example.com/api?key=***");
    CHECK(net::redacted_url("http://127.0.0.1:8080/v1/messages") ==
          "http://127.0.0.1:8080/v1/messages");
    CHECK(net::redacted_url("https://example.com/a@b") == "https://example.com/a@b");
}

TEST_CASE("net::find_header, case-insensitive, first value")
{
    const Headers headers = {{"Content-Type", "a"}, {"content-type", "b"}};
    CHECK(net::find_header(headers, "CONTENT-TYPE") == "a");
    CHECK_FALSE(net::find_header(headers, "x"));
    CHECK(std::string(net::to_string(net::Method::del)) == "DELETE");
    CHECK(std::string(net::to_string(net::Method::patch)) == "PATCH");
}
