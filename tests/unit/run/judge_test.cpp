// run::judge_comment: who may run, asked of the one host with the target
// configuration's allow-lists (the host is made before that file is read).
#include "draftsmith/run/phases.hpp"

#include <doctest/doctest.h>

#include "doubles.hpp"

using namespace draftsmith;

TEST_CASE("run::judge_comment, the permission question carries the configuration's allow-lists")
{
    test::MemoryHost host;
    test::RecordingObserver texts;
    host::Comment comment;
    comment.author.login = "ann";
    comment.body = "/edit make the buttons red";
    host::PullRequest pr;
    pr.number = 7;
    config::Config config;
    config.allowed_users = {"ann", "release-bot"};
    config.allowed_groups = {"[Site]\\Editors"};

    SUBCASE("allowed: the command goes on")
    {
        host.allowed["ann"] = true;
        const auto verdict = run::judge_comment(comment, pr, config, host, texts);
        CHECK_FALSE(verdict.ended);
        CHECK(verdict.command.intent == "make the buttons red");
    }
    SUBCASE("refused: exit 4 with the host's reason")
    {
        const auto verdict = run::judge_comment(comment, pr, config, host, texts);
        REQUIRE(verdict.ended);
        CHECK(*verdict.ended == ExitCode::refused);
        CHECK(verdict.reply == "refused ann: read access only");
    }
    CHECK(host.asked_with.users == config.allowed_users);
    CHECK(host.asked_with.groups == config.allowed_groups);
}
