#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace draftsmith::edit;

TEST_CASE("edit::detect_format, each format")
{
    CHECK(detect_format("--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n") == Format::unified_diff);
    CHECK(detect_format("diff --git a/x b/x\nindex 1..2\n") == Format::unified_diff);
    CHECK(detect_format("x.py\n```\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n") ==
          Format::search_replace);
    CHECK(detect_format("Sure!\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n") ==
          Format::codex_patch);
    CHECK(detect_format(R"({"name":"str_replace","input":{}})") == Format::tool_calls);
    CHECK(detect_format("Here:\n```json\n[]\n```\n") == Format::tool_calls);
    CHECK(detect_format("src/a.css\n```css\nbody {}\n```\n") == Format::whole_file);
}

TEST_CASE("edit::parse_unified_diff, shapes models write")
{
    SUBCASE("git diff with a/ b/ prefixes, several files, prose and fence around")
    {
        const auto edits = parse("I changed two files:\n\n```diff\n"
                                 "diff --git a/src/a.c b/src/a.c\n"
                                 "index 83db48f..bf269f4 100644\n"
                                 "--- a/src/a.c\n+++ b/src/a.c\n"
                                 "@@ -1,3 +1,3 @@ int main()\n a\n-b\n+B\n c\n"
                                 "--- a/b.txt\n+++ b/b.txt\n@@ -5,2 +5,3 @@\n x\n+y\n z\n"
                                 "```\nThat's all.\n");
        REQUIRE(edits.changes.size() == 2);
        CHECK(edits.changes[0].path == "src/a.c");
        CHECK(edits.changes[0].kind == FileChange::Kind::modify);
        REQUIRE(edits.changes[0].hunks.size() == 1);
        CHECK(edits.changes[0].hunks[0].claimed_line == 1);
        CHECK(edits.changes[0].hunks[0].lines.size() == 4);
        CHECK(edits.changes[0].hunks[0].span.first == 8);
        CHECK(edits.changes[0].hunks[0].span.last == 12);
        CHECK(edits.changes[1].path == "b.txt");
        CHECK(edits.changes[1].hunks[0].lines.size() == 3);
    }
    SUBCASE("plain diff -u without prefixes, timestamps, no numbers in @@")
    {
        const auto edits = parse("--- src/a.c.orig\t2024-01-01 10:00:00\n"
                                 "+++ src/a.c\t2024-01-01 10:00:01\n@@ ... @@\n-x\n+y\n");
        REQUIRE(edits.changes.size() == 1);
        CHECK(edits.changes[0].path == "src/a.c");
        CHECK_FALSE(edits.changes[0].hunks[0].claimed_line.has_value());
    }
    SUBCASE("/dev/null creates and deletes")
    {
        const auto edits = parse("--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n"
                                 "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n");
        REQUIRE(edits.changes.size() == 2);
        CHECK(edits.changes[0].kind == FileChange::Kind::create);
        CHECK(edits.changes[0].content == "one\ntwo\n");
        CHECK(edits.changes[1].kind == FileChange::Kind::remove);
        CHECK(edits.changes[1].path == "old.txt");
    }
    SUBCASE("rename from / rename to")
    {
        const auto edits = parse("diff --git a/old.c b/new.c\nsimilarity index 90%\n"
                                 "rename from old.c\nrename to new.c\n"
                                 "--- a/old.c\n+++ b/new.c\n@@ -1 +1 @@\n-a\n+b\n");
        REQUIRE(edits.changes.size() == 1);
        CHECK(edits.changes[0].kind == FileChange::Kind::rename);
        CHECK(edits.changes[0].path == "old.c");
        CHECK(edits.changes[0].new_path == "new.c");
        CHECK(edits.changes[0].hunks.size() == 1);
    }
    SUBCASE("no newline at end of file markers")
    {
        const auto edits = parse("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n"
                                 "+b\n");
        CHECK(edits.changes[0].hunks[0].old_lacks_final_newline);
        CHECK_FALSE(edits.changes[0].hunks[0].new_lacks_final_newline);
    }
    SUBCASE("right counts, context past them: the counted hunk, the rest kept aside")
    {
        const auto edits =
            parse("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n d\n e\n@@ -20 +20 @@\n-f\n+g\n");
        REQUIRE(edits.changes[0].hunks.size() == 2);
        CHECK(edits.changes[0].hunks[0].lines.size() == 3);
        CHECK(edits.changes[0].hunks[0].trailing_context.size() == 2);
    }
    SUBCASE("wrong counts, changes past them: the whole body is the hunk")
    {
        const auto edits =
            parse("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n d\n-e\n@@ -20 +20 @@\n-f\n+g\n");
        REQUIRE(edits.changes[0].hunks.size() == 2);
        CHECK(edits.changes[0].hunks[0].lines.size() == 5);
        CHECK(edits.changes[0].hunks[0].trailing_context.empty());
    }
    SUBCASE("exact counts end the hunk at a blank line, so prose after it is not read")
    {
        const auto edits = parse("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\n- a note\n");
        CHECK(edits.changes[0].hunks[0].lines.size() == 3);
    }
    SUBCASE("a hunk outside any file is an error naming the line")
    {
        CHECK_THROWS_WITH(parse("text\n@@ -1 +1 @@\n-a\n+b\n", Format::unified_diff),
                          doctest::Contains("line 2: a hunk ('@@') outside any file"));
    }
    SUBCASE("binary patches are refused")
    {
        CHECK_THROWS_WITH(parse("diff --git a/x.png b/x.png\nGIT binary patch\nliteral 1\n",
                                Format::unified_diff),
                          doctest::Contains("binary patches are not supported"));
    }
}

