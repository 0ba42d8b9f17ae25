// Publishing: every succeeded variant's branch in one push, then its draft
// pull request. A pull request is opened only after its branch is on the
// server, so no pull request is ever left without a branch; an earlier run's
// pull request for the same variant is updated (--force) instead of doubled.
#include "draftsmith/report/comments.hpp"
#include "draftsmith/util/log.hpp"

#include "state.hpp"

#include <fmt/format.h>

namespace draftsmith::run {
namespace {


std::vector<report::VariantRecord*> ready(RunState& state)
{
    std::vector<report::VariantRecord*> out;
    for (auto& record : state.record.variant_records) {
        if (record.state == report::VariantState::succeeded && !record.commit.empty() &&
            !record.pr_reused) {
            out.push_back(&record);
        }
    }
    return out;
}

void fail(report::VariantRecord& record, std::string reason)
{
    record.state = report::VariantState::failed;
    record.reason = std::move(reason);
}

// Applies what the server said about each branch; the records of branches
// that did not make it are failed.
void apply_push_report(const git::PushReport& report,
                       const std::vector<report::VariantRecord*>& records)
{
    for (std::size_t i = 0; i < records.size() && i < report.branches.size(); ++i) {
        const auto& result = report.branches[i];
        switch (result.status) {
        case git::BranchPushStatus::created:
        case git::BranchPushStatus::updated:
        case git::BranchPushStatus::up_to_date: break;
        case git::BranchPushStatus::foreign:
            fail(*records[i], fmt::format("branch {} exists and was not made by this request; "
                                          "left alone ({})",
                                          result.branch, result.message));
            break;
        case git::BranchPushStatus::rejected:
            fail(*records[i], fmt::format("the server refused branch {}: {}", result.branch,
                                          result.message));
            break;
        }
    }
    if (!report.server_output.empty()) {
        log::debug("push: {}", report.server_output);
    }
}

std::vector<git::BranchPush> branch_pushes(const std::vector<report::VariantRecord*>& records)
{
    std::vector<git::BranchPush> pushes;
    pushes.reserve(records.size());
    for (const auto* record : records) {
        pushes.push_back({record->branch, record->commit});
    }
    return pushes;
}

void push_all(RunState& state, const git::RemoteAccess& access,
              const std::vector<report::VariantRecord*>& records)
{
    const auto started = Clock::now();
    try {
        const auto result = state.repo->push_branches(access, branch_pushes(records), state.request);
        apply_push_report(result, records);
    } catch (const std::exception& error) {
        for (auto* record : records) {
            fail(*record, fmt::format("push failed: {}", error.what()));
        }
    }
    for (auto* record : records) {
        record->phases.emplace_back("push", since(started));
    }
}

void set_local_branches(RunState& state, const std::vector<report::VariantRecord*>& records)
{
    for (auto* record : records) {
        if (!state.repo->set_branch(record->branch, record->commit, state.request)) {
            fail(*record, fmt::format("local branch {} exists and was not made by this "
                                      "request; left alone",
                                      record->branch));
        }
    }
}

void open_pull_request(RunState& state, report::VariantRecord& record)
{
    const auto started = Clock::now();
    const auto marker = host::request_marker(state.key, record.index);
    const auto title =
        report::pull_request_title(state.config.title_template, state.record, record.index);
    const auto body = report::pull_request_body(state.record, record, marker);
    const auto existing = state.existing.find(record.index);
    host::PullRequest opened;
    if (existing != state.existing.end()) {
        host::PullRequestUpdate update;
        update.title = title;
        update.body = body;
        update.reopen = true;
        opened = state.host->update_pull_request(existing->second.number, update);
        record.pr_reused = true;
    } else {
        host::NewPullRequest request;
        request.source_branch = record.branch;
        // A fork's branch is not in this repository: target its base instead.
        request.target_branch = state.pr.from_fork ? state.pr.base_branch : state.pr.head_branch;
        request.title = title;
        request.body = body;
        opened = state.host->create_pull_request(request);
    }
    record.pr_number = opened.number;
    record.pr_url = opened.url;
    record.phases.emplace_back("pull_request", since(started));
}

} // namespace

void publish(RunState& state)
{
    const auto records = ready(state);
    if (records.empty()) {
        return;
    }
    if (state.options.dry_run) {
        for (auto* record : records) {
            record->state = report::VariantState::dry_run;
        }
        return;
    }
    if (stop_requested()) {
        return;
    }
    if (state.kind == host::Kind::local) {
        set_local_branches(state, records);
        if (state.options.push) {
            auto access = state.access;
            access.remote = *state.options.push;
            std::vector<report::VariantRecord*> pushed;
            for (auto* record : records) {
                if (record->state == report::VariantState::succeeded) {
                    pushed.push_back(record);
                }
            }
            push_all(state, access, pushed);
        }
        return;
    }
    push_all(state, state.access, records);
    for (auto* record : records) {
        if (record->state != report::VariantState::succeeded) {
            continue;
        }
        if (stop_requested()) {
            // The branch is pushed; the pull request is opened by the re-run.
            record->state = report::VariantState::interrupted;
            record->reason = "interrupted after its branch was pushed, before its pull request";
            continue;
        }
        try {
            open_pull_request(state, *record);
        } catch (const std::exception& error) {
            fail(*record, fmt::format("branch {} pushed, but the pull request could not be "
                                      "opened: {}",
                                      record->branch, error.what()));
        }
        update_progress(state);
        crash_for_test(state, "publish");
    }
}

} // namespace draftsmith::run
