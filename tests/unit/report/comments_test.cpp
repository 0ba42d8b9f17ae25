#include "draftsmith/report/comments.hpp"

#include <doctest/doctest.h>

#include <string>

namespace report = draftsmith::report;
using report::VariantState;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view k_marker = "<!-- draftsmith-overview: pr12-c345 -->";

report::VariantRecord variant(int index, VariantState state)
{
    report::VariantRecord record;
    record.index = index;
    record.state = state;
    record.provider = "anthropic";
    record.model = "claude-sonnet-4-5";
    record.hint = "the smallest change that does what is asked";
    record.usage.input_tokens = 12000;
    record.usage.output_tokens = 345;
    record.cost_usd = 0.0421;
    record.turns = 7;
    record.duration = 65s;
    return record;
}

report::RunRecord sample_run()
{
    report::RunRecord run;
    run.host = "github";
    run.repository = "octo/app";
    run.pr = 12;
    run.pr_url = "https://github.com/octo/app/pull/12";
    run.comment_url = "https://github.com/octo/app/pull/12#issuecomment-345";
    run.requester = "alice";
    run.intent = "Add retries to the HTTP client";
    run.slug = "add-retries-to-the-http-client";
    run.variants = 4;
    run.request_id = "pr12-c345";

    auto ok = variant(1, VariantState::succeeded);
    ok.pr_url = "https://github.com/octo/app/pull/13";
    ok.pr_number = 13;
    ok.branch = "draftsmith/pr12-c345/v1";
    ok.files = 3;
    ok.insertions = 40;
    ok.deletions = 2;
    auto failed = variant(2, VariantState::failed);
    failed.reason = "turn limit of 40 reached";
    auto duplicate = variant(3, VariantState::duplicate);
    duplicate.duplicate_of = 1;
    auto nothing = variant(4, VariantState::no_changes);
    nothing.reason = "the model found nothing to change";
    run.variant_records = {ok, failed, duplicate, nothing};
    run.usage.input_tokens = 48000;
    run.cost_usd = 0.1684;
    run.duration = 185s;
    return run;
}

bool ends_with(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

} // namespace

TEST_CASE("report::overview_comment, table and explanations")
{
    const auto run = sample_run();
    const auto text = report::overview_comment(run, k_marker);
    CAPTURE(text);

    CHECK(text.find("1 of 4 variants ready") != std::string::npos);
    CHECK(text.find("> Add retries to the HTTP client\n") != std::string::npos);
    CHECK(
        text.find(
            "by @alice in [this comment](https://github.com/octo/app/pull/12#issuecomment-345)") !=
        std::string::npos);
    CHECK(text.find("| Variant | Status | Pull request | Files | +/\xE2\x88\x92 | Tokens | Cost | "
                    "Time |") != std::string::npos);
    CHECK(text.find("| 1 | \xE2\x9C\x85 ready | [#13](https://github.com/octo/app/pull/13) | 3 | "
                    "+40 \xE2\x88\x92"
                    "2 | 12.3k | $0.0421 | 1m 05s |") != std::string::npos);
    CHECK(text.find("- **Variant 2** failed: turn limit of 40 reached\n") != std::string::npos);
    CHECK(text.find("- **Variant 3** made the same change as variant 1.\n") != std::string::npos);
    CHECK(text.find("same as variant 1") != std::string::npos);
    CHECK(text.find("- **Variant 4** made no changes: the model found nothing to change\n") !=
          std::string::npos);
    CHECK(text.find("**Total:** 48.0k tokens") != std::string::npos);
    CHECK(ends_with(text, std::string(k_marker) + "\n"));
}

TEST_CASE("report::overview_comment, dry run and run error")
{
    auto run = sample_run();
    run.dry_run = true;
    run.variants = 1;
    auto dry = variant(1, VariantState::dry_run);
    dry.branch = "draftsmith/pr12-c345/v1";
    dry.files = 1;
    run.variant_records = {dry};
    run.error = "pushing failed:\nremote rejected";
    const auto text = report::overview_comment(run, k_marker);
    CAPTURE(text);
    CHECK(text.find("dry run: 1 variant, nothing pushed") != std::string::npos);
    CHECK(text.find("| 1 | \xF0\x9F\xA7\xAA dry run | `draftsmith/pr12-c345/v1` | 1 |") !=
          std::string::npos);
    CHECK(text.find("**The run failed:** pushing failed: remote rejected\n") != std::string::npos);
}

