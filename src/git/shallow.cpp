#include "shallow.hpp"

#include <fmt/format.h>
#include <git2/sys/odb_backend.h>

#include <cstring>
#include <fstream>
#include <string>

#include "state.hpp"

namespace draftsmith::git {
namespace {

// A root commit with the empty tree; what the stand-ins contain.
constexpr std::string_view k_stand_in =
    "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
    "author draftsmith <draftsmith@localhost> 0 +0000\n"
    "committer draftsmith <draftsmith@localhost> 0 +0000\n"
    "\n"
    "draftsmith: stand-in for a commit beyond the shallow boundary\n";

struct StandInBackend {
    git_odb_backend parent; // first member: libgit2 sees a git_odb_backend*
    std::vector<git_oid> ids;

    static StandInBackend* of(git_odb_backend* backend)
    {
        return reinterpret_cast<StandInBackend*>(backend);
    }

    bool has(const git_oid* id) const
    {
        for (const auto& candidate : ids) {
            if (git_oid_equal(&candidate, id)) {
                return true;
            }
        }
        return false;
    }

    static int read(void** data, size_t* length, git_object_t* type, git_odb_backend* backend,
                    const git_oid* id)
    {
        if (!of(backend)->has(id)) {
            return GIT_ENOTFOUND;
        }
        void* buffer = git_odb_backend_data_alloc(backend, k_stand_in.size());
        if (!buffer) {
            return -1;
        }
        std::memcpy(buffer, k_stand_in.data(), k_stand_in.size());
        *data = buffer;
        *length = k_stand_in.size();
        *type = GIT_OBJECT_COMMIT;
        return 0;
    }

    static int read_header(size_t* length, git_object_t* type, git_odb_backend* backend,
                           const git_oid* id)
    {
        if (!of(backend)->has(id)) {
            return GIT_ENOTFOUND;
        }
        *length = k_stand_in.size();
        *type = GIT_OBJECT_COMMIT;
        return 0;
    }

    static int exists(git_odb_backend* backend, const git_oid* id)
    {
        return of(backend)->has(id) ? 1 : 0;
    }

    static void free(git_odb_backend* backend) { delete of(backend); }
};

} // namespace

std::vector<git_oid> missing_shallow_parents(git_repository* repo)
{
    std::vector<git_oid> missing;
    std::ifstream shallow(std::string(git_repository_commondir(repo)) + "shallow");
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), "open the object database");
    const handle::Odb odb(raw_odb);
    std::string line;
    while (std::getline(shallow, line)) {
        git_oid boundary;
        if (line.size() < GIT_OID_HEXSZ ||
            git_oid_fromstrn(&boundary, line.data(), GIT_OID_HEXSZ) < 0) {
            git_error_clear();
            continue;
        }
        git_commit* commit = nullptr;
        if (git_commit_lookup(&commit, repo, &boundary) < 0) {
            git_error_clear(); // listed but absent: nothing to stand in for
            continue;
        }
        const handle::Commit owned(commit);
        for (unsigned i = 0; i < git_commit_parentcount(commit); ++i) {
            const git_oid* parent = git_commit_parent_id(commit, i);
            if (!git_odb_exists(odb.get(), parent)) {
                missing.push_back(*parent);
            }
        }
    }
    return missing;
}

std::mutex& hash_verification_mutex()
{
    static std::mutex mutex;
    return mutex;
}

ShallowPushView::ShallowPushView(git_repository* repo)
    : m_repo(repo)
{
    if (check(git_repository_is_shallow(repo), "check for a shallow clone") != 1) {
        return;
    }
    auto missing = missing_shallow_parents(repo);
    if (missing.empty()) {
        return;
    }
    git_repository* view = nullptr;
    check(git_repository_open_ext(&view, git_repository_path(repo), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                  nullptr),
          "open the repository again for a shallow push");
    m_view.reset(view);
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, view), "open the object database");
    const handle::Odb odb(raw_odb);

    auto backend = std::make_unique<StandInBackend>();
    check(git_odb_init_backend(&backend->parent, GIT_ODB_BACKEND_VERSION),
          "make a stand-in backend");
    backend->parent.read = StandInBackend::read;
    backend->parent.read_header = StandInBackend::read_header;
    backend->parent.exists = StandInBackend::exists;
    backend->parent.free = StandInBackend::free;
    backend->ids = std::move(missing);
    // Lowest priority: real objects always win.
    check(git_odb_add_backend(odb.get(), &backend->parent, 0), "add the stand-in backend");
    [[maybe_unused]] StandInBackend* owned_by_odb = backend.release();

    m_verification_lock = std::unique_lock(hash_verification_mutex());
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

ShallowPushView::~ShallowPushView()
{
    if (m_verification_lock.owns_lock()) {
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
    }
}

} // namespace draftsmith::git
