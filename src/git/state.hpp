#pragma once
// Internal to git/: what a Repository and its TreeReaders share.

#include "draftsmith/git/library.hpp"

#include <mutex>
#include <string>
#include <string_view>

#include "handles.hpp"

namespace draftsmith::git {

struct RepositoryState {
    Library library;  // first member: libgit2 outlives the handles below
    std::mutex mutex; // libgit2 objects are not for concurrent use
    handle::Repository repo;
};

// Held while libgit2's strict hash verification, a process-wide option, is
// off (shallow.cpp, TreeReader's reads): whoever holds it turns it back on.
std::mutex& hash_verification_mutex();

// Lookups under the caller's lock; throw GitError naming the object.
handle::Commit lookup_commit(git_repository* repo, std::string_view commit_id);
handle::Tree lookup_tree(git_repository* repo, const git_oid& tree_id);

} // namespace draftsmith::git
