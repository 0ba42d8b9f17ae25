#pragma once
// Internal to run/ (issue 17): nothing the user paid for is lost.
//
// A variant that a limit (turns, tokens, cost, time, the run's budget) or a
// signal ends after it made edits keeps them: settle() (policy.cpp) commits
// them with a `Draftsmith-Incomplete: <why>` trailer as an incomplete
// variant, publish pushes it and opens a draft pull request marked
// incomplete. A re-run of the same comment finds that commit and continues
// the variant from it (continue_incomplete, run/phases.hpp). Config
// `incomplete: drop` turns all of this off (the edits are discarded, as before).
//
// The cancel path: after the first SIGINT/SIGTERM the model calls stop at
// once (net::interrupt_all), the variants commit what they have, and every
// branch goes out in one push that must end within k_cancel_push_bound of
// the signal; pull requests are opened until k_cancel_open_bound. GitHub
// Actions and Azure Pipelines send SIGTERM 7.5 s after SIGINT and kill the
// process tree 2.5 s later, so both bounds end before the SIGTERM.
//
// These are small functions the phases call at marked places (`// issue 17:`).

#include "draftsmith/agent/agent.hpp"
#include "draftsmith/config/config.hpp"
#include "draftsmith/git/remote.hpp"
#include "draftsmith/run/result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::run {

// From the first signal: the one push of the cancel path must have ended
// (it is aborted otherwise, and its variants are reported as not kept) ...
inline constexpr std::chrono::milliseconds k_cancel_push_bound{5000};
// ... and no pull request is opened after this (its branch stays, and the
// re-run opens it).
inline constexpr std::chrono::milliseconds k_cancel_open_bound{6000};

// interrupt.cpp: the first signal received (0: none; request_stop() without
// a signal counts as none) and when the stop was requested.
int stop_signal() noexcept;
std::optional<std::chrono::steady_clock::time_point> stop_time() noexcept;

// "time limit", "turn limit", ..., "cancelled (SIGINT)": why `outcome`
// stopped early, in the words of the overview and the commit trailer.
std::string incomplete_why(const agent::Outcome& outcome);

// True when `outcome` ended by a limit or a stop (not finished, not failed).
bool cut_short(const agent::Outcome& outcome);

// Settles a variant a limit or a stop ended (for settle()): kept as
// incomplete when it has a commit, else failed/interrupted saying it made no
// edits to keep. False when it is not such a variant or `keep` is false:
// settle as before.
bool settle_incomplete(bool keep, const std::string& why, const agent::Outcome& outcome,
                       VariantResult& variant);

// publish(): whether to publish although a stop was requested (keep policy);
// clears the HTTP interrupt so the host calls of the cancel path go through.
bool publish_on_cancel(const config::Config& config);
// The access for the one push: after a stop, bounded by k_cancel_push_bound
// instead of aborted by the stop.
git::RemoteAccess push_access(git::RemoteAccess access);
// After the push: on a cancel, variants `which` that did not make it are not kept.
void note_unkept(std::vector<VariantResult>& variants, const std::vector<std::size_t>& which);
// Whether a pull request may still be opened: always when not stopped; after
// a stop, only with `incomplete: keep` and before k_cancel_open_bound (then
// the HTTP interrupt is cleared, so the host call goes through).
bool may_open_pull_request(const config::Config& config);
// A variant whose branch is pushed but whose pull request is left to the re-run.
void leave_for_rerun(VariantResult& variant);

} // namespace draftsmith::run
