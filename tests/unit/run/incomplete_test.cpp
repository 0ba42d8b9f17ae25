// Issue 17 in run/'s policy, with in-memory doubles (doubles.hpp): a variant
// a limit or a signal cut short keeps its edits as an incomplete variant, is
// published like a finished one, continues on a re-run, and the run's exit
// status is 1 whenever one is incomplete.
#include "draftsmith/run/phases.hpp"

#include <doctest/doctest.h>

#include "doubles.hpp"

using namespace draftsmith;
using run::VariantResult;
using run::VariantState;

namespace {

VariantResult variant_in(VariantState state, int index = 1)
{
    VariantResult variant;
    variant.index = index;
    variant.state = state;
    variant.branch = fmt::format("draftsmith/pr12-c345/v{}", index);
    return variant;
}

agent::Outcome cut_by_limit(Overlay overlay)
{
    agent::Outcome outcome;
    outcome.status = agent::Status::limit_reached;
    outcome.limit = agent::Limit::time;
    outcome.reason = "time limit of 600 s reached";
    outcome.overlay = std::move(overlay);
    outcome.turns = 7;
    return outcome;
}

} // namespace

TEST_CASE("run::exit_code_of, an incomplete variant makes the run exit 1, never 0 or 3")
{
    using V = std::vector<VariantResult>;
    const auto incomplete = variant_in(VariantState::incomplete);
    CHECK(run::exit_code_of(V{incomplete, incomplete}, false, false) == ExitCode::some_failed);
    CHECK(run::exit_code_of(V{incomplete, variant_in(VariantState::succeeded)}, false, false) ==
          ExitCode::some_failed);
    CHECK(run::exit_code_of(V{incomplete, variant_in(VariantState::failed)}, false, false) ==
          ExitCode::some_failed);
    CHECK(run::exit_code_of(V{incomplete}, true, false) == ExitCode::interrupted);
    CHECK(run::exit_code_of(V{variant_in(VariantState::failed)}, false, false) ==
          ExitCode::all_failed);
    CHECK(std::string(run::to_string(VariantState::incomplete)) == "incomplete");
}

TEST_CASE("run::settle, a variant cut short with edits is committed as incomplete")
{
    std::vector<VariantResult> committed;
    const auto commit = [&](const VariantResult& variant, const Overlay&) {
        committed.push_back(variant);
        return run::Committed{"c9", {2, 3, 1, " a | 4 +++-\n"}, {}};
    };
    const run::IncompleteRules keep{true, false, "time limit"};

    SUBCASE("keep: committed with the trailer's reason, state incomplete")
    {
        const auto settled = run::settle(variant_in(VariantState::running),
                                         cut_by_limit({{"a.txt", "new"}}), commit, keep);
        REQUIRE(committed.size() == 1);
        CHECK(committed[0].state == VariantState::incomplete); // the commit's trailer says so
        CHECK(committed[0].incomplete == "time limit");
        CHECK(settled.state == VariantState::incomplete);
        CHECK(settled.commit == "c9");
        CHECK(settled.files == 2);
        CHECK(settled.incomplete == "time limit");
        CHECK(settled.reason == "time limit of 600 s reached");
        CHECK(settled.turns == 7);
    }
    SUBCASE("drop: the edits are discarded and the limit fails the variant, as before")
    {
        const auto settled =
            run::settle(variant_in(VariantState::running), cut_by_limit({{"a.txt", "new"}}), commit,
                        run::IncompleteRules{false, false, "time limit"});
        CHECK(committed.empty());
        CHECK(settled.state == VariantState::failed);
        CHECK(settled.reason == "time limit of 600 s reached");
    }
    SUBCASE("no edits: nothing to keep, and it says so")
    {
        const auto settled =
            run::settle(variant_in(VariantState::running), cut_by_limit({}), commit, keep);
        CHECK(committed.empty());
        CHECK(settled.state == VariantState::failed);
        CHECK(settled.reason ==
              "time limit of 600 s reached; it made no edits, so there is nothing to keep");
    }
    SUBCASE("a signal: interrupted with edits is kept; without edits it stays interrupted")
    {
        auto outcome = cut_by_limit({{"a.txt", "new"}});
        outcome.status = agent::Status::interrupted;
        outcome.limit = agent::Limit::stop;
        outcome.reason = "stopped on request after 2 model turns";
        const run::IncompleteRules cancelled{true, false, "cancelled (SIGINT)"};
        auto settled = run::settle(variant_in(VariantState::running), outcome, commit, cancelled);
        CHECK(settled.state == VariantState::incomplete);
        CHECK(settled.incomplete == "cancelled (SIGINT)");
        outcome.overlay.clear();
        settled = run::settle(variant_in(VariantState::running), outcome, commit, cancelled);
        CHECK(settled.state == VariantState::interrupted);
        CHECK(committed.size() == 1);
    }
    SUBCASE("a continued variant has edits even when this run added none")
    {
        const run::IncompleteRules continues{true, true, "turn limit"};
        auto settled =
            run::settle(variant_in(VariantState::running), cut_by_limit({}), commit, continues);
        CHECK(settled.state == VariantState::incomplete);
        agent::Outcome finished;
        finished.status = agent::Status::finished;
        settled = run::settle(variant_in(VariantState::running), finished, commit, continues);
        CHECK(settled.state == VariantState::succeeded);
        CHECK(committed.size() == 2);
        CHECK(committed[1].state == VariantState::running); // no trailer: it finished
    }
}

