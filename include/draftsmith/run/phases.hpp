#pragma once
// run/'s phases as functions over values (run/run.hpp tells the story):
//
//   intake   -> Request   who asked for what, on which pull request, and may they
//   prepare  -> Context   the base commit's tree, its files, the meter, the model client
//   plan     -> Plan      which variants an earlier run already made (kept unless --force)
//   variant  -> VariantResult, one per worker; the fan-out returns them all
//   publish  -> the results again, with branches pushed and pull requests opened
//   report   -> the exit status; report/ posts and writes (run/ports.hpp, Observer)
//
// Each takes its inputs as const and returns a new value; nothing is shared
// and mutated between them. The pure decisions (plan_*, settle, mark_duplicates,
// exit_code_of) are tested on their own in tests/unit/run/.

#include "draftsmith/agent/agent.hpp"
#include "draftsmith/config/config.hpp"
#include "draftsmith/git/repository.hpp"
#include "draftsmith/host/host.hpp"
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/llm/cost.hpp"
#include "draftsmith/run/ports.hpp"
#include "draftsmith/run/result.hpp"
#include "draftsmith/trigger/command.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::run {

// What intake found: the request, read and checked.
struct Request {
    config::Config config;
    host::PullRequest pr;  // title and body redacted
    host::Comment comment; // body redacted
    trigger::Command command;
    host::RequestKey key;
    git::RequestId id;        // the commits' Draftsmith-Request
    git::RemoteAccess access; // how to reach the remote
    RunResult result;         // the request's fields and N queued variants (with branches)
    std::chrono::steady_clock::time_point started; // for the run's time budget
    // Issue 15, a follow-up on a variant (run/follow_up.hpp): the commit's
    // Draftsmith-Follow-Up value and the variant's history for the model.
    std::optional<std::string> follow_up;
    std::string history;
};

// What prepare made of the pull request's head commit.
struct Context {
    std::string base_commit; // where every variant starts
    std::shared_ptr<const edit::BaseTree> base_tree;
    std::vector<std::string> files;
    std::shared_ptr<const agent::SecretFilter> secrets;
    std::shared_ptr<const agent::BaseFiles> base_files; // over base_tree, files and secrets
    std::shared_ptr<llm::Meter> meter;
    std::shared_ptr<net::HttpClient> http;          // the models' client
    std::shared_ptr<net::RetryBudget> retry_budget; // the run's one, for answer retries too
};

// Issue 17: an earlier run's incomplete commit of one variant, which this
// run continues (the variant starts from it, and the model is told what it did).
struct Continuation {
    std::string commit; // the branch's tip: the new commit's parent
    std::shared_ptr<const edit::BaseTree> tree;
    std::vector<std::string> files; // tree's file list
    agent::EarlierWork earlier;     // what the model is told it did
};
using Continuations = std::map<int, std::shared_ptr<const Continuation>>;

// Which variants still need a model.
struct Plan {
    std::vector<VariantResult> variants;       // all N; kept ones succeeded and pr_reused
    std::vector<int> which;                    // 1-based, the ones to make
    std::map<int, host::PullRequest> existing; // an earlier run's pull requests, by variant
    Continuations continuations;               // issue 17: by variant
};

// The pull requests an earlier run of this request opened, by variant:
// found by branch, confirmed by the body's marker; open ones win over closed.
std::map<int, host::PullRequest> find_existing(host::Host& host, const host::RequestKey& key,
                                               const std::vector<std::string>& branches);

// An earlier run's open pull request is kept (its variant succeeded, not
// made again) unless `force`; a closed one is made again and updated.
Plan plan_on_host(std::vector<VariantResult> queued, std::map<int, host::PullRequest> existing,
                  bool force);

// --local: an earlier run's local branch (by its tip's trailers) is kept unless `force`.
Plan plan_local(std::vector<VariantResult> queued, const std::vector<git::RequestBranch>& found,
                bool force);

