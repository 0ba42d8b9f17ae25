// The run's decisions as pure functions over values (run/phases.hpp): which
// variants to make, what an agent's outcome makes of a variant, duplicates.
// No host call and no git call happens here but through the arguments.
#include "draftsmith/run/phases.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include "incomplete.hpp"

namespace draftsmith::run {
namespace {

constexpr std::string_view k_kept = "kept from an earlier run (--force makes it again)";

Plan plan_from(std::vector<VariantResult> variants)
{
    Plan plan;
    for (const auto& variant : variants) {
        if (!variant.pr_reused) {
            plan.which.push_back(variant.index);
        }
    }
    if (plan.which.size() < variants.size()) {
        log::info("{} of {} variant(s) were made by an earlier run of this comment and are kept",
                  variants.size() - plan.which.size(), variants.size());
    }
    plan.variants = std::move(variants);
    return plan;
}

// The first changed path whose name or new contents hold a registered
// secret: such a variant is refused rather than pushed (masking the file
// would push a broken one).
std::optional<std::string> path_with_secret(const Overlay& overlay)
{
    for (const auto& [path, bytes] : overlay) {
        if (holds_secret(path) || (bytes && holds_secret(*bytes))) {
            return redacted(path);
        }
    }
    return std::nullopt;
}

} // namespace

std::map<int, host::PullRequest> find_existing(host::Host& host, const host::RequestKey& key,
                                               const std::vector<std::string>& branches)
{
    std::map<int, host::PullRequest> existing;
    const auto marker_id = host::request_id(key);
    for (int i = 1; i <= static_cast<int>(branches.size()); ++i) {
        for (const auto& pr : host.find_pull_requests(branches[static_cast<std::size_t>(i - 1)])) {
            const auto marker = host::find_request_marker(pr.body);
            if (!marker || marker->request_id != marker_id || marker->variant != i) {
                continue;
            }
            const auto known = existing.find(i);
            if (known == existing.end() || (known->second.state != host::PullRequestState::open &&
                                            pr.state == host::PullRequestState::open)) {
                existing[i] = pr;
            }
        }
    }
    return existing;
}

Plan plan_on_host(std::vector<VariantResult> queued, std::map<int, host::PullRequest> existing,
                  bool force)
{
    for (const auto& [index, pr] : existing) {
        if (force || pr.state != host::PullRequestState::open || index < 1 ||
            index > static_cast<int>(queued.size())) {
            continue; // made again and the pull request updated (and reopened)
        }
        auto& variant = queued[static_cast<std::size_t>(index - 1)];
        variant.state = VariantState::succeeded;
        variant.pr_number = pr.number;
        variant.pr_url = pr.url;
        variant.commit = pr.head_sha;
        variant.pr_reused = true;
        variant.reason = k_kept;
    }
    auto plan = plan_from(std::move(queued));
    plan.existing = std::move(existing);
    return plan;
}

Plan plan_local(std::vector<VariantResult> queued, const std::vector<git::RequestBranch>& found,
                bool force)
{
    for (const auto& branch : found) {
        if (force || !branch.variant || branch.variant->index < 1 ||
            branch.variant->index > static_cast<int>(queued.size())) {
            continue;
        }
        auto& variant = queued[static_cast<std::size_t>(branch.variant->index - 1)];
        if (branch.branch == variant.branch) {
            variant.state = VariantState::succeeded;
            variant.commit = branch.commit;
            variant.pr_reused = true;
            variant.reason = k_kept;
        }
    }
    return plan_from(std::move(queued));
}

VariantResult settle(VariantResult variant, const agent::Outcome& outcome,
                     const std::function<Committed(const VariantResult&, const Overlay&)>& commit,
                     const IncompleteRules& incomplete)
{
    const bool finished = outcome.status == agent::Status::finished;
    // issue 17: a limit or a signal cut it short with edits to keep (checked for secrets too)
    const bool kept_incomplete =
        incomplete.keep && cut_short(outcome) && (!outcome.overlay.empty() || incomplete.continues);
    const auto leaking =
        finished || kept_incomplete ? path_with_secret(outcome.overlay) : std::nullopt;
    variant.summary = redacted(outcome.summary);
    variant.usage = outcome.usage;
    variant.cost_usd = outcome.cost_usd;
    variant.turns = outcome.turns;
    // issue 17: a continued variant has edits even when this run added none
    const bool edited = !outcome.overlay.empty() || incomplete.continues;
    if (kept_incomplete && !leaking) {
        variant.state = VariantState::incomplete; // before the commit: its trailer says so
        variant.incomplete = incomplete.why;
    }
    if (((finished && edited) || kept_incomplete) && !leaking) {
        const auto made = commit(variant, outcome.overlay);
        variant.commit = made.commit;
        variant.files = made.stat.files;
        variant.insertions = made.stat.insertions;
        variant.deletions = made.stat.deletions;
        variant.diffstat = made.stat.text;
        variant.phases.emplace_back("commit", made.took);
    }
    if (leaking) {
        variant.state = VariantState::failed;
        variant.reason = fmt::format("refused: {} would hold the value of a secret this run was "
                                     "given (an API key or token); nothing committed or pushed",
                                     *leaking);
    } else if (settle_incomplete(incomplete.keep, incomplete.why, outcome, variant)) {
        // issue 17: kept as incomplete, or says it had nothing to keep
    } else if (outcome.status == agent::Status::interrupted) {
        variant.state = VariantState::interrupted;
        variant.reason = "interrupted (SIGINT/SIGTERM) before it finished";
    } else if (!finished) {
        variant.state = VariantState::failed;
        variant.reason = outcome.reason;
    } else if (variant.commit.empty() || variant.files == 0) {
        variant.state = VariantState::no_changes;
        variant.reason = "the model finished without changing any file";
    } else {
        variant.state = VariantState::succeeded; // publish may still fail it
    }
    variant.phase.clear();
    return variant;
}

std::vector<VariantResult>
mark_duplicates(std::vector<VariantResult> variants,
                const std::function<std::string(const std::string&)>& tree_of)
{
    std::map<std::string, int> first_with_tree;
    for (auto& variant : variants) {
        if (variant.state != VariantState::succeeded || variant.commit.empty() ||
            variant.pr_reused) {
            continue;
        }
        const auto [at, inserted] = first_with_tree.emplace(tree_of(variant.commit), variant.index);
        if (!inserted) {
            variant.state = VariantState::duplicate;
            variant.duplicate_of = at->second;
            variant.reason = fmt::format("the same change as variant {}", at->second);
        }
    }
    return variants;
}

std::vector<VariantResult> end_unfinished(std::vector<VariantResult> variants, VariantState state,
                                          const std::string& reason)
{
    for (auto& variant : variants) {
        if (variant.state == VariantState::queued || variant.state == VariantState::running) {
            variant.state = state;
            variant.reason = reason;
        }
    }
    return variants;
}

} // namespace draftsmith::run

