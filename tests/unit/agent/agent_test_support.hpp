#pragma once
// Helpers of the agent/ unit tests (agent_*_test.cpp): a scripted provider,
// tool-call answers, a demo repository and a task.
#include "draftsmith/agent/agent.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <variant>

namespace agent = draftsmith::agent;
namespace llm = draftsmith::llm;
using draftsmith::edit::MemoryTree;
using nlohmann::json;

namespace agent_test_support {

// Answers from a queue and keeps every conversation it was sent.
class ScriptedProvider final : public llm::Provider {
public:
    using Step = std::variant<llm::Response, llm::ProviderError>;

    void add(llm::Response response) { m_steps.emplace_back(std::move(response)); }
    void fail(llm::FailureKind kind, const std::string& message)
    {
        m_steps.emplace_back(llm::ProviderError(kind, message));
    }

    llm::Response complete(const llm::Conversation& conversation, const llm::Tools& tools,
                           const llm::Options& options) override
    {
        conversations.push_back(conversation);
        tool_counts.push_back(tools.size());
        calls.push_back(options);
        if (m_steps.empty()) {
            throw llm::ProviderError(llm::FailureKind::no_recording,
                                     "the script has no more answers");
        }
        auto step = std::move(m_steps.front());
        m_steps.pop_front();
        if (auto* error = std::get_if<llm::ProviderError>(&step)) {
            throw *error;
        }
        return std::get<llm::Response>(std::move(step));
    }

    std::string name() const override { return "scripted"; }

    std::vector<llm::Conversation> conversations;
    std::vector<std::size_t> tool_counts;
    std::vector<llm::Options> calls;

private:
    std::deque<Step> m_steps;
};

inline int g_next_id = 0;

inline llm::Response tool_use(std::vector<std::pair<std::string, json>> calls, double cost = 0)
{
    llm::Response response;
    response.message.role = llm::Role::assistant;
    for (auto& [name, input] : calls) {
        response.message.content.emplace_back(
            llm::ToolCall{"call" + std::to_string(++g_next_id), name, input});
    }
    response.stop_reason = llm::StopReason::tool_use;
    response.usage.input_tokens = 100;
    response.usage.output_tokens = 10;
    response.cost_usd = cost;
    return response;
}

inline llm::Response tool_use(const std::string& name, json input, double cost = 0)
{
    return tool_use({{name, std::move(input)}}, cost);
}

inline llm::Response text_answer(const std::string& text,
                                 llm::StopReason reason = llm::StopReason::end_turn)
{
    llm::Response response;
    response.message.role = llm::Role::assistant;
    response.message.content.emplace_back(llm::Text{text});
    response.stop_reason = reason;
    response.usage.input_tokens = 50;
    response.usage.output_tokens = 5;
    return response;
}

// The tool results of the last user message of a conversation.
inline std::vector<llm::ToolResult> results_of(const llm::Conversation& conversation)
{
    std::vector<llm::ToolResult> results;
    REQUIRE_FALSE(conversation.messages.empty());
    const auto& last = conversation.messages.back();
    CHECK(last.role == llm::Role::user);
    for (const auto& block : last.content) {
        if (const auto* result = std::get_if<llm::ToolResult>(&block)) {
            results.push_back(*result);
        }
    }
    return results;
}

inline std::string text_of(const llm::Message& message)
{
    std::string out;
    for (const auto& block : message.content) {
        if (const auto* text = std::get_if<llm::Text>(&block)) {
            out += text->text;
        }
    }
    return out;
}

struct Repo {
    MemoryTree tree;
    std::vector<std::string> files;
};

inline Repo demo_repo()
{
    Repo repo;
    repo.files = {".env", "config/settings.py", "src/app.py", "src/button.css",
                  ".github/workflows/ci.yml"};
    repo.tree = MemoryTree({{".env", "API_KEY=abc\n"},
                            {"config/settings.py", "AWS_ID = 'AKIAIOSFODNN7EXAMPLE'\nimport os\n"},
                            {"src/app.py", "import os\n\nprint('hello')\n"},
                            {"src/button.css", ".submit {\n    color: blue;\n}\n"},
                            {".github/workflows/ci.yml", "on: push\n"}});
    return repo;
}

inline agent::Task task(int variant = 1, int variants = 1)
{
    agent::Task t;
    t.intent = "make the submit buttons red";
    t.hint = agent::approach_hint(variant);
    t.variant = variant;
    t.variants = variants;
    t.pr_title = "Checkout page";
    t.pr_body = "Adds the checkout page.";
    return t;
}

} // namespace agent_test_support
