#pragma once
// In-memory doubles of run/'s doors (host::Host, run::Repo, run::Observer),
// so the run's policy is tested without a server, a process or a repository.

#include "draftsmith/host/host.hpp"
#include "draftsmith/run/ports.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace draftsmith::test {

// A host that keeps pull requests and comments in memory and records calls.
class MemoryHost final : public host::Host {
public:
    std::vector<host::PullRequest> pulls; // every pull request it knows
    std::map<std::string, bool> allowed;  // login -> may trigger (absent: no)
    host::AllowLists asked_with;          // the allow-lists permission() was last given
    std::vector<std::string> calls;       // "create v1-branch", "update 7", "comment"
    std::vector<std::string> comments;
    bool fail_create = false;

    host::Kind kind() const noexcept override { return host::Kind::github; }
    host::PullRequest get_pull_request(std::int64_t number) override
    {
        for (const auto& pr : pulls) {
            if (pr.number == number) {
                return pr;
            }
        }
        throw Error(ErrorCategory::host, fmt::format("no pull request {}", number));
    }
    std::optional<host::Comment> get_comment(std::int64_t, const host::CommentRef&) override
    {
        return std::nullopt;
    }
    std::vector<host::Comment> list_comments(std::int64_t) override { return {}; }
    std::vector<host::PullRequest> find_pull_requests(std::string_view source_branch) override
    {
        std::vector<host::PullRequest> found;
        for (const auto& pr : pulls) {
            if (pr.head_branch == source_branch) {
                found.push_back(pr);
            }
        }
        return found;
    }
    host::PullRequest create_pull_request(const host::NewPullRequest& request) override
    {
        std::lock_guard lock(m_mutex);
        calls.push_back("create " + request.source_branch);
        if (fail_create) {
            throw Error(ErrorCategory::host, "GitHub: create a pull request: Validation Failed");
        }
        host::PullRequest pr;
        pr.number = 100 + static_cast<std::int64_t>(pulls.size());
        pr.url = fmt::format("https://example.test/pull/{}", pr.number);
        pr.head_branch = request.source_branch;
        pr.body = request.body;
        pulls.push_back(pr);
        return pr;
    }
    host::PullRequest update_pull_request(std::int64_t number,
                                          const host::PullRequestUpdate& update) override
    {
        std::lock_guard lock(m_mutex);
        calls.push_back(fmt::format("update {}{}", number, update.reopen ? " reopen" : ""));
        auto pr = get_pull_request(number);
        pr.state = host::PullRequestState::open;
        return pr;
    }
    host::CommentRef comment(std::int64_t, std::string_view body,
                             std::optional<host::CommentRef>) override
    {
        std::lock_guard lock(m_mutex);
        comments.emplace_back(body);
        return {static_cast<std::int64_t>(comments.size()), 0};
    }
    void update_comment(std::int64_t, const host::CommentRef&, std::string_view body) override
    {
        std::lock_guard lock(m_mutex);
        comments.emplace_back(body);
    }
    void set_status(const host::PullRequest&, const host::Status&) override {}
    host::TriggerPermission permission(const host::User& user,
                                       const host::AllowLists& lists) override
    {
        asked_with = lists;
        const auto it = allowed.find(user.login);
        if (it != allowed.end() && it->second) {
            return {true, "write access"};
        }
        return {false, "read access only"};
    }
    void react(std::int64_t, const host::CommentRef&, host::Reaction) override {}
    std::string head_ref(const host::PullRequest& pr) const override
    {
        return fmt::format("refs/pull/{}/head", pr.number);
    }

private:
    std::mutex m_mutex;
};

// A repository whose commits are names: commit_overlay returns "c<n>", its
// tree id is the overlay's text, pushes are answered from `push_status`.
class MemoryRepo final : public run::Repo {
public:
    std::map<std::string, std::string> trees;                 // commit -> tree id
    std::map<std::string, git::BranchPushStatus> push_status; // branch -> answer (default created)
    std::map<std::string, std::string> local_branches;        // branch -> commit
    std::vector<git::RequestBranch> found_local;
    std::vector<std::string> pushed; // branches, in push order
    bool push_throws = false;
    std::vector<git::RequestBranch> found_remote; // issue 17: the remote's branches
    std::map<std::string, std::string> messages;  // commit -> message ("variant")
    bool find_throws = false;
    std::vector<std::string> parents;   // commit_overlay's bases, in order
    std::vector<git::CommitSpec> specs; // and its specs