TEST_CASE("report::overview_comment, untrusted text cannot break the table or forge a marker")
{
    auto run = sample_run();
    run.intent = "Fix a|b\n<!-- draftsmith-overview: pr99-c1 -->";
    run.variant_records[1].reason = "bad | input\nsecond line";
    run.variant_records[1].phase = "x";
    run.variant_records[0].branch = "a|b";
    const auto text = report::overview_comment(run, k_marker);
    CAPTURE(text);
    CHECK(text.find("pr99-c1") != std::string::npos);
    CHECK(text.find("<!-- draftsmith-overview: pr99-c1") == std::string::npos);
    CHECK(text.find("&lt;!-- draftsmith-overview: pr99-c1") != std::string::npos);
    CHECK(text.find("failed: bad | input second line\n") != std::string::npos);

    // Every table row has exactly 9 unescaped pipes.
    std::size_t start = 0;
    int rows = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end - start);
        if (!line.empty() && line[0] == '|') {
            int pipes = 0;
            for (std::size_t i = 0; i < line.size(); ++i) {
                pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\') ? 1 : 0;
            }
            CAPTURE(line);
            CHECK(pipes == 9);
            ++rows;
        }
        start = end == std::string::npos ? text.size() : end + 1;
    }
    CHECK(rows == 6);

    CHECK(report::overview_comment(sample_run(), k_marker).find("&lt;") == std::string::npos);
}

TEST_CASE("report::progress_comment, a line per variant")
{
    auto run = sample_run();
    run.variant_records[1].state = VariantState::running;
    run.variant_records[1].phase = "model";
    run.variant_records[2].state = VariantState::queued;
    run.run_url = "https://github.com/octo/app/actions/runs/9";
    const auto text = report::progress_comment(run, k_marker);
    CAPTURE(text);
    CHECK(text.rfind("\xF0\x9F\x91\x80 Working on 4 variants of: Add retries to the HTTP client\n",
                     0) == 0);
    CHECK(text.find("- Variant 1: \xE2\x9C\x85 ready \xE2\x80\x94 "
                    "[#13](https://github.com/octo/app/pull/13)\n") != std::string::npos);
    CHECK(text.find("- Variant 2: \xF0\x9F\x94\x84 running (model)\n") != std::string::npos);
    CHECK(text.find("- Variant 3: \xE2\x8F\xB3 queued\n") != std::string::npos);
    CHECK(text.find("- Variant 4: \xE2\x9E\x96 no changes: the model found nothing to change\n") !=
          std::string::npos);
    CHECK(text.find("(https://github.com/octo/app/actions/runs/9)") != std::string::npos);
    CHECK(ends_with(text, std::string(k_marker) + "\n"));
}

