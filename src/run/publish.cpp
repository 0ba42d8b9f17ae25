// Publishing: every succeeded variant's branch in one push, then its draft
// pull request. A pull request is opened only after its branch is on the
// server, so no pull request is ever left without a branch; an earlier run's
// pull request for the same variant is updated (--force) instead of doubled.
#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/run.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include "incomplete.hpp"
#include "settings.hpp"

namespace draftsmith::run {
namespace {

using Clock = std::chrono::steady_clock;

// The variants publish works on, by position in `variants`.
std::vector<std::size_t> ready(const std::vector<VariantResult>& variants)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        const auto& variant = variants[i];
        const bool made = variant.state == VariantState::succeeded ||
                          variant.state == VariantState::incomplete; // issue 17
        if (made && !variant.commit.empty() && !variant.pr_reused) {
            out.push_back(i);
        }
    }
    return out;
}

void fail(VariantResult& variant, std::string reason)
{
    variant.state = VariantState::failed;
    variant.reason = std::move(reason);
}

// What the server said about one branch; a branch that did not make it fails its variant.
void apply_push_result(const git::BranchPushResult& result, VariantResult& variant)
{
    switch (result.status) {
    case git::BranchPushStatus::created:
    case git::BranchPushStatus::updated:
    case git::BranchPushStatus::up_to_date:
        break;
    case git::BranchPushStatus::foreign:
        fail(variant, fmt::format("branch {} exists and was not made by this request; left "
                                  "alone ({})",
                                  result.branch, result.message));
        break;
    case git::BranchPushStatus::rejected:
        fail(variant,
             fmt::format("the server refused branch {}: {}", result.branch, result.message));
        break;
    }
}

void push_all(Repo& repo, const git::RemoteAccess& access, const git::RequestId& owner,
              std::vector<VariantResult>& variants, const std::vector<std::size_t>& which)
{
    const auto started = Clock::now();
    std::vector<git::BranchPush> pushes;
    pushes.reserve(which.size());
    for (const auto i : which) {
        pushes.push_back({variants[i].branch, variants[i].commit});
    }
    try {
        const auto report = repo.push_branches(access, pushes, owner);
        for (std::size_t k = 0; k < which.size() && k < report.branches.size(); ++k) {
            apply_push_result(report.branches[k], variants[which[k]]);
        }
        if (!report.server_output.empty()) {
            log::debug("push: {}", report.server_output);
        }
    } catch (const std::exception& error) {
        for (const auto i : which) {
            fail(variants[i], fmt::format("push failed: {}", error.what()));
        }
    }
    for (const auto i : which) {
        variants[i].phases.emplace_back("push", since(started));
    }
}

void publish_locally(const Request& request, Repo& repo, std::vector<VariantResult>& variants,
                     const std::vector<std::size_t>& which, const PublishSettings& settings)
{
    std::vector<std::size_t> pushed;
    for (const auto i : which) {
        auto& variant = variants[i];
        if (!repo.set_branch(variant.branch, variant.commit, request.id)) {
            fail(variant, fmt::format("local branch {} exists and was not made by this "
                                      "request; left alone",
                                      variant.branch));
        } else {
            pushed.push_back(i);
        }
    }
    if (settings.push) {
        auto access = request.access;
        access.remote = *settings.push;
        push_all(repo, push_access(access), request.id, variants, pushed); // issue 17: bounded
        note_unkept(variants, pushed);                                     // issue 17
    }
}

VariantResult open_pull_request(const Request& request, PublishDoors doors, VariantResult variant,
                                const std::map<int, host::PullRequest>& existing)
{
    const auto started = Clock::now();
    const auto marker = host::request_marker(request.key, variant.index);
    // The run as it is now for this variant: an incomplete one's title says so (issue 17).
    auto run = request.result;
    if (variant.index >= 1 &&
        static_cast<std::size_t>(variant.index) <= run.variant_records.size()) {
        run.variant_records[static_cast<std::size_t>(variant.index - 1)] = variant;
    }
    const auto title =
        doors.observer.pull_request_title(request.config.title_template, run, variant.index);
    const auto body = doors.observer.pull_request_body(request.result, variant, marker);
    host::PullRequest opened;
    if (const auto earlier = existing.find(variant.index); earlier != existing.end()) {
        host::PullRequestUpdate update;
        update.title = title;
        update.body = body;
        update.reopen = true;
        opened = doors.host.update_pull_request(earlier->second.number, update);
        variant.pr_reused = true;
    } else {
        host::NewPullRequest pull;
        pull.source_branch = variant.branch;
        // A fork's branch is not in this repository: target its base instead.
        pull.target_branch = request.pr.from_fork ? request.pr.base_branch : request.pr.head_branch;
        pull.title = title;
        pull.body = body;
        opened = doors.host.create_pull_request(pull);
    }
    variant.pr_number = opened.number;
    variant.pr_url = opened.url;
    variant.phases.emplace_back("pull_request", since(started));
    return variant;
}

} // namespace

std::vector<VariantResult> publish(const Request& request, PublishDoors doors,
                                   std::vector<VariantResult> variants,
                                   const std::map<int, host::PullRequest>& existing,
                                   const PublishSettings& settings)
{
    const auto which = ready(variants);
    if (which.empty()) {
        return variants;
    }
    if (settings.dry_run) {
        for (const auto i : which) {
            variants[i].state = VariantState::dry_run;
        }
        return variants;
    }
    if (stop_requested() &&
        !publish_on_cancel(request.config)) { // issue 17: keep pushes on a cancel
        return variants;
    }
    if (!settings.on_host) {
        publish_locally(request, doors.repo, variants, which, settings);
        return variants;
    }
    push_all(doors.repo, push_access(request.access), request.id, variants, which); // issue 17
    note_unkept(variants, which); // issue 17: on a cancel, which variants were not kept
    for (const auto i : which) {
        auto& variant = variants[i];
        if (variant.state != VariantState::succeeded && variant.state != VariantState::incomplete) {
            continue;
        }
        if (!may_open_pull_request(request.config)) { // issue 17: while the cancel bound allows
            // The branch is pushed; the pull request is opened by the re-run.
            leave_for_rerun(variant);
            continue;
        }
        try {
            variant = open_pull_request(request, doors, variant, existing);
        } catch (const std::exception& error) {
            fail(variant, fmt::format("branch {} pushed, but the pull request could not be "
                                      "opened: {}",
                                      variant.branch, error.what()));
        }
        auto now = request.result;
        now.variant_records = variants;
        doors.observer.progress(now);
        if (settings.checkpoint) {
            settings.checkpoint("publish");
        }
    }
    return variants;
}

} // namespace draftsmith::run
