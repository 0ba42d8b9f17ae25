#pragma once
// What the HTTP providers (anthropic, openai) share: the server-sent-events
// parser, one exchange with the service (streamed or not, with broken
// streams sent again), and HTTP errors turned into ProviderErrors.

#include "draftsmith/llm/llm.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/net/http.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace draftsmith::llm::detail {

struct SseEvent {
    std::string event; // "message" when the server named none
    std::string data;  // data lines joined with "\n"
};

// Incremental text/event-stream parser (WHATWG rules: \n, \r\n or \r end a
// line; a blank line ends an event; ':' starts a comment; one space after
// the field's colon is dropped).
class SseParser {
public:
    using Sink = std::function<void(const SseEvent&)>;
    void feed(std::string_view chunk, const Sink& sink);
    // End of stream: an event not closed by a blank line is still dispatched.
    void finish(const Sink& sink);

private:
    void line(std::string_view text, const Sink& sink);
    void dispatch(const Sink& sink);

    std::string m_buffer;
    bool m_last_was_cr = false;
    std::string m_event;
    std::string m_data;
    bool m_has_data = false;
};

// A failure after which sending the same request again is safe and may
// succeed: an error event inside a stream, a stream that broke off, an
// answer that is not JSON. Nothing of the answer was used yet.
class RetryableAnswerError : public ProviderError {
public:
    using ProviderError::ProviderError;
};

// Builds a Response from a stream's events.
class StreamAccumulator {
public:
    virtual ~StreamAccumulator() = default;
    virtual void on_event(const SseEvent& event) = 0;
    // The complete answer; RetryableAnswerError when the stream ended early.
    virtual Response finish() = 0;
};

struct Exchange {
    std::string provider; // "anthropic", for messages
    net::HttpClient* http = nullptr;
    net::Request request; // body and headers ready; on_body_chunk set here
    bool stream = false;
    std::function<Response(const nlohmann::json& body)> parse_whole;
    std::function<std::unique_ptr<StreamAccumulator>()> new_stream;
    std::function<void(const net::Response&)> throw_http_error; // [[noreturn]]
    int stream_retries = 0;
    // The backoff and the run's retry budget (net/retry.hpp) for answer retries.
    net::RetryPolicy retry;
    std::function<void(std::chrono::milliseconds)> sleep;
    std::optional<std::chrono::steady_clock::time_point> deadline; // Options::deadline
    std::function<void()> on_answer_began;                         // Options::on_answer_began
};

// Sends and parses, retrying RetryableAnswerErrors and streams that broke
// off after data arrived. Transport failures (already retried by net/)
// become ProviderError(server) prefixed with the provider's name; reaching
// the deadline (request cut, or no time left for a retry) becomes
// ProviderError(budget).
Response run_exchange(Exchange& exchange);

// A ProviderError for a non-2xx answer: kind from the status and the
// service's error type; message "<provider>: <what> (HTTP <status>[, after
// <n> attempts]): <service's message>[; <advice>]". `key_variable` names
// where the key came from, for the authentication advice.
ProviderError http_error(std::string_view provider, const net::Response& response,
                         std::string_view key_variable, std::string_view model);

// Parses JSON the service (or the model, through it) wrote: an answer body,
// a stream event, a tool's input. Throws ProviderError(invalid_response)
// "<provider>: <what> nests deeper than 256 levels; refused" before parsing
// text nested deeper than limits::k_max_json_depth (a model can write any
// depth, and parsing and walking JSON recurse per level); json::exception
// when it is not JSON.
nlohmann::json parse_answer_json(std::string_view provider, std::string_view text,
                                 std::string_view what);

// The JSON of a tool's input as the model streamed it; empty is {}.
nlohmann::json parse_tool_input(std::string_view provider, const std::string& text);

// base_url without trailing slashes, or `fallback` when empty.
std::string base_or(const std::string& base_url, std::string_view fallback);

} // namespace draftsmith::llm::detail