TEST_CASE("edit::parse_search_replace, shapes models write")
{
    SUBCASE("aider style: path line, fence, several blocks")
    {
        const auto edits = parse("Here you go.\n\nsrc/app.css\n```css\n<<<<<<< SEARCH\n"
                                 ".btn { color: blue; }\n=======\n.btn { color: red; }\n"
                                 ">>>>>>> REPLACE\n```\n\n```css\n<<<<<<< SEARCH\na\n=======\nb\n"
                                 ">>>>>>> REPLACE\n```\n");
        REQUIRE(edits.changes.size() == 1);
        CHECK(edits.changes[0].path == "src/app.css");
        REQUIRE(edits.changes[0].hunks.size() == 2);
        CHECK(edits.changes[0].hunks[0].span.first == 5);
        CHECK(edits.changes[0].hunks[0].span.last == 9);
    }
    SUBCASE("decorated path lines and a path in the fence info")
    {
        for (const char* line : {"**src/a.py**", "`src/a.py`:", "### File: src/a.py",
                                 "Change `src/a.py` like this:", "```python src/a.py"}) {
            CAPTURE(line);
            const std::string fence = std::string(line).rfind("```", 0) == 0 ? "" : "```\n";
            const auto edits = parse(std::string(line) + "\n" + fence +
                                     "<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```\n");
            REQUIRE(edits.changes.size() == 1);
            CHECK(edits.changes[0].path == "src/a.py");
        }
    }
    SUBCASE("common lines become context")
    {
        const auto edits =
            parse("a.c\n<<<<<<< SEARCH\nkeep\nold\nkeep2\n=======\nkeep\nnew\nkeep2\n>>>>>>> "
                  "REPLACE\n");
        const auto& lines = edits.changes[0].hunks[0].lines;
        REQUIRE(lines.size() == 4);
        CHECK(lines[0].op == HunkLine::Op::context);
        CHECK(lines[1].op == HunkLine::Op::remove);
        CHECK(lines[2].op == HunkLine::Op::add);
        CHECK(lines[3].op == HunkLine::Op::context);
    }
    SUBCASE("errors name the line")
    {
        CHECK_THROWS_WITH(
            parse("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n", Format::search_replace),
            doctest::Contains("line 1: a SEARCH/REPLACE block without a file path"));
        CHECK_THROWS_WITH(parse("a.c\n<<<<<<< SEARCH\na\n=======\nb\n", Format::search_replace),
                          doctest::Contains("line 2: this SEARCH/REPLACE block is not closed"));
        CHECK_THROWS_WITH(parse("a.c\n<<<<<<< SEARCH\na\n", Format::search_replace),
                          doctest::Contains("has no '=======' and"));
    }
}

TEST_CASE("edit::parse_whole_files, path lines and fences")
{
    const auto edits = parse("Updated files:\n\n**src/a.css**\n```css\nbody {}\n```\n\n"
                             "```js web/b.js\nlet x = 1;\n```\n\n```\nnot a file\n```\n",
                             Format::whole_file);
    REQUIRE(edits.changes.size() == 2);
    CHECK(edits.changes[0].path == "src/a.css");
    CHECK(edits.changes[0].content == "body {}\n");
    CHECK(edits.changes[0].kind == FileChange::Kind::write);
    CHECK(edits.changes[1].path == "web/b.js");
    CHECK_THROWS_WITH(parse("just prose\n", Format::whole_file),
                      doctest::Contains("no whole files found"));
}

