#pragma once
// llm/: one interface to language models, whatever the provider.
//
//     Response complete(const Conversation&, const Tools&, const Options&)
//
// A Conversation is a system prompt and alternating user/assistant messages
// whose content blocks are text, tool calls (assistant) and tool results
// (user). The agent loop sends it, gets a Response (the assistant's message,
// why it stopped, tokens used and what they cost), runs the tool calls,
// appends the assistant message and a user message with one ToolResult per
// ToolCall, and calls complete() again.
//
// Prompt caching: the system prompt, the tool definitions and every message
// up to one marked `cache_prefix` form a prefix that variants of one request
// share; providers that support it (Anthropic) mark it so variants 2..N read
// it from the cache. Providers that cache on their own (OpenAI) report
// cached tokens in Usage either way.
//
// Implementations: anthropic, openai (OpenAI, Azure OpenAI and compatible
// servers), replay (a recorded file). Make one with make_provider()
// (llm/provider.hpp). Failures throw llm::ProviderError (a draftsmith::Error
// of category llm) with a message fit for a PR comment.
//
// The agent loop, in short:
//
//     Conversation c{system_prompt, {Message::user_text(context, true),
//                                    Message::user_text(request_and_hint)}};
//     for (Options o{.variant = i}; ; ++o.turn) {
//         Response r = provider.complete(c, tools, o);   // may throw
//         c.messages.push_back(r.message);
//         if (r.stop_reason == StopReason::pause_turn) continue; // resend as is
//         if (r.stop_reason != StopReason::tool_use) break;      // done/refused/cut
//         Message results{Role::user};
//         for (auto& call : r.tool_calls())
//             results.content.push_back(ToolResult{call.id, run(call), failed});
//         c.messages.push_back(results);
//     }

#include "draftsmith/util/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace draftsmith::llm {

enum class Role { user, assistant };

struct Text {
    std::string text;
};

// The model asks for a tool to run. `id` pairs it with its ToolResult.
struct ToolCall {
    std::string id;
    std::string name;
    nlohmann::json input = nlohmann::json::object();
};

// What running a tool gave, sent back in the next user message.
struct ToolResult {
    std::string tool_call_id;
    std::string content;
    bool is_error = false; // the tool failed; content says why
};

using ContentBlock = std::variant<Text, ToolCall, ToolResult>;

struct Message {
    Role role = Role::user;
    std::vector<ContentBlock> content;
    // Everything up to and including this message is the same for every
    // variant (the request and repository context): cache it.
    bool cache_prefix = false;

    static Message user_text(std::string text, bool cache_prefix = false);
};

struct Conversation {
    std::string system;
    std::vector<Message> messages;
};

// A tool the model may call; input_schema is a JSON Schema object.
struct Tool {
    std::string name;
    std::string description;
    nlohmann::json input_schema = {{"type", "object"}, {"properties", nlohmann::json::object()}};
};

using Tools = std::vector<Tool>;

enum class ToolChoice { automatic, any, none };

// Per call. Empty/unset values fall back to the provider's configuration.
struct Options {
    std::string model;
    std::optional<int> max_output_tokens;
    std::optional<double> temperature;
    std::vector<std::string> stop_sequences;
    ToolChoice tool_choice = ToolChoice::automatic;
    // Also mark the end of the conversation so the next turn of the same
    // variant reads everything before it from the cache.
    bool cache_conversation = true;
    // Which variant (1-based) and which of its calls (0-based) this is: the
    // key of replay files, and a label in logs and cost reports.
    int variant = 1;
    int turn = 0;
    // When set, the call ends by then whatever the service does (a stream
    // that only sends pings, a stalled answer): the HTTP request is cut at
    // the deadline, no retry starts after it, and complete() throws
    // ProviderError(budget) "<provider>: the time allowed for this call is spent".
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // Called once the service's answer has begun (the first event of a
    // stream; without streaming, when the whole answer arrived), never on
    // an error status: from then on the prompt cache entries this call
    // writes can be read by other calls (llm/cache_warmup.hpp). May run on
    // the HTTP client's thread; must not throw.
    std::function<void()> on_answer_began;
};

enum class StopReason {
    end_turn,      // the model finished its answer
    tool_use,      // it wants the tool calls run
    max_tokens,    // cut at the output limit: the answer is incomplete
    stop_sequence, // one of Options::stop_sequences was produced
    refusal,       // the model declined (safety)
    pause_turn,    // a long turn paused: send the conversation again to continue
    other,         // anything else the provider said (see Response::stop_detail)
};

const char* to_string(StopReason reason) noexcept;

// Token counts of one call. input_tokens are the input tokens that were NOT
// read from or written to the cache; the total input is the sum of the three
// input fields (OpenAI's prompt_tokens is split this way too).
struct Usage {
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cache_creation_input_tokens = 0;
    std::int64_t cache_read_input_tokens = 0;

    std::int64_t total() const noexcept
    {
        return input_tokens + output_tokens + cache_creation_input_tokens + cache_read_input_tokens;
    }
    Usage& operator+=(const Usage& other) noexcept;
};

struct Response {
    Message message; // role assistant: text and tool calls, in order
    StopReason stop_reason = StopReason::end_turn;
    std::string stop_detail; // the provider's own word (e.g. "length", "content_filter")
    Usage usage;
    double cost_usd = 0; // filled by the metering wrapper (llm/cost.hpp); 0 without prices
    std::string model;   // as the provider reported it
    std::string id;      // the provider's message id

    // The text blocks joined with newlines.
    std::string text() const;
    std::vector<ToolCall> tool_calls() const;
};

// What kind of failure, so callers can tell "try later" from "fix config".
enum class FailureKind {
    authentication,   // bad or missing key (401)
    permission,       // key lacks access (403)
    not_found,        // model or deployment unknown (404)
    invalid_request,  // the request was refused (400, 413, 422)
    rate_limited,     // 429 after retries
    overloaded,       // 529 / overloaded_error after retries
    server,           // 5xx after retries, or an error event in a stream
    invalid_response, // the answer did not parse
    budget,           // a token or money budget of the run is spent
    no_recording,     // replay: no recorded answer for this variant and turn
};

class ProviderError : public Error {
public:
    ProviderError(FailureKind kind, const std::string& message)
        : Error(ErrorCategory::llm, message)
        , m_kind(kind)
    {
    }
    FailureKind kind() const noexcept { return m_kind; }

private:
    FailureKind m_kind;
};

class Provider {
public:
    virtual ~Provider() = default;

    // Sends the conversation and returns the model's answer. Thread-safe.
    // Throws ProviderError with a message naming the provider, the HTTP
    // status and the service's own explanation.
    virtual Response complete(const Conversation& conversation, const Tools& tools,
                              const Options& options) = 0;

    // "anthropic", "openai", "azure-openai", "replay", ...
    virtual std::string name() const = 0;
};

// JSON forms of the types above, used by replay files and reports.
nlohmann::json to_json(const Response& response);
Response response_from_json(const nlohmann::json& value); // throws ProviderError(invalid_response)
nlohmann::json to_json(const Usage& usage);

} // namespace draftsmith::llm
