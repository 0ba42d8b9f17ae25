#pragma once
// Internal to git/: fetch and push in shallow clones with libgit2 1.5, which
// does not know about shallow clones (support came in 1.7).
//
// Two problems, two workarounds:
// - Pushing walks from the new commits down to the remote's tips, and
//   libgit2's walk parses the parents of every commit it meets, including
//   the absent parents of a depth-1 clone's commits ("object not found").
//   ShallowPushView opens a second handle on the repository whose object
//   database answers for exactly those absent parents with a stand-in root
//   commit (no parent, the empty tree). The walk stops there; the stand-ins
//   are on the remote's side of the walk, so they are never sent when the
//   base is one of the remote's tips (the usual case: the PR's head). The
//   stand-ins do not hash to their ids, so strict hash verification is off
//   (process-wide) while the view lives. Nothing is written to disk.
// - Fetching tells the server which commits we "have", meaning their whole
//   history; a shallow clone has no such commit, so the server leaves out
//   objects we lack (older versions of files). fetch.cpp therefore fetches
//   through the same view (cheap: the server sends little), then fetches the
//   objects still missing from the wanted commit's tree by id, with no haves
//   (servers that allow reachable ids in wants: GitHub, git http-backend with
//   uploadpack.allowReachableSHA1InWant), and if that is refused fetches into
//   an empty temporary repository (no haves: the ref's whole history) and
//   moves the packs into ours.

#include <memory>
#include <mutex>
#include <vector>

#include "handles.hpp"

namespace draftsmith::git {

class ShallowPushView {
public:
    // Opens the view when `repo` is shallow; get() is then the view, else `repo`.
    explicit ShallowPushView(git_repository* repo);
    ~ShallowPushView();
    ShallowPushView(const ShallowPushView&) = delete;
    ShallowPushView& operator=(const ShallowPushView&) = delete;

    git_repository* get() const noexcept { return m_view ? m_view.get() : m_repo; }

private:
    git_repository* m_repo;
    handle::Repository m_view;
    std::unique_lock<std::mutex> m_verification_lock;
};

// The parents of the shallow boundary's commits that `repo` does not have.
std::vector<git_oid> missing_shallow_parents(git_repository* repo);

} // namespace draftsmith::git