namespace draftsmith::run {

Verdict judge_comment(const host::Comment& comment, const host::PullRequest& pr,
                      const config::Config& config, host::Host& host, const Observer& texts)
{
    Verdict verdict;
    if (comment.author.is_bot || comment.body.find("<!-- draftsmith-") != std::string::npos) {
        log::info("nothing to do: the comment is by a bot ({})", comment.author.login);
        verdict.ended = ExitCode::success;
        return verdict;
    }
    const auto parsed = trigger::parse_comment(comment.body, config.max_variants);
    if (std::holds_alternative<trigger::NotACommand>(parsed)) {
        log::info("nothing to do: the comment is not an /edit command");
        verdict.ended = ExitCode::success;
        return verdict;
    }
    if (const auto* error = std::get_if<trigger::CommandError>(&parsed)) {
        log::error("{}", error->message);
        verdict.ended = ExitCode::usage;
        verdict.reply = texts.usage_comment(error->message);
        return verdict;
    }
    if (comment.edited()) {
        verdict.ended = ExitCode::refused;
        verdict.reply = "draftsmith acts only on a comment as it was first posted, and this one "
                        "was edited since. Post the command again as a new comment.";
        return verdict;
    }
    const auto& user = comment.author;
    const auto permission =
        host.permission(user, host::AllowLists{config.allowed_users, config.allowed_groups});
    if (!permission.allowed) {
        log::error("{} may not trigger draftsmith here: {}", user.login, permission.reason);
        verdict.ended = ExitCode::refused;
        verdict.reply = texts.refusal_comment(user.login, permission.reason);
        return verdict;
    }
    if (pr.from_fork && config.forks == config::ForkPolicy::refuse) {
        const std::string reason =
            "this pull request comes from a fork, and forks are refused (forks: allow in "
            ".draftsmith.yml on the target branch changes that)";
        log::error("{}", reason);
        verdict.ended = ExitCode::refused;
        verdict.reply = texts.refusal_comment(user.login, reason);
        return verdict;
    }
    verdict.command = std::get<trigger::Command>(parsed);
    return verdict;
}

} // namespace draftsmith::run
