#pragma once
// net/: the one HTTP client that llm/ and host/ speak through.
//
// HttpClient is an interface so unit tests can answer without a socket;
// make_http_client() returns the libcurl implementation used everywhere else
// (integration tests talk to real servers on 127.0.0.1 through it).
//
// What the client does for every caller, so no caller does it again:
// - timeouts: connect, total, and idle (no byte for idle_timeout ends the
//   transfer, so a stalled body fails instead of hanging);
// - retries with exponential backoff and full jitter on 408, 429, 500-599
//   (529 included) and transport failures, never on other 4xx; an
//   `x-should-retry: true|false` response header overrides that choice;
//   `retry-after-ms`, then `Retry-After` (seconds or HTTP date) set the wait,
//   capped at RetryPolicy::max_retry_after; a RetryBudget shared by all
//   clients of a run bounds the retries of the whole run;
// - redaction: every registered Secret (util/secret.hpp) is masked in error
//   messages and logs, libcurl's own error text and verbose output included.
//
// A response with any status is returned as a Response; only "no usable
// response at all" (transport failure or timeout after the last retry) throws.

#include "draftsmith/util/secret.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace draftsmith::net {

enum class Method { get, post, put, patch, del };

const char* to_string(Method method) noexcept;

// Header names as sent or received; lookups are case-insensitive.
using Headers = std::vector<std::pair<std::string, std::string>>;

// The first value of a header, by case-insensitive name.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct Request {
    Method method = Method::get;
    std::string url;
    Headers headers;
    std::string body;
    // When set, the body of a 2xx response is handed over in chunks as it
    // arrives (server-sent events) instead of collected in Response::body.
    // A retry never happens once a chunk was delivered: the caller has
    // already acted on it. Non-2xx bodies are always collected.
    std::function<void(std::string_view chunk)> on_body_chunk;
    // Overrides ClientOptions::total_timeout for this request (long generations).
    std::optional<std::chrono::milliseconds> total_timeout;
    // When set, no attempt runs past it (a stream that never ends is cut
    // there) and no retry starts that could not begin before it; send()
    // then throws Error(network) saying the deadline passed.
    std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct Response {
    long status = 0;
    Headers headers; // in the order received, names as the server wrote them
    std::string body;
    int attempts = 1; // how many requests it took, retries included

    std::optional<std::string> header(std::string_view name) const
    {
        return find_header(headers, name);
    }
    bool ok() const noexcept { return status >= 200 && status < 300; }
};

// How many retries the whole run may still spend, shared by every client.
class RetryBudget {
public:
    explicit RetryBudget(int retries)
        : m_total(retries)
        , m_left(retries)
    {
    }
    // Takes one retry from the budget; false when it is spent.
    bool take() noexcept { return m_left.fetch_sub(1) > 0; }
    int left() const noexcept { return m_left.load(); }
    // Makes the whole run's budget `retries`, keeping what was spent: a run
    // learns its budget from the target branch's configuration only after
    // its first host calls, which spent from the flags' and environment's.
    void set_total(int retries) noexcept { m_left.fetch_add(retries - m_total.exchange(retries)); }

private:
    std::atomic<int> m_total;
    std::atomic<int> m_left;
};

struct RetryPolicy {
    int max_attempts = 4; // first try included
    std::chrono::milliseconds initial_backoff{500};
    std::chrono::milliseconds max_backoff{8000};
    // A server asking for a longer wait than this is not waited for: the
    // last response is returned (or the failure thrown) at once.
    std::chrono::milliseconds max_retry_after{60000};
    std::shared_ptr<RetryBudget> budget; // none: unbounded across requests
};

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds total_timeout{300000};
    std::chrono::milliseconds idle_timeout{60000};
    RetryPolicy retry;
    std::string user_agent; // empty: "draftsmith/<version>"
    std::string ca_file;    // empty: the system's CA store
    // How a wait is spent; tests substitute a recording clock.
    std::function<void(std::chrono::milliseconds)> sleep;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;

    // Sends the request, retrying as the policy says, and returns the final
    // response whatever its status. Thread-safe: variants call it in parallel.
    // Throws Error(network) with a redacted message naming the method and
    // URL when no response could be had after the last attempt.
    virtual Response send(const Request& request) = 0;
};

// The libcurl client (connection reuse, HTTP/1.1 and HTTP/2, TLS verified).
// Idle handles (and their open connections) are pooled and reused by later
// requests from any thread; DNS and TLS sessions are shared between them.
// Every client holds a GlobalInit itself, so one is optional for callers.
std::unique_ptr<HttpClient> make_http_client(ClientOptions options);

// Stops every transfer in progress and every wait between retries, in every
// client, within about a second: send() throws Error(interrupted) naming the
// request. Requests sent afterwards fail the same way at once. Only sets an
// atomic flag, so a SIGINT/SIGTERM handler may call it.
void interrupt_all() noexcept;
// Whether interrupt_all() was called since the last clear_interrupt().
bool interrupted() noexcept;
// Lets requests run again (tests; a process that goes on after cleaning up).
void clear_interrupt() noexcept;
// Waits `wait` between retries, in slices of at most 50 ms so interrupt_all()
// ends the wait early. Never throws: callers check interrupted() after it.
void sleep_unless_interrupted(std::chrono::milliseconds wait);

// libcurl's process-wide state (curl_global_init / curl_global_cleanup),
// reference-counted: hold one in main() so it is set up once, before any
// thread starts, and torn down last. Throws Error(internal) when libcurl
// cannot initialise.
class GlobalInit {
public:
    GlobalInit();
    ~GlobalInit();
    GlobalInit(const GlobalInit&) = delete;
    GlobalInit& operator=(const GlobalInit&) = delete;
};

} // namespace draftsmith::net
