// The repair turn of `draftsmith checks` (checks_repair.hpp).
//
// Bounded twice: the model sees at most LogLimits of each failing job's log
// (secrets masked by host::tail_of_log) and a diff cut like a continued
// variant's; and every repair commit says which turn it is
// (Draftsmith-Repair: N), so no chain of CI runs and updates can repair a
// variant more often than config `repair` allows.
#include "checks_repair.hpp"

#include "draftsmith/agent/agent.hpp"
#include "draftsmith/git/commit_message.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/run/environment.hpp"
#include "draftsmith/run/ports.hpp"
#include "draftsmith/run/run.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include "settings.hpp"

namespace draftsmith::run {
namespace {

// The model's view of a log tail and of the variant's diff, at most.
constexpr std::size_t k_max_diff_bytes = 32'768;
// How far back the repair trailers are looked for (first parents the clone has).
constexpr int k_max_history = 20;

struct Where {
    std::unique_ptr<Repo> repo;
    git::RemoteAccess access;
    std::string head;
};

// The highest Draftsmith-Repair on the branch's first-parent history.
int repairs_on(const Repo& repo, const std::string& head)
{
    int most = 0;
    std::optional<std::string> commit = head;
    for (int i = 0; i < k_max_history && commit; ++i) {
        const auto trailers = git::parse_trailers(repo.message(*commit));
        most = std::max(most, trailers.repair.value_or(0));
        commit = repo.find_commit(*commit + "^");
    }
    return most;
}

std::string repair_intent(const std::vector<host::LogTail>& tails, const std::string& diff)
{
    std::string out = "The CI checks of this change failed. Repair the change so that they pass: "
                      "make the smallest edit that fixes the failures below, keep what the "
                      "change was made for, and do not weaken or delete the failing tests.\n\n";
    out += "The change so far (already in the files you see):\n```diff\n";
    out +=
        diff.size() > k_max_diff_bytes ? diff.substr(0, k_max_diff_bytes) + "\n... (cut)\n" : diff;
    out += "```\n";
    for (const auto& tail : tails) {
        out +=
            fmt::format("\nThe last lines of the log of the failed job \"{}\":\n```text\n{}\n```\n",
                        tail.name, tail.text);
    }
    return out;
}

std::vector<host::LogTail> failing_tails(host::Checks& checks, const host::CheckSummary& summary)
{
    std::vector<host::LogTail> tails;
    for (const auto& run : summary.runs) {
        if (run.state != host::CheckState::failed) {
            continue;
        }
        auto more = checks.log_tails(run, {});
        if (more.empty()) {
            more.push_back({run.name, "(no log: the service keeps none for this check)"});
        }
        for (auto& tail : more) {
            tails.push_back(std::move(tail));
        }
    }
    return tails;
}

// The model's turn; the overlay of its edits, or nullopt with row.repair_note set.
std::optional<Overlay> model_turn(const ChecksOptions& options, const config::Config& config,
                                  const host::PullRequest& variant, Where& where,
                                  const std::string& intent, VariantChecks& row)
{
    const auto settings = config.variant(row.variant);
    const auto budget = std::make_shared<net::RetryBudget>(config.retries.budget);
    auto provider =
        llm::make_provider(provider_options(config, settings, options.environment, budget),
                           net::make_http_client(http_options(config, budget)));
    agent::Task task;
    task.intent = intent;
    task.hint = "the smallest edit that makes the failing checks pass";
    task.variant = row.variant;
    task.pr_title = variant.title;
    task.pr_body = variant.body.substr(0, 4000);
    const auto tree = where.repo->tree(where.head);
    const auto outcome = agent::run_variant(*provider, *tree, where.repo->list_files(where.head),
                                            task, agent_settings_for(config, settings));
    if (outcome.status == agent::Status::interrupted) {
        throw Error(ErrorCategory::interrupted, "checks: interrupted during a repair");
    }
    if (outcome.overlay.empty()) {
        row.repair_note = outcome.status == agent::Status::finished
                              ? "repair failed: the model made no edit"
                              : "repair failed: " + outcome.reason;
        return std::nullopt;
    }
    if (outcome.status != agent::Status::finished) {
        row.repair_note = "repair failed: " + outcome.reason;
        return std::nullopt;
    }
    log::info("checks: variant {}: the model repaired it: {}", row.variant, outcome.summary);
    return outcome.overlay;
}

// Commits the repair onto the branch and pushes it: the new head, or nullopt
// with a note when it did not land.
std::optional<std::string> land(const config::Config& config, const host::PullRequest& variant,
                                Where& where, const Overlay& overlay, VariantChecks& row)
{
    const auto trailers = git::parse_trailers(where.repo->message(where.head));
    if (!trailers.request) {
        row.repair_note = "repair not made: the branch head has no Draftsmith-Request trailer";
        return std::nullopt;
    }
    git::CommitSpec spec;
    spec.message = fmt::format("Repair the failing checks: {}\n\nDraftsmith's repair turn {} of "
                               "{} after CI failed.",
                               fmt::join(row.summary.failed, ", "), row.repairs + 1, config.repair);
    spec.committer = {config.commit.name, config.commit.email};
    spec.request = trailers.request;
    spec.variant = trailers.variant;
    spec.repair = row.repairs + 1;
    const auto commit = where.repo->commit_overlay(where.head, overlay, spec);
    const auto report =
        where.repo->push_branches(where.access, {{variant.head_branch, commit}}, *trailers.request);
    if (!report.all_pushed()) {
        const auto& result = report.branches.front();
        row.repair_note = fmt::format("repair not pushed: {} ({})", to_string(result.status),
                                      redacted(result.message));
        return std::nullopt;
    }
    row.repairs += 1;
    return commit;
}

// A push with GITHUB_TOKEN starts no workflow, and Azure DevOps may not
// build the branch by itself: start CI on the repaired branch as `run` does.
void restart_ci(const config::Config& config, host::Kind kind, host::Checks& checks,
                const std::string& branch)
{
    const auto& what = kind == host::Kind::github ? config.checks.workflow : config.checks.pipeline;
    if (what.empty()) {
        return;
    }
    try {
        checks.start(branch, what);
        log::info("checks: started {} on the repaired {}", what, branch);
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::interrupted) {
            throw;
        }
        log::warning("checks: could not start {} on {}: {}", what, branch, e.what());
    }
}

} // namespace

