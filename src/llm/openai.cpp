// OpenAI Chat Completions (POST {base}/chat/completions), also spoken by
// Azure OpenAI (deployment URL, api-version, api-key header) and by
// OpenAI-compatible servers (vLLM, Ollama, llama.cpp server, LiteLLM) whose
// base URL ends in /v1 and which may need no key.
//
// Mapping to llm/ types: the system prompt is a "system" message; a user
// Message's ToolResults become "tool" messages (before its text, which
// follows as a "user" message); an assistant Message's ToolCalls become
// `tool_calls` with JSON-encoded arguments. OpenAI caches long prefixes on
// its own: usage.prompt_tokens_details.cached_tokens becomes
// Usage::cache_read_input_tokens and is subtracted from input_tokens.
// A tool call whose arguments are not valid JSON keeps them as a JSON string
// in ToolCall::input, so the agent can tell the model.

#include <fmt/format.h>

#include <map>

#include "providers.hpp"
#include "wire.hpp"

namespace draftsmith::llm::detail {
namespace {

using nlohmann::json;

constexpr std::string_view k_default_base = "https://api.openai.com/v1";
constexpr std::string_view k_default_azure_version = "2024-10-21";

StopReason stop_reason_of(const std::string& reason)
{
    if (reason == "stop") {
        return StopReason::end_turn;
    }
    if (reason == "tool_calls" || reason == "function_call") {
        return StopReason::tool_use;
    }
    if (reason == "length") {
        return StopReason::max_tokens;
    }
    if (reason == "content_filter") {
        return StopReason::refusal;
    }
    return StopReason::other;
}

json arguments_to_input(std::string_view provider, const std::string& arguments)
{
    if (arguments.empty()) {
        return json::object();
    }
    try {
        return parse_answer_json(provider, arguments, "a tool input");
    } catch (const json::exception&) {
        return arguments;
    }
}

void read_usage(const json& usage, Usage& into)
{
    const auto number = [](const json& object, const char* field) -> std::int64_t {
        const auto it = object.find(field);
        return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
    };
    const auto prompt = number(usage, "prompt_tokens");
    std::int64_t cached = 0;
    if (const auto details = usage.find("prompt_tokens_details");
        details != usage.end() && details->is_object()) {
        cached = number(*details, "cached_tokens");
    }
    into.cache_read_input_tokens = cached;
    into.input_tokens = prompt - cached;
    into.output_tokens = number(usage, "completion_tokens");
    into.cache_creation_input_tokens = 0;
}

std::string string_or_empty(const json& object, const char* field)
{
    const auto it = object.find(field);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// finish_reason and refusal together decide the stop reason.
void set_stop(Response& response, const std::string& finish_reason, bool refused)
{
    response.stop_detail = finish_reason;
    response.stop_reason = refused ? StopReason::refusal : stop_reason_of(finish_reason);
}

Response parse_completion(const json& body)
{
    Response response;
    response.message.role = Role::assistant;
    response.id = string_or_empty(body, "id");
    response.model = string_or_empty(body, "model");
    const auto& choices = body.at("choices");
    if (!choices.is_array() || choices.empty()) {
        throw RetryableAnswerError(FailureKind::invalid_response,
                                   "openai: the answer has no choices");
    }
    const auto& choice = choices[0];
    const auto& message = choice.at("message");
    const auto content = string_or_empty(message, "content");
    const auto refusal = string_or_empty(message, "refusal");
    if (!content.empty()) {
        response.message.content.emplace_back(Text{content});
    }
    if (!refusal.empty()) {
        response.message.content.emplace_back(Text{refusal});
    }
    if (const auto calls = message.find("tool_calls");
        calls != message.end() && calls->is_array()) {
        for (const auto& call : *calls) {
            const auto& function = call.at("function");
            response.message.content.emplace_back(
                ToolCall{string_or_empty(call, "id"), string_or_empty(function, "name"),
                         arguments_to_input("openai", string_or_empty(function, "arguments"))});
        }
    }
    set_stop(response, string_or_empty(choice, "finish_reason"), !refusal.empty());
    if (const auto usage = body.find("usage"); usage != body.end() && usage->is_object()) {
        read_usage(*usage, response.usage);
    }
    return response;
}

class OpenAiStream final : public StreamAccumulator {
public:
    explicit OpenAiStream(std::string provider)
        : m_provider(std::move(provider))
    {
    }

    void on_event(const SseEvent& event) override
    {
        if (event.data == "[DONE]") {
            m_done = true;
            return;
        }
        const auto data = parse_answer_json(m_provider, event.data, "a stream event");
        if (data.contains("error")) {
            const auto& error = data["error"];
            const auto message =
                error.is_object() ? string_or_empty(error, "message") : error.dump();
            throw RetryableAnswerError(
                FailureKind::server,
                fmt::format("{}: the answer stream reported an error: {}", m_provider, message));
        }
        if (m_response.id.empty()) {
            m_response.id = string_or_empty(data, "id");
            m_response.model = string_or_empty(data, "model");
        }
        if (const auto usage = data.find("usage"); usage != data.end() && usage->is_object()) {
            read_usage(*usage, m_response.usage);
        }
        const auto choices = data.value("choices", json::array());
        if (choices.empty()) {
            return;
        }
        const auto& choice = choices[0];
        if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
            m_content += string_or_empty(*delta, "content");
            m_refusal += string_or_empty(*delta, "refusal");
            if (const auto calls = delta->find("tool_calls");
                calls != delta->end() && calls->is_array()) {
                for (const auto& piece : *calls) {
                    auto& call = m_calls[piece.value("index", 0)];
                    if (const auto id = string_or_empty(piece, "id"); !id.empty()) {
                        call.id = id;
                    }
                    if (const auto function = piece.find("function");
                        function != piece.end() && function->is_object()) {
                        call.name += string_or_empty(*function, "name");
                        call.arguments += string_or_empty(*function, "arguments");
                    }
                }
            }
        }
        if (const auto reason = string_or_empty(choice, "finish_reason"); !reason.empty()) {
            m_finish_reason = reason;
        }
    }

    Response finish() override
    {
        if (m_finish_reason.empty()) {
            throw RetryableAnswerError(
                FailureKind::server,
                fmt::format("{}: the answer stream ended before a finish_reason", m_provider));
        }
        m_response.message.role = Role::assistant;
        if (!m_content.empty()) {
            m_response.message.content.emplace_back(Text{m_content});
        }
        if (!m_refusal.empty()) {
            m_response.message.content.emplace_back(Text{m_refusal});
        }
        for (const auto& [index, call] : m_calls) {
            m_response.message.content.emplace_back(
                ToolCall{call.id, call.name, arguments_to_input(m_provider, call.arguments)});
        }
        set_stop(m_response, m_finish_reason, !m_refusal.empty());
        return std::move(m_response);
    }

private:
    struct PartialCall {
        std::string id;
        std::string name;
        std::string arguments;
    };
    std::string m_provider;
    Response m_response;
    std::string m_content;
    std::string m_refusal;
    std::map<int, PartialCall> m_calls;
    std::string m_finish_reason;
    bool m_done = false;
};

class OpenAiProvider final : public Provider {
public:
    OpenAiProvider(ProviderOptions options, std::shared_ptr<net::HttpClient> http)
        : m_options(std::move(options))
        , m_http(std::move(http))
        , m_name(m_options.kind == ProviderKind::azure_openai ? "azure-openai" : "openai")
    {
        if (m_options.kind == ProviderKind::azure_openai) {
            const auto deployment =
                m_options.azure_deployment.empty() ? m_options.model : m_options.azure_deployment;
            const auto version = m_options.api_version.empty()
                                     ? std::string(k_default_azure_version)
                                     : m_options.api_version;
            m_url = fmt::format("{}/openai/deployments/{}/chat/completions?api-version={}",
                                base_or(m_options.base_url, ""), deployment, version);
        } else {
            m_url = base_or(m_options.base_url, k_default_base) + "/chat/completions";
        }
    }

