// Issue 15: one step back along a branch's history, as far as this
// repository has it. A depth-1 CI clone has the commits it fetched and their
// parents only where a fetch brought them, so a missing parent is an end,
// not an error.
#include "draftsmith/git/repository.hpp"

#include "state.hpp"

namespace draftsmith::git {

std::optional<std::string> Repository::first_parent(std::string_view commit) const
{
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto found = lookup_commit(repo, commit);
    if (git_commit_parentcount(found.get()) == 0) {
        return std::nullopt;
    }
    const git_oid* parent = git_commit_parent_id(found.get(), 0);
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, repo), "open the object database");
    const handle::Odb odb(raw);
    if (git_odb_exists(odb.get(), parent) != 1) {
        return std::nullopt;
    }
    return to_hex(*parent);
}

} // namespace draftsmith::git
