#pragma once
// Internal to run/: what one run knows, shared by its phases (run.cpp,
// variants.cpp, publish.cpp). The record is what report/ reads; it is
// guarded by `mutex` while variants run in parallel.

#include "draftsmith/agent/base_files.hpp"
#include "draftsmith/agent/secrets.hpp"
#include "draftsmith/config/config.hpp"
#include "draftsmith/git/repository.hpp"
#include "draftsmith/host/host.hpp"
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/llm/cost.hpp"
#include "draftsmith/net/http.hpp"
#include "draftsmith/report/ci_log.hpp"
#include "draftsmith/report/progress.hpp"
#include "draftsmith/report/run_record.hpp"
#include "draftsmith/run/commit_tree.hpp"
#include "draftsmith/run/run.hpp"
#include "draftsmith/trigger/command.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::run {

using Clock = std::chrono::steady_clock;

// How long since `start`, for the record's phase timings.
inline std::chrono::milliseconds since(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

struct RunState {
    const Options& options;
    const trigger::Environment& environment; // options.environment
    config::Config config;
    host::Kind kind = host::Kind::local;
    std::shared_ptr<net::RetryBudget> retry_budget;
    std::shared_ptr<net::HttpClient> http; // the models' client
    std::unique_ptr<host::Host> host;
    host::PullRequest pr;
    host::Comment comment;
    trigger::Command command;
    host::RequestKey key;
    git::RequestId request; // the commits' Draftsmith-Request
    std::optional<git::Repository> repo;
    git::RemoteAccess access;
    std::string base_commit; // the pull request's head: where variants start
    std::optional<CommitTree> base_tree;
    std::vector<std::string> files;
    std::optional<agent::SecretFilter> secrets;
    std::shared_ptr<const agent::BaseFiles> base_files; // over base_tree, files and secrets
    std::shared_ptr<llm::Meter> meter;
    std::vector<std::string> branches;         // [i-1]: variant i's branch
    std::map<int, host::PullRequest> existing; // pull requests an earlier run opened
    std::optional<host::CommentRef> overview;  // the comment on the source PR
    Clock::time_point started = Clock::now();

    std::mutex mutex; // guards record and the overview comment's updates
    report::RunRecord record;
    std::unique_ptr<report::CiLog> ci;
    std::unique_ptr<report::Progress> progress;

    explicit RunState(const Options& run_options)
        : options(run_options)
        , environment(run_options.environment)
    {
    }
    report::VariantRecord& variant(int index) { return record.variant_records.at(index - 1); }
};

// variants.cpp: runs the agents of `which` (1-based) on a pool of
// config.jobs threads, commits each result and marks duplicates.
void run_variants(RunState& state, const std::vector<int>& which);

// publish.cpp: pushes the branches of the succeeded variants and opens (or,
// with --force, updates) their draft pull requests; --local sets local
// branches (and pushes with --push). Nothing for --dry-run.
void publish(RunState& state);

// supervise.cpp: a crash on purpose, for the end-to-end tests of the
// supervisor only: when DRAFTSMITH_TEST_CRASH_AT names `where` (context,
// publish, overview), the process aborts; `where:exception` throws
// std::out_of_range instead.
void crash_for_test(const RunState& state, std::string_view where);

// run.cpp: the overview comment updated with the record as it is now
// (progress while running). Safe to call from any variant's thread.
void update_progress(RunState& state);

} // namespace draftsmith::run