    Response complete(const Conversation& conversation, const Tools& tools,
                      const Options& options) override
    {
        const auto model = options.model.empty() ? m_options.model : options.model;
        Exchange exchange;
        exchange.provider = m_name;
        exchange.http = m_http.get();
        exchange.stream = m_options.stream;
        exchange.request.method = net::Method::post;
        exchange.request.url = m_url;
        exchange.request.total_timeout = m_options.request_timeout;
        exchange.request.headers = {
            {"content-type", "application/json"},
            {"accept", m_options.stream ? "text/event-stream" : "application/json"}};
        if (!m_options.api_key.empty()) {
            if (m_options.kind == ProviderKind::azure_openai) {
                exchange.request.headers.emplace_back("api-key", m_options.api_key.reveal());
            } else {
                exchange.request.headers.emplace_back("authorization",
                                                      "Bearer " + m_options.api_key.reveal());
            }
        }
        exchange.request.body = openai_request_body(conversation, tools, options, m_options).dump();
        exchange.parse_whole = &parse_completion;
        exchange.new_stream = [this] { return std::make_unique<OpenAiStream>(m_name); };
        exchange.throw_http_error = [&](const net::Response& response) {
            throw http_error(m_name, response, m_options.api_key_variable, model);
        };
        exchange.stream_retries = m_options.stream_retries;
        exchange.retry = m_options.retry;
        exchange.sleep = m_options.sleep;
        exchange.deadline = options.deadline;
        exchange.on_answer_began = options.on_answer_began;
        return run_exchange(exchange);
    }

