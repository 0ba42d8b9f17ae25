// Incomplete variants (issue 17): see incomplete.hpp for the rules and the
// cancel path's bounds.
#include "incomplete.hpp"

#include "draftsmith/git/commit_message.hpp"
#include "draftsmith/net/http.hpp"
#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/run.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>

namespace draftsmith::run {
namespace {

// The model's summary in a variant commit's message: what lies between the
// subject and the trailers (report::commit_message, git::compose_message).
std::string summary_of_message(std::string_view message)
{
    std::vector<std::string> paragraphs;
    std::size_t start = 0;
    while (start < message.size()) {
        const auto end = std::min(message.find("\n\n", start), message.size());
        if (const auto part = text::trim(message.substr(start, end - start)); !part.empty()) {
            paragraphs.emplace_back(part);
        }
        start = end + 2;
    }
    if (paragraphs.size() < 3) {
        return {}; // subject and trailers only
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < paragraphs.size(); ++i) {
        out += (out.empty() ? "" : "\n\n") + paragraphs[i];
    }
    return out;
}

std::shared_ptr<const Continuation> continuation_from(const Repo& repo,
                                                      const git::RequestBranch& branch,
                                                      std::string_view base_commit, std::string why)
{
    auto continuation = std::make_shared<Continuation>();
    continuation->commit = branch.commit;
    continuation->tree = repo.tree(branch.commit);
    continuation->files = repo.list_files(branch.commit);
    continuation->earlier.why = std::move(why);
    continuation->earlier.summary = redacted(summary_of_message(repo.message(branch.commit)));
    continuation->earlier.diff = redacted(repo.diff_text(base_commit, branch.commit));
    return continuation;
}

// The variant to make again from its earlier commit: no longer "kept from an
// earlier run" (its pull request, if any, is updated by publish).
void requeue(VariantResult& variant)
{
    variant.state = VariantState::queued;
    variant.pr_reused = false;
    variant.pr_number = 0;
    variant.pr_url.clear();
    variant.commit.clear();
    variant.reason.clear();
    variant.continued = true;
}

} // namespace

std::string incomplete_why(const agent::Outcome& outcome)
{
    if (outcome.limit == agent::Limit::stop || outcome.status == agent::Status::interrupted) {
        switch (stop_signal()) {
        case SIGINT:
            return "cancelled (SIGINT)";
        case SIGTERM:
            return "cancelled (SIGTERM)";
        default:
            return "cancelled";
        }
    }
    const std::string why = agent::to_string(outcome.limit);
    return why.empty() ? std::string("stopped early") : why;
}

bool cut_short(const agent::Outcome& outcome)
{
    return outcome.status == agent::Status::limit_reached ||
           outcome.status == agent::Status::interrupted;
}

bool settle_incomplete(bool keep, const std::string& why, const agent::Outcome& outcome,
                       VariantResult& variant)
{
    if (!keep || !cut_short(outcome)) {
        return false;
    }
    variant.incomplete = why;
    if (variant.state == VariantState::incomplete && !variant.commit.empty()) {
        variant.reason = outcome.reason;
        return true;
    }
    variant.state = outcome.status == agent::Status::interrupted ? VariantState::interrupted
                                                                 : VariantState::failed;
    variant.reason = fmt::format("{}; it made no edits, so there is nothing to keep",
                                 outcome.reason.empty() ? why : outcome.reason);
    return true;
}

Plan continue_incomplete(Plan plan, const std::function<std::vector<git::RequestBranch>()>& find,
                         const Repo& repo, std::string_view base_commit)
{
    try {
        for (const auto& branch : find()) {
            if (!branch.variant || branch.variant->index < 1 ||
                branch.variant->index > static_cast<int>(plan.variants.size())) {
                continue;
            }
            const int index = branch.variant->index;
            auto& variant = plan.variants[static_cast<std::size_t>(index - 1)];
            const auto trailers = git::parse_trailers(repo.message(branch.commit));
            if (branch.branch != variant.branch || !trailers.incomplete) {
                continue;
            }
            plan.continuations[index] =
                continuation_from(repo, branch, base_commit, *trailers.incomplete);
            requeue(variant);
            if (std::find(plan.which.begin(), plan.which.end(), index) == plan.which.end()) {
                plan.which.push_back(index);
            }
            log::info("variant {}: continuing its incomplete commit {} ({})", index,
                      branch.commit.substr(0, 12), *trailers.incomplete);
        }
    } catch (const std::exception& error) {
        log::warning("could not look for incomplete variants to continue ({}); they start over",
                     error.what());
    }
    std::sort(plan.which.begin(), plan.which.end());
    return plan;
}

bool publish_on_cancel(const config::Config& config)
{
    if (config.incomplete == config::IncompletePolicy::drop) {
        return false;
    }
    // The model calls are over (the workers have joined); the host must answer now.
    net::clear_interrupt();
    log::info("stopped: pushing what the variants made so far");
    return true;
}

git::RemoteAccess push_access(git::RemoteAccess access)
{
    if (const auto stopped = stop_time()) {
        access.should_stop = nullptr;
        const auto bound = *stopped + k_cancel_push_bound;
        access.deadline = access.deadline ? std::min(*access.deadline, bound) : bound;
    }
    return access;
}

void note_unkept(std::vector<VariantResult>& variants, const std::vector<std::size_t>& which)
{
    if (!stop_requested()) {
        return;
    }
    for (const auto i : which) {
        auto& variant = variants[i];
        if (variant.state != VariantState::succeeded && variant.state != VariantState::incomplete) {
            variant.kept = false;
            variant.reason = fmt::format("not kept: {}", variant.reason);
        }
    }
}

bool may_open_pull_request(const config::Config& config)
{
    if (!stop_requested()) {
        return true;
    }
    const auto stopped = stop_time();
    if (config.incomplete == config::IncompletePolicy::drop || !stopped ||
        std::chrono::steady_clock::now() >= *stopped + k_cancel_open_bound) {
        return false;
    }
    net::clear_interrupt(); // a signal during publishing: the variants are done already
    return true;
}

void leave_for_rerun(VariantResult& variant)
{
    if (variant.state != VariantState::incomplete) {
        variant.state = VariantState::interrupted;
    }
    variant.reason =
        fmt::format("{}its branch {} is pushed; no time was left to open its pull "
                    "request, which the re-run of this comment opens",
                    variant.reason.empty() ? "" : variant.reason + "; ", variant.branch);
}

} // namespace draftsmith::run
