#pragma once
// Internal to git/: what a Repository and its TreeReaders share.

#include "draftsmith/git/library.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handles.hpp"

namespace draftsmith::git {

// A second handle on the repository, for reading blobs without the
// repository's lock (blob_reads.cpp).
struct ReadHandle {
    handle::Repository repo;
    handle::Odb odb;
};

struct ListedFiles;

struct RepositoryState {
    Library library;  // first member: libgit2 outlives the handles below
    std::mutex mutex; // libgit2 objects are not for concurrent use
    handle::Repository repo;
    // Idle read handles: one per thread reading at once, reused (libgit2
    // allows an object on one thread at a time; handles on one repository
    // share its packs, so a handle costs no second copy of them).
    // Each tree's file list (TreeReader::list_files), by tree id, for all its
    // readers; under `mutex`.
    std::map<std::string, std::shared_ptr<ListedFiles>, std::less<>> listed_files;
    std::mutex read_handles_mutex;
    std::vector<ReadHandle> read_handles;
};

// The blob `id`'s bytes, read through one of `state`'s read handles (not
// under state.mutex, so threads read at once); throws GitError naming
// `what` when the object cannot be read.
std::string read_blob(RepositoryState& state, const git_oid& id, std::string_view what);

// Turns libgit2's strict hash verification off while at least one lives
// (counted, process-wide), unless a shallow push has it off already.
class UnverifiedReads {
public:
    UnverifiedReads();
    ~UnverifiedReads();
    UnverifiedReads(const UnverifiedReads&) = delete;
    UnverifiedReads& operator=(const UnverifiedReads&) = delete;
};

// Held while libgit2's strict hash verification, a process-wide option, is
// off (shallow.cpp, TreeReader's reads): whoever holds it turns it back on.
std::mutex& hash_verification_mutex();

// Lookups under the caller's lock; throw GitError naming the object.
handle::Commit lookup_commit(git_repository* repo, std::string_view commit_id);
handle::Tree lookup_tree(git_repository* repo, const git_oid& tree_id);

} // namespace draftsmith::git
