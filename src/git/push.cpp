// Pushing a request's branches: set each locally, read the remote's tips,
// decide per branch (create, replace our own under a lease, fast-forward,
// or leave a foreign one alone), push what is left in one push, and report
// each ref's status. Why a lease and not an atomic push: remote_session.cpp.

#include "draftsmith/git/commit_message.hpp"
#include "draftsmith/git/repository.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "remote_session.hpp"
#include "shallow.hpp"
#include "state.hpp"

namespace draftsmith::git {
namespace {

// What the per-branch decisions read: the remote's tips as listed before
// the push, and whose branches may be replaced (none: fast-forward only).
struct RemoteTips {
    git_repository* repo = nullptr;
    std::string label;
    const RequestId* owner = nullptr;
    std::map<std::string, std::string> refs; // ref -> id
};

// Sets each branch locally: with an owner, set_branch (foreign when the local
// branch is another's); without, creates it or checks it is at the commit.
std::vector<BranchPushResult> set_local_branches(Repository& repository,
                                                 const std::vector<BranchPush>& branches,
                                                 const RequestId* owner)
{
    std::vector<BranchPushResult> results;
    for (const auto& branch : branches) {
        BranchPushResult result{branch.branch, BranchPushStatus::rejected, ""};
        if (owner && !repository.set_branch(branch.branch, branch.commit, *owner)) {
            result.status = BranchPushStatus::foreign;
            result.message =
                fmt::format("local branch '{}' exists and was not made by request {}; left alone",
                            branch.branch, owner->to_string());
        } else if (!owner) {
            const auto tip = repository.branch_tip(branch.branch);
            if (!tip) {
                repository.move_branch(branch.branch, branch.commit, std::nullopt);
            } else if (*tip != branch.commit) {
                throw_git_failure(fmt::format("push branch '{}'", branch.branch),
                                  fmt::format("the local branch points at {}, not at {}",
                                              tip->substr(0, 12), branch.commit.substr(0, 12)));
            }
        }
        results.push_back(result);
    }
    return results;
}

// Fetches the remote tips of our branches that are not here, enough to read
// whose they are.
void fetch_tips_to_read(git_remote* remote, const RemoteTips& tips,
                        const std::vector<BranchPushResult>& results, Session& session,
                        const CustomHeaders& headers)
{
    std::vector<std::string> missing;
    for (const auto& result : results) {
        const auto it = tips.refs.find("refs/heads/" + result.branch);
        if (it != tips.refs.end() && !has_object(tips.repo, it->second)) {
            missing.push_back(it->first);
        }
    }
    if (!missing.empty()) {
        fetch_refspecs(tips.repo, remote, missing, session, headers, FetchNeed::message_only);
    }
}

// Fast-forward only: true, with the reason in `result`, when the remote tip
// is not an ancestor of the branch's commit (or is not here to tell).
bool refused_as_non_fast_forward(const RemoteTips& tips, const BranchPush& branch,
                                 const std::string& tip, BranchPushResult& result)
{
    const git_oid new_tip = to_oid(branch.commit);
    const git_oid old_tip = to_oid(tip);
    if (has_object(tips.repo, tip) && git_graph_descendant_of(tips.repo, &new_tip, &old_tip) == 1) {
        return false;
    }
    git_error_clear();
    result.status = BranchPushStatus::rejected;
    result.message = fmt::format(
        "non-fast-forward: branch '{}' on {} is at {}, which {} is not built on; left alone",
        branch.branch, tips.label, tip.substr(0, 12), branch.commit.substr(0, 12));
    return true;
}

// With an owner: true, with the reason in `result`, when the remote tip was
// not made by the owner's request.
bool refused_as_foreign(const RemoteTips& tips, const BranchPush& branch, const std::string& tip,
                        BranchPushResult& result)
{
    const auto commit = lookup_commit(tips.repo, tip);
    const auto trailers = parse_trailers(git_commit_message(commit.get()));
    if (trailers.request == *tips.owner) {
        return false;
    }
    result.status = BranchPushStatus::foreign;
    result.message = fmt::format(
        "branch '{}' exists on {} and its tip {} was not made by request {}; left alone",
        branch.branch, tips.label, tip.substr(0, 12), tips.owner->to_string());
    return true;
}

// Decides one branch against the remote's tip: sets result's status (and
// message), records the lease, and returns the refspec to push, or nothing
// when the branch is up to date or refused.
std::optional<std::string> plan_branch(const RemoteTips& tips, const BranchPush& branch,
                                       BranchPushResult& result, Session& session)
{
    const std::string ref = "refs/heads/" + branch.branch;
    const auto it = tips.refs.find(ref);
    if (it == tips.refs.end()) {
        result.status = BranchPushStatus::created;
        session.lease[ref] = "";
        return fmt::format("{}:{}", ref, ref);
    }
    if (it->second == branch.commit) {
        result.status = BranchPushStatus::up_to_date;
        return std::nullopt;
    }
    if (tips.owner ? refused_as_foreign(tips, branch, it->second, result)
                   : refused_as_non_fast_forward(tips, branch, it->second, result)) {
        return std::nullopt;
    }
    result.status = BranchPushStatus::updated;
    session.lease[ref] = it->second;
    // Our own branch is replaced (under the lease); anything else only moves forward.
    return fmt::format("{}{}:{}", tips.owner ? "+" : "", ref, ref);
}

// Pushes the refspecs in one push; in a shallow clone through a view whose
// walk stops at the boundary (shallow.hpp). Throws like check_remote.
void send_push(git_repository* repo, git_remote* remote, const RemoteAccess& access,
               const std::vector<std::string>& refspecs, Session& session,
               const CustomHeaders& headers, const std::string& label)
{
    const ShallowPushView view(repo);
    const auto push_remote =
        view.get() == repo ? handle::Remote() : open_remote(view.get(), access);
    git_remote* pushing = push_remote ? push_remote.get() : remote;

    git_push_options options;
    git_push_options_init(&options, GIT_PUSH_OPTIONS_VERSION);
    options.callbacks = callbacks_for(session);
    options.proxy_opts = proxy_options();
    options.custom_headers = *headers.get();
    const StrArray specs(refspecs);
    check_remote(git_remote_push(pushing, specs.get(), &options),
                 fmt::format("push {} to {}", fmt::join(refspecs, " "), label), session);
}

// Marks the pushed branches the server refused, or did not report on, rejected.
void apply_ref_status(PushReport& report, const std::vector<std::size_t>& pushed,
                      const Session& session)
{
    for (const std::size_t i : pushed) {
        auto& result = report.branches[i];
        const auto it = session.ref_status.find("refs/heads/" + result.branch);
        if (it == session.ref_status.end()) {
            result.status = BranchPushStatus::rejected;
            result.message = "the server did not report on this branch";
        } else if (!it->second.empty()) {
            result.status = BranchPushStatus::rejected;
            result.message = it->second;
        }
    }
}

} // namespace

const char* to_string(BranchPushStatus status) noexcept
{
    switch (status) {
    case BranchPushStatus::created:
        return "created";
    case BranchPushStatus::updated:
        return "updated";
    case BranchPushStatus::up_to_date:
        return "up to date";
    case BranchPushStatus::foreign:
        return "foreign";
    case BranchPushStatus::rejected:
        return "rejected";
    }
    return "rejected";
}

bool PushReport::all_pushed() const noexcept
{
    for (const auto& branch : branches) {
        if (branch.status == BranchPushStatus::foreign ||
            branch.status == BranchPushStatus::rejected) {
            return false;
        }
    }
    return true;
}

// ---- push -------------------------------------------------------------------

PushReport Repository::push_branches(const RemoteAccess& access,
                                     const std::vector<BranchPush>& branches,
                                     const RequestId& owner)
{
    return push(access, branches, &owner);
}

PushReport Repository::push_branches_fast_forward(const RemoteAccess& access,
                                                  const std::vector<BranchPush>& branches)
{
    return push(access, branches, nullptr);
}

PushReport Repository::push(const RemoteAccess& access, const std::vector<BranchPush>& branches,
                            const RequestId* owner)
{
    PushReport report;
    report.branches = set_local_branches(*this, branches, owner);

    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto remote = open_remote(repo, access);
    const CustomHeaders headers(access);
    auto session = Session::for_remote(access, remote.get());
    const RemoteTips tips{repo, remote_label(remote.get()), owner,
                          list_remote(remote.get(), session, headers)};
    if (owner) { // without one (fast-forward only), the tips' authors do not matter
        fetch_tips_to_read(remote.get(), tips, report.branches, session, headers);
    }

    std::vector<std::size_t> to_push; // indexes into report.branches
    std::vector<std::string> refspecs;
    for (std::size_t i = 0; i < branches.size(); ++i) {
        if (report.branches[i].status == BranchPushStatus::foreign) {
            continue;
        }
        if (auto refspec = plan_branch(tips, branches[i], report.branches[i], session)) {
            refspecs.push_back(std::move(*refspec));
            to_push.push_back(i);
        }
    }
    if (refspecs.empty()) {
        return report;
    }
    send_push(repo, remote.get(), access, refspecs, session, headers, tips.label);
    report.server_output = session.server_output;
    apply_ref_status(report, to_push, session);
    return report;
}

} // namespace draftsmith::git
