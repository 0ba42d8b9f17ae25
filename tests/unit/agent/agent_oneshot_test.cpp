// agent::run_variant: One-shot mode and the prompt prefix shared across variants.
#include "agent_test_support.hpp"

using namespace agent_test_support;

TEST_CASE("agent::run_variant, the shared prefix is identical across variants")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use("finish", {{"summary", "one"}}));
    provider.add(tool_use("finish", {{"summary", "two"}}));

    auto first = task(1, 3);
    auto second = task(2, 3);
    agent::run_variant(provider, repo.tree, repo.files, first, {});
    agent::run_variant(provider, repo.tree, repo.files, second, {});

    REQUIRE(provider.conversations.size() == 2);
    const auto& a = provider.conversations[0];
    const auto& b = provider.conversations[1];
    CHECK(a.system == b.system);
    REQUIRE(a.messages.size() == 2);
    REQUIRE(b.messages.size() == 2);
    CHECK(a.messages[0].cache_prefix);
    CHECK_FALSE(a.messages[1].cache_prefix);
    CHECK(text_of(a.messages[0]) == text_of(b.messages[0]));
    CHECK(text_of(a.messages[0]).find("make the submit buttons red") != std::string::npos);
    CHECK(text_of(a.messages[0]).find("Checkout page") != std::string::npos);
    // The variant's own part differs and names its hint.
    CHECK(text_of(a.messages[1]) != text_of(b.messages[1]));
    CHECK(text_of(b.messages[1]).find("variant 2 of 3") != std::string::npos);
    CHECK(text_of(b.messages[1]).find(agent::approach_hint(2)) != std::string::npos);
    CHECK(provider.calls[1].variant == 2);
}

TEST_CASE("agent::run_variant, oneshot mode")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    agent::Settings settings;
    settings.mode = draftsmith::config::Mode::oneshot;

    SUBCASE("one reflection fixes a block that did not apply")
    {
        provider.add(
            text_answer("The submit button becomes red.\n\nsrc/button.css\n<<<<<<< SEARCH\n"
                        "    color: green;\n=======\n    color: red;\n>>>>>>> REPLACE\n"));
        provider.add(
            text_answer("Sorry, corrected:\n\nsrc/button.css\n<<<<<<< SEARCH\n    color: blue;\n"
                        "=======\n    color: red;\n>>>>>>> REPLACE\n"));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::finished);
        CHECK(outcome.summary == "The submit button becomes red.");
        CHECK(outcome.failed_edits == 1);
        CHECK(outcome.turns == 2);
        CHECK(outcome.overlay.at("src/button.css") == ".submit {\n    color: red;\n}\n");
        CHECK(provider.tool_counts[0] == 0);
        // The file contents are in the context, the secrets are not.
        const auto context = text_of(provider.conversations[0].messages[0]);
        CHECK(context.find("    color: blue;") != std::string::npos);
        CHECK(context.find("AKIA") == std::string::npos);
        CHECK(context.find("API_KEY") == std::string::npos);
        // The failure went back to the model.
        const auto& feedback = provider.conversations[1].messages.back();
        CHECK(feedback.role == llm::Role::user);
        CHECK(text_of(feedback).find("did not apply") != std::string::npos);
        CHECK(text_of(feedback).find("color: green;") != std::string::npos);
    }

    SUBCASE("a path line naming a file without an extension is a path")
    {
        repo.files = {"configure"};
        repo.tree = MemoryTree(std::map<std::string, std::string, std::less<>>{
            {"configure", "#!/bin/sh\necho old\n"}});
        provider.add(text_answer("Updated the script.\n\nconfigure\n<<<<<<< SEARCH\necho old\n"
                                 "=======\necho new\n>>>>>>> REPLACE\n"));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        REQUIRE(outcome.status == agent::Status::finished);
        CHECK(outcome.overlay.at("configure") == "#!/bin/sh\necho new\n");
    }

    SUBCASE("no edits at all is a finished variant without changes")
    {
        provider.add(text_answer("The buttons are already red; nothing to change."));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::finished);
        CHECK(outcome.overlay.empty());
        CHECK(outcome.summary == "The buttons are already red; nothing to change.");
    }

    SUBCASE("edits that never apply fail after the reflections")
    {
        settings.oneshot_reflections = 1;
        const std::string wrong = "src/button.css\n<<<<<<< SEARCH\n    color: green;\n=======\n    "
                                  "color: red;\n>>>>>>> REPLACE\n";
        provider.add(text_answer(wrong));
        provider.add(text_answer(wrong));
        provider.add(text_answer(wrong));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::failed);
        CHECK(outcome.reason == "the edits did not apply after 1 corrections");
        CHECK(outcome.turns == 2);
        CHECK(outcome.failed_edits == 2);
    }
}

