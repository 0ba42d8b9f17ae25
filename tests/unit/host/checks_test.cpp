// host::summarize and host::tail_of_log (issue 15): the counting behind the
// Checks column and the bounds on what a repair turn sees of a log.
#include "draftsmith/host/checks.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>

namespace host = draftsmith::host;

TEST_CASE("summarize counts runs and links the first failed, else running, else any")
{
    using S = host::CheckState;
    auto summary = host::summarize({{"a", S::passed, "u-a", ""},
                                    {"b", S::running, "u-b", ""},
                                    {"c", S::failed, "u-c", "1"},
                                    {"d", S::failed, "u-d", "2"}});
    CHECK(summary.total == 4);
    CHECK(summary.passed == 1);
    CHECK(summary.running == 1);
    CHECK(summary.failed == std::vector<std::string>{"c", "d"});
    CHECK(summary.link == "u-c");
    CHECK(host::summarize({{"a", S::passed, "u-a", ""}, {"b", S::running, "u-b", ""}}).link ==
          "u-b");
    CHECK(host::summarize({{"a", S::passed, "u-a", ""}}).link == "u-a");
    CHECK(host::summarize({}).total == 0);
    CHECK(host::summarize({}).link.empty());
}

TEST_CASE("tail_of_log keeps the last lines, then the last bytes, and masks secrets")
{
    std::string log;
    for (int i = 1; i <= 10; ++i) {
        log += "line " + std::to_string(i) + "\n";
    }
    CHECK(host::tail_of_log(log, {3, 1000}) == "line 8\nline 9\nline 10");
    CHECK(host::tail_of_log(log, {100, 1000}) == log.substr(0, log.size() - 1));
    CHECK(host::tail_of_log("no newline", {3, 1000}) == "no newline");
    CHECK(host::tail_of_log("", {3, 1000}).empty());
    // 15 bytes: "line 9\nline 10" is 14; the cut starts at a whole line.
    CHECK(host::tail_of_log(log, {100, 15}) == "line 9\nline 10");
    const draftsmith::Secret secret("tail-secret-value-12345");
    CHECK(host::tail_of_log("ok\nkey=tail-secret-value-12345\n", {5, 1000}) == "ok\nkey=***");
}
