// Publishing and the verdict on a comment, with in-memory doubles
// (doubles.hpp): no server, no repository, no process.
#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/variants.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

#include "doubles.hpp"

using namespace draftsmith;
using run::VariantResult;
using run::VariantState;

namespace {

run::Request request_of(int n)
{
    run::Request request;
    request.key = {12, {345, 0}};
    request.pr.number = 12;
    request.pr.head_branch = "feature";
    request.pr.base_branch = "main";
    request.command.variants = n;
    request.result.variants = n;
    for (int i = 1; i <= n; ++i) {
        VariantResult variant;
        variant.index = i;
        variant.branch = fmt::format("draftsmith/pr12-c345/v{}", i);
        variant.state = VariantState::succeeded;
        variant.commit = fmt::format("c{}", i);
        request.result.variant_records.push_back(variant);
    }
    return request;
}

host::Comment comment_by(std::string login, std::string body)
{
    host::Comment comment;
    comment.author.login = std::move(login);
    comment.body = std::move(body);
    comment.created_at = "2026-12-03T10:00:00Z";
    comment.updated_at = comment.created_at;
    return comment;
}

} // namespace

TEST_CASE("run::publish, pushes once, then opens or updates one pull request per variant")
{
    test::MemoryHost host;
    test::MemoryRepo repo;
    test::RecordingObserver observer;
    const auto request = request_of(3);
    auto variants = request.result.variant_records;
    run::PublishSettings settings;

    SUBCASE("new pull requests, and an earlier one updated and reopened")
    {
        host::PullRequest old;
        old.number = 7;
        old.state = host::PullRequestState::closed;
        host.pulls.push_back(old);
        const auto published =
            run::publish(request, {repo, host, observer}, variants, {{2, old}}, settings);
        CHECK(repo.pushed.size() == 3);
        CHECK(host.calls == std::vector<std::string>{"create draftsmith/pr12-c345/v1",
                                                     "update 7 reopen",
                                                     "create draftsmith/pr12-c345/v3"});
        CHECK(published[0].pr_url == "https://example.test/pull/101");
        CHECK(published[1].pr_reused);
        CHECK(published[2].state == VariantState::succeeded);
        CHECK(observer.progress_count == 3); // after each pull request
    }
    SUBCASE("a foreign or refused branch fails its variant only, and gets no pull request")
    {
        repo.push_status["draftsmith/pr12-c345/v1"] = git::BranchPushStatus::foreign;
        repo.push_status["draftsmith/pr12-c345/v3"] = git::BranchPushStatus::rejected;
        const auto published =
            run::publish(request, {repo, host, observer}, variants, {}, settings);
        CHECK(published[0].state == VariantState::failed);
        CHECK(published[0].reason == "branch draftsmith/pr12-c345/v1 exists and was not made by "
                                     "this request; left alone (hook declined)");
        CHECK(published[2].reason ==
              "the server refused branch draftsmith/pr12-c345/v3: hook declined");
        CHECK(host.calls == std::vector<std::string>{"create draftsmith/pr12-c345/v2"});
    }
    SUBCASE("a push that fails as a whole fails every variant")
    {
        repo.push_throws = true;
        const auto published =
            run::publish(request, {repo, host, observer}, variants, {}, settings);
        for (const auto& variant : published) {
            CHECK(variant.state == VariantState::failed);
            CHECK(variant.reason == "push failed: could not reach the remote");
        }
        CHECK(host.calls.empty());
    }
    SUBCASE("a pull request the host refuses fails that variant with the host's reason")
    {
        host.fail_create = true;
        const auto published =
            run::publish(request, {repo, host, observer}, variants, {}, settings);
        CHECK(published[0].state == VariantState::failed);
        CHECK(published[0].reason ==
              "branch draftsmith/pr12-c345/v1 pushed, but the pull request could not be opened: "
              "GitHub: create a pull request: Validation Failed");
    }
    SUBCASE("kept and failed variants are left alone; --dry-run publishes nothing")
    {
        variants[0].pr_reused = true;
        variants[1].state = VariantState::failed;
        settings.dry_run = true;
        const auto published =
            run::publish(request, {repo, host, observer}, variants, {}, settings);
        CHECK(published[0].state == VariantState::succeeded);
        CHECK(published[1].state == VariantState::failed);
        CHECK(published[2].state == VariantState::dry_run);
        CHECK(repo.pushed.empty());
        CHECK(host.calls.empty());
    }
    SUBCASE("--local: local branches; one that is not ours fails its variant")
    {
        settings.on_host = false;
        repo.local_branches["draftsmith/pr12-c345/v2"] = "foreign";
        const auto published =
            run::publish(request, {repo, host, observer}, variants, {}, settings);
        CHECK(repo.local_branches.at("draftsmith/pr12-c345/v1") == "c1");
        CHECK(published[1].state == VariantState::failed);
        CHECK(published[1].reason == "local branch draftsmith/pr12-c345/v2 exists and was not "
                                     "made by this request; left alone");
        CHECK(repo.pushed.empty()); // no --push
        CHECK(host.calls.empty());
    }
}

