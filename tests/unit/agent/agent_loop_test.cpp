// agent::run_variant: The agent loop: edits, errors, limits, stop reasons, deadlines.
#include "agent_test_support.hpp"

using namespace agent_test_support;

TEST_CASE("agent::run_variant, an edit is applied and finish ends the variant")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use("read_file", {{"path", "src/button.css"}}));
    provider.add(tool_use(
        "str_replace",
        {{"path", "src/button.css"}, {"old_str", "color: blue;"}, {"new_str", "color: red;"}}));
    provider.add(tool_use("finish", {{"summary", "  Made the submit button red.  "}}));

    const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});

    CHECK(outcome.status == agent::Status::finished);
    CHECK(outcome.reason.empty());
    CHECK(outcome.summary == "Made the submit button red.");
    CHECK(outcome.turns == 3);
    CHECK(outcome.usage.input_tokens == 300);
    CHECK(outcome.failed_edits == 0);
    REQUIRE(outcome.overlay.count("src/button.css") == 1);
    CHECK(outcome.overlay.at("src/button.css") == ".submit {\n    color: red;\n}\n");
    CHECK(outcome.overlay.size() == 1);
    CHECK(outcome.files_read == std::vector<std::string>{"src/button.css"});

    REQUIRE(provider.conversations.size() == 3);
    CHECK(provider.tool_counts[0] == agent::tool_definitions().size());
    CHECK(provider.calls[2].turn == 2);
    CHECK(provider.calls[2].variant == 1);
    const auto read = results_of(provider.conversations[1]);
    REQUIRE(read.size() == 1);
    CHECK_FALSE(read[0].is_error);
    CHECK(read[0].content ==
          "src/button.css (lines 1-3 of 3)\n     1\t.submit {\n     2\t    color: blue;\n"
          "     3\t}\n");
    const auto edited = results_of(provider.conversations[2]);
    REQUIRE(edited.size() == 1);
    CHECK_FALSE(edited[0].is_error);
    CHECK(edited[0].content.find("applied: src/button.css") == 0);
    // The assistant's message sits between, and the tool result answers its call.
    const auto& asked =
        provider.conversations[2].messages[provider.conversations[2].messages.size() - 2];
    CHECK(asked.role == llm::Role::assistant);
    CHECK(std::get<llm::ToolCall>(asked.content[0]).id == edited[0].tool_call_id);
}

TEST_CASE("agent::run_variant, a failed edit returns the engine's message and the loop goes on")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use("str_replace", {{"path", "src/button.css"},
                                          {"old_str", "background: green;"},
                                          {"new_str", "background: red;"}}));
    provider.add(tool_use(
        "str_replace",
        {{"path", "src/button.css"}, {"old_str", "color: blue;"}, {"new_str", "color: red;"}}));
    provider.add(tool_use("finish", {{"summary", "Red."}}));

    const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});

    CHECK(outcome.status == agent::Status::finished);
    CHECK(outcome.failed_edits == 1);
    CHECK(outcome.overlay.at("src/button.css") == ".submit {\n    color: red;\n}\n");
    const auto failed = results_of(provider.conversations[1]);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].is_error);
    CHECK(failed[0].content.find("src/button.css") != std::string::npos);
    CHECK(failed[0].content.find("background: green;") != std::string::npos);
}

TEST_CASE("agent::run_variant, bad tool calls are answered as errors")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use({{"run_shell", {{"command", "ls"}}},
                           {"read_file", {{"path", 12}}},
                           {"read_file", {{"path", "nope.txt"}}},
                           {"str_replace", {{"path", "src/app.py"}}},
                           {"read_file", {{"path", "../etc/passwd"}}}}));
    provider.add(text_answer("I could not do it."));

    const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});

    CHECK(outcome.status == agent::Status::finished); // ended its answer without finish
    CHECK(outcome.summary == "I could not do it.");
    CHECK(outcome.failed_edits == 1);
    CHECK(outcome.overlay.empty());
    const auto results = results_of(provider.conversations[1]);
    REQUIRE(results.size() == 5);
    for (const auto& result : results) {
        CHECK(result.is_error);
    }
    CHECK(results[0].content.find("run_shell: no such tool; the tools are list_files, read_file") ==
          0);
    CHECK(results[1].content == "read_file: 'path' must be a string");
    CHECK(results[2].content == "read_file: there is no file nope.txt; use list_files or search");
    CHECK(results[3].content.find("old_str") != std::string::npos);
    CHECK(results[4].content.find("leaves the repository") != std::string::npos);
}

TEST_CASE("agent::run_variant, limits end the variant")
{
    auto repo = demo_repo();
    const json list = json::object();

    SUBCASE("turns")
    {
        ScriptedProvider provider;
        for (int i = 0; i < 5; ++i) {
            provider.add(tool_use("list_files", list));
        }
        agent::Settings settings;
        settings.limits.turns = 2;
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "turn limit of 2 reached");
        CHECK(outcome.turns == 2);
        CHECK(provider.conversations.size() == 2);
    }

    SUBCASE("cost")
    {
        ScriptedProvider provider;
        for (int i = 0; i < 5; ++i) {
            provider.add(tool_use("list_files", list, 0.03));
        }
        agent::Settings settings;
        settings.limits.cost_usd = 0.05;
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "cost limit of $0.05 reached ($0.06 spent)");
        CHECK(outcome.turns == 2);
        CHECK(outcome.cost_usd == doctest::Approx(0.06));
    }

    SUBCASE("tokens")
    {
        ScriptedProvider provider;
        for (int i = 0; i < 5; ++i) {
            provider.add(tool_use("list_files", list));
        }
        agent::Settings settings;
        settings.limits.tokens = 200;
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "token limit of 200 reached (220 tokens used)");
        CHECK(outcome.turns == 2);
    }

    SUBCASE("the run's deadline")
    {
        ScriptedProvider provider;
        provider.add(tool_use("list_files", list));
        agent::Settings settings;
        settings.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "the run's time budget is spent");
        CHECK(outcome.turns == 0);
        CHECK(provider.conversations.empty());
    }

    SUBCASE("the variant's time")
    {
        ScriptedProvider provider;
        provider.add(tool_use("list_files", list));
        agent::Settings settings;
        settings.limits.time = std::chrono::seconds(0);
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "time limit of 0 s reached");
    }
}