// Issue 17, after the plan: the variants whose branch (among the request's
// branches `find` returns) has a tip with a Draftsmith-Incomplete trailer are
// made again from that commit and added to `which`; an earlier run's pull
// request of theirs is updated by publish. The caller skips this for --force
// and `incomplete: drop`. Never throws: a remote it cannot read means
// starting over, with a warning.
Plan continue_incomplete(Plan plan, const std::function<std::vector<git::RequestBranch>()>& find,
                         const Repo& repo, std::string_view base_commit);

// Issue 17: how settle() treats a variant a limit or a signal cut short.
struct IncompleteRules {
    bool keep = false;      // config `incomplete: keep`
    bool continues = false; // it goes on from an earlier incomplete commit (has edits)
    std::string why;        // "time limit", "cancelled (SIGINT)": the trailer's value
};

// What the agent's outcome makes of a variant before publishing: the state
// and reason, the summary and usage. `commit` writes the overlay and
// returns the commit and its diffstat (given the variant with its summary; called only for a
// finished outcome with changes and no secret in them).
struct Committed {
    std::string commit;
    git::DiffStat stat;
    std::chrono::milliseconds took{0};
};
// With `incomplete.keep`, a variant a limit or a signal ended with edits
// (its own, or an earlier run's it continues) is committed too, as
// VariantState::incomplete with `incomplete.why` (issue 17).
VariantResult settle(VariantResult variant, const agent::Outcome& outcome,
                     const std::function<Committed(const VariantResult&, const Overlay&)>& commit,
                     const IncompleteRules& incomplete = {});

// Succeeded variants whose tree equals a lower variant's become duplicates
// of it; kept ones (pr_reused) are left out (their commits may not be here).
std::vector<VariantResult>
mark_duplicates(std::vector<VariantResult> variants,
                const std::function<std::string(const std::string&)>& tree_of);

// Variants still queued or running get `state` and `reason`.
std::vector<VariantResult> end_unfinished(std::vector<VariantResult> variants, VariantState state,
                                          const std::string& reason);

// What publish needs besides the results.
struct PublishDoors {
    Repo& repo;
    host::Host& host;
    Observer& observer;
};
struct PublishSettings {
    bool dry_run = false;
    bool on_host = true;             // false: --local, branches here (and --push REMOTE)
    std::optional<std::string> push; // --local --push REMOTE
    std::function<void(std::string_view)> checkpoint; // after each pull request (crash tests)
};

// Issue 17: incomplete variants are published like succeeded ones; after a
// stop (with `incomplete: keep`) the one push is bounded by the cancel
// deadline and pull requests are opened while the bound allows
// (src/run/incomplete.hpp).
// Pushes the succeeded variants' branches in one push, then opens (or, for
// an earlier run's, updates and reopens) one draft pull request each; a
// failure fails that variant only. --local sets local branches instead.
// Returns the results as they end.
std::vector<VariantResult> publish(const Request& request, PublishDoors doors,
                                   std::vector<VariantResult> variants,
                                   const std::map<int, host::PullRequest>& existing,
                                   const PublishSettings& settings);

} // namespace draftsmith::run

namespace draftsmith::run {

// The judgement on a comment: go on with `command`, or end with `ended`
// (and, when `reply` is not empty, that reply on the pull request).
struct Verdict {
    std::optional<ExitCode> ended;
    std::string reply;
    trigger::Command command;
};

// A bot's comment or one that is not a command: end, exit 0. A malformed
// command: exit 2 with the grammar's message. An edited comment, a
// commenter the host (or the allow-list) does not allow, a fork's pull
// request when forks are refused: exit 4 with a polite reply. `comment`
// and `pr` are as the host has them (redacted); `texts` writes the replies.
Verdict judge_comment(const host::Comment& comment, const host::PullRequest& pr,
                      const config::Config& config, host::Host& host, const Observer& texts);

} // namespace draftsmith::run
