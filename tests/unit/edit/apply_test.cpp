// edit::apply: real-shaped outputs, ambiguity, failure messages, line endings, indentation, file
// operations, path safety.
#include "apply_test_support.hpp"

using namespace apply_test_support;

TEST_CASE("edit::apply, real-shaped model outputs")
{
    const Files files = {{"src/app.c", k_app}};
    const std::vector<Row> rows = {
        {"git diff, right numbers",
         "diff --git a/src/app.c b/src/app.c\n--- a/src/app.c\n+++ b/src/app.c\n"
         "@@ -3,4 +3,4 @@\n int add(int a, int b)\n {\n-    return a + b;\n+    return a - b;\n "
         "}\n",
         true, Stage::exact},
        {"diff with wrong line numbers",
         "```diff\n--- a/src/app.c\n+++ b/src/app.c\n@@ -40,4 +40,4 @@\n int add(int a, int b)\n"
         " {\n-    return a + b;\n+    return a - b;\n }\n```\n",
         true, Stage::anywhere},
        {"diff without numbers, no prefixes",
         "--- src/app.c\n+++ src/app.c\n@@\n-    return a + b;\n+    return a - b;\n", true,
         Stage::anywhere},
        {"diff with lost indentation",
         "--- a/src/app.c\n+++ b/src/app.c\n@@ -3,4 +3,4 @@\n int add(int a, int b)\n {\n"
         "-return a + b;\n+return a - b;\n }\n",
         true, Stage::whitespace},
        {"diff with a dropped context line",
         "--- a/src/app.c\n+++ b/src/app.c\n@@ -3,4 +3,4 @@\n int add(int a, int b)\n"
         "-    return a + b;\n+    return a - b;\n }\n \n int main(void)\n",
         true, Stage::fuzzy},
        {"search/replace, aider style",
         "Change the operator:\n\nsrc/app.c\n```c\n<<<<<<< SEARCH\n    return a + b;\n=======\n"
         "    return a - b;\n>>>>>>> REPLACE\n```\n",
         true, Stage::anywhere},
        {"search/replace with tabs for spaces",
         "src/app.c\n<<<<<<< SEARCH\n{\n\treturn a + b;\n}\n=======\n{\n\treturn a - b;\n}\n"
         ">>>>>>> REPLACE\n",
         true, Stage::whitespace},
        {"search/replace with curly quotes",
         "src/app.c\n<<<<<<< SEARCH\n    return a + b;\n}\n\nint main(void)\n{\n"
         "    printf(\xE2\x80\x9C%d\\n\xE2\x80\x9D, add(1, 2));\n=======\n    return a - b;\n}\n\n"
         "int main(void)\n{\n    printf(\xE2\x80\x9C%d\\n\xE2\x80\x9D, add(1, 2));\n"
         ">>>>>>> REPLACE\n",
         true, Stage::punctuation},
        {"codex envelope",
         "*** Begin Patch\n*** Update File: src/app.c\n@@ int add(int a, int b)\n {\n"
         "-    return a + b;\n+    return a - b;\n }\n*** End Patch\n",
         true, Stage::anywhere},
        {"tool call str_replace",
         R"({"name":"str_replace","input":{"path":"src/app.c","old_str":"a + b","new_str":"a - b"}})",
         true, Stage::exact},
        {"whole file in a fence", "src/app.c\n```c\n" + k_app_sub + "```\n", true, std::nullopt},
        {"search text that is not there",
         "src/app.c\n<<<<<<< SEARCH\n    return a * b;\n    // multiply\n=======\n    return a - "
         "b;\n"
         ">>>>>>> REPLACE\n",
         false, std::nullopt},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        const auto result = apply_text(row.model_text, files);
        REQUIRE(result.files.size() == 1);
        CHECK_MESSAGE(result.files[0].ok == row.ok, result.failure_report());
        CHECK(result.files[0].stage == row.stage);
        if (row.ok) {
            CHECK(after(result, files, "src/app.c") == k_app_sub);
        } else {
            CHECK(after(result, files, "src/app.c") == k_app);
        }
    }
}

