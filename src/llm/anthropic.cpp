// Anthropic Messages API (POST /v1/messages).
//
// Prompt caching: Anthropic caches the request prefix up to each block marked
// `cache_control: {"type": "ephemeral"}`, in the order tools -> system ->
// messages, and allows four such marks. We use them for (1) the last tool
// definition, (2) the system prompt, (3) the last message marked
// Message::cache_prefix (the request and repository context every variant
// shares) and (4) the last message of the conversation, so each turn of a
// variant reads the previous turns from the cache. The first variant writes
// the shared prefix; variants 2..N read it.
//
// Streaming events (see tests/specs/llm/anthropic/NOTES.md): message_start,
// content_block_start/delta/stop, message_delta (stop_reason, usage),
// message_stop; `ping` ignored; `error` after HTTP 200 is an error.

#include <fmt/format.h>

#include <map>

#include "providers.hpp"
#include "wire.hpp"

namespace draftsmith::llm::detail {
namespace {

using nlohmann::json;

constexpr std::string_view k_name = "anthropic";
constexpr std::string_view k_default_base = "https://api.anthropic.com";
constexpr std::string_view k_default_version = "2023-06-01";

// A function, not a global: building a json can throw, and a throwing static
// initialiser could not be caught.
json ephemeral()
{
    return {{"type", "ephemeral"}};
}

StopReason stop_reason_of(const std::string& reason)
{
    if (reason == "end_turn") {
        return StopReason::end_turn;
    }
    if (reason == "tool_use") {
        return StopReason::tool_use;
    }
    if (reason == "max_tokens" || reason == "model_context_window_exceeded") {
        return StopReason::max_tokens;
    }
    if (reason == "stop_sequence") {
        return StopReason::stop_sequence;
    }
    if (reason == "refusal") {
        return StopReason::refusal;
    }
    if (reason == "pause_turn") {
        return StopReason::pause_turn;
    }
    return StopReason::other;
}

std::int64_t count(const json& usage, const char* field)
{
    const auto it = usage.find(field);
    return it != usage.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

void read_usage(const json& usage, Usage& into, bool only_present)
{
    for (auto [field, slot] :
         {std::pair{"input_tokens", &into.input_tokens},
          std::pair{"output_tokens", &into.output_tokens},
          std::pair{"cache_creation_input_tokens", &into.cache_creation_input_tokens},
          std::pair{"cache_read_input_tokens", &into.cache_read_input_tokens}}) {
        if (!only_present || (usage.contains(field) && usage[field].is_number_integer())) {
            *slot = count(usage, field);
        }
    }
}

json block_json(const ContentBlock& block)
{
    if (const auto* text = std::get_if<Text>(&block)) {
        return {{"type", "text"}, {"text", text->text}};
    }
    if (const auto* call = std::get_if<ToolCall>(&block)) {
        return {
            {"type", "tool_use"}, {"id", call->id}, {"name", call->name}, {"input", call->input}};
    }
    const auto& result = std::get<ToolResult>(block);
    json out = {
        {"type", "tool_result"}, {"tool_use_id", result.tool_call_id}, {"content", result.content}};
    if (result.is_error) {
        out["is_error"] = true;
    }
    return out;
}

bool is_empty_text(const ContentBlock& block)
{
    const auto* text = std::get_if<Text>(&block);
    return text && text->text.empty();
}

// The assistant's content from a non-streamed message or a finished stream.
void append_block(const json& block, std::vector<ContentBlock>& content)
{
    const auto type = block.value("type", std::string());
    if (type == "text") {
        content.emplace_back(Text{block.value("text", std::string())});
    } else if (type == "tool_use") {
        content.emplace_back(ToolCall{block.value("id", std::string()),
                                      block.value("name", std::string()),
                                      block.value("input", json::object())});
    }
    // thinking, redacted_thinking, server tool blocks: not used by draftsmith.
}

Response parse_message(const json& body)
{
    Response response;
    response.message.role = Role::assistant;
    response.id = body.value("id", std::string());
    response.model = body.value("model", std::string());
    for (const auto& block : body.value("content", json::array())) {
        append_block(block, response.message.content);
    }
    const auto reason = body.value("stop_reason", json()).is_string()
                            ? body["stop_reason"].get<std::string>()
                            : std::string();
    response.stop_reason = stop_reason_of(reason);
    response.stop_detail = reason;
    read_usage(body.value("usage", json::object()), response.usage, false);
    return response;
}

[[noreturn]] void throw_stream_error(const json& data)
{
    const auto error = data.value("error", json::object());
    const auto type = error.value("type", std::string("error"));
    const auto message = error.value("message", std::string());
    const auto text = fmt::format("{}: the answer stream reported {}: {}", k_name, type, message);
    if (type == "overloaded_error") {
        throw RetryableAnswerError(FailureKind::overloaded, text);
    }
    if (type == "rate_limit_error") {
        throw RetryableAnswerError(FailureKind::rate_limited, text);
    }
    if (type == "api_error" || type == "error") {
        throw RetryableAnswerError(FailureKind::server, text);
    }
    throw ProviderError(FailureKind::invalid_request, text);
}

class AnthropicStream final : public StreamAccumulator {
public:
    void on_event(const SseEvent& event) override
    {
        if (event.event == "ping") {
            return;
        }
        const auto data = parse_answer_json(k_name, event.data, "a stream event");
        const auto type = data.value("type", event.event);
        if (type == "error") {
            throw_stream_error(data);
        }
        if (type == "message_start") {
            const auto& message = data.at("message");
            m_response.id = message.value("id", std::string());
            m_response.model = message.value("model", std::string());
            read_usage(message.value("usage", json::object()), m_response.usage, false);
            m_started = true;
        } else if (type == "content_block_start") {
            m_blocks[data.at("index").get<int>()] = Block{data.at("content_block"), {}};
        } else if (type == "content_block_delta") {
            auto& block = m_blocks[data.at("index").get<int>()];
            const auto& delta = data.at("delta");
            const auto delta_type = delta.value("type", std::string());
            if (delta_type == "text_delta") {
                block.start["text"] =
                    block.start.value("text", std::string()) + delta.value("text", std::string());
            } else if (delta_type == "input_json_delta") {
                block.partial_json += delta.value("partial_json", std::string());
            }
        } else if (type == "content_block_stop") {
            auto& block = m_blocks[data.at("index").get<int>()];
            if (block.start.value("type", std::string()) == "tool_use") {
                block.start["input"] = parse_tool_input(k_name, block.partial_json);
            }
            block.complete = true;
        } else if (type == "message_delta") {
            const auto delta = data.value("delta", json::object());
            if (delta.contains("stop_reason") && delta["stop_reason"].is_string()) {
                m_stop_reason = delta["stop_reason"].get<std::string>();
            }
            read_usage(data.value("usage", json::object()), m_response.usage, true);
        } else if (type == "message_stop") {
            m_stopped = true;
        }
    }

    Response finish() override
    {
        if (!m_started || !m_stopped) {
            throw RetryableAnswerError(FailureKind::server,
                                       fmt::format("{}: the answer stream ended before {}", k_name,
                                                   m_started ? "message_stop" : "message_start"));
        }
        m_response.message.role = Role::assistant;
        for (const auto& [index, block] : m_blocks) {
            // A tool call cut by max_tokens has half its input: never run it.
            if (block.complete || block.start.value("type", std::string()) != "tool_use") {
                append_block(block.start, m_response.message.content);
            }
        }
        m_response.stop_reason = stop_reason_of(m_stop_reason);
        m_response.stop_detail = m_stop_reason;
        return std::move(m_response);
    }

private:
    struct Block {
        json start;
        std::string partial_json;
        bool complete = false;
    };
    Response m_response;
    std::map<int, Block> m_blocks;
    std::string m_stop_reason;
    bool m_started = false;
    bool m_stopped = false;
};

class AnthropicProvider final : public Provider {
public:
    AnthropicProvider(ProviderOptions options, std::shared_ptr<net::HttpClient> http)
        : m_options(std::move(options))
        , m_http(std::move(http))
        , m_url(base_or(m_options.base_url, k_default_base) + "/v1/messages")
    {
    }

    Response complete(const Conversation& conversation, const Tools& tools,
                      const Options& options) override
    {
        const auto model = options.model.empty() ? m_options.model : options.model;
        Exchange exchange;
        exchange.provider = std::string(k_name);
        exchange.http = m_http.get();
        exchange.stream = m_options.stream;
        exchange.request.method = net::Method::post;
        exchange.request.url = m_url;
        exchange.request.total_timeout = m_options.request_timeout;
        exchange.request.headers = {
            {"content-type", "application/json"},
            {"accept", m_options.stream ? "text/event-stream" : "application/json"},
            {"anthropic-version", m_options.api_version.empty() ? std::string(k_default_version)
                                                                : m_options.api_version},
            {"x-api-key", m_options.api_key.reveal()}};
        exchange.request.body =
            anthropic_request_body(conversation, tools, options, m_options).dump();
        exchange.parse_whole = &parse_message;
        exchange.new_stream = [] { return std::make_unique<AnthropicStream>(); };
        exchange.throw_http_error = [&](const net::Response& response) {
            throw http_error(k_name, response, m_options.api_key_variable, model);
        };
        exchange.stream_retries = m_options.stream_retries;
        exchange.retry = m_options.retry;
        exchange.sleep = m_options.sleep;
        exchange.deadline = options.deadline;
        exchange.on_answer_began = options.on_answer_began;
        return run_exchange(exchange);
    }

    std::string name() const override { return std::string(k_name); }

private:
    ProviderOptions m_options;
    std::shared_ptr<net::HttpClient> m_http;
    std::string m_url;
};

} // namespace

namespace {

// The messages, the last one marked as the shared prefix (and, with
// cache_conversation, the last one) ending in a cache breakpoint.
json anthropic_messages(const Conversation& conversation, bool caching, bool cache_conversation)
{
    std::optional<std::size_t> prefix_end;
    for (std::size_t i = 0; i < conversation.messages.size(); ++i) {
        if (conversation.messages[i].cache_prefix) {
            prefix_end = i;
        }
    }
    json messages = json::array();
    for (std::size_t i = 0; i < conversation.messages.size(); ++i) {
        const auto& message = conversation.messages[i];
        json content = json::array();
        for (const auto& block : message.content) {
            if (!is_empty_text(block)) {
                content.push_back(block_json(block));
            }
        }
        const bool last = i + 1 == conversation.messages.size();
        const bool mark = (prefix_end && *prefix_end == i) || (last && cache_conversation);
        if (caching && mark && !content.empty()) {
            content.back()["cache_control"] = ephemeral();
        }
        messages.push_back(
            {{"role", message.role == Role::user ? "user" : "assistant"}, {"content", content}});
    }
    return messages;
}

// "tools" (the last one a cache breakpoint when caching) and "tool_choice".
void add_anthropic_tools(const Tools& tools, ToolChoice choice, bool caching, json& body)
{
    json list = json::array();
    for (const auto& tool : tools) {
        json entry = {{"name", tool.name}, {"input_schema", tool.input_schema}};
        if (!tool.description.empty()) {
            entry["description"] = tool.description;
        }
        list.push_back(entry);
    }
    if (caching) {
        list.back()["cache_control"] = ephemeral();
    }
    body["tools"] = list;
    switch (choice) {
    case ToolChoice::automatic:
        body["tool_choice"] = {{"type", "auto"}};
        break;
    case ToolChoice::any:
        body["tool_choice"] = {{"type", "any"}};
        break;
    case ToolChoice::none:
        body["tool_choice"] = {{"type", "none"}};
        break;
    }
}

} // namespace

json anthropic_request_body(const Conversation& conversation, const Tools& tools,
                            const Options& options, const ProviderOptions& provider)
{
    const bool caching = provider.prompt_caching;
    json body;
    body["model"] = options.model.empty() ? provider.model : options.model;
    body["max_tokens"] = options.max_output_tokens.value_or(provider.max_output_tokens);
    if (!conversation.system.empty()) {
        json system = {{"type", "text"}, {"text", conversation.system}};
        if (caching) {
            system["cache_control"] = ephemeral();
        }
        body["system"] = json::array({system});
    }
    body["messages"] = anthropic_messages(conversation, caching, options.cache_conversation);
    if (!tools.empty()) {
        add_anthropic_tools(tools, options.tool_choice, caching, body);
    }
    if (const auto temperature = options.temperature ? options.temperature : provider.temperature) {
        body["temperature"] = *temperature;
    }
    if (!options.stop_sequences.empty()) {
        body["stop_sequences"] = options.stop_sequences;
    }
    if (provider.stream) {
        body["stream"] = true;
    }
    return body;
}

std::unique_ptr<Provider> make_anthropic_provider(ProviderOptions options,
                                                  std::shared_ptr<net::HttpClient> http)
{
    return std::make_unique<AnthropicProvider>(std::move(options), std::move(http));
}

} // namespace draftsmith::llm::detail
