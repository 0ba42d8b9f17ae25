// The libcurl implementation of net::HttpClient.
//
// Why a pool of easy handles rather than curl multi: callers are blocking
// worker threads (one per variant), so a blocking send() per thread is the
// simplest correct model. An easy handle keeps its connections open after a
// transfer, so handing finished handles back to a pool gives connection reuse
// across requests and threads. DNS and TLS sessions are shared through one
// CURLSH (with locks); the connection cache itself is not shared, because
// libcurl does not support one connection cache used by concurrent threads.
//
// Redaction: error texts pass through redacted(), and so does the verbose
// trace (curl_transfer.cpp, with what libcurl calls back during a transfer).
// Request bodies are sent with every registered secret masked.

#include "draftsmith/net/http.hpp"
#include "draftsmith/net/retry.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"
#include "draftsmith/version.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <mutex>
#include <random>
#include <thread>

#include "curl_transfer.hpp"

namespace draftsmith::net {
namespace {

using detail::Attempt;
using detail::is_retryable;
using detail::on_body;
using detail::on_header;
using detail::on_progress;
using detail::trace_callback;

// ---------------------------------------------------------------- globals

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "interrupt_all() must be signal-safe");

// ---------------------------------------------------------------- handles

struct EasyDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct ShareDeleter {
    void operator()(CURLSH* share) const noexcept { curl_share_cleanup(share); }
};

// A libcurl easy handle and the header list it points to: curl keeps a raw
// pointer to the list, so both live and die together. Move-only.
class CurlEasy {
public:
    CurlEasy()
        : m_handle(curl_easy_init())
    {
        if (!m_handle) {
            throw Error(ErrorCategory::internal, "libcurl could not create a transfer handle");
        }
    }

    CURL* get() const noexcept { return m_handle.get(); }

    // Takes ownership of `list` and points the handle's HTTPHEADER at it.
    void set_headers(curl_slist* list) noexcept
    {
        m_headers.reset(list);
        curl_easy_setopt(m_handle.get(), CURLOPT_HTTPHEADER, list);
    }

    // Back to a clean state for the next request; open connections, the DNS
    // cache and TLS sessions survive.
    void reset() noexcept
    {
        curl_easy_reset(m_handle.get());
        m_headers.reset();
    }

private:
    std::unique_ptr<CURL, EasyDeleter> m_handle;
    std::unique_ptr<curl_slist, SlistDeleter> m_headers;
};

// A CURLSH sharing DNS and TLS sessions between the pool's handles.
class CurlShare {
public:
    CurlShare()
        : m_share(curl_share_init())
    {
        if (!m_share) {
            throw Error(ErrorCategory::internal, "libcurl could not create a share handle");
        }
        curl_share_setopt(m_share.get(), CURLSHOPT_LOCKFUNC, &CurlShare::lock);
        curl_share_setopt(m_share.get(), CURLSHOPT_UNLOCKFUNC, &CurlShare::unlock);
        curl_share_setopt(m_share.get(), CURLSHOPT_USERDATA, this);
        curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(m_share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    CurlShare(const CurlShare&) = delete;
    CurlShare& operator=(const CurlShare&) = delete;

    CURLSH* get() const noexcept { return m_share.get(); }

private:
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) noexcept
    {
        static_cast<CurlShare*>(self)->mutex_for(data).lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* self) noexcept
    {
        static_cast<CurlShare*>(self)->mutex_for(data).unlock();
    }
    std::mutex& mutex_for(curl_lock_data data) noexcept
    {
        const auto index = static_cast<std::size_t>(data);
        return m_mutexes[index < m_mutexes.size() ? index : 0];
    }

    std::array<std::mutex, CURL_LOCK_DATA_LAST + 1> m_mutexes;
    std::unique_ptr<CURLSH, ShareDeleter> m_share;
};

long whole_seconds_at_least_one(std::chrono::milliseconds duration)
{
    const auto seconds = (duration.count() + 999) / 1000;
    return seconds < 1 ? 1 : static_cast<long>(seconds);
}

std::string format_duration(std::chrono::milliseconds duration)
{
    if (duration.count() % 1000 == 0) {
        return fmt::format("{} s", duration.count() / 1000);
    }
    return fmt::format("{} ms", duration.count());
}

// ---------------------------------------------------------------- the client

class CurlClient final : public HttpClient {
public:
    explicit CurlClient(ClientOptions options)
        : m_options(std::move(options))
    {
        if (m_options.user_agent.empty()) {
            m_options.user_agent = fmt::format("draftsmith/{}", k_version);
        }
        if (!m_options.sleep) {
            // interrupt_all() ends a long Retry-After wait.
            m_options.sleep = sleep_unless_interrupted;
        }
        if (m_options.retry.max_attempts < 1) {
            m_options.retry.max_attempts = 1;
        }
    }

