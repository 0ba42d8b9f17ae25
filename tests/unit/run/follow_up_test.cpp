// Issue 15: the pure parts of a follow-up on a variant (run/follow_up.hpp):
// which pull requests take one, and the texts it edits on the host.
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/run/follow_up.hpp"

#include <doctest/doctest.h>

using namespace draftsmith;

namespace {

host::PullRequest variant_pr(const std::string& marker)
{
    host::PullRequest pr;
    pr.number = 13;
    pr.head_branch = "draftsmith/pr12-c345/v2";
    pr.body = "> make it red\n\n### Summary\n\nRed now.\n\n**Variant 2 of 3**\n\n" + marker + "\n";
    return pr;
}

trigger::Command command(int variants)
{
    trigger::Command out;
    out.variants = variants;
    out.intent = "also the hover colour";
    return out;
}

} // namespace

TEST_CASE("run::follow_up_target, which pull requests take a follow-up")
{
    const auto github = variant_pr(host::request_marker({12, {345, 0}}, 2));
    SUBCASE("one variant asked on a variant's pull request: its request, variant and overview")
    {
        const auto target = run::follow_up_target(github, command(1));
        REQUIRE(target);
        CHECK(target->request_id == "pr12-c345");
        CHECK(target->variant == 2);
        CHECK(target->source_pr == 12);
        CHECK(target->source_comment == host::CommentRef{345, 0});
    }
    SUBCASE("Azure DevOps ids name the thread")
    {
        const auto target =
            run::follow_up_target(variant_pr(host::request_marker({12, {2, 5}}, 3)), command(1));
        REQUIRE(target);
        CHECK(target->source_comment == host::CommentRef{2, 5});
        CHECK(target->variant == 3);
    }
    SUBCASE("/N asks for new drafts; a pull request without the marker is any pull request")
    {
        CHECK_FALSE(run::follow_up_target(github, command(3)));
        CHECK_FALSE(run::follow_up_target(variant_pr("no marker here"), command(1)));
        CHECK_FALSE(run::follow_up_target(variant_pr("<!-- draftsmith-request: x12-c3 v2 -->"),
                                          command(1)));
    }
}

TEST_CASE("run::made_by, the variant's own commits")
{
    const auto target =
        run::follow_up_target(variant_pr(host::request_marker({12, {345, 0}}, 2)), command(1));
    REQUIRE(target);
    git::DraftsmithTrailers trailers;
    trailers.request = git::RequestId{"github", "octo/app", "12", "345"};
    trailers.variant = git::VariantNumber{2, 3};
    CHECK(run::made_by(trailers, *target));
    trailers.variant = git::VariantNumber{1, 3};
    CHECK_FALSE(run::made_by(trailers, *target));
    trailers.variant = git::VariantNumber{2, 3};
    trailers.request->comment_id = "346";
    CHECK_FALSE(run::made_by(trailers, *target));
    CHECK_FALSE(run::made_by(git::DraftsmithTrailers{}, *target));
}

TEST_CASE("run::body_with_follow_up, the list in the variant's body")
{
    const auto marker = host::request_marker({12, {345, 0}}, 2);
    const auto body = variant_pr(marker).body;
    const auto once = run::body_with_follow_up(body, "pr13-c456",
                                               run::follow_up_entry("abcdef123", "hover", "Done"));
    SUBCASE("added before the request marker, which stays last")
    {
        CHECK(once.find("### Follow-ups\n\n- `abcdef1` hover \xE2\x80\x94 Done "
                        "<!-- draftsmith-follow-up: pr13-c456 -->\n") != std::string::npos);
        CHECK(once.find("### Follow-ups") < once.find(marker));
        CHECK(host::find_request_marker(once) == host::RequestMarker{"pr12-c345", 2});
        CHECK(run::follow_ups_in_body(once) == 1);
        CHECK(run::follow_ups_in_body(body) == 0);
    }
    SUBCASE("the same follow-up again replaces its entry; another one is added")
    {
        const auto again = run::body_with_follow_up(
            once, "pr13-c456", run::follow_up_entry("abcdef123", "hover", "Done"));
        CHECK(again == once);
        const auto twice = run::body_with_follow_up(
            once, "pr13-c789", run::follow_up_entry("1234567aa", "<!-- x --> focus", ""));
        CHECK(run::follow_ups_in_body(twice) == 2);
        CHECK(twice.find("&lt;!-- x --> focus") != std::string::npos);
        CHECK(twice.find("### Follow-ups") == twice.rfind("### Follow-ups"));
    }
    SUBCASE("too long: the oldest entries go, the newest stays")
    {
        auto text = once;
        for (int i = 0; i < 30; ++i) {
            text = run::body_with_follow_up(
                text, "pr13-c" + std::to_string(500 + i),
                run::follow_up_entry("abcdef1", std::string(190, 'x'), ""));
        }
        CHECK(text.size() <= 4000);
        CHECK(text.find("pr13-c529") != std::string::npos);
        CHECK(text.find("pr13-c456") == std::string::npos);
        CHECK(host::find_request_marker(text));
    }
}

TEST_CASE("run::overview_with_follow_ups, the variant's row")
{
    const std::string overview =
        "### draftsmith\n\n| Variant | Status | Pull request | Files |\n|---:|---|---|---:|\n"
        "| 1 | \xE2\x9C\x85 succeeded | [#13](u) | 1 |\n"
        "| 2 | \xE2\x9C\x85 succeeded | [#14](u) | 1 |\n\n<!-- draftsmith-overview: pr12-c345 "
        "-->\n";
    const auto one = run::overview_with_follow_ups(overview, 2, 1);
    CHECK(one.find("| 2 | \xE2\x9C\x85 succeeded \xC2\xB7 1 follow-up | [#14](u) | 1 |") !=
          std::string::npos);
    CHECK(one.find("| 1 | \xE2\x9C\x85 succeeded | [#13](u)") != std::string::npos);
    const auto two = run::overview_with_follow_ups(one, 2, 2);
    CHECK(two.find("succeeded \xC2\xB7 2 follow-ups | [#14]") != std::string::npos);
    CHECK(two.find("1 follow-up |") == std::string::npos);
    CHECK(run::overview_with_follow_ups(overview, 7, 1) == overview);
}

TEST_CASE("run::follow_up_reply, done and not done")
{
    run::FollowUpReply reply;
    reply.done = true;
    reply.branch = "draftsmith/pr12-c345/v2";
    reply.commit = "0123456789abcdef";
    reply.summary = "Hover is red.";
    reply.files = 1;
    reply.insertions = 2;
    reply.deletions = 1;
    const auto marker = run::follow_up_marker("pr13-c456");
    CHECK(run::follow_up_reply(reply, marker) ==
          "\xE2\x9C\x85 Follow-up committed as `0123456789ab` on `draftsmith/pr12-c345/v2` (+2 "
          "\xE2\x88\x92"
          "1 in 1 file).\n\n**Summary:** Hover is red.\n\n<!-- draftsmith-follow-up: pr13-c456 "
          "-->\n");
    reply.earlier = true;
    CHECK(run::follow_up_reply(reply, marker).find("Done by an earlier run: commit") !=
          std::string::npos);
    reply.done = false;
    reply.reason = "the model made no changes";
    CHECK(run::follow_up_reply(reply, marker)
              .rfind("\xE2\x9D\x8C The follow-up was not committed: the model made no changes",
                     0) == 0);
}
