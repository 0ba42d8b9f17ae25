#include "wire.hpp"

#include "draftsmith/net/retry.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include <functional>

namespace draftsmith::llm::detail {

using nlohmann::json;

// ---------------------------------------------------------------- SSE

void SseParser::feed(std::string_view chunk, const Sink& sink)
{
    for (char c : chunk) {
        if (m_last_was_cr && c == '\n') {
            m_last_was_cr = false; // the \n of a \r\n
            continue;
        }
        m_last_was_cr = false;
        if (c == '\n' || c == '\r') {
            m_last_was_cr = c == '\r';
            line(m_buffer, sink);
            m_buffer.clear();
        } else {
            m_buffer += c;
            if (m_buffer.size() + m_data.size() > limits::k_max_stream_event_bytes) {
                throw ProviderError(
                    FailureKind::invalid_response,
                    fmt::format("the answer stream sent an event larger than "
                                "{}; refused",
                                limits::describe_bytes(limits::k_max_stream_event_bytes)));
            }
        }
    }
}

void SseParser::finish(const Sink& sink)
{
    if (!m_buffer.empty()) {
        line(m_buffer, sink);
        m_buffer.clear();
    }
    dispatch(sink);
}

void SseParser::line(std::string_view text, const Sink& sink)
{
    if (text.empty()) {
        dispatch(sink);
        return;
    }
    if (text.front() == ':') {
        return;
    }
    const auto colon = text.find(':');
    const auto field = text.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = text.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
    }
    if (field == "event") {
        m_event = value;
    } else if (field == "data") {
        if (m_has_data) {
            m_data += '\n';
        }
        m_data += value;
        m_has_data = true;
    }
}

void SseParser::dispatch(const Sink& sink)
{
    if (m_has_data) {
        sink(SseEvent{m_event.empty() ? "message" : m_event, m_data});
    }
    m_event.clear();
    m_data.clear();
    m_has_data = false;
}

// ---------------------------------------------------------------- exchange

namespace {

bool past(const std::optional<std::chrono::steady_clock::time_point>& deadline,
          std::chrono::milliseconds after = {})
{
    return deadline && std::chrono::steady_clock::now() + after >= *deadline;
}

[[noreturn]] void throw_out_of_time(const Exchange& exchange)
{
    throw ProviderError(
        FailureKind::budget,
        fmt::format("{}: the time allowed for this call is spent", exchange.provider));
}

// Whether the request may go again after try `attempt` failed: tries are
// left and the run's retry budget gives one. Then says why, waits net/'s
// backoff (unless no time is left for another try: ProviderError(budget))
// and returns true.
bool retry_after(const Exchange& exchange, int attempt, const std::string& why)
{
    if (attempt >= exchange.stream_retries) {
        return false;
    }
    // The longest this backoff may be: no retry starts that could not finish in time.
    if (past(exchange.deadline, net::backoff_delay(attempt, exchange.retry, 1.0))) {
        throw_out_of_time(exchange);
    }
    const auto pause = net::take_retry(exchange.retry, attempt);
    if (!pause) {
        log::info("{}; the run's retry budget is spent, not retrying", why);
        return false;
    }
    log::info("{}; sending the request again", why);
    if (exchange.sleep) {
        exchange.sleep(*pause);
    } else {
        net::sleep_unless_interrupted(*pause);
    }
    if (net::interrupted()) {
        throw Error(ErrorCategory::interrupted, fmt::format("{}: interrupted", exchange.provider));
    }
    return true;
}

// One request and its answer: a stream's events accumulated, or a whole
// answer parsed; `begin` is called when the answer begins, `got_data` set
// when any of a stream arrived. Throws RetryableAnswerError for an answer
// worth asking for again, the exchange's errors for the rest.
Response exchange_once(Exchange& exchange, const std::function<void()>& begin, bool& got_data)
{
    std::unique_ptr<StreamAccumulator> accumulator;
    SseParser parser;
    if (exchange.stream) {
        accumulator = exchange.new_stream();
        exchange.request.on_body_chunk = [&](std::string_view chunk) {
            got_data = true;
            parser.feed(chunk, [&](const SseEvent& event) {
                begin();
                accumulator->on_event(event);
            });
        };
    } else {
        exchange.request.on_body_chunk = nullptr;
    }
    const auto response = exchange.http->send(exchange.request);
    if (!response.ok()) {
        exchange.throw_http_error(response);
    }
    if (exchange.stream) {
        parser.finish([&](const SseEvent& event) { accumulator->on_event(event); });
        return accumulator->finish();
    }
    json body;
    try {
        body = parse_answer_json(exchange.provider, response.body, "the answer");
    } catch (const json::exception&) {
        const auto start = response.body.substr(0, 80);
        throw RetryableAnswerError(FailureKind::invalid_response,
                                   fmt::format("{}: the answer is not valid JSON (HTTP {}): '{}'",
                                               exchange.provider, response.status, start));
    }
    begin();
    return exchange.parse_whole(body);
}

} // namespace

