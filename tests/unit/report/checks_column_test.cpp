// The overview's Checks column (issue 15) on overviews overview_comment() wrote.
#include "draftsmith/report/checks_column.hpp"
#include "draftsmith/report/comments.hpp"

#include <doctest/doctest.h>

#include <string>

namespace report = draftsmith::report;
namespace run = draftsmith::run;
namespace host = draftsmith::host;
using report::VariantState;

namespace {

constexpr std::string_view k_marker = "<!-- draftsmith-overview: pr12-c345 -->";

report::VariantRecord made(int index, std::int64_t pr)
{
    report::VariantRecord record;
    record.index = index;
    record.state = VariantState::succeeded;
    record.pr_number = pr;
    record.pr_url = "https://github.com/octo/app/pull/" + std::to_string(pr);
    record.branch = "draftsmith/pr-12/345-x/v" + std::to_string(index);
    record.files = 1;
    record.insertions = 2;
    return record;
}

std::string overview()
{
    report::RunRecord record;
    record.host = "github";
    record.pr = 12;
    record.intent = "make it red | and blue";
    record.variants = 3;
    record.request_id = "pr12-c345";
    auto failed = made(2, 0);
    failed.state = VariantState::failed;
    failed.pr_url.clear();
    failed.reason = "turn limit";
    record.variant_records = {made(1, 13), failed, made(3, 15)};
    return report::overview_comment(record, k_marker);
}

run::VariantChecks checks(int variant, std::vector<host::CheckRun> runs)
{
    run::VariantChecks row;
    row.variant = variant;
    row.summary = host::summarize(std::move(runs));
    return row;
}

} // namespace

TEST_CASE("overview_variant_prs reads the rows overview_comment wrote")
{
    const auto prs = report::overview_variant_prs(overview());
    CHECK(prs == std::map<int, std::int64_t>{{1, 13}, {3, 15}});
    CHECK(report::overview_variant_prs("no table here").empty());
}

TEST_CASE("checks_cell: passed, failed, running, none, unreadable, repaired")
{
    using S = host::CheckState;
    CHECK(report::checks_cell(
              checks(1, {{"a", S::passed, "https://ci/1", ""}, {"b", S::passed, "", ""}})) ==
          "[\xE2\x9C\x85 2/2](https://ci/1)");
    CHECK(report::checks_cell(checks(1, {{"build", S::failed, "https://ci/2", ""},
                                         {"a|b", S::failed, "", ""},
                                         {"c", S::passed, "", ""}})) ==
          "[\xE2\x9D\x8C 2 of 3 failed: build, a\\|b](https://ci/2)");
    CHECK(report::checks_cell(checks(1, {{"a", S::running, "javascript:alert(1)", ""}})) ==
          "\xE2\x8F\xB3 1 of 1 running");
    CHECK(report::checks_cell(checks(1, {})) == "\xE2\x80\x94 no checks");
    auto unreadable = checks(1, {});
    unreadable.read_error = "GitHub: HTTP 500";
    CHECK(report::checks_cell(unreadable) == "\xE2\x9A\xA0\xEF\xB8\x8F could not be read");
    auto repaired = checks(1, {{"a", S::running, "", ""}});
    repaired.repairs = 1;
    CHECK(report::checks_cell(repaired) == "\xE2\x8F\xB3 1 of 1 running \xC2\xB7 repaired once");
    repaired.repair_note = "repair failed: the model made no edit";
    CHECK(
        report::checks_cell(repaired).ends_with("\xC2\xB7 repair failed: the model made no edit"));
}

TEST_CASE("overview_with_checks adds the column, then replaces it, and keeps the rest")
{
    using S = host::CheckState;
    const auto before = overview();
    const auto once = report::overview_with_checks(
        before, {checks(1, {{"build", S::failed, "https://ci/9", ""}})});
    CHECK(once.find("| Time | Checks |\n") != std::string::npos);
    CHECK(once.find("|---:|---|\n") != std::string::npos);
    CHECK(once.find("[\xE2\x9D\x8C 1 of 1 failed: build](https://ci/9) |\n") != std::string::npos);
    CHECK(once.find("| 2 | ") != std::string::npos);
    CHECK(once.find(std::string(k_marker)) != std::string::npos);
    // Everything before the table is as it was.
    const auto table = before.find("| Variant |");
    CHECK(once.substr(0, table) == before.substr(0, table));
    const auto twice =
        report::overview_with_checks(once, {checks(1, {{"build", S::passed, "", ""}})});
    CHECK(twice.find("Checks | Checks") == std::string::npos);
    CHECK(twice.find("| \xE2\x9C\x85 1/1 |\n") != std::string::npos);
    CHECK(twice.find("failed: build") == std::string::npos);
    CHECK(report::overview_with_checks(twice, {checks(1, {{"build", S::passed, "", ""}})}) ==
          twice);
    CHECK(report::overview_variant_prs(twice) == report::overview_variant_prs(before));
    CHECK(report::overview_with_checks("no table", {}) == "no table");
}
