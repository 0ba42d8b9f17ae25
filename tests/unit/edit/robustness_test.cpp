// Models stop mid-answer: every prefix of a real-shaped output must parse to
// edits or fail with Error(input), and applying what parsed must never throw.
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace draftsmith::edit;

TEST_CASE("edit::parse and apply, every truncation of model outputs")
{
    const draftsmith::test::Files files = {{"src/a.c", "int a;\nint b;\n  int c;\n"},
                                           {"b.txt", "x\r\ny\r\n"}};
    const MemoryTree tree(files);
    const std::vector<std::string> outputs = {
        "Sure:\n```diff\ndiff --git a/src/a.c b/src/a.c\nindex 1..2 100644\n--- a/src/a.c\n"
        "+++ b/src/a.c\n@@ -1,3 +1,3 @@\n int a;\n-int b;\n+int B;\n   int c;\n```\n"
        "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+n\n\\ No newline at end of file\n",
        "src/a.c\n```c\n<<<<<<< SEARCH\nint b;\n=======\nint B;\n>>>>>>> REPLACE\n```\n"
        "b.txt\n<<<<<<< SEARCH\ny\n=======\nz\n>>>>>>> REPLACE\n",
        "*** Begin Patch\n*** Update File: src/a.c\n@@ int a;\n-int b;\n+int B;\n"
        "*** Add File: c.txt\n+c\n*** Delete File: b.txt\n*** End Patch\n",
        R"([{"name":"str_replace","input":{"path":"src/a.c","old_str":"int b;","new_str":"int B;"}},)"
        R"({"name":"insert","input":{"path":"b.txt","insert_line":1,"new_str":"q"}}])",
        "**src/a.c**\n```c\nint a;\n```\n\n`b.txt`:\n```\nw\n```\n",
    };
    std::size_t parsed = 0;
    for (const auto& output : outputs) {
        for (std::size_t length = 0; length <= output.size(); ++length) {
            const auto text = output.substr(0, length);
            CAPTURE(text);
            EditSet edits;
            try {
                edits = parse(text);
            } catch (const draftsmith::Error& e) {
                CHECK(e.category() == draftsmith::ErrorCategory::input);
                continue;
            }
            ++parsed;
            CHECK_NOTHROW(apply(edits, tree));
        }
    }
    CHECK(parsed > 100);
}