TEST_CASE("agent::run_variant, provider errors")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use("str_replace",
                          {{"path", "src/button.css"}, {"old_str", "blue"}, {"new_str", "red"}}));

    SUBCASE("a spent run budget is a limit")
    {
        provider.fail(llm::FailureKind::budget, "the run's cost budget of $10.00 is spent");
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "the run's cost budget of $10.00 is spent");
        // what was done so far is kept
        CHECK(outcome.overlay.at("src/button.css") == ".submit {\n    color: red;\n}\n");
        CHECK(outcome.turns == 1);
    }

    SUBCASE("anything else fails the variant")
    {
        provider.fail(llm::FailureKind::server, "anthropic: HTTP 500: internal error");
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});
        CHECK(outcome.status == agent::Status::failed);
        CHECK(outcome.reason == "anthropic: HTTP 500: internal error");
        CHECK(std::string(agent::to_string(outcome.status)) == "failed");
    }
}

TEST_CASE("agent::run_variant, should_stop interrupts at a turn boundary")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use("list_files", json::object()));
    provider.add(tool_use("list_files", json::object()));
    agent::Settings settings;
    int asked = 0;
    settings.should_stop = [&asked] { return ++asked > 1; };

    const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);

    CHECK(outcome.status == agent::Status::interrupted);
    CHECK(outcome.reason == "stopped on request after 1 model turns");
    CHECK(outcome.turns == 1);
    CHECK(std::string(agent::to_string(outcome.status)) == "interrupted");
}

TEST_CASE("agent::run_variant, stop reasons")
{
    auto repo = demo_repo();
    ScriptedProvider provider;

    SUBCASE("refusal")
    {
        provider.add(text_answer("I can't help with that.", llm::StopReason::refusal));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});
        CHECK(outcome.status == agent::Status::refused);
        CHECK(outcome.reason == "the model declined the request: I can't help with that.");
        CHECK(std::string(agent::to_string(outcome.status)) == "refused");
    }

    SUBCASE("pause_turn resends the conversation")
    {
        provider.add(text_answer("Looking around...", llm::StopReason::pause_turn));
        provider.add(tool_use("finish", {{"summary", "Nothing to do."}}));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});
        CHECK(outcome.status == agent::Status::finished);
        CHECK(outcome.turns == 2);
        REQUIRE(provider.conversations.size() == 2);
        const auto& resent = provider.conversations[1];
        REQUIRE(resent.messages.size() == 3);
        CHECK(resent.messages[2].role == llm::Role::assistant);
        CHECK(text_of(resent.messages[2]) == "Looking around...");
    }

    SUBCASE("an answer cut at max_tokens is continued")
    {
        provider.add(text_answer("I will now", llm::StopReason::max_tokens));
        provider.add(tool_use("finish", {{"summary", "Done."}}));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});
        CHECK(outcome.status == agent::Status::finished);
        CHECK(outcome.turns == 2);
        const auto& next = provider.conversations[1];
        CHECK(next.messages.back().role == llm::Role::user);
        CHECK(text_of(next.messages.back()).find("cut at the output token limit") !=
              std::string::npos);
    }

    SUBCASE("an unknown stop fails")
    {
        auto odd = text_answer("", llm::StopReason::other);
        odd.stop_detail = "content_policy";
        provider.add(odd);
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});
        CHECK(outcome.status == agent::Status::failed);
        CHECK(outcome.reason == "the model stopped unexpectedly (content_policy)");
    }
}

TEST_CASE("agent::run_variant, model calls carry the time left as their deadline")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    agent::Settings settings;
    settings.limits.time = std::chrono::seconds(600);
    SUBCASE("the variant's time limit")
    {
        provider.add(tool_use("finish", {{"summary", "ok"}}));
        const auto before = std::chrono::steady_clock::now();
        agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        REQUIRE(provider.calls.size() == 1);
        REQUIRE(provider.calls[0].deadline.has_value());
        CHECK(*provider.calls[0].deadline >= before + std::chrono::seconds(600));
        CHECK(*provider.calls[0].deadline <=
              std::chrono::steady_clock::now() + std::chrono::seconds(600));
    }
    SUBCASE("the run's budget when it ends first; a call cut there says so")
    {
        settings.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        provider.fail(llm::FailureKind::budget,
                      "scripted: the time allowed for this call is spent");
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        REQUIRE(provider.calls.size() == 1);
        CHECK(provider.calls[0].deadline == settings.deadline);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "the run's time budget is spent");
    }
    SUBCASE("a call cut at the variant's time limit says which limit")
    {
        settings.limits.time = std::chrono::seconds(1);
        provider.fail(llm::FailureKind::server, "scripted: no complete response before its "
                                                "deadline (time limit)");
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::limit_reached);
        CHECK(outcome.reason == "time limit of 1 s reached");
    }
}
