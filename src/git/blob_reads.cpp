// Reading blobs from several threads at once (issue 14): a search of a large
// repository reads every file, and behind the repository's one lock the
// threads would take turns. Each reading thread borrows a handle of its own
// on the same repository instead.
#include <fmt/format.h>

#include "state.hpp"

namespace draftsmith::git {
namespace {

// How many readers have verification off, and whether it was ours to turn
// off (a shallow push holding hash_verification_mutex has it off already).
std::mutex g_unverified_mutex;
std::size_t g_unverified_readers = 0;

ReadHandle open_read_handle(RepositoryState& state)
{
    std::string path;
    {
        const std::lock_guard lock(state.mutex);
        path = git_repository_path(state.repo.get());
    }
    git_repository* repo = nullptr;
    check(git_repository_open_ext(&repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
          fmt::format("open the repository at {} again for reading", path));
    ReadHandle handle;
    handle.repo.reset(repo);
    git_odb* odb = nullptr;
    check(git_repository_odb(&odb, repo), "open the object database");
    handle.odb.reset(odb);
    return handle;
}

// A read handle for one thread, given back when it goes.
class Borrowed {
public:
    explicit Borrowed(RepositoryState& state)
        : m_state(state)
    {
        {
            const std::lock_guard lock(state.read_handles_mutex);
            if (!state.read_handles.empty()) {
                m_handle = std::move(state.read_handles.back());
                state.read_handles.pop_back();
                return;
            }
        }
        m_handle = open_read_handle(state);
    }
    ~Borrowed()
    {
        const std::lock_guard lock(m_state.read_handles_mutex);
        m_state.read_handles.push_back(std::move(m_handle));
    }
    Borrowed(const Borrowed&) = delete;
    Borrowed& operator=(const Borrowed&) = delete;
    git_odb* odb() const noexcept { return m_handle.odb.get(); }

private:
    RepositoryState& m_state;
    ReadHandle m_handle;
};

} // namespace

// Safe for reading blobs of the local object database: they were verified
// when they arrived (a fetch's indexer, like git's index-pack, hashes every
// object; a commit names what it writes by its hash), and every object,
// loose or packed, is a zlib stream whose adler32 still catches corruption
// on disk. Hashing every blob again was a quarter of the CPU of a search of
// the repository. Counted, so that concurrent readers do not turn it back
// on under one another.
UnverifiedReads::UnverifiedReads()
{
    const std::lock_guard lock(g_unverified_mutex);
    if (g_unverified_readers++ == 0) {
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    }
}

UnverifiedReads::~UnverifiedReads()
{
    const std::lock_guard lock(g_unverified_mutex);
    if (--g_unverified_readers == 0) {
        // A shallow push turns it off for its whole length; leave it to it.
        std::unique_lock shallow(hash_verification_mutex(), std::try_to_lock);
        if (shallow.owns_lock()) {
            git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
        }
    }
}

std::string read_blob(RepositoryState& state, const git_oid& id, std::string_view what)
{
    const Borrowed handle(state);
    git_odb_object* object = nullptr;
    {
        const UnverifiedReads unverified;
        check(git_odb_read(&object, handle.odb(), &id), what);
    }
    const std::unique_ptr<git_odb_object, Free<git_odb_object_free>> owned(object);
    if (git_odb_object_type(object) != GIT_OBJECT_BLOB) {
        throw_git_failure(what, fmt::format("{} is no blob", to_hex(id)));
    }
    const auto* bytes = static_cast<const char*>(git_odb_object_data(object));
    return std::string(bytes, git_odb_object_size(object));
}

} // namespace draftsmith::git