void maybe_repair(const ChecksOptions& options, const config::Config& config, host::Host& host,
                  host::Checks& checks, const host::PullRequest& variant, VariantChecks& row)
{
    if (config.repair == 0) {
        return;
    }
    try {
        Where where;
        where.repo = open_repo(options.repo);
        where.access.remote = options.remote;
        where.access.authorization = git_authorization(options.environment);
        where.access.home = options.environment.home;
        where.access.should_stop = [] { return stop_requested(); };
        where.head = where.repo->find_or_fetch_commit(variant.head_sha, where.access,
                                                      "refs/heads/" + variant.head_branch);
        row.repairs = repairs_on(*where.repo, where.head);
        if (row.summary.failed.empty() || row.summary.running > 0 || row.repairs >= config.repair ||
            options.dry_run) {
            return;
        }
        log::info("checks: variant {} failed ({}); repair turn {} of {}", row.variant,
                  fmt::join(row.summary.failed, ", "), row.repairs + 1, config.repair);
        const auto tails = failing_tails(checks, row.summary);
        const auto base = where.repo->find_or_fetch_commit(variant.base_sha, where.access,
                                                           "refs/heads/" + variant.base_branch);
        const auto intent = repair_intent(tails, where.repo->diff_text(base, where.head));
        const auto overlay = model_turn(options, config, variant, where, intent, row);
        const auto repaired = overlay ? land(config, variant, where, *overlay, row) : std::nullopt;
        if (repaired) {
            restart_ci(config, host.kind(), checks, variant.head_branch);
            // The cell tells the repaired head's checks (none yet, or just started).
            auto now = variant;
            now.head_sha = *repaired;
            row.summary = checks.read(now);
        }
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::interrupted) {
            throw;
        }
        row.repair_note = "repair failed: " + redacted(e.what());
    } catch (const std::exception& e) {
        row.repair_note = "repair failed: " + redacted(e.what());
    }
}

} // namespace draftsmith::run