TEST_CASE("edit::parse_codex_patch, the envelope")
{
    const auto edits = parse("*** Begin Patch\n*** Update File: src/a.py\n@@ def f():\n"
                             "     x = 1\n-    y = 2\n+    y = 3\n*** Add File: b.txt\n+hello\n"
                             "*** Delete File: c.txt\n*** Update File: d.py\n*** Move to: e.py\n"
                             "@@\n-a\n+b\n*** End Patch\n");
    REQUIRE(edits.changes.size() == 4);
    CHECK(edits.changes[0].kind == FileChange::Kind::modify);
    CHECK(edits.changes[0].hunks[0].anchor == "def f():");
    CHECK(edits.changes[0].hunks[0].lines.size() == 3);
    CHECK(edits.changes[1].kind == FileChange::Kind::write); // over an existing file too
    CHECK(edits.changes[1].content == "hello\n");
    CHECK(edits.changes[2].kind == FileChange::Kind::remove);
    CHECK(edits.changes[3].kind == FileChange::Kind::rename);
    CHECK(edits.changes[3].new_path == "e.py");
}

TEST_CASE("edit::parse_tool_calls, provider shapes")
{
    SUBCASE("anthropic tool_use blocks, with non-edit tools skipped")
    {
        const auto edits = parse(R"({"content":[{"type":"text","text":"ok"},
            {"type":"tool_use","name":"read_file","input":{"path":"a"}},
            {"type":"tool_use","name":"str_replace","input":{"path":"a.c","old_str":"x","new_str":"y"}},
            {"type":"tool_use","name":"str_replace_based_edit_tool","input":{"command":"create","path":"n.c","file_text":"z\n"}}]})");
        REQUIRE(edits.changes.size() == 2);
        CHECK(edits.changes[0].hunks[0].kind == Hunk::Kind::text);
        CHECK(edits.changes[0].hunks[0].search == "x");
        CHECK(edits.changes[1].kind == FileChange::Kind::write);
        CHECK(edits.changes[1].content == "z\n");
    }
    SUBCASE("openai tool_calls with string arguments")
    {
        const auto edits = parse(R"({"choices":[{"message":{"tool_calls":[
            {"type":"function","function":{"name":"insert","arguments":"{\"path\":\"a\",\"insert_line\":2,\"new_str\":\"q\"}"}},
            {"type":"function","function":{"name":"delete_file","arguments":"{\"path\":\"b\"}"}}]}}]})");
        REQUIRE(edits.changes.size() == 2);
        CHECK(edits.changes[0].hunks[0].kind == Hunk::Kind::insert);
        CHECK(edits.changes[0].hunks[0].insert_after == 2);
        CHECK(edits.changes[0].hunks[0].replace == "q\n");
        CHECK(edits.changes[1].kind == FileChange::Kind::remove);
    }
    SUBCASE("a mistyped field is named")
    {
        CHECK_THROWS_WITH(parse_tool_call("str_replace", nlohmann::json{{"path", "a"}}),
                          "tool call 'str_replace': missing 'old_str'");
        CHECK_THROWS_WITH(
            parse_tool_call("insert", nlohmann::json{{"path", "a"}, {"insert_line", "x"}}),
            doctest::Contains("'insert_line' must be a line number"));
        CHECK_THROWS_WITH(parse_tool_call("view", nlohmann::json{{"path", "a"}}),
                          doctest::Contains("'view' is not an edit"));
    }
}

TEST_CASE("edit::parse_unified_diff, removed '-- ' and added '++ ' lines are not headers")
{
    const auto edits = parse("--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n select 1;\n"
                             "--- old comment\n+++ new comment\n");
    REQUIRE(edits.changes.size() == 1);
    const auto& lines = edits.changes[0].hunks[0].lines;
    REQUIRE(lines.size() == 3);
    CHECK(lines[1].op == HunkLine::Op::remove);
    CHECK(lines[1].text == "-- old comment");
    CHECK(lines[2].op == HunkLine::Op::add);
    CHECK(lines[2].text == "++ new comment");
}

TEST_CASE("edit::parse_tool_calls, nesting past the limit is refused, not parsed")
{
    const std::string deep = std::string(50'000, '[') + std::string(50'000, ']');
    CHECK_THROWS_WITH_AS(parse_tool_calls(R"({"name":"create_file","input":)" + deep + "}"),
                         doctest::Contains("the tool calls nest deeper than 256 levels"),
                         draftsmith::Error);
    const nlohmann::json call = {{"name", "create_file"}, {"arguments", deep}};
    CHECK_THROWS_WITH_AS(parse_tool_calls(call.dump()),
                         doctest::Contains("the tool calls nest deeper than 256 levels"),
                         draftsmith::Error);
}
