// Issue 17 in agent/: which limit ended a variant (the words the overview and
// the Draftsmith-Incomplete trailer use), the overlay kept whatever stopped
// it, and the earlier work a re-run gives the model.
#include "draftsmith/agent/agent.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <functional>

namespace agent = draftsmith::agent;
namespace llm = draftsmith::llm;
using draftsmith::edit::MemoryTree;
using nlohmann::json;

namespace {

// Each call runs the next step: an answer, or a throw.
class StepProvider final : public llm::Provider {
public:
    std::deque<std::function<llm::Response()>> steps;
    std::vector<llm::Conversation> conversations;

    llm::Response complete(const llm::Conversation& conversation, const llm::Tools&,
                           const llm::Options&) override
    {
        conversations.push_back(conversation);
        REQUIRE_FALSE(steps.empty());
        auto step = std::move(steps.front());
        steps.pop_front();
        return step();
    }
    std::string name() const override { return "steps"; }
};

llm::Response edit_answer()
{
    llm::Response response;
    response.message.role = llm::Role::assistant;
    response.message.content.emplace_back(llm::ToolCall{
        "call1", "str_replace",
        json{{"path", "src/button.css"}, {"old_str", "color: blue;"}, {"new_str", "color: red;"}}});
    response.stop_reason = llm::StopReason::tool_use;
    response.usage.input_tokens = 100;
    response.usage.output_tokens = 10;
    response.cost_usd = 0.03;
    return response;
}

struct Fixture {
    MemoryTree tree{{{"src/button.css", ".submit {\n    color: blue;\n}\n"}}};
    std::vector<std::string> files{"src/button.css"};
    agent::Task task;
    Fixture()
    {
        task.intent = "make the submit buttons red";
        task.hint = agent::approach_hint(1);
    }
};

std::string all_text(const llm::Message& message)
{
    std::string out;
    for (const auto& block : message.content) {
        if (const auto* text = std::get_if<llm::Text>(&block)) {
            out += text->text;
        }
    }
    return out;
}

} // namespace

TEST_CASE("agent::to_string(Limit), the words of the overview and the trailer")
{
    CHECK(std::string(agent::to_string(agent::Limit::turns)) == "turn limit");
    CHECK(std::string(agent::to_string(agent::Limit::tokens)) == "token limit");
    CHECK(std::string(agent::to_string(agent::Limit::cost)) == "cost limit");
    CHECK(std::string(agent::to_string(agent::Limit::time)) == "time limit");
    CHECK(std::string(agent::to_string(agent::Limit::budget)) == "run budget");
    CHECK(std::string(agent::to_string(agent::Limit::stop)) == "cancelled");
    CHECK(std::string(agent::to_string(agent::Limit::none)).empty());
}

TEST_CASE("agent::run_variant, a limit says which and keeps the edits made")
{
    Fixture f;
    StepProvider provider;
    for (int i = 0; i < 3; ++i) {
        provider.steps.emplace_back(edit_answer);
    }
    agent::Settings settings;
    agent::Limit expected = agent::Limit::none;
    bool stop = false; // here, not in its subcase: should_stop reads it after the subcase's scope
    SUBCASE("turns")
    {
        settings.limits.turns = 1;
        expected = agent::Limit::turns;
    }
    SUBCASE("tokens")
    {
        settings.limits.tokens = 100;
        expected = agent::Limit::tokens;
    }
    SUBCASE("cost")
    {
        settings.limits.cost_usd = 0.02;
        expected = agent::Limit::cost;
    }
    SUBCASE("the run's budget")
    {
        provider.steps.clear();
        provider.steps.emplace_back(edit_answer);
        provider.steps.emplace_back([]() -> llm::Response {
            throw llm::ProviderError(llm::FailureKind::budget,
                                     "the run's token budget of 100 tokens is spent (110 used)");
        });
        expected = agent::Limit::budget;
    }
    SUBCASE("a stop request that cuts the call in flight (net::interrupt_all)")
    {
        provider.steps.clear();
        provider.steps.emplace_back(edit_answer);
        provider.steps.emplace_back([&stop]() -> llm::Response {
            stop = true; // the signal comes while the model is answering
            throw draftsmith::Error(draftsmith::ErrorCategory::interrupted,
                                    "POST http://127.0.0.1/v1/messages: interrupted");
        });
        settings.should_stop = [&stop] { return stop; };
        expected = agent::Limit::stop;
    }
    const auto outcome = agent::run_variant(provider, f.tree, f.files, f.task, settings);
    CHECK(outcome.limit == expected);
    CHECK(outcome.status == (expected == agent::Limit::stop ? agent::Status::interrupted
                                                            : agent::Status::limit_reached));
    REQUIRE(outcome.overlay.count("src/button.css") == 1);
    CHECK(outcome.overlay.at("src/button.css")->find("color: red;") != std::string::npos);
}

TEST_CASE("agent::run_variant, a transfer interrupted without a stop request is an internal error")
{
    Fixture f;
    StepProvider provider;
    provider.steps.emplace_back([]() -> llm::Response {
        throw draftsmith::Error(draftsmith::ErrorCategory::interrupted, "interrupted");
    });
    CHECK_THROWS_WITH(agent::run_variant(provider, f.tree, f.files, f.task, {}), "interrupted");
}

TEST_CASE("agent::run_variant, a continued variant is told what it did before")
{
    Fixture f;
    f.task.earlier = agent::EarlierWork{"time limit", "Started on the buttons.",
                                        "--- a/src/button.css\n+++ b/src/button.css\n"
                                        "@@ -2 +2 @@\n-    color: blue;\n+    color: red;"};
    StepProvider provider;
    provider.steps.emplace_back([] {
        llm::Response response;
        response.message.role = llm::Role::assistant;
        response.message.content.emplace_back(
            llm::ToolCall{"call2", "finish", json{{"summary", "done"}}});
        response.stop_reason = llm::StopReason::tool_use;
        return response;
    });
    const auto outcome = agent::run_variant(provider, f.tree, f.files, f.task, {});
    CHECK(outcome.status == agent::Status::finished);
    REQUIRE(provider.conversations.size() == 1);
    const auto& messages = provider.conversations[0].messages;
    REQUIRE(messages.size() >= 2);
    const auto variant = all_text(messages[1]);
    CHECK(variant.find("An earlier run of this request started this variant and stopped before "
                       "it finished (time limit).") != std::string::npos);
    CHECK(variant.find("What you said then: Started on the buttons.") != std::string::npos);
    CHECK(variant.find("```diff\n--- a/src/button.css") != std::string::npos);
    CHECK(variant.find("+    color: red;\n```") !=
          std::string::npos); // newline added before the fence
    // The shared first message (the cached prefix) is the same as without it.
    CHECK(all_text(messages[0]).find("earlier run") == std::string::npos);
}
