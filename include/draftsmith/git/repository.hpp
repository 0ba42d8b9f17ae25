#pragma once
// The git layer: one repository, commits made from an overlay without a
// working tree, branches, fetch and push. libgit2 stays behind this header.
//
//   auto repo = git::Repository::open(".");
//   auto base = repo.find_commit(head_sha);              // nullopt: not here
//   if (!base) base = repo.fetch_commit(access, "refs/pull/42/head");
//   git::TreeReader tree = repo.tree(*base);             // what the edit engine reads
//   std::string c = repo.commit_overlay(*base, overlay, spec);
//   git::PushReport r = repo.push_branches(access, {{"draftsmith/42/v1", c}}, request);
//
// Nothing here reads or writes the working tree or the index. Methods of one
// Repository may be called from several threads (they take turns on an
// internal lock); libgit2 errors arrive as GitError (error.hpp).

#include "draftsmith/git/commit_message.hpp"
#include "draftsmith/git/error.hpp"
#include "draftsmith/git/remote.hpp"
#include "draftsmith/util/overlay.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::git {

struct RepositoryState;
struct ListedFiles;

// Read access to one commit's tree, for the edit engine: file list, bytes,
// symlinks. Its read/exists/is_symlink follow edit::BaseTree's contract, so
// an adapter is three one-line overrides. Reads are raw blob bytes (no
// line-ending or LFS filters). Keeps its repository alive; safe to use from
// several threads.
class TreeReader {
public:
    // The file's bytes, or nullopt when there is no regular file at the
    // path (absent, a folder, a symlink, a submodule).
    std::optional<std::string> read(std::string_view path) const;
    // A symbolic link's target, or nullopt when the path is not a link.
    std::optional<std::string> link_target(std::string_view path) const;
    // True when something (file, folder, symlink, submodule) is at the path.
    bool exists(std::string_view path) const;
    // True when the path, or one of its parent folders, is a symbolic link
    // in this tree (edits must not go through links).
    bool is_symlink(std::string_view path) const;
    // True when the path is an executable file in this tree.
    bool is_executable(std::string_view path) const;
    // Every file and symlink path (no folders, no submodules), sorted.
    // Computed once, on first call.
    std::vector<std::string> list_files() const;
    // The commit's full id.
    const std::string& commit() const noexcept { return m_commit; }

private:
    friend class Repository;
    TreeReader(std::shared_ptr<RepositoryState> state, std::string commit, std::string tree);
    std::optional<std::string> read_entry(std::string_view path, bool link) const;

    std::shared_ptr<RepositoryState> m_state;
    std::string m_commit;
    std::string m_tree;
    std::shared_ptr<ListedFiles> m_files; // filled by list_files()
};

// A branch an earlier run of the same request made, found by its tip's
// Draftsmith-Request trailer.
struct RequestBranch {
    std::string branch; // without refs/heads/
    std::string commit;
    std::optional<VariantNumber> variant; // its Draftsmith-Variant, when readable
};

// What changed between two commits, for the overview and the PR body.
struct DiffStat {
    std::size_t files = 0;
    std::size_t insertions = 0;
    std::size_t deletions = 0;
    std::string text; // like `git diff --stat`: one line per file and a summary
};

enum class Discover {
    upwards, // like git: the path or the first parent folder that is a repository
    exact,   // only the path itself
};

class Repository {
public:
    // Opens the repository at `path` (a working tree, a .git folder or a bare
    // repository). Throws GitError naming the path when there is none.
    static Repository open(const std::filesystem::path& path,
                           Discover discover = Discover::upwards);

    Repository(Repository&&) noexcept;
    Repository& operator=(Repository&&) noexcept;
    ~Repository();

    // The .git folder (or the bare repository).
    std::filesystem::path git_dir() const;
    // True for a shallow clone (depth-1 CI checkouts).
    bool is_shallow() const;

    // The commit `rev` names (full or short id, branch, tag, "HEAD",
    // "origin/main", "HEAD~1"...), or nullopt when this repository does not
    // have it. Throws only for a rev that is not valid syntax.
    std::optional<std::string> find_commit(std::string_view rev) const;

    // Fetches exactly `ref` from the remote ("refs/pull/42/head", a branch
    // name, or a full commit id when the server allows fetching by id) and
    // returns the commit it points at. No local ref or FETCH_HEAD is written.
    // Works in shallow clones. Throws GitError with the server's message.
    std::string fetch_commit(const RemoteAccess& access, std::string_view ref);

    // find_commit(rev), else fetch_commit(access, fetch_ref).
    std::string find_or_fetch_commit(std::string_view rev, const RemoteAccess& access,
                                     std::string_view fetch_ref);

