// edit::apply over an overlay, with several hunks, model habits, claimed lines and a path policy.
#include "apply_test_support.hpp"

using namespace apply_test_support;

TEST_CASE("edit::apply, edits accumulate over an existing overlay")
{
    const MemoryTree tree(Files{{"a.txt", "one\ntwo\n"}, {"gone.txt", "x\n"}});
    draftsmith::Overlay turn1 = {{"a.txt", std::string("one\n2\n")}, {"gone.txt", std::nullopt}};
    const auto result =
        apply(parse("a.txt\n<<<<<<< SEARCH\n2\n=======\nTWO\n>>>>>>> REPLACE\n"), tree, turn1);
    REQUIRE_MESSAGE(result.ok(), result.failure_report());
    CHECK(*result.overlay.at("a.txt") == "one\nTWO\n");
    CHECK_FALSE(result.overlay.at("gone.txt").has_value());
    const auto again =
        apply(parse("gone.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n"), tree, turn1);
    CHECK(again.files[0].message == "gone.txt: does not exist; to create it, send the whole file");
}

TEST_CASE("edit::apply, several hunks shift later claimed lines")
{
    std::string text;
    for (int i = 1; i <= 40; ++i) {
        text += "line " + std::to_string(i) + "\n";
    }
    const Files files = {{"f.txt", text}};
    // Every claimed number is 5 too high, consistently; the second hunk's
    // context ("line 30") would also be found by the anywhere stage.
    const auto result = apply_text("--- a/f.txt\n+++ b/f.txt\n@@ -15,3 +15,4 @@\n line 10\n"
                                   "+inserted\n line 11\n line 12\n@@ -35,2 +36,2 @@\n line 30\n"
                                   "-line 31\n+LINE 31\n",
                                   files);
    REQUIRE_MESSAGE(result.ok(), result.failure_report());
    const auto out = after(result, files, "f.txt");
    CHECK(out.find("line 10\ninserted\nline 11\n") != std::string::npos);
    CHECK(out.find("line 30\nLINE 31\nline 32\n") != std::string::npos);
}

TEST_CASE("edit::apply, more model habits")
{
    const std::string code = "def a():\n    return 1\n\n\ndef b():\n    return 1\n\n\n"
                             "def c():\n    x = 0\n    return x\n";
    const Files files = {{"m.py", code}};
    SUBCASE("codex anchor picks the right one of two identical bodies")
    {
        const auto result = apply_text("*** Begin Patch\n*** Update File: m.py\n@@ def b():\n"
                                       "-    return 1\n+    return 2\n*** End Patch\n",
                                       files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "m.py") ==
              "def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\n"
              "def c():\n    x = 0\n    return x\n");
    }
    SUBCASE("truncated hunk: trailing context cut, counts wrong")
    {
        const auto result = apply_text(
            "--- a/m.py\n+++ b/m.py\n@@ -9,3 +9,3 @@\n def c():\n-    x = 0\n+    x = 5\n", files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(result.files[0].stage == Stage::exact);
        CHECK(after(result, files, "m.py").find("    x = 5\n    return x\n") != std::string::npos);
    }
    SUBCASE("an insertion where the model left out a line is refused, not guessed")
    {
        const Files listing = {{"l.txt", "one\ntwo\nthree\nfour\nfive\nsix\n"}};
        const auto result = apply_text(
            "--- a/l.txt\n+++ b/l.txt\n@@ -1,6 +1,6 @@\n one\n two\n+new\n four\n five\n six\n",
            listing);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message.find(
                  "refused: it adds lines where the file has lines 3-3 that the edit does not "
                  "show") != std::string::npos);
    }
    SUBCASE("a replacement where the model left out a context line is applied (fuzzy)")
    {
        const Files listing = {{"l.txt", "one\ntwo\nthree\nfour\nfive\nsix\n"}};
        const auto result = apply_text(
            "--- a/l.txt\n+++ b/l.txt\n@@ -1,6 +1,6 @@\n one\n two\n four\n-five\n+FIVE\n six\n",
            listing);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(result.files[0].stage == Stage::fuzzy);
        CHECK(after(result, listing, "l.txt") == "one\ntwo\nthree\nfour\nFIVE\nsix\n");
    }
    SUBCASE("unicode dashes in the file, ASCII in the model")
    {
        const Files text = {{"r.md", "Range: 1\xE2\x80\x93"
                                     "5 pages\nEnd\n"}};
        const auto result =
            apply_text("r.md\n<<<<<<< SEARCH\nRange: 1-5 pages\n=======\nRange: 1-9 pages\n"
                       ">>>>>>> REPLACE\n",
                       text);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(result.files[0].stage == Stage::punctuation);
        CHECK(after(result, text, "r.md") == "Range: 1-9 pages\nEnd\n");
    }
    SUBCASE("search/replace blocks for two files, and a rename tool call")
    {
        const Files two = {{"a.txt", "a\n"}, {"b.txt", "b\n"}};
        auto result = apply_text("a.txt\n```\n<<<<<<< SEARCH\na\n=======\nA\n>>>>>>> REPLACE\n```\n"
                                 "\nb.txt\n```\n<<<<<<< SEARCH\nb\n=======\nB\n>>>>>>> REPLACE\n"
                                 "```\n",
                                 two);
        REQUIRE(result.ok());
        CHECK(after(result, two, "a.txt") == "A\n");
        CHECK(after(result, two, "b.txt") == "B\n");
        result = apply_text(R"({"name":"rename_file","input":{"path":"a.txt","new_path":"c.txt"}})",
                            two);
        REQUIRE(result.ok());
        CHECK(after(result, two, "c.txt") == "a\n");
        CHECK(after(result, two, "a.txt") == "<deleted>");
    }
    SUBCASE("last_stage limits the tolerance")
    {
        ApplyOptions strict;
        strict.last_stage = Stage::anywhere;
        const auto result =
            apply_text("m.py\n<<<<<<< SEARCH\nx = 0\n=======\nx = 7\n>>>>>>> REPLACE\n", files,
                       Format::automatic, strict);
        CHECK_FALSE(result.ok());
        CHECK(apply_text("m.py\n<<<<<<< SEARCH\nx = 0\n=======\nx = 7\n>>>>>>> REPLACE\n", files)
                  .ok());
    }
}

