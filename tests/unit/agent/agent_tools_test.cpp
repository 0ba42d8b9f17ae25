// agent::run_variant: The file and search tools, and the context message.
#include "agent_test_support.hpp"

using namespace agent_test_support;

TEST_CASE("agent::run_variant, file tools")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(
        tool_use({{"list_files", {{"path_prefix", "./src/"}}},
                  {"list_files", {{"pattern", "*.css"}}},
                  {"list_files", {{"path_prefix", "docs"}}},
                  {"search", {{"query", "colou?r"}, {"regex", true}, {"path_prefix", "src"}}},
                  {"search", {{"query", "([a-z"}, {"regex", true}}},
                  {"search", {{"query", ""}}}}));
    provider.add(tool_use({{"create_file", {{"path", "src/theme.css"}, {"content", ":root {}\n"}}},
                           {"rename_file", {{"path", "src/app.py"}, {"new_path", "src/main.py"}}},
                           {"delete_file", {{"path", "src/button.css"}}},
                           {"create_file", {{"path", "src/theme.css"}, {"content", "again\n"}}},
                           {"list_files", {{"path_prefix", "src"}}},
                           {"read_file", {{"path", "src/main.py"}, {"start_line", 3}}}}));
    provider.add(tool_use("finish", {{"summary", "Reorganised."}}));

    const auto outcome = agent::run_variant(provider, repo.tree, repo.files, task(), {});

    CHECK(outcome.status == agent::Status::finished);
    CHECK(outcome.failed_edits == 1);
    const draftsmith::Overlay expected{{"src/theme.css", ":root {}\n"},
                                       {"src/app.py", std::nullopt},
                                       {"src/main.py", "import os\n\nprint('hello')\n"},
                                       {"src/button.css", std::nullopt}};
    CHECK(outcome.overlay == expected);
    CHECK(outcome.files_read == std::vector<std::string>{"src/main.py"});

    const auto explored = results_of(provider.conversations[1]);
    REQUIRE(explored.size() == 6);
    CHECK(explored[0].content == "2 files\nsrc/app.py\nsrc/button.css\n");
    CHECK(explored[1].content == "1 files\nsrc/button.css\n");
    CHECK(explored[2].content == "no files match");
    CHECK(explored[3].content == "src/button.css:2: color: blue;\n1 matches in 1 files\n");
    CHECK(explored[4].is_error);
    CHECK(explored[4].content.find("search: '([a-z' is not a valid regular expression") == 0);
    CHECK(explored[5].is_error);
    CHECK(explored[5].content == "search: 'query' is empty");

    const auto edited = results_of(provider.conversations[2]);
    REQUIRE(edited.size() == 6);
    CHECK_FALSE(edited[0].is_error);
    CHECK_FALSE(edited[1].is_error);
    CHECK_FALSE(edited[2].is_error);
    CHECK(edited[3].is_error); // create_file never overwrites
    CHECK(edited[3].content.find("src/theme.css") != std::string::npos);
    CHECK(edited[4].content == "2 files\nsrc/main.py\nsrc/theme.css\n");
    CHECK(edited[5].content == "src/main.py (lines 3-3 of 3)\n     3\tprint('hello')\n");
}

TEST_CASE("agent::run_variant, the context message")
{
    auto repo = demo_repo();
    ScriptedProvider provider;
    provider.add(tool_use("finish", {{"summary", "ok"}}));
    auto t = task();
    t.pr_body = std::string(3000, 'a') + "\n" + std::string(3000, 'b') + "\n";

    agent::run_variant(provider, repo.tree, repo.files, t, {});

    const auto context = text_of(provider.conversations[0].messages[0]);
    CHECK(context.find("# Request\nmake the submit buttons red\n") == 0);
    CHECK(context.find("Title: Checkout page\n") != std::string::npos);
    CHECK(context.find(std::string(3000, 'a') + "\n[cut]") != std::string::npos);
    CHECK(context.find("bbbb") == std::string::npos);
    CHECK(context.find("has 4 files") != std::string::npos);
    CHECK(context.find("src/button.css\n") != std::string::npos);
    const auto& system = provider.conversations[0].system;
    CHECK(system.find("no shell") != std::string::npos);
    CHECK(system.find("call finish") != std::string::npos);
}

TEST_CASE("agent::run_variant, a regex search survives a megabyte line")
{
    MemoryTree tree;
    tree.set("dist/app.min.js", std::string(2 << 20, 'a') + "\nvar needle = 1;\n");
    const std::vector<std::string> files{"dist/app.min.js"};
    ScriptedProvider provider;
    // ^a+b runs through the whole line before failing: the recursion a
    // megabyte long line would overflow the stack with.
    provider.add(tool_use({{"search", {{"query", "ne+dle"}, {"regex", true}}},
                           {"search", {{"query", "^a+b"}, {"regex", true}}}}));
    provider.add(tool_use("finish", {{"summary", "ok"}}));

    agent::run_variant(provider, tree, files, task(), {});

    const auto results = results_of(provider.conversations[1]);
    REQUIRE(results.size() == 2);
    CHECK(results[0].content == "dist/app.min.js:2: var needle = 1;\n1 matches in 1 files\n");
    CHECK(results[1].content == "no matches");
}

