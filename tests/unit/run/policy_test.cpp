// The run's policy with in-memory doubles (doubles.hpp): which variants an
// earlier run already made, what an agent's outcome makes of a variant,
// duplicates, publishing, the verdict on a comment and the exit status.
#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/variants.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <set>

#include "doubles.hpp"

using namespace draftsmith;
using run::VariantResult;
using run::VariantState;

namespace {

std::vector<VariantResult> queued(int n)
{
    std::vector<VariantResult> variants;
    for (int i = 1; i <= n; ++i) {
        VariantResult variant;
        variant.index = i;
        variant.branch = fmt::format("draftsmith/pr12-c345/v{}", i);
        variants.push_back(variant);
    }
    return variants;
}

const host::RequestKey k_key{12, {345, 0}};

host::PullRequest earlier(int variant, std::int64_t number, host::PullRequestState state,
                          std::string_view request = "pr12-c345")
{
    host::PullRequest pr;
    pr.number = number;
    pr.url = fmt::format("https://example.test/pull/{}", number);
    pr.head_branch = fmt::format("draftsmith/pr12-c345/v{}", variant);
    pr.head_sha = fmt::format("sha{}", number);
    pr.body = fmt::format("text\n<!-- draftsmith-request: {} v{} -->", request, variant);
    pr.state = state;
    return pr;
}

std::vector<VariantResult> made(int n)
{
    auto variants = queued(n);
    for (auto& variant : variants) {
        variant.state = VariantState::succeeded;
        variant.commit = fmt::format("c{}", variant.index);
    }
    return variants;
}

agent::Outcome finished_with(Overlay overlay)
{
    agent::Outcome outcome;
    outcome.status = agent::Status::finished;
    outcome.overlay = std::move(overlay);
    outcome.summary = "made the buttons red";
    outcome.turns = 3;
    return outcome;
}

run::Committed commit_as(const VariantResult&, const Overlay&)
{
    return {"c9", {2, 5, 1, " a | 6 +++++-\n"}, std::chrono::milliseconds(4)};
}

} // namespace

TEST_CASE("run::plan_on_host, an earlier run's open pull request is kept unless --force")
{
    test::MemoryHost host;
    host.pulls = {earlier(2, 7, host::PullRequestState::open),
                  earlier(1, 6, host::PullRequestState::closed),
                  earlier(3, 8, host::PullRequestState::open, "pr12-c999"), // another request
                  earlier(3, 9, host::PullRequestState::open)};
    host.pulls[3].body = "<!-- draftsmith-request: pr12-c345 v1 -->"; // v3's branch, v1's marker
    const std::vector<std::string> branches = {queued(3)[0].branch, queued(3)[1].branch,
                                               queued(3)[2].branch};
    const auto existing = run::find_existing(host, k_key, branches);
    REQUIRE(existing.size() == 2);
    CHECK(existing.at(1).number == 6);
    CHECK(existing.at(2).number == 7);

    SUBCASE("re-run: v2 kept, v1 (closed) and v3 made")
    {
        const auto plan = run::plan_on_host(queued(3), existing, false);
        CHECK(plan.which == std::vector<int>{1, 3});
        CHECK(plan.variants[1].state == VariantState::succeeded);
        CHECK(plan.variants[1].pr_reused);
        CHECK(plan.variants[1].pr_url == "https://example.test/pull/7");
        CHECK(plan.variants[1].commit == "sha7");
        CHECK(plan.variants[1].reason == "kept from an earlier run (--force makes it again)");
        CHECK(plan.variants[0].state == VariantState::queued);
        CHECK(plan.existing.size() == 2); // both updated when made again
    }
    SUBCASE("--force: every variant made again")
    {
        const auto plan = run::plan_on_host(queued(3), existing, true);
        CHECK(plan.which == std::vector<int>{1, 2, 3});
        CHECK(plan.existing.size() == 2);
    }
    SUBCASE("an open one is preferred over a closed one of the same variant")
    {
        host.pulls.push_back(earlier(1, 11, host::PullRequestState::open));
        CHECK(run::find_existing(host, k_key, branches).at(1).number == 11);
    }
}

TEST_CASE("run::plan_local, an earlier run's local branch is kept unless --force")
{
    std::vector<git::RequestBranch> found = {
        {"draftsmith/pr12-c345/v1", "abc", git::VariantNumber{1, 2}},
        {"draftsmith/other/v2", "def", git::VariantNumber{2, 2}}, // not this variant's branch
        {"draftsmith/pr12-c345/v9", "ghi", git::VariantNumber{9, 9}},
    };
    auto plan = run::plan_local(queued(2), found, false);
    CHECK(plan.which == std::vector<int>{2});
    CHECK(plan.variants[0].commit == "abc");
    CHECK(plan.variants[0].pr_reused);
    plan = run::plan_local(queued(2), found, true);
    CHECK(plan.which == std::vector<int>{1, 2});
}