TEST_CASE("edit::apply, ambiguous matches are refused")
{
    const Files files = {{"a.txt", "x = 1\ny = 2\nx = 1\ny = 2\n"}};
    SUBCASE("search/replace matching twice")
    {
        const auto result =
            apply_text("a.txt\n<<<<<<< SEARCH\nx = 1\n=======\nx = 3\n>>>>>>> REPLACE\n", files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure_report() ==
              "a.txt: edit (your lines 2-6) was not applied: the 1 line(s) it expects match 2 "
              "places (starting at lines 1, 3) at the anywhere stage; include more surrounding "
              "lines so they match once.\n");
        CHECK(result.overlay.empty());
    }
    SUBCASE("str_replace text occurring twice")
    {
        const auto result = apply_text(
            R"({"name":"str_replace","input":{"path":"a.txt","old_str":"y = 2","new_str":"y = 4"}})",
            files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message ==
              "a.txt: edit (your line 1) was not applied: the text to replace occurs 2 times (at "
              "lines 2, 4); include more of the surrounding text so it occurs once.\n");
    }
    SUBCASE("ambiguity at the whitespace stage")
    {
        const Files indented = {{"a.py", "if a:\n    go()\nif b:\n        go()\n"}};
        const auto result = apply_text(
            "a.py\n<<<<<<< SEARCH\n  go()\n=======\n  stop()\n>>>>>>> REPLACE\n", indented);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message.find("at the whitespace stage") != std::string::npos);
    }
    SUBCASE("a near tie at the fuzzy stage")
    {
        const Files twins = {{"t.c", "int f() {\n  a = 1;\n  b = 2;\n  c = 3;\n}\n"
                                     "int g() {\n  a = 1;\n  b = 2;\n  c = 3;\n}\n"}};
        const auto result = apply_text(
            "t.c\n<<<<<<< SEARCH\n  a = 1;\n  b = 2;\n  q = 3;\n=======\n  a = 1;\n  b = 5;\n"
            "  q = 3;\n>>>>>>> REPLACE\n",
            twins);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message.find("ambiguous") != std::string::npos);
    }
}

TEST_CASE("edit::apply, failure messages say where, what and what is closest")
{
    const Files files = {{"src/app.c", k_app}};
    const auto result =
        apply_text("--- a/src/app.c\n+++ b/src/app.c\n@@ -3,4 +3,4 @@\n int sum(int x, int y)\n {\n"
                   "-    return x + y;\n+    return x - y;\n }\n",
                   files);
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure_report() ==
          "src/app.c: edit (your lines 3-8) was not applied: the 4 lines it expects are not in "
          "the file.\n"
          "Expected near line 3:\n"
          "  | int sum(int x, int y)\n"
          "  | {\n"
          "  |     return x + y;\n"
          "  | }\n"
          "Closest text, lines 3-6 (90% similar at the fuzzy stage, 80% needed; refused: the "
          "line to remove 'return x + y;' is not there):\n"
          "    3 | int add(int a, int b)\n"
          "    4 | {\n"
          "    5 |     return a + b;\n"
          "    6 | }\n"
          "Send the edit again using the file's current text.\n");
}