    // A reader for a commit's tree (throws GitError when it is not here).
    TreeReader tree(std::string_view commit) const;
    // The commit's tree id (two variants with equal trees are duplicates).
    std::string tree_id(std::string_view commit) const;
    // The commit's full message.
    std::string message(std::string_view commit) const;
    // Issue 15 (follow-ups walk a variant branch back): the commit's first
    // parent, or nullopt for a root commit and when the parent is not here
    // (a shallow clone's boundary). Throws GitError when `commit` is not here.
    std::optional<std::string> first_parent(std::string_view commit) const;

    // Writes a commit whose parent is `base` and whose tree is base's tree
    // with the overlay applied; returns its id. Only trees along changed paths
    // are rewritten (a git_treebuilder per changed folder); modes are kept
    // (the executable bit survives an edit), new files are 100644, a folder
    // left empty disappears. No ref, index or working tree is touched.
    // Throws Error(input) for a bad path ("a/../b", ".git/config", a path
    // that is a folder in the base) and GitError for libgit2 failures.
    std::string commit_overlay(std::string_view base, const Overlay& overlay,
                               const CommitSpec& spec);

    // Files and lines changed from `from` to `to` (renames detected).
    DiffStat diff_stat(std::string_view from, std::string_view to) const;
    // The unified diff from `from` to `to` (renames detected, binary files
    // named but not shown).
    std::string diff_text(std::string_view from, std::string_view to) const;

    // The branch HEAD names ("main"), or nullopt when HEAD is detached or the
    // repository is bare.
    std::optional<std::string> checked_out_branch() const;

    // The local branch's commit, or nullopt when there is no such branch.
    std::optional<std::string> branch_tip(std::string_view branch) const;

    // Points local branch `branch` at `commit`, creating it if needed. An
    // existing branch is moved only when its tip carries the same
    // Draftsmith-Request trailer as `owner`; returns false (and changes
    // nothing) otherwise.
    bool set_branch(std::string_view branch, std::string_view commit, const RequestId& owner);

    // Points local branch `branch` at `commit` if it is still at
    // `expected_tip` (nullopt: if it does not exist yet); returns false and
    // changes nothing otherwise. Throws GitError for an invalid name.
    bool move_branch(std::string_view branch, std::string_view commit,
                     const std::optional<std::string>& expected_tip);

    // Pushes the branches to the remote in one push. Each is first set
    // locally (set_branch), then checked on the remote: absent -> created;
    // present with a tip whose Draftsmith-Request is `owner` -> replaced
    // (the remote tip is fetched first when it is not here, and the push
    // fails if the branch moves meanwhile); anything else -> left alone
    // (foreign). Per-branch rejections by the server are reported in the
    // result with its message. Throws GitError when the push as a whole
    // fails (unreachable, authentication, TLS): then nothing was pushed.
    //
    // libgit2 1.5 has no atomic push: all branches go in one pack and one
    // receive-pack request, so a pre-receive hook accepts or refuses them
    // together, but a per-ref `update` hook may refuse some and accept others.
    PushReport push_branches(const RemoteAccess& access, const std::vector<BranchPush>& branches,
                             const RequestId& owner);

    // Pushes the branches without ever replacing work: each is created, or
    // fast-forwarded when its remote tip is an ancestor of the new commit;
    // otherwise it is reported rejected (non-fast-forward) and left alone.
    // The local branches are created if absent and must point at the
    // commits. For `draftsmith apply --push`. Throws like push_branches.
    PushReport push_branches_fast_forward(const RemoteAccess& access,
                                          const std::vector<BranchPush>& branches);

    // The remote's branches whose names start with `prefix` ("draftsmith/")
    // and whose tips carry `request`'s Draftsmith-Request trailer, sorted by
    // name: what a re-run of the same comment made before. Tips not here are
    // fetched (in a shallow clone only enough to read their messages).
    // Throws GitError when the remote cannot be read.
    std::vector<RequestBranch> find_request_branches(const RemoteAccess& access,
                                                     const RequestId& request,
                                                     std::string_view prefix = "");
    // The same among local branches (draftsmith run --local).
    std::vector<RequestBranch> find_local_request_branches(const RequestId& request,
                                                           std::string_view prefix = "") const;

private:
    explicit Repository(std::shared_ptr<RepositoryState> state);
    PushReport push(const RemoteAccess& access, const std::vector<BranchPush>& branches,
                    const RequestId* owner);
    std::shared_ptr<RepositoryState> m_state;
};

} // namespace draftsmith::git
