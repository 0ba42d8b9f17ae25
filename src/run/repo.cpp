// run::Repo over git::Repository: one forwarding line per method, and the
// commit's tree as the edit engine reads it (CommitTree).
#include "draftsmith/run/commit_tree.hpp"
#include "draftsmith/run/ports.hpp"
#include "draftsmith/util/error.hpp"

#include <fmt/format.h>

namespace draftsmith::run {
namespace {

class GitRepo final : public Repo {
public:
    explicit GitRepo(git::Repository repo)
        : m_repo(std::move(repo))
    {
    }
    std::filesystem::path git_dir() const override { return m_repo.git_dir(); }
    std::optional<std::string> find_commit(std::string_view rev) const override
    {
        return m_repo.find_commit(rev);
    }
    std::optional<std::string> checked_out_branch() const override
    {
        return m_repo.checked_out_branch();
    }
    std::string find_or_fetch_commit(std::string_view rev, const git::RemoteAccess& access,
                                     std::string_view fetch_ref) override
    {
        return m_repo.find_or_fetch_commit(rev, access, fetch_ref);
    }
    std::shared_ptr<const edit::BaseTree> tree(std::string_view commit) const override
    {
        return std::make_shared<const CommitTree>(m_repo.tree(commit));
    }
    std::vector<std::string> list_files(std::string_view commit) const override
    {
        return m_repo.tree(commit).list_files();
    }
    std::string tree_id(std::string_view commit) const override { return m_repo.tree_id(commit); }
    std::string commit_overlay(std::string_view base, const Overlay& overlay,
                               const git::CommitSpec& spec) override
    {
        return m_repo.commit_overlay(base, overlay, spec);
    }
    git::DiffStat diff_stat(std::string_view from, std::string_view to) const override
    {
        return m_repo.diff_stat(from, to);
    }
    bool set_branch(std::string_view branch, std::string_view commit,
                    const git::RequestId& owner) override
    {
        return m_repo.set_branch(branch, commit, owner);
    }
    git::PushReport push_branches(const git::RemoteAccess& access,
                                  const std::vector<git::BranchPush>& branches,
                                  const git::RequestId& owner) override
    {
        return m_repo.push_branches(access, branches, owner);
    }
    std::vector<git::RequestBranch>
    find_local_request_branches(const git::RequestId& request) const override
    {
        return m_repo.find_local_request_branches(request);
    }
    std::vector<git::RequestBranch> find_request_branches(const git::RemoteAccess& access,
                                                          const git::RequestId& request) override
    {
        return m_repo.find_request_branches(access, request);
    }
    std::string message(std::string_view commit) const override { return m_repo.message(commit); }
    std::string diff_text(std::string_view from, std::string_view to) const override
    {
        return m_repo.diff_text(from, to);
    }
    std::string fetch_commit(const git::RemoteAccess& access, std::string_view ref) override
    {
        return m_repo.fetch_commit(access, ref);
    }
    std::optional<std::string> first_parent(std::string_view commit) const override
    {
        return m_repo.first_parent(commit);
    }
    git::PushReport push_fast_forward(const git::RemoteAccess& access,
                                      const std::vector<git::BranchPush>& branches) override
    {
        return m_repo.push_branches_fast_forward(access, branches);
    }

private:
    git::Repository m_repo;
};

} // namespace

std::string Repo::fetch_commit(const git::RemoteAccess& /*access*/, std::string_view ref)
{
    throw Error(ErrorCategory::internal, fmt::format("fetch {}: not supported here", ref));
}

std::optional<std::string> Repo::first_parent(std::string_view /*commit*/) const
{
    return std::nullopt;
}

git::PushReport Repo::push_fast_forward(const git::RemoteAccess& /*access*/,
                                        const std::vector<git::BranchPush>& /*branches*/)
{
    throw Error(ErrorCategory::internal, "push: not supported here");
}

std::unique_ptr<Repo> open_repo(const std::filesystem::path& path)
{
    return std::make_unique<GitRepo>(git::Repository::open(path));
}

} // namespace draftsmith::run