    std::filesystem::path git_dir() const override { return "/tmp/site/.git"; }
    std::optional<std::string> find_commit(std::string_view rev) const override
    {
        return std::string(rev);
    }
    std::optional<std::string> checked_out_branch() const override { return "main"; }
    std::string find_or_fetch_commit(std::string_view rev, const git::RemoteAccess&,
                                     std::string_view) override
    {
        return std::string(rev);
    }
    std::shared_ptr<const edit::BaseTree> tree(std::string_view) const override
    {
        return std::make_shared<edit::MemoryTree>();
    }
    std::vector<std::string> list_files(std::string_view) const override { return {}; }
    std::string tree_id(std::string_view commit) const override
    {
        return trees.at(std::string(commit));
    }
    std::string commit_overlay(std::string_view base, const Overlay& overlay,
                               const git::CommitSpec& spec) override
    {
        std::lock_guard lock(m_mutex);
        parents.emplace_back(base);
        specs.push_back(spec);
        const auto id = fmt::format("c{}", trees.size() + 1);
        std::string tree;
        for (const auto& [path, bytes] : overlay) {
            tree += path + "=" + bytes.value_or("<deleted>") + ";";
        }
        trees[id] = tree;
        return id;
    }
    git::DiffStat diff_stat(std::string_view, std::string_view) const override
    {
        return {1, 1, 0, " a | 1 +\n"};
    }
    bool set_branch(std::string_view branch, std::string_view commit,
                    const git::RequestId&) override
    {
        const auto known = local_branches.find(std::string(branch));
        if (known != local_branches.end() && known->second == "foreign") {
            return false;
        }
        local_branches[std::string(branch)] = std::string(commit);
        return true;
    }
    git::PushReport push_branches(const git::RemoteAccess&,
                                  const std::vector<git::BranchPush>& branches,
                                  const git::RequestId&) override
    {
        if (push_throws) {
            throw Error(ErrorCategory::network, "could not reach the remote");
        }
        git::PushReport report;
        for (const auto& branch : branches) {
            pushed.push_back(branch.branch);
            const auto status = push_status.find(branch.branch);
            report.branches.push_back(
                {branch.branch,
                 status == push_status.end() ? git::BranchPushStatus::created : status->second,
                 "hook declined"});
        }
        return report;
    }
    std::vector<git::RequestBranch>
    find_local_request_branches(const git::RequestId&) const override
    {
        return found_local;
    }
    std::vector<git::RequestBranch> find_request_branches(const git::RemoteAccess&,
                                                          const git::RequestId&) override
    {
        if (find_throws) {
            throw Error(ErrorCategory::network, "could not reach the remote");
        }
        return found_remote;
    }
    std::string message(std::string_view commit) const override
    {
        const auto known = messages.find(std::string(commit));
        return known == messages.end() ? std::string("variant") : known->second;
    }
    std::string diff_text(std::string_view from, std::string_view to) const override
    {
        return fmt::format("diff {}..{}\n", from, to);
    }

private:
    std::mutex m_mutex;
};

// An observer that writes plain texts and counts what it was told.
class RecordingObserver final : public run::Observer {
public:
    std::vector<run::VariantResult> changes;
    int progress_count = 0;

    std::string commit_message(const run::RunResult&, const run::VariantResult& v) const override
    {
        return fmt::format("variant {}", v.index);
    }
    std::string pull_request_title(std::string_view, const run::RunResult&, int i) const override
    {
        return fmt::format("title {}", i);
    }
    std::string pull_request_body(const run::RunResult&, const run::VariantResult&,
                                  std::string_view marker) const override
    {
        return std::string(marker);
    }
    std::string refusal_comment(std::string_view user, std::string_view reason) const override
    {
        return fmt::format("refused {}: {}", user, reason);
    }
    std::string usage_comment(std::string_view message) const override
    {
        return fmt::format("usage: {}", message);
    }
    void phase_begins(std::string_view) override {}
    void phase_ends() override {}
    void attach(const run::Audience&) override {}
    void progress(const run::RunResult&) override { ++progress_count; }
    void variant_changed(const run::VariantResult& variant) override
    {
        std::lock_guard lock(m_mutex);
        changes.push_back(variant);
    }
    void begin_updates() override {}
    void end_updates() override {}
    std::optional<std::string> post_outcome(const run::RunResult&) override { return {}; }
    void write_outputs(const run::RunResult&, const run::Outputs&) override {}

private:
    std::mutex m_mutex;
};

} // namespace draftsmith::test
