#pragma once
// run/: one comment in, N draft pull requests out.
//
//   intake      which comment, from the event payload or the flags; read
//               again from the host by id (trigger/intake.hpp); .draftsmith.yml
//               from the target branch; not a bot, not edited, a command, a
//               commenter with write access, not a fork (unless allowed)
//   prepare     the pull request's head commit (fetched when missing), its
//               files, and which variants an earlier run already made
//   variants    N agents on a bounded pool, each onto its own overlay, then
//               committed; equal trees are duplicates
//   publish     one push of every variant branch, then one draft pull
//               request per branch (found again, not duplicated, on a re-run)
//   report      the exit status from the variants' results; the Observer
//               (report/) posts the overview and status, writes the CI
//               log, --report and metrics
//
// Each phase is a function over values (run/phases.hpp); the host, the
// repository and the observer come in through interfaces (run/ports.hpp).
//
// SIGINT/SIGTERM stop the model calls at once; with `incomplete: keep` (issue
// 17) what the variants made so far is committed, pushed in one bounded push
// and opened as drafts marked incomplete (src/run/incomplete.hpp), else
// nothing is pushed or opened after the signal; the comment says the run was
// interrupted (exit 130). Running the same comment again converges, and
// continues incomplete variants from their branches.

#include "draftsmith/run/ports.hpp"
#include "draftsmith/trigger/environment.hpp"
#include "draftsmith/util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>

namespace draftsmith::run {

struct Options {
    // Configuration from flags, by key (`provider`, `model`, `host`, `jobs`,
    // ...): the highest precedence (config/config.hpp).
    std::map<std::string, std::string> config_flags;
    std::filesystem::path repo = ".";           // the repository the job runs in
    std::optional<std::filesystem::path> event; // --event FILE (else GITHUB_EVENT_PATH)
    std::optional<std::string> comment;         // --comment TEXT (local, or with --pr)
    std::optional<std::int64_t> pr;             // --pr N
    std::optional<std::int64_t> comment_id;     // --comment-id N: read it from the host
    std::optional<std::int64_t> thread_id;      // --thread-id N (Azure DevOps)
    std::string user;                           // --user NAME
    std::string base = "HEAD";                  // --local: where the variants start
    std::optional<std::string> push;            // --local --push REMOTE
    std::string remote = "origin";              // fetch and push remote on a host
    std::optional<std::filesystem::path> ca_file;
    std::optional<std::filesystem::path> record; // --record FILE
    bool dry_run = false;
    bool force = false;
    trigger::Environment environment; // what the CI job says (cli reads it once)
    std::ostream* out = nullptr;      // local overview; null: stdout
    bool progress_terminal = false;   // redraw progress lines (stderr is a terminal)
};

// Runs the whole request, telling `observer` (report::Reporter) what
// happens. Returns the exit status (EXIT STATUS in the manual); throws
// draftsmith::Error for failures before any variant started (bad
// configuration, unreadable payload, unreachable host), which the CLI turns
// into a message and its category's exit code.
ExitCode run(const Options& options, Observer& observer);

// SIGINT and SIGTERM set a flag (and interrupt every HTTP transfer) instead
// of killing the process, so the run can stop cleanly.
void install_signal_handlers();
bool stop_requested() noexcept;
void request_stop() noexcept; // what the handlers do; tests call it

} // namespace draftsmith::run