TEST_CASE("agent::approach_hint and to_string")
{
    CHECK(agent::approach_hint(1) == "the smallest change that does what is asked");
    CHECK(agent::approach_hint(3) == "a different approach than the obvious one");
    CHECK(agent::approach_hint(6) == agent::approach_hint(1));
    CHECK(agent::approach_hint(0) == agent::approach_hint(1));
    std::set<std::string> hints;
    for (int i = 1; i <= 5; ++i) {
        hints.insert(agent::approach_hint(i));
    }
    CHECK(hints.size() == 5);
    CHECK(std::string(agent::to_string(agent::Status::limit_reached)) == "limit-reached");
    CHECK(std::string(agent::to_string(agent::Status::finished)) == "finished");
    std::set<std::string> names;
    for (const auto& tool : agent::tool_definitions()) {
        names.insert(tool.name);
        CHECK(tool.input_schema.at("type") == "object");
    }
    CHECK(names == std::set<std::string>{"list_files", "read_file", "search", "str_replace",
                                         "create_file", "delete_file", "rename_file", "finish"});
}

TEST_CASE("agent::run_variant, oneshot answers")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    agent::Settings settings;
    settings.mode = draftsmith::config::Mode::oneshot;

    SUBCASE("the summary leaves out blocks, their paths and fences")
    {
        provider.add(
            text_answer("Red buttons.\n\n```css\nsrc/button.css\n<<<<<<< SEARCH\n    color: blue;\n"
                        "=======\n    color: red;\n>>>>>>> REPLACE\n```\n\nsrc/new.css\n"
                        "<<<<<<< SEARCH\n=======\n.x {}\n>>>>>>> REPLACE\n\nThat is all."));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::finished);
        CHECK(outcome.summary == "Red buttons.\n\nThat is all.");
        CHECK(outcome.overlay.at("src/button.css") == ".submit {\n    color: red;\n}\n");
        CHECK(outcome.overlay.at("src/new.css") == ".x {}\n");
    }

    SUBCASE("an unreadable answer is sent back")
    {
        provider.add(text_answer("<<<<<<< SEARCH\n    color: blue;\n=======\n    color: red;\n"
                                 ">>>>>>> REPLACE\n"));
        provider.add(text_answer("src/button.css\n<<<<<<< SEARCH\n    color: blue;\n=======\n"
                                 "    color: red;\n>>>>>>> REPLACE\n"));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::finished);
        CHECK(outcome.failed_edits == 1);
        const auto feedback = text_of(provider.conversations[1].messages.back());
        CHECK(feedback.find("Your edits could not be read: line 1:") == 0);
    }

    SUBCASE("a cut answer is asked again, a refusal ends it")
    {
        provider.add(text_answer("src/button.css\n<<<<<<< SEARCH\n", llm::StopReason::max_tokens));
        provider.add(text_answer("No.", llm::StopReason::refusal));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::refused);
        CHECK(outcome.turns == 2);
        CHECK(text_of(provider.conversations[1].messages.back())
                  .find("cut at the output token limit") != std::string::npos);
    }

    SUBCASE("giving up after a failure fails")
    {
        provider.add(text_answer("src/button.css\n<<<<<<< SEARCH\n    color: green;\n=======\n"
                                 "    color: red;\n>>>>>>> REPLACE\n"));
        provider.add(text_answer("I cannot find it."));
        const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), settings);
        CHECK(outcome.status == agent::Status::failed);
        CHECK(outcome.reason == "the model gave up on edits that did not apply");
    }
}

TEST_CASE("agent::run_variant, oneshot's shared prefix holds the files the request names first")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(text_answer("Nothing to do."));
    provider.add(text_answer("Nothing to do either."));
    agent::Settings settings;
    settings.mode = draftsmith::config::Mode::oneshot;
    auto first = task(1, 2);
    first.intent = "make the print in app.py say goodbye";
    auto second = first;
    second.variant = 2;
    second.hint = agent::approach_hint(2);

    agent::run_variant(provider, repo.tree, repo.files, first, settings);
    agent::run_variant(provider, repo.tree, repo.files, second, settings);

    REQUIRE(provider.conversations.size() == 2);
    const auto& a = provider.conversations[0];
    const auto& b = provider.conversations[1];
    CHECK(a.system == b.system);
    CHECK(a.system.find("<<<<<<< SEARCH") != std::string::npos);
    CHECK(text_of(a.messages[0]) == text_of(b.messages[0]));
    CHECK(text_of(a.messages[1]) != text_of(b.messages[1]));
    const auto context = text_of(a.messages[0]);
    const auto named = context.find("\nsrc/app.py\n````\n");
    const auto other = context.find("\nsrc/button.css\n````\n");
    REQUIRE(named != std::string::npos);
    REQUIRE(other != std::string::npos);
    CHECK(named < other);
    CHECK(context.find("[1 files not shown") !=
          std::string::npos); // config/settings.py holds a key
    CHECK(context.find("AKIA") == std::string::npos);
}