TEST_CASE("run::settle, what an agent's outcome makes of a variant")
{
    VariantResult variant;
    variant.index = 2;
    variant.state = VariantState::running;
    variant.phase = "model";

    SUBCASE("finished with changes: committed and succeeded")
    {
        const auto settled = run::settle(variant, finished_with({{"a", "red"}}), commit_as);
        CHECK(settled.state == VariantState::succeeded);
        CHECK(settled.commit == "c9");
        CHECK(settled.files == 2);
        CHECK(settled.insertions == 5);
        CHECK(settled.summary == "made the buttons red");
        CHECK(settled.phase.empty());
        CHECK(settled.phases.at(0).first == "commit");
    }
    SUBCASE("finished without changes")
    {
        const auto settled = run::settle(variant, finished_with({}), commit_as);
        CHECK(settled.state == VariantState::no_changes);
        CHECK(settled.reason == "the model finished without changing any file");
        CHECK(settled.commit.empty());
    }
    SUBCASE("ended by a limit: failed with the limit as its reason")
    {
        auto outcome = finished_with({{"a", "red"}});
        outcome.status = agent::Status::limit_reached;
        outcome.reason = "turn limit of 40 reached";
        const auto settled = run::settle(variant, outcome, commit_as);
        CHECK(settled.state == VariantState::failed);
        CHECK(settled.reason == "turn limit of 40 reached");
        CHECK(settled.commit.empty()); // nothing committed
        CHECK(settled.turns == 3);
    }
    SUBCASE("interrupted")
    {
        agent::Outcome outcome;
        outcome.status = agent::Status::interrupted;
        CHECK(run::settle(variant, outcome, commit_as).state == VariantState::interrupted);
    }
    SUBCASE("a change that holds a secret is refused, never committed")
    {
        register_secret("sk-test-policy-0123456789abcdef");
        bool committed = false;
        const auto settled = run::settle(
            variant, finished_with({{"config.js", "key = 'sk-test-policy-0123456789abcdef'"}}),
            [&](const VariantResult& v, const Overlay& o) {
                committed = true;
                return commit_as(v, o);
            });
        CHECK_FALSE(committed);
        CHECK(settled.state == VariantState::failed);
        CHECK(settled.reason.find("refused: config.js would hold the value of a secret") == 0);
    }
}

TEST_CASE("run::mark_duplicates, equal trees are duplicates of the lowest variant")
{
    auto variants = made(4);
    variants[3].pr_reused = true; // kept: its commit may not be here
    const std::map<std::string, std::string> trees = {
        {"c1", "t1"}, {"c2", "t2"}, {"c3", "t1"}, {"c4", "t1"}};
    const auto marked =
        run::mark_duplicates(variants, [&](const std::string& commit) { return trees.at(commit); });
    CHECK(marked[0].state == VariantState::succeeded);
    CHECK(marked[1].state == VariantState::succeeded);
    CHECK(marked[2].state == VariantState::duplicate);
    CHECK(marked[2].duplicate_of == 1);
    CHECK(marked[2].reason == "the same change as variant 1");
    CHECK(marked[3].state == VariantState::succeeded);
}

TEST_CASE("run::exit_code_of, the exit status from the variants")
{
    auto variants = made(3);
    CHECK(run::exit_code_of(variants, false, false) == ExitCode::success);
    CHECK(run::exit_code_of(variants, false, true) == ExitCode::some_failed);
    CHECK(run::exit_code_of(variants, true, false) == ExitCode::interrupted);
    variants[1].state = VariantState::duplicate;
    variants[2].state = VariantState::dry_run;
    CHECK(run::exit_code_of(variants, false, false) == ExitCode::success);
    variants[0].state = VariantState::no_changes;
    CHECK(run::exit_code_of(variants, false, false) == ExitCode::some_failed);
    for (auto& variant : variants) {
        variant.state = VariantState::failed;
    }
    CHECK(run::exit_code_of(variants, false, false) == ExitCode::all_failed);
    const auto ended = run::end_unfinished(queued(2), VariantState::interrupted, "stopped");
    CHECK(ended[1].state == VariantState::interrupted);
    CHECK(ended[1].reason == "stopped");
}