TEST_CASE("edit::apply, line endings, final newline, binary")
{
    SUBCASE("CRLF file stays CRLF")
    {
        const Files files = {{"w.txt", "one\r\ntwo\r\nthree\r\n"}};
        const auto result = apply_text(
            "w.txt\n<<<<<<< SEARCH\ntwo\n=======\n2\nand a half\n>>>>>>> REPLACE\n", files);
        REQUIRE(result.ok());
        CHECK(after(result, files, "w.txt") == "one\r\n2\r\nand a half\r\nthree\r\n");
    }
    SUBCASE("CRLF file, str_replace across lines")
    {
        const Files files = {{"w.txt", "one\r\ntwo\r\nthree\r\n"}};
        const auto result = apply_text(
            R"({"name":"str_replace","input":{"path":"w.txt","old_str":"one\ntwo","new_str":"1\n2"}})",
            files);
        REQUIRE(result.ok());
        CHECK(after(result, files, "w.txt") == "1\r\n2\r\nthree\r\n");
    }
    SUBCASE("CRLF file replaced whole")
    {
        const Files files = {{"w.txt", "one\r\ntwo\r\n"}};
        const auto result = apply_text("w.txt\n```\nuno\ndos\n```\n", files);
        CHECK(after(result, files, "w.txt") == "uno\r\ndos\r\n");
    }
    SUBCASE("a file without a final newline keeps it that way")
    {
        const Files files = {{"n.txt", "a\nb\nc"}};
        auto result = apply_text("n.txt\n<<<<<<< SEARCH\nc\n=======\nC\n>>>>>>> REPLACE\n", files);
        CHECK(after(result, files, "n.txt") == "a\nb\nC");
        result = apply_text("n.txt\n```\nx\ny\n```\n", files);
        CHECK(after(result, files, "n.txt") == "x\ny");
    }
    SUBCASE("a diff may add or remove the final newline")
    {
        const Files files = {{"n.txt", "a\nb"}};
        auto result = apply_text("--- a/n.txt\n+++ b/n.txt\n@@ -1,2 +1,2 @@\n a\n-b\n"
                                 "\\ No newline at end of file\n+b\n",
                                 files);
        CHECK(after(result, files, "n.txt") == "a\nb\n");
        const Files with = {{"n.txt", "a\nb\n"}};
        result = apply_text("--- a/n.txt\n+++ b/n.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
                            "\\ No newline at end of file\n",
                            with);
        CHECK(after(result, with, "n.txt") == "a\nc");
    }
    SUBCASE("binary files are refused")
    {
        const Files files = {{"img.png", std::string("\x89PNG\0\0\x01", 7)}};
        const auto result =
            apply_text("img.png\n<<<<<<< SEARCH\nPNG\n=======\nGIF\n>>>>>>> REPLACE\n", files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message ==
              "img.png: is a binary file; draftsmith edits text files only");
    }
}

TEST_CASE("edit::apply, indentation shift is followed by the replacement")
{
    const Files files = {{"a.py", "class A:\n    def f(self):\n        x = 1\n        return x\n"}};
    SUBCASE("model dropped the indentation")
    {
        const auto result = apply_text("a.py\n<<<<<<< SEARCH\nx = 1\nreturn x\n=======\nx = 1\n"
                                       "if x:\n    x += 1\nreturn x\n>>>>>>> REPLACE\n",
                                       files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(result.files[0].stage == Stage::whitespace);
        CHECK(after(result, files, "a.py") == "class A:\n    def f(self):\n        x = 1\n"
                                              "        if x:\n            x += 1\n"
                                              "        return x\n");
    }
    SUBCASE("tabs in the model, spaces in the file")
    {
        const auto result = apply_text("a.py\n<<<<<<< SEARCH\n\tdef f(self):\n\t\tx = 1\n=======\n"
                                       "\tdef f(self):\n\t\tx = 2\n>>>>>>> REPLACE\n",
                                       files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "a.py") ==
              "class A:\n    def f(self):\n        x = 2\n        return x\n");
    }
}

TEST_CASE("edit::apply, creates, deletes, renames and their failures")
{
    const Files files = {{"a.txt", "a\n"}, {"dir/b.txt", "b\n"}};
    SUBCASE("create, delete, rename through a diff")
    {
        const auto result = apply_text(
            "--- /dev/null\n+++ b/new/c.txt\n@@ -0,0 +1 @@\n+c\n"
            "--- a/a.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
            "diff --git a/dir/b.txt b/dir/d.txt\nrename from dir/b.txt\nrename to dir/d.txt\n",
            files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "new/c.txt") == "c\n");
        CHECK(after(result, files, "a.txt") == "<deleted>");
        CHECK(after(result, files, "dir/b.txt") == "<deleted>");
        CHECK(after(result, files, "dir/d.txt") == "b\n");
    }
    SUBCASE("creating an existing file, deleting a missing one, editing a missing one")
    {
        auto result = apply_text("--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+other\n", files);
        CHECK(result.files[0].message ==
              "a.txt: already exists; change it with an edit instead of creating it");
        result = apply_text("*** Begin Patch\n*** Delete File: nope.txt\n*** End Patch\n", files);
        CHECK(result.files[0].message == "nope.txt: cannot delete it, it does not exist");
        result = apply_text("nope.txt\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n", files);
        CHECK(result.files[0].message ==
              "nope.txt: does not exist; to create it, send the whole file");
    }
    SUBCASE("an empty SEARCH creates a missing file")
    {
        const auto result =
            apply_text("notes.md\n<<<<<<< SEARCH\n=======\n# Notes\n>>>>>>> REPLACE\n", files);
        REQUIRE(result.ok());
        CHECK(after(result, files, "notes.md") == "# Notes\n");
    }
    SUBCASE("a whole file with a placeholder for the rest is refused")
    {
        const auto result =
            apply_text("a.txt\n```\nnew first line\n// ... existing code ...\n```\n", files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.files[0].message.find("has a placeholder ('// ... existing code ...')") !=
              std::string::npos);
    }
    SUBCASE("insert after a line, and past the end")
    {
        auto result = apply_text(
            R"([{"name":"insert","input":{"path":"a.txt","insert_line":1,"new_str":"z"}}])", files);
        CHECK(after(result, files, "a.txt") == "a\nz\n");
        result = apply_text(
            R"([{"name":"insert","input":{"path":"a.txt","insert_line":5,"new_str":"z"}}])", files);
        CHECK(result.files[0].message ==
              "a.txt: edit (your line 1) was not applied: cannot insert after line 5, the file "
              "has 1 lines.\n");
    }
}

