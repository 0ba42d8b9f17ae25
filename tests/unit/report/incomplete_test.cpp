// Issue 17 in report/: how an incomplete variant reads in the overview, its
// pull request's title and body, the progress comment and the JSON report,
// and the overview's word on variants a cancellation could not keep.
#include "draftsmith/report/comments.hpp"
#include "draftsmith/report/outputs.hpp"
#include "draftsmith/report/progress.hpp"

#include <doctest/doctest.h>

using namespace draftsmith::report;

namespace {

RunRecord record_with_incomplete()
{
    RunRecord run;
    run.host = "github";
    run.repository = "octo/app";
    run.pr = 7;
    run.intent = "make the submit buttons red";
    run.slug = "make-the-submit-buttons-red";
    run.variants = 2;
    VariantRecord one;
    one.index = 1;
    one.state = VariantState::incomplete;
    one.incomplete = "time limit";
    one.reason = "time limit of 900 s reached";
    one.branch = "draftsmith/pr-7/100-red/v1";
    one.pr_number = 12;
    one.pr_url = "https://github.com/octo/app/pull/12";
    one.files = 1;
    one.insertions = 1;
    one.deletions = 1;
    one.usage.input_tokens = 12000;
    one.usage.output_tokens = 300;
    one.cost_usd = 0.04;
    one.turns = 3;
    VariantRecord two;
    two.index = 2;
    two.state = VariantState::succeeded;
    two.pr_number = 13;
    two.pr_url = "https://github.com/octo/app/pull/13";
    run.variant_records = {one, two};
    return run;
}

} // namespace

TEST_CASE("report, an incomplete variant in the overview")
{
    const auto run = record_with_incomplete();
    const auto overview = overview_comment(run, "<!-- m -->");
    CHECK(overview.find("| 1 | \xE2\x9A\xA0 incomplete (time limit) | "
                        "[#12](https://github.com/octo/app/pull/12) | 1 | +1 \xE2\x88\x92"
                        "1 |") != std::string::npos);
    CHECK(overview.find("1 of 2 variants ready as draft pull requests, 1 incomplete") !=
          std::string::npos);
    CHECK(overview.find("- **Variant 1** is incomplete: time limit of 900 s reached. Its edits so "
                        "far are in its draft pull request; run the same comment again to "
                        "continue it (`--force` starts over).") != std::string::npos);
    CHECK(overview.find("Cancelled:") == std::string::npos);
    CHECK(progress_comment(run, "").find("- Variant 1: \xE2\x9A\xA0 incomplete (time limit)") !=
          std::string::npos);
    CHECK(progress_line(run.variant_records[0]).find("variant 1: incomplete") == 0);
    CHECK(std::string(to_string(VariantState::incomplete)) == "incomplete");
}

TEST_CASE("report, an incomplete variant's pull request says so, why and what it cost")
{
    const auto run = record_with_incomplete();
    const auto title = pull_request_title("AI Edit v{i}: {slug}", run, 1);
    CHECK(title == "[incomplete: time limit] AI Edit v1: make-the-submit-buttons-red");
    CHECK(pull_request_title("AI Edit v{i}: {slug}", run, 2) ==
          "AI Edit v2: make-the-submit-buttons-red");
    const auto body = pull_request_body(run, run.variant_records[0], "<!-- m -->");
    CHECK(body.rfind("> [!WARNING]\n> **Incomplete (time limit):** this variant stopped before "
                     "it finished \xE2\x80\x94 time limit of 900 s reached. It cost 12.3k tokens",
                     0) == 0);
    CHECK(body.find("$0.04") != std::string::npos);
    CHECK(body.find("3 turns") != std::string::npos);
    CHECK(body.find("Post the same comment again to continue it") != std::string::npos);
    CHECK(body.find("<!-- m -->") != std::string::npos);
    CHECK(pull_request_body(run, run.variant_records[1], "").find("Incomplete") ==
          std::string::npos);
}

TEST_CASE("report, a cancellation that could not keep every variant says which")
{
    auto run = record_with_incomplete();
    run.variant_records[1].state = VariantState::failed;
    run.variant_records[1].kept = false;
    run.variant_records[1].reason = "not kept: push failed: timed out";
    const auto overview = overview_comment(run, "");
    CHECK(overview.find("**Cancelled:** kept variant(s) 1; not kept: variant(s) 2 (their edits "
                        "could not be pushed before the job ends; see why above).") !=
          std::string::npos);
    CHECK(overview.find("- **Variant 2** failed: not kept: push failed: timed out") !=
          std::string::npos);
}