TEST_CASE("run::continue_incomplete, a re-run goes on from an incomplete branch tip")
{
    test::MemoryRepo repo;
    run::Plan plan;
    for (int i = 1; i <= 3; ++i) {
        auto variant = variant_in(VariantState::succeeded, i);
        variant.pr_reused = true; // kept from an earlier run
        variant.pr_url = fmt::format("https://example.test/pull/{}", i);
        plan.variants.push_back(variant);
    }
    const auto branch = [](int i, std::string commit) {
        return git::RequestBranch{fmt::format("draftsmith/pr12-c345/v{}", i), std::move(commit),
                                  git::VariantNumber{i, 3}};
    };
    repo.messages["t2"] = "Make it red\n\nI changed half of it.\n\nDraftsmith-Variant: 2/3\n"
                          "Draftsmith-Incomplete: turn limit\n";
    repo.messages["t3"] = "Make it red\n\nDone.\n\nDraftsmith-Variant: 3/3\n";
    const auto find = [&] { return std::vector{branch(2, "t2"), branch(3, "t3")}; };

    SUBCASE("only the incomplete tip is made again, from its commit, told what it did")
    {
        const auto continued = run::continue_incomplete(plan, find, repo, "base");
        CHECK(continued.which == std::vector<int>{2});
        REQUIRE(continued.continuations.count(2) == 1);
        const auto& from = *continued.continuations.at(2);
        CHECK(from.commit == "t2");
        CHECK(from.earlier.why == "turn limit");
        CHECK(from.earlier.summary == "I changed half of it.");
        CHECK(from.earlier.diff == "diff base..t2\n");
        const auto& v2 = continued.variants[1];
        CHECK(v2.state == VariantState::queued);
        CHECK(v2.continued);
        CHECK_FALSE(v2.pr_reused);
        CHECK(v2.pr_url.empty());
        CHECK(continued.variants[2].pr_reused); // finished: kept as it was
    }
    SUBCASE("a remote it cannot read: a warning, and the plan as it was")
    {
        const auto continued = run::continue_incomplete(
            plan,
            []() -> std::vector<git::RequestBranch> {
                throw Error(ErrorCategory::network, "could not reach the remote");
            },
            repo, "base");
        CHECK(continued.which.empty());
        CHECK(continued.continuations.empty());
    }
}

TEST_CASE("run::publish, incomplete variants are pushed and opened like finished ones")
{
    test::MemoryHost host;
    test::MemoryRepo repo;
    test::RecordingObserver observer;
    run::Request request;
    request.key = {12, {345, 0}};
    request.pr.number = 12;
    request.pr.head_branch = "feature";
    request.command.variants = 2;
    request.result.variants = 2;
    auto incomplete = variant_in(VariantState::incomplete, 1);
    incomplete.commit = "c1";
    incomplete.incomplete = "time limit";
    auto failed = variant_in(VariantState::failed, 2);
    request.result.variant_records = {incomplete, failed};
    const auto published = run::publish(request, {repo, host, observer},
                                        request.result.variant_records, {}, run::PublishSettings{});
    CHECK(repo.pushed == std::vector<std::string>{"draftsmith/pr12-c345/v1"});
    CHECK(host.calls == std::vector<std::string>{"create draftsmith/pr12-c345/v1"});
    CHECK(published[0].state == VariantState::incomplete);
    CHECK(published[0].pr_url == "https://example.test/pull/100");
    CHECK(published[1].state == VariantState::failed);
}
