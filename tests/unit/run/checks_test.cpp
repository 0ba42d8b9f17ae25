// run/checks.hpp's pure parts (issue 15): which source pull request a
// request id names, and which branch a workflow_run / check_suite names.
#include "draftsmith/run/checks.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

namespace run = draftsmith::run;

TEST_CASE("source_pr_of reads the pull request of a request id")
{
    CHECK(run::source_pr_of("pr12-c345") == 12);
    CHECK(run::source_pr_of("pr7-t5-c1") == 7);
    CHECK_FALSE(run::source_pr_of("pr-c345"));
    CHECK_FALSE(run::source_pr_of("pr0-c1"));
    CHECK_FALSE(run::source_pr_of("pr12x-c1"));
    CHECK_FALSE(run::source_pr_of("issue12-c1"));
    CHECK_FALSE(run::source_pr_of(""));
}

TEST_CASE("event_head_branch: workflow_run and check_suite name a branch; others do not")
{
    CHECK(run::event_head_branch(
              R"({"action":"completed","workflow_run":{"head_branch":"draftsmith/pr-7/v1"}})") ==
          "draftsmith/pr-7/v1");
    CHECK(run::event_head_branch(R"({"check_suite":{"head_branch":"draftsmith/x/v2"}})") ==
          "draftsmith/x/v2");
    CHECK_FALSE(run::event_head_branch(R"({"comment":{"body":"/edit"}})"));
    CHECK_FALSE(run::event_head_branch(R"({"workflow_run":{"head_branch":null}})"));
    CHECK_THROWS_WITH_AS(run::event_head_branch("not json"),
                         "checks: the event is not a JSON object", draftsmith::Error);
}