    Response send(const Request& original) override
    {
        // No registered secret leaves in a body, whoever built it: a key
        // pasted into a file the model read, or echoed by the model into a
        // comment or pull request, is masked here at the last moment.
        std::optional<Request> masked;
        if (holds_secret(original.body)) {
            masked = original;
            masked->body = redacted(original.body);
        }
        const Request& request = masked ? *masked : original;
        const auto& policy = m_options.retry;
        const auto what =
            fmt::format("{} {}", to_string(request.method), redacted_url(request.url));
        for (int attempt_number = 1;; ++attempt_number) {
            const bool last = attempt_number >= policy.max_attempts;
            throw_if_interrupted(what);
            throw_if_past_deadline(request, what);
            auto easy = take_handle();
            Attempt attempt;
            const CURLcode code = perform(easy, request, attempt);
            give_back(std::move(easy));

            if (attempt.callback_error) {
                std::rethrow_exception(attempt.callback_error);
            }
            if (attempt.interrupted) {
                throw_if_interrupted(what);
            }
            if (code != CURLE_OK) {
                wait_or_throw(code, attempt, request, attempt_number, what);
                continue;
            }

            Response response;
            response.status = attempt.status;
            response.headers = std::move(attempt.headers);
            response.body = std::move(attempt.body);
            response.attempts = attempt_number;
            if (last || attempt.delivered_chunk ||
                !should_retry_status(response.status, response.headers)) {
                return response;
            }
            const auto wait = retry_wait(request, response, attempt_number, what);
            if (!wait) {
                return response;
            }
            m_options.sleep(*wait);
        }
    }

private:
    // After a response worth retrying: how long to wait before the next
    // attempt, or nullopt (logged why) when no retry is allowed: the server
    // asks for too long a wait, the deadline or the run's budget.
    std::optional<std::chrono::milliseconds> retry_wait(const Request& request,
                                                        const Response& response,
                                                        int attempt_number, const std::string& what)
    {
        const auto& policy = m_options.retry;
        const auto wait = wait_before_retry(response.headers, attempt_number - 1, policy,
                                            std::chrono::system_clock::now(), unit_random());
        if (!wait) {
            log::info("{}: HTTP {}; the server asks to wait longer than {}, not retrying", what,
                      response.status, format_duration(policy.max_retry_after));
            return std::nullopt;
        }
        if (!starts_in_time(request, *wait)) {
            log::info("{}: HTTP {}; a retry would start after the deadline, not retrying", what,
                      response.status);
            return std::nullopt;
        }
        if (!take_from_budget()) {
            log::info("{}: HTTP {}; the run's retry budget is spent, not retrying", what,
                      response.status);
            return std::nullopt;
        }
        log::info("{}: HTTP {}; retry {} of {} in {}", what, response.status, attempt_number,
                  policy.max_attempts - 1, format_duration(*wait));
        return wait;
    }

    // After a transport failure: waits before the next attempt when one is
    // allowed (retryable, nothing delivered yet, attempts, budget and
    // deadline left), else throws Error(network) saying what failed.
    void wait_or_throw(CURLcode code, const Attempt& attempt, const Request& request,
                       int attempt_number, const std::string& what)
    {
        const auto& policy = m_options.retry;
        const auto problem = describe_failure(code, attempt, request);
        const auto wait = backoff_delay(attempt_number - 1, policy, unit_random());
        const bool retry = is_retryable(code) && !attempt.delivered_chunk &&
                           attempt_number < policy.max_attempts && starts_in_time(request, wait);
        if (retry && take_from_budget()) {
            log::info("{}: {}; retry {} of {} in {}", what, problem, attempt_number,
                      policy.max_attempts - 1, format_duration(wait));
            m_options.sleep(wait);
            return;
        }
        const auto tries = attempt_number == 1
                               ? std::string()
                               : fmt::format(" (after {} attempts)", attempt_number);
        throw Error(ErrorCategory::network,
                    redacted(fmt::format("{}: {}{}", what, problem, tries)));
    }

    static void throw_if_past_deadline(const Request& request, const std::string& what)
    {
        if (request.deadline && std::chrono::steady_clock::now() >= *request.deadline) {
            throw Error(ErrorCategory::network,
                        redacted(fmt::format("{}: its deadline passed (time limit)", what)));
        }
    }

    // Whether a retry after `wait` would start before the request's deadline.
    static bool starts_in_time(const Request& request, std::chrono::milliseconds wait)
    {
        return !request.deadline || std::chrono::steady_clock::now() + wait < *request.deadline;
    }

    // The total timeout of the next attempt: the request's (or the client's),
    // shortened to what is left before the deadline.
    std::chrono::milliseconds total_timeout(const Request& request) const
    {
        auto total = request.total_timeout.value_or(m_options.total_timeout);
        if (request.deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                *request.deadline - std::chrono::steady_clock::now());
            total = std::clamp(left, std::chrono::milliseconds(1), total);
        }
        return total;
    }

    static void throw_if_interrupted(const std::string& what)
    {
        if (g_interrupted.load()) {
            throw Error(ErrorCategory::interrupted, redacted(fmt::format("{}: interrupted", what)));
        }
    }