TEST_CASE("edit::apply, path safety and limits")
{
    const MemoryTree tree(Files{{"ok.txt", "x\n"}, {"link/real.txt", "y\n"}}, {"link", "lnk.txt"});
    auto run = [&](const std::string& path, const ApplyOptions& options = {}) {
        EditSet edits;
        FileChange change;
        change.kind = FileChange::Kind::write;
        change.path = path;
        change.content = "new\n";
        edits.changes.push_back(change);
        return apply(edits, tree, {}, options);
    };
    CHECK(run("/etc/passwd").files[0].message ==
          "/etc/passwd: refused: absolute paths are refused; use a path relative to the "
          "repository");
    CHECK(run("../outside.txt").files[0].message ==
          "../outside.txt: refused: the path leaves the repository ('..')");
    CHECK(run("a/../../x").files[0].message == "a/../../x: refused: the path leaves the repository "
                                               "('..')");
    CHECK(run(".git/config").files[0].message ==
          ".git/config: refused: paths inside .git/ are refused");
    CHECK(run("sub/.GIT/hooks/pre-commit").files[0].message.find("inside .git/") !=
          std::string::npos);
    // Spellings macOS or Windows read as .git (issue 12, item 8): git's own
    // verify_path() rules, util/git_path.hpp.
    CHECK(run(".g\u200cit/config").files[0].message ==
          ".g\u200cit/config: refused: '.g\u200cit' is refused: it names .git (as git, macOS "
          "or Windows read it)");
    for (const char* lookalike : {"GIT~1/config", ".git. /hooks/x", "a/.git::$INDEX_ALLOCATION/x",
                                  "\ufeff.git/config", ".GITMODULES", "gitmod~1"}) {
        const auto result = run(lookalike);
        CHECK_MESSAGE(!result.ok(), lookalike);
        CHECK_MESSAGE(result.files[0].message.find("refused") != std::string::npos, lookalike);
    }
    CHECK(run("link/real.txt").files[0].message ==
          "link/real.txt: refused: the path is or goes through a symbolic link");
    CHECK(run("lnk.txt").files[0].message ==
          "lnk.txt: refused: the path is or goes through a symbolic link");
    CHECK(run("C:\\x.txt").files[0].message.find("absolute") != std::string::npos);
    const auto normalised = run("./sub//dir/../x.txt");
    REQUIRE(normalised.ok());
    CHECK(normalised.overlay.count("sub/x.txt") == 1);

    ApplyOptions small;
    small.limits.max_files = 1;
    EditSet two;
    two.changes.resize(2);
    for (int i = 0; i < 2; ++i) {
        two.changes[static_cast<std::size_t>(i)].kind = FileChange::Kind::write;
        two.changes[static_cast<std::size_t>(i)].path = "f" + std::to_string(i);
        two.changes[static_cast<std::size_t>(i)].content = "z\n";
    }
    auto limited = apply(two, tree, {}, small);
    CHECK(limited.files[0].ok);
    CHECK(limited.files[1].message == "f1: refused: one edit set may change at most 1 files");
    small.limits.max_files = 10;
    small.limits.max_bytes_changed = 3;
    limited = apply(two, tree, {}, small);
    CHECK(limited.files[1].message == "f1: refused: the edits would change more than 3 bytes");
}