TEST_CASE("run::judge_comment, who may ask for what")
{
    test::MemoryHost host;
    test::RecordingObserver texts;
    host.allowed["alice"] = true;
    config::Config config;
    host::PullRequest pr;

    SUBCASE("a command from a writer goes on")
    {
        const auto verdict = run::judge_comment(comment_by("alice", "/edit /2 make it red"), pr,
                                                config, host, texts);
        CHECK_FALSE(verdict.ended);
        CHECK(verdict.command.variants == 2);
        CHECK(verdict.command.intent == "make it red");
    }
    SUBCASE("not a command, or a bot's: nothing to do, exit 0, no reply")
    {
        auto verdict =
            run::judge_comment(comment_by("alice", "looks good"), pr, config, host, texts);
        CHECK(verdict.ended == ExitCode::success);
        CHECK(verdict.reply.empty());
        auto bot = comment_by("ci-bot", "/edit make it red");
        bot.author.is_bot = true;
        verdict = run::judge_comment(bot, pr, config, host, texts);
        CHECK(verdict.ended == ExitCode::success);
    }
    SUBCASE("a malformed command: exit 2 with the grammar's message")
    {
        const auto verdict =
            run::judge_comment(comment_by("alice", "/edit /99 x"), pr, config, host, texts);
        CHECK(verdict.ended == ExitCode::usage);
        CHECK(verdict.reply.find("usage: ") == 0);
    }
    SUBCASE("an edited comment, a reader, a fork: refused, exit 4, with a reply")
    {
        auto edited = comment_by("alice", "/edit make it red");
        edited.updated_at = "2026-12-03T10:05:00Z";
        auto verdict = run::judge_comment(edited, pr, config, host, texts);
        CHECK(verdict.ended == ExitCode::refused);
        CHECK(verdict.reply.find("this one was edited since") != std::string::npos);

        verdict =
            run::judge_comment(comment_by("mallory", "/edit make it red"), pr, config, host, texts);
        CHECK(verdict.ended == ExitCode::refused);
        CHECK(verdict.reply == "refused mallory: read access only");

        pr.from_fork = true;
        verdict =
            run::judge_comment(comment_by("alice", "/edit make it red"), pr, config, host, texts);
        CHECK(verdict.ended == ExitCode::refused);
        CHECK(verdict.reply.find("refused alice: this pull request comes from a fork") == 0);
        config.forks = config::ForkPolicy::allow;
        CHECK_FALSE(
            run::judge_comment(comment_by("alice", "/edit make it red"), pr, config, host, texts)
                .ended);
    }
}

TEST_CASE("run::fan_out, every index once on at most `jobs` threads, all joined")
{
    std::mutex mutex;
    std::set<std::size_t> seen;
    std::set<std::thread::id> threads;
    run::fan_out(7, 2, [&](std::size_t i) {
        std::lock_guard lock(mutex);
        seen.insert(i);
        threads.insert(std::this_thread::get_id());
    });
    CHECK(seen.size() == 7);
    CHECK(threads.size() <= 2);
    run::fan_out(0, 4, [&](std::size_t) { FAIL("no work"); });
}