Response run_exchange(Exchange& exchange)
{
    exchange.request.deadline = exchange.deadline;
    // The answer began: the first event of a stream, or a whole answer.
    bool began = false;
    const std::function<void()> begin = [&] {
        if (!began && exchange.on_answer_began) {
            began = true;
            exchange.on_answer_began();
        }
    };
    for (int attempt = 0;; ++attempt) {
        bool got_data = false;
        try {
            return exchange_once(exchange, begin, got_data);
        } catch (const RetryableAnswerError& e) {
            if (!retry_after(exchange, attempt,
                             fmt::format("{} (try {} of {})", e.what(), attempt + 1,
                                         exchange.stream_retries + 1))) {
                throw ProviderError(e.kind(), attempt == 0 ? std::string(e.what())
                                                           : fmt::format("{} (after {} tries)",
                                                                         e.what(), attempt + 1));
            }
        } catch (const ProviderError&) {
            throw;
        } catch (const Error& e) {
            if (e.category() != ErrorCategory::network) {
                throw;
            }
            if (past(exchange.deadline)) {
                throw_out_of_time(exchange);
            }
            if (!got_data || !retry_after(exchange, attempt,
                                          fmt::format("{}: {}", exchange.provider, e.what()))) {
                throw ProviderError(FailureKind::server,
                                    fmt::format("{}: {}", exchange.provider, e.what()));
            }
        } catch (const json::exception& e) {
            // An event whose data is not the JSON it should be: a cut stream.
            if (!retry_after(exchange, attempt,
                             fmt::format("{}: the answer stream is not valid ({})",
                                         exchange.provider, e.what()))) {
                throw ProviderError(FailureKind::invalid_response,
                                    fmt::format("{}: the answer stream is not valid: {}",
                                                exchange.provider, e.what()));
            }
        }
    }
}

// ---------------------------------------------------------------- errors

namespace {

FailureKind kind_of(long status, const std::string& type)
{
    if (type == "overloaded_error") {
        return FailureKind::overloaded;
    }
    if (type == "rate_limit_error" || type == "rate_limit_exceeded" ||
        type == "insufficient_quota") {
        return FailureKind::rate_limited;
    }
    if (type == "authentication_error" || type == "invalid_api_key") {
        return FailureKind::authentication;
    }
    if (type == "permission_error") {
        return FailureKind::permission;
    }
    if (type == "not_found_error" || type == "model_not_found" || type == "DeploymentNotFound") {
        return FailureKind::not_found;
    }
    switch (status) {
    case 401:
        return FailureKind::authentication;
    case 403:
        return FailureKind::permission;
    case 404:
        return FailureKind::not_found;
    case 429:
        return FailureKind::rate_limited;
    case 529:
        return FailureKind::overloaded;
    default:
        break;
    }
    return status >= 500 ? FailureKind::server : FailureKind::invalid_request;
}

std::string advice_for(FailureKind kind, std::string_view key_variable, std::string_view model)
{
    switch (kind) {
    case FailureKind::authentication:
        return key_variable.empty() ? "check the API key"
                                    : fmt::format("check the API key in {}", key_variable);
    case FailureKind::permission:
        return "the key may not use this model or endpoint";
    case FailureKind::not_found:
        return fmt::format("check the model name '{}' and the base URL", model);
    case FailureKind::rate_limited:
        return "the rate limit was hit; try again later or run fewer variants at once";
    case FailureKind::overloaded:
        return "the service is overloaded; try again later";
    case FailureKind::server:
        return "the service failed; try again later";
    default:
        return {};
    }
}

} // namespace

ProviderError http_error(std::string_view provider, const net::Response& response,
                         std::string_view key_variable, std::string_view model)
{
    std::string type;
    std::string message;
    try {
        const auto body = json::parse(response.body);
        if (body.contains("error")) {
            const auto& error = body["error"];
            if (error.is_object()) {
                type = error.value("type", std::string());
                if (error.contains("code") && error["code"].is_string() &&
                    (type.empty() || type == "invalid_request_error")) {
                    // OpenAI/Azure put the specific reason in `code`.
                    type = error["code"].get<std::string>();
                }
                message = error.value("message", std::string());
            } else if (error.is_string()) {
                message = error.get<std::string>();
            }
        } else if (body.contains("message") && body["message"].is_string()) {
            message = body["message"].get<std::string>();
        } else if (body.contains("detail")) {
            message = body["detail"].is_string() ? body["detail"].get<std::string>()
                                                 : body["detail"].dump();
        }
    } catch (const json::exception&) {
        message = response.body.substr(0, 300);
    }
    const auto kind = kind_of(response.status, type);
    const auto attempts = response.attempts > 1
                              ? fmt::format(", after {} attempts", response.attempts)
                              : std::string();
    std::string text =
        fmt::format("{}: {}(HTTP {}{})", provider, type.empty() ? std::string() : type + " ",
                    response.status, attempts);
    if (!message.empty()) {
        text += ": " + message;
    }
    const auto advice = advice_for(kind, key_variable, model);
    if (!advice.empty()) {
        text += "; " + advice;
    }
    return ProviderError(kind, redacted(text));
}

json parse_answer_json(std::string_view provider, std::string_view text, std::string_view what)
{
    if (limits::json_deeper_than(text)) {
        throw ProviderError(FailureKind::invalid_response,
                            fmt::format("{}: {} nests deeper than {} levels; refused", provider,
                                        what, limits::k_max_json_depth));
    }
    return json::parse(text);
}

json parse_tool_input(std::string_view provider, const std::string& text)
{
    if (text.empty()) {
        return json::object();
    }
    try {
        return parse_answer_json(provider, text, "a tool input");
    } catch (const json::exception&) {
        throw RetryableAnswerError(FailureKind::invalid_response,
                                   fmt::format("{}: a streamed tool input is not valid JSON: '{}'",
                                               provider, text.substr(0, 80)));
    }
}

std::string base_or(const std::string& base_url, std::string_view fallback)
{
    std::string base = base_url.empty() ? std::string(fallback) : base_url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

} // namespace draftsmith::llm::detail