    bool take_from_budget() const
    {
        return !m_options.retry.budget || m_options.retry.budget->take();
    }

    CurlEasy take_handle()
    {
        {
            std::lock_guard lock(m_pool_mutex);
            if (!m_idle.empty()) {
                CurlEasy easy = std::move(m_idle.back());
                m_idle.pop_back();
                return easy;
            }
        }
        return CurlEasy();
    }

    void give_back(CurlEasy easy)
    {
        easy.reset();
        std::lock_guard lock(m_pool_mutex);
        if (m_idle.size() < k_max_idle_handles) {
            m_idle.push_back(std::move(easy));
        }
    }

    CURLcode perform(CurlEasy& easy, const Request& request, Attempt& attempt)
    {
        CURL* h = easy.get();
        attempt.request = &request;
        attempt.easy = h;
        set_headers(easy, request);
        set_transfer_options(h, request, attempt);
        set_method(h, request);
        return curl_easy_perform(h);
    }

    // The request's headers, and no "Expect: 100-continue" wait.
    static void set_headers(CurlEasy& easy, const Request& request)
    {
        curl_slist* list = nullptr;
        for (const auto& [name, value] : request.headers) {
            auto line = name;
            line += value.empty() ? ";" : ": ";
            line += value;
            curl_slist* grown = curl_slist_append(list, line.c_str());
            if (!grown) {
                curl_slist_free_all(list);
                throw Error(ErrorCategory::internal, "libcurl could not allocate a header list");
            }
            list = grown;
        }
        if (curl_slist* grown = curl_slist_append(list, "Expect:")) {
            list = grown;
        }
        easy.set_headers(list);
    }

    // Timeouts, the shared caches, the callbacks that fill `attempt`.
    void set_transfer_options(CURL* h, const Request& request, Attempt& attempt) const
    {
        const auto total = total_timeout(request);
        attempt.cut_at_deadline = total < request.total_timeout.value_or(m_options.total_timeout);
        curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(h, CURLOPT_SHARE, m_share.get());
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, m_options.user_agent.c_str());
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(m_options.connect_timeout.count()));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()));
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                         whole_seconds_at_least_one(m_options.idle_timeout));
        attempt.idle_timeout = m_options.idle_timeout;
        attempt.last_activity = std::chrono::steady_clock::now();
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &attempt);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        if (!m_options.ca_file.empty()) {
            curl_easy_setopt(h, CURLOPT_CAINFO, m_options.ca_file.c_str());
        }
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, attempt.error_text.data());
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &attempt);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &attempt);
        if (log::enabled(log::Level::trace)) {
            curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &trace_callback);
            curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
        }
    }

    static void set_method(CURL* h, const Request& request)
    {
        switch (request.method) {
        case Method::get:
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
            break;
        case Method::post:
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            break;
        case Method::put:
        case Method::patch:
        case Method::del:
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, to_string(request.method));
            break;
        }
        if (request.method != Method::get &&
            (request.method != Method::del || !request.body.empty())) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
        }
    }

    std::string describe_failure(CURLcode code, const Attempt& attempt,
                                 const Request& request) const
    {
        std::string detail = attempt.error_text[0] != '\0' ? std::string(attempt.error_text.data())
                                                           : std::string(curl_easy_strerror(code));
        if (attempt.idle_expired ||
            (code == CURLE_OPERATION_TIMEDOUT && detail.find("too slow") != std::string::npos)) {
            return fmt::format("no data received for {} (idle timeout)",
                               format_duration(m_options.idle_timeout));
        }
        if (code == CURLE_OPERATION_TIMEDOUT) {
            if (detail.find("onnect") != std::string::npos) {
                return fmt::format("could not connect within {} (connect timeout): {}",
                                   format_duration(m_options.connect_timeout), detail);
            }
            if (attempt.cut_at_deadline) {
                return "no complete response before its deadline (time limit)";
            }
            return fmt::format(
                "no complete response within {} (total timeout)",
                format_duration(request.total_timeout.value_or(m_options.total_timeout)));
        }
        if (attempt.delivered_chunk) {
            return fmt::format("the response stream broke off: {}", detail);
        }
        return detail;
    }

    static constexpr std::size_t k_max_idle_handles = 16;

    GlobalInit m_global;
    ClientOptions m_options;
    CurlShare m_share; // declared before the pool: handles go first
    std::mutex m_pool_mutex;
    std::vector<CurlEasy> m_idle;
};

} // namespace

void interrupt_all() noexcept
{
    g_interrupted.store(true);
}

bool interrupted() noexcept
{
    return g_interrupted.load();
}

void clear_interrupt() noexcept
{
    g_interrupted.store(false);
}

void sleep_unless_interrupted(std::chrono::milliseconds wait)
{
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!g_interrupted.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            until - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
    }
}

std::unique_ptr<HttpClient> make_http_client(ClientOptions options)
{
    return std::make_unique<CurlClient>(std::move(options));
}

} // namespace draftsmith::net
