#pragma once
// What a run made, as values: one VariantResult per variant, one RunResult
// for the run. run/'s phases return them; report/ (above run/) renders them
// into comments, pull request bodies, the CI log, JSON and metrics.
//
// A variant moves through its states in one direction:
//
//   queued -> running -> succeeded | failed | no_changes | interrupted
//   succeeded -> duplicate (same tree as a lower variant) | dry_run
//             | failed (its push or pull request failed) | interrupted
//   running -> incomplete (issue 17: a limit or a signal ended it after it
//              made edits; they are committed and, when pushed, opened as a
//              draft marked incomplete)
//
// `reason` says why for every state but queued/running/succeeded; a variant
// that ended on a limit (turns, tokens, cost, time) is failed with the limit
// as its reason and keeps what it made in its result.

#include "draftsmith/llm/llm.hpp"
#include "draftsmith/util/error.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace draftsmith::run {

enum class VariantState {
    queued,
    running,
    succeeded,
    failed,
    duplicate,
    no_changes,
    interrupted,
    dry_run,
    incomplete
};

// "queued", "running", "succeeded", "failed", "duplicate", "no-changes",
// "interrupted", "dry-run", "incomplete".
const char* to_string(VariantState state) noexcept;

// True for the states that count as done for the exit status (succeeded,
// duplicate, dry_run).
bool is_good(VariantState state) noexcept;

// Named durations in the order they happened ("model", "commit", ...).
using Phases = std::vector<std::pair<std::string, std::chrono::milliseconds>>;

struct VariantResult {
    int index = 1;
    VariantState state = VariantState::queued;
    std::string phase; // what it is doing now: "model", "commit", "push", "pull request"
    std::string provider, model;
    std::string hint;
    std::string branch; // "" when none
    std::string commit; // full id, "" when none
    std::string pr_url; // "" when none
    std::int64_t pr_number = 0;
    bool pr_reused = false; // an earlier run's PR was found and kept/updated
    int duplicate_of = 0;   // duplicate: the variant with the same tree
    std::size_t files = 0, insertions = 0, deletions = 0;
    std::string diffstat; // git diff --stat text
    std::string summary;  // the model's own summary
    std::string reason;   // failed/no_changes/duplicate/interrupted/incomplete: why, one sentence
    // incomplete: what stopped it, in a few words ("time limit", "cancelled
    // (SIGINT)"); also set on a failed/interrupted variant a limit ended.
    std::string incomplete;
    bool continued = false; // a re-run went on from an earlier incomplete commit
    // On cancellation: false when its edits could not be pushed within the
    // bound (the overview lists kept and lost variants). Meaningless otherwise.
    bool kept = true;
    llm::Usage usage;
    double cost_usd = 0;
    int turns = 0;
    std::chrono::milliseconds duration{0};
    Phases phases; // "model", "commit", "push", "pull_request"
};

struct RunResult {
    std::string host;       // "github", "azure-devops", "local"
    std::string repository; // "octo/app", "org/project/repo", or the local path
    std::int64_t pr = 0;
    std::string pr_url;
    std::string comment_url; // link back to the triggering comment ("" when unknown)
    std::string requester;   // login / display name
    std::string intent;
    std::string slug;
    int variants = 0;       // N asked for
    std::string request_id; // host::request_id(...)
    std::string run_url;    // the pipeline run ("" when unknown)
    bool dry_run = false;
    std::vector<VariantResult> variant_records; // index i-1 = variant i
    std::chrono::system_clock::time_point started;
    std::chrono::milliseconds duration{0};
    Phases phases; // "intake", "context", "variants", "overview"
    int exit_code = 0;
    std::string error; // a run-level failure (not a variant's), "" when none
    llm::Usage usage;  // run totals
    double cost_usd = 0;
};

// The exit status the variants' states give: 130 when `interrupted`, 1 when
// any is incomplete (issue 17: never 0, and not 3 -- something is there to
// review), 0 when all are good (1 after a `crashed` worker: never report
// success then), 3 when none is, else 1.
ExitCode exit_code_of(const std::vector<VariantResult>& variants, bool interrupted, bool crashed);

} // namespace draftsmith::run
