#include "draftsmith/llm/llm.hpp"

#include <fmt/format.h>

namespace draftsmith::llm {
namespace {

using nlohmann::json;

StopReason parse_stop_reason(const std::string& text)
{
    for (auto reason : {StopReason::end_turn, StopReason::tool_use, StopReason::max_tokens,
                        StopReason::stop_sequence, StopReason::refusal, StopReason::pause_turn}) {
        if (text == to_string(reason)) {
            return reason;
        }
    }
    return StopReason::other;
}

json block_to_json(const ContentBlock& block)
{
    if (const auto* text = std::get_if<Text>(&block)) {
        return {{"type", "text"}, {"text", text->text}};
    }
    if (const auto* call = std::get_if<ToolCall>(&block)) {
        return {
            {"type", "tool_call"}, {"id", call->id}, {"name", call->name}, {"input", call->input}};
    }
    const auto& result = std::get<ToolResult>(block);
    return {{"type", "tool_result"},
            {"tool_call_id", result.tool_call_id},
            {"content", result.content},
            {"is_error", result.is_error}};
}

ContentBlock block_from_json(const json& value)
{
    const auto type = value.at("type").get<std::string>();
    if (type == "text") {
        return Text{value.at("text").get<std::string>()};
    }
    if (type == "tool_call") {
        return ToolCall{value.at("id").get<std::string>(), value.at("name").get<std::string>(),
                        value.value("input", json::object())};
    }
    if (type == "tool_result") {
        return ToolResult{value.at("tool_call_id").get<std::string>(),
                          value.at("content").get<std::string>(), value.value("is_error", false)};
    }
    throw ProviderError(FailureKind::invalid_response,
                        fmt::format("unknown content block type '{}'", type));
}

} // namespace

const char* to_string(StopReason reason) noexcept
{
    switch (reason) {
    case StopReason::end_turn:
        return "end_turn";
    case StopReason::tool_use:
        return "tool_use";
    case StopReason::max_tokens:
        return "max_tokens";
    case StopReason::stop_sequence:
        return "stop_sequence";
    case StopReason::refusal:
        return "refusal";
    case StopReason::pause_turn:
        return "pause_turn";
    case StopReason::other:
        return "other";
    }
    return "other";
}

Usage& Usage::operator+=(const Usage& other) noexcept
{
    input_tokens += other.input_tokens;
    output_tokens += other.output_tokens;
    cache_creation_input_tokens += other.cache_creation_input_tokens;
    cache_read_input_tokens += other.cache_read_input_tokens;
    return *this;
}

Message Message::user_text(std::string text, bool cache_prefix)
{
    Message message;
    message.role = Role::user;
    message.content.emplace_back(Text{std::move(text)});
    message.cache_prefix = cache_prefix;
    return message;
}

std::string Response::text() const
{
    std::string out;
    for (const auto& block : message.content) {
        if (const auto* text = std::get_if<Text>(&block)) {
            if (!out.empty()) {
                out += '\n';
            }
            out += text->text;
        }
    }
    return out;
}

std::vector<ToolCall> Response::tool_calls() const
{
    std::vector<ToolCall> calls;
    for (const auto& block : message.content) {
        if (const auto* call = std::get_if<ToolCall>(&block)) {
            calls.push_back(*call);
        }
    }
    return calls;
}

json to_json(const Usage& usage)
{
    return {{"input_tokens", usage.input_tokens},
            {"output_tokens", usage.output_tokens},
            {"cache_creation_input_tokens", usage.cache_creation_input_tokens},
            {"cache_read_input_tokens", usage.cache_read_input_tokens}};
}

json to_json(const Response& response)
{
    json content = json::array();
    for (const auto& block : response.message.content) {
        content.push_back(block_to_json(block));
    }
    return {{"content", content},
            {"stop_reason", to_string(response.stop_reason)},
            {"stop_detail", response.stop_detail},
            {"usage", to_json(response.usage)},
            {"model", response.model},
            {"id", response.id}};
}

Response response_from_json(const json& value)
{
    try {
        Response response;
        response.message.role = Role::assistant;
        for (const auto& block : value.at("content")) {
            response.message.content.push_back(block_from_json(block));
        }
        response.stop_reason = parse_stop_reason(value.at("stop_reason").get<std::string>());
        response.stop_detail = value.value("stop_detail", std::string());
        const auto usage = value.value("usage", json::object());
        response.usage.input_tokens = usage.value("input_tokens", std::int64_t{0});
        response.usage.output_tokens = usage.value("output_tokens", std::int64_t{0});
        response.usage.cache_creation_input_tokens =
            usage.value("cache_creation_input_tokens", std::int64_t{0});
        response.usage.cache_read_input_tokens =
            usage.value("cache_read_input_tokens", std::int64_t{0});
        response.model = value.value("model", std::string());
        response.id = value.value("id", std::string());
        return response;
    } catch (const json::exception& e) {
        throw ProviderError(FailureKind::invalid_response,
                            fmt::format("recorded response does not parse: {}", e.what()));
    }
}

} // namespace draftsmith::llm