TEST_CASE("agent::run_variant, variants share the base's files and see their own edits first")
{
    auto repo = demo_repo();
    const agent::SecretFilter secrets;
    agent::Settings settings;
    settings.secrets = &secrets;
    settings.base_files = std::make_shared<const agent::BaseFiles>(repo.tree, repo.files, secrets);

    ScriptedProvider first;
    first.add(tool_use(
        {{"str_replace", {{"path", "src/app.py"}, {"old_str", "hello"}, {"new_str", "AKIA"}}},
         {"search", {{"query", "AKIA"}}},
         {"search", {{"query", "import os"}}}}));
    first.add(tool_use("finish", {{"summary", "ok"}}));
    ScriptedProvider second;
    second.add(tool_use({{"search", {{"query", "hello"}}}, {"search", {{"query", "AKIA"}}}}));
    second.add(tool_use("finish", {{"summary", "ok"}}));

    const auto one = agent::run_variant(first, repo.tree, repo.files, task(1, 2), settings);
    const auto two = agent::run_variant(second, repo.tree, repo.files, task(2, 2), settings);

    CHECK(one.status == agent::Status::finished);
    CHECK(two.status == agent::Status::finished);
    const auto mine = results_of(first.conversations[1]);
    REQUIRE(mine.size() == 3);
    CHECK_FALSE(mine[0].is_error);
    // the edited file, not the base's; the secret file stays withheld
    CHECK(mine[1].content == "src/app.py:3: print('AKIA')\n1 matches in 1 files\n");
    CHECK(mine[2].content == "src/app.py:1: import os\n1 matches in 1 files\n");
    const auto theirs = results_of(second.conversations[1]);
    REQUIRE(theirs.size() == 2);
    CHECK(theirs[0].content == "src/app.py:3: print('hello')\n1 matches in 1 files\n");
    CHECK(theirs[1].content == "no matches");
    // the base is untouched
    CHECK(settings.base_files->read("src/app.py") == "import os\n\nprint('hello')\n");
}

TEST_CASE("agent::run_variant, a pathological regex cannot hang the search")
{
    MemoryTree tree;
    // Backtracking engines take exponential time on ^(\w+\s?)*$ against a
    // line of words that ends in a character the pattern cannot match.
    std::string words;
    for (int i = 0; i < 700; ++i) {
        words += "word ";
    }
    tree.set("long.txt", words + "!\n" + words + "\n");
    const std::vector<std::string> files{"long.txt"};
    ScriptedProvider provider;
    provider.add(tool_use({{"search", {{"query", "^(\\w+\\s?)*$"}, {"regex", true}}},
                           {"search", {{"query", "(a)\\1"}, {"regex", true}}},
                           {"search", {{"query", "wor(?=d)"}, {"regex", true}}}}));
    provider.add(tool_use("finish", {{"summary", "ok"}}));

    agent::run_variant(provider, tree, files, task(), {});

    const auto results = results_of(provider.conversations[1]);
    REQUIRE(results.size() == 3);
    CHECK(results[0].content.find("long.txt:2: word word") == 0);
    CHECK(results[0].content.find("1 matches in 1 files\n") != std::string::npos);
    CHECK(results[1].is_error);
    CHECK(results[1].content.find("search: '(a)\\1' is not a valid regular expression: ") == 0);
    CHECK(results[1].content.find("no backreferences") != std::string::npos);
    CHECK(results[2].is_error);
}

TEST_CASE("agent::run_variant, a stop request ends a search in progress")
{
    MemoryTree tree;
    tree.set("a.txt", "needle\n");
    const std::vector<std::string> files{"a.txt"};
    ScriptedProvider provider;
    provider.add(tool_use("search", {{"query", "needle"}}));
    provider.add(tool_use("finish", {{"summary", "ok"}}));
    agent::Settings settings;
    int asked = 0;
    // Asked before turn 1, then by the search (stop), then before turn 2.
    settings.should_stop = [&asked] { return ++asked == 2; };

    agent::run_variant(provider, tree, files, task(), settings);

    const auto results = results_of(provider.conversations.at(1));
    REQUIRE(results.size() == 1);
    CHECK(results[0].is_error);
    CHECK(results[0].content ==
          "search: stopped before the end: stopped on request after 1 model turns");
}