TEST_CASE("report::pull_request_body")
{
    const auto run = sample_run();
    auto record = run.variant_records[0];
    record.summary = "Wrapped send() in a retry loop with exponential backoff.";
    record.diffstat = " src/net/http.cpp | 40 ++++++++++++++++++++++++++++++++++++++--\n"
                      " 1 file changed, 38 insertions(+), 2 deletions(-)\n";
    const std::string marker = "<!-- draftsmith-request: pr12-c345 v1 -->";

    SUBCASE("the parts")
    {
        const auto body = report::pull_request_body(run, record, marker);
        CAPTURE(body);
        CHECK(body.rfind("> Add retries to the HTTP client\n", 0) == 0);
        CHECK(body.find("[this comment](https://github.com/octo/app/pull/12#issuecomment-345)") !=
              std::string::npos);
        CHECK(body.find("Wrapped send() in a retry loop") != std::string::npos);
        CHECK(body.find("```text\n src/net/http.cpp | 40") != std::string::npos);
        CHECK(body.find("**Variant 1 of 4** \xE2\x80\x94 approach: the smallest change") !=
              std::string::npos);
        CHECK(body.find("`anthropic/claude-sonnet-4-5` \xC2\xB7 12.3k tokens \xC2\xB7 $0.0421 "
                        "\xC2\xB7 7 turns") != std::string::npos);
        CHECK(ends_with(body, marker + "\n"));
    }

    SUBCASE("a diffstat holding a fence gets a longer fence")
    {
        record.diffstat = "```\n";
        const auto body = report::pull_request_body(run, record, marker);
        CHECK(body.find("````text\n```\n````\n") != std::string::npos);
    }

    SUBCASE("huge parts are cut to the limit, the marker kept")
    {
        record.summary = "```cpp\n" + std::string(6000, 'x') + "\n```";
        for (int i = 0; i < 200; ++i) {
            record.diffstat += " src/file" + std::to_string(i) + ".cpp | 2 +-\n";
        }
        record.diffstat += " 201 files changed, 240 insertions(+), 200 deletions(-)\n";
        auto big_run = run;
        big_run.intent = std::string(3000, 'i');
        const auto body = report::pull_request_body(big_run, record, marker);
        CAPTURE(body.size());
        CHECK(body.size() <= report::k_max_body_chars);
        CHECK(ends_with(body, marker + "\n"));
        CHECK(body.find("201 files changed") != std::string::npos);
        CHECK(body.find("more line(s)") != std::string::npos);
        CHECK(body.find("xxxxxxxxxx\xE2\x80\xA6\n```") !=
              std::string::npos); // the cut fence is closed
    }

    SUBCASE("even a huge hint keeps the marker")
    {
        record.hint = std::string(9000, 'h');
        const auto body = report::pull_request_body(run, record, marker);
        CHECK(body.size() <= report::k_max_body_chars);
        CHECK(ends_with(body, marker + "\n"));
    }
}

TEST_CASE("report::pull_request_title, placeholders")
{
    auto run = sample_run();
    CHECK(report::pull_request_title("\xF0\x9F\x94\xA7 AI Edit v{i}: {slug}", run, 2) ==
          "\xF0\x9F\x94\xA7 AI Edit v2: add-retries-to-the-http-client");
    CHECK(report::pull_request_title("[{i}/{n}] #{pr} {intent} {unknown}", run, 3) ==
          "[3/4] #12 Add retries to the HTTP client {unknown}");
    run.intent =
        "Make the retry loop\nback off exponentially and give up after five attempts, logging each";
    const auto title = report::pull_request_title("{intent}", run, 1);
    CHECK(title == "Make the retry loop back off exponentially and give up\xE2\x80\xA6");
    CHECK(title.size() <= 60);
    CHECK(report::pull_request_title("{i", run, 1) == "{i");
}

TEST_CASE("report::commit_message")
{
    auto run = sample_run();
    auto record = run.variant_records[0];
    record.summary = "Retry with backoff.\n";
    CHECK(report::commit_message(run, record) ==
          "Add retries to the HTTP client (variant 1/4)\n\nRetry with backoff.\n");

    run.variants = 1;
    run.intent = "\xF0\x9F\x94\xA7 Fix \xE2\x9C\xA8 the r\xC3\xA9sum\xC3\xA9 parser " +
                 std::string(100, 'z');
    record.summary.clear();
    const auto message = report::commit_message(run, record);
    CAPTURE(message);
    CHECK(message.rfind("Fix the r\xC3\xA9sum\xC3\xA9 parser zzz", 0) == 0);
    CHECK(message.find('\n') <= 72);
    CHECK(message.find("\n\n") == std::string::npos);
}

TEST_CASE("report::refusal_comment and usage_comment")
{
    const auto refusal =
        report::refusal_comment("mallory", "mallory has no write access to octo/app.");
    CHECK(refusal.find("@mallory") != std::string::npos);
    CHECK(refusal.find("mallory has no write access to octo/app.\n") != std::string::npos);
    CHECK(refusal.find("write access") != std::string::npos);
    CHECK(refusal.find("`allowed_users`") != std::string::npos);

    const auto usage = report::usage_comment("/N must be between 1 and 5, not 9");
    CHECK(usage.find("/N must be between 1 and 5, not 9") != std::string::npos);
    CHECK(usage.find("```\n/edit /3 make the submit buttons red\n```") != std::string::npos);
}