    std::string name() const override { return m_name; }

private:
    ProviderOptions m_options;
    std::shared_ptr<net::HttpClient> m_http;
    std::string m_name;
    std::string m_url;
};

} // namespace

namespace {

// One message as Chat Completions wants it: text blocks joined, tool calls
// on the assistant's message, each tool result a "tool" message of its own.
void add_openai_message(const Message& message, json& messages)
{
    std::string text;
    json calls = json::array();
    for (const auto& block : message.content) {
        if (const auto* piece = std::get_if<Text>(&block)) {
            if (!text.empty() && !piece->text.empty()) {
                text += "\n\n";
            }
            text += piece->text;
        } else if (const auto* call = std::get_if<ToolCall>(&block)) {
            calls.push_back(
                {{"id", call->id},
                 {"type", "function"},
                 {"function",
                  {{"name", call->name},
                   {"arguments", call->input.is_string() ? call->input.get<std::string>()
                                                         : call->input.dump()}}}});
        } else {
            const auto& result = std::get<ToolResult>(block);
            messages.push_back(
                {{"role", "tool"},
                 {"tool_call_id", result.tool_call_id},
                 {"content", result.is_error ? "Error: " + result.content : result.content}});
        }
    }
    if (message.role == Role::assistant) {
        json entry = {{"role", "assistant"}};
        entry["content"] = text.empty() ? json(nullptr) : json(text);
        if (!calls.empty()) {
            entry["tool_calls"] = calls;
        }
        messages.push_back(entry);
    } else if (!text.empty()) {
        messages.push_back({{"role", "user"}, {"content", text}});
    }
}

// "tools" and "tool_choice" of the request body.
void add_openai_tools(const Tools& tools, ToolChoice choice, json& body)
{
    json list = json::array();
    for (const auto& tool : tools) {
        json function = {{"name", tool.name}, {"parameters", tool.input_schema}};
        if (!tool.description.empty()) {
            function["description"] = tool.description;
        }
        list.push_back({{"type", "function"}, {"function", function}});
    }
    body["tools"] = list;
    switch (choice) {
    case ToolChoice::automatic:
        body["tool_choice"] = "auto";
        break;
    case ToolChoice::any:
        body["tool_choice"] = "required";
        break;
    case ToolChoice::none:
        body["tool_choice"] = "none";
        break;
    }
}

} // namespace

json openai_request_body(const Conversation& conversation, const Tools& tools,
                         const Options& options, const ProviderOptions& provider)
{
    json body;
    body["model"] = options.model.empty() ? provider.model : options.model;
    json messages = json::array();
    if (!conversation.system.empty()) {
        messages.push_back({{"role", "system"}, {"content", conversation.system}});
    }
    for (const auto& message : conversation.messages) {
        add_openai_message(message, messages);
    }
    body["messages"] = messages;
    if (!tools.empty()) {
        add_openai_tools(tools, options.tool_choice, body);
    }
    const auto max_tokens = options.max_output_tokens.value_or(provider.max_output_tokens);
    // OpenAI and Azure replaced max_tokens (refused by reasoning models);
    // compatible servers still know only max_tokens.
    const bool official = provider.kind == ProviderKind::azure_openai ||
                          provider.base_url.empty() ||
                          provider.base_url.find("api.openai.com") != std::string::npos;
    body[official ? "max_completion_tokens" : "max_tokens"] = max_tokens;
    if (const auto temperature = options.temperature ? options.temperature : provider.temperature) {
        body["temperature"] = *temperature;
    }
    if (!options.stop_sequences.empty()) {
        body["stop"] = options.stop_sequences;
    }
    if (provider.stream) {
        body["stream"] = true;
        body["stream_options"] = {{"include_usage", true}};
    }
    return body;
}

std::unique_ptr<Provider> make_openai_provider(ProviderOptions options,
                                               std::shared_ptr<net::HttpClient> http)
{
    return std::make_unique<OpenAiProvider>(std::move(options), std::move(http));
}

} // namespace draftsmith::llm::detail