TEST_CASE("edit::apply, the claimed line settles a tolerant match that occurs twice")
{
    const Files files = {{"r.c", "void f()\n{\n    run();\n}\n\nvoid g()\n{\n    run();\n}\n"}};
    SUBCASE("re-indented hunk at its claimed line")
    {
        const auto result = apply_text(
            "--- a/r.c\n+++ b/r.c\n@@ -7,3 +7,4 @@\n {\n run();\n+\n+stop();\n }\n", files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(result.files[0].stage == Stage::whitespace);
        CHECK(after(result, files, "r.c") ==
              "void f()\n{\n    run();\n}\n\nvoid g()\n{\n    run();\n\n    stop();\n}\n");
    }
    SUBCASE("the same hunk without a line number is ambiguous")
    {
        const auto result =
            apply_text("--- a/r.c\n+++ b/r.c\n@@\n {\n run();\n+stop();\n }\n", files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message.find("match 2 places (starting at lines 2, 7) at the "
                                           "whitespace stage") != std::string::npos);
    }
}

TEST_CASE("edit::apply, a line number picks among identical places only when clearly nearest")
{
    std::string text;
    for (int block = 0; block < 3; ++block) {
        text += "begin\n  work();\nend\n";
        for (int i = 0; i < 20; ++i) {
            text += "filler " + std::to_string(block) + "." + std::to_string(i) + "\n";
        }
    }
    const Files files = {{"b.txt", text}};
    SUBCASE("claimed 5 lines after the second block: it is taken")
    {
        // The blocks start at lines 1, 24 and 47.
        const auto result = apply_text(
            "--- a/b.txt\n+++ b/b.txt\n@@ -29,3 +29,3 @@\n begin\n-  work();\n+  rest();\n end\n",
            files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        const auto out = after(result, files, "b.txt");
        CHECK(out.find("filler 0.19\nbegin\n  rest();\nend\nfiller 1.0\n") != std::string::npos);
    }
    SUBCASE("claimed halfway between two blocks: refused")
    {
        const auto result = apply_text(
            "--- a/b.txt\n+++ b/b.txt\n@@ -35,3 +35,3 @@\n begin\n-  work();\n+  rest();\n end\n",
            files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message.find("match 3 places (starting at lines 1, 24, 47) at the "
                                           "anywhere stage") != std::string::npos);
    }
}

TEST_CASE("edit::apply, a caller's path policy refuses protected paths")
{
    const Files files = {{".github/workflows/ci.yml", "on: push\n"}, {"a.txt", "a\n"}};
    ApplyOptions options;
    options.refuse_path = [](std::string_view path) -> std::optional<std::string> {
        if (path.substr(0, 18) == ".github/workflows/") {
            return "CI definitions are protected";
        }
        return std::nullopt;
    };
    const auto result =
        apply_text("--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n"
                   "@@ -1 +1 @@\n-on: push\n+on: pull_request\n",
                   files, Format::automatic, options);
    REQUIRE_FALSE(result.ok());
    CHECK(result.files[0].message ==
          ".github/workflows/ci.yml: refused: CI definitions are protected");
}
