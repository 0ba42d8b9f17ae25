// Fetching: a commit to build on (whole tree), or just enough of other
// branches' tips to read whose they are; in shallow clones by the cheapest
// way that works (see shallow.hpp). Also finding a request's earlier
// branches, on the remote and locally.

#include "draftsmith/git/repository.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "remote_session.hpp"
#include "shallow.hpp"
#include "state.hpp"

namespace draftsmith::git {
namespace {

git_fetch_options fetch_options(Session& session, const CustomHeaders& headers)
{
    git_fetch_options options;
    git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION);
    options.callbacks = callbacks_for(session);
    options.proxy_opts = proxy_options();
    options.update_fetchhead = 0;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    options.custom_headers = *headers.get();
    return options;
}

// A temporary folder inside .git, removed with everything in it.
class ScratchFolder {
public:
    explicit ScratchFolder(const std::filesystem::path& parent)
    {
        std::string pattern = (parent / "draftsmith-fetch-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw_git_failure("fetch",
                              fmt::format("cannot create a folder in {}", parent.string()));
        }
        m_path = pattern;
    }
    ~ScratchFolder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

// See shallow.hpp: a shallow clone can vouch for no history, so it fetches
// like an empty repository and takes the packs over.
void fetch_without_haves(git_repository* repo, git_remote* remote,
                         const std::vector<std::string>& refspecs, Session& session,
                         const CustomHeaders& headers, const std::string& operation)
{
    const std::filesystem::path common = git_repository_commondir(repo);
    const ScratchFolder scratch(common);
    git_repository* raw = nullptr;
    check(git_repository_init(&raw, scratch.path().c_str(), 1), operation);
    const handle::Repository empty(raw);
    git_remote* raw_remote = nullptr;
    check(git_remote_create_anonymous(&raw_remote, empty.get(), git_remote_url(remote)), operation);
    const handle::Remote fresh(raw_remote);
    const git_fetch_options options = fetch_options(session, headers);
    const StrArray specs(refspecs);
    check_remote(git_remote_fetch(fresh.get(), specs.get(), &options, "draftsmith: fetch"),
                 operation, session);

    // Move the objects over: packs (with their indexes), and loose objects if any.
    const auto from = scratch.path() / "objects";
    const auto to = common / "objects";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(from)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const auto relative = std::filesystem::relative(entry.path(), from);
        const auto target = to / relative;
        std::error_code error;
        if (std::filesystem::exists(target, error)) {
            continue;
        }
        std::filesystem::create_directories(target.parent_path(), error);
        std::filesystem::rename(entry.path(), target, error);
        if (error) {
            throw_git_failure(operation,
                              fmt::format("cannot move {} into {}: {}", relative.string(),
                                          to.string(), error.message()));
        }
    }
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), operation);
    const handle::Odb odb(raw_odb);
    check(git_odb_refresh(odb.get()), operation);
}

constexpr std::size_t k_max_holes = 20000; // more missing objects: fetch everything

bool has_object(git_repository* repo, const git_oid& oid)
{
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, repo), "open the object database");
    const handle::Odb odb(raw);
    return git_odb_exists(odb.get(), &oid) == 1;
}

void collect_missing(git_repository* repo, const git_oid& tree_id,
                     std::vector<std::string>& missing)
{
    if (missing.size() >= k_max_holes) {
        return;
    }
    if (!has_object(repo, tree_id)) {
        missing.push_back(to_hex(tree_id));
        return;
    }
    const auto tree = lookup_tree(repo, tree_id);
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
        const git_object_t type = git_tree_entry_type(entry);
        if (type == GIT_OBJECT_TREE) {
            collect_missing(repo, *git_tree_entry_id(entry), missing);
        } else if (type == GIT_OBJECT_BLOB && !has_object(repo, *git_tree_entry_id(entry))) {
            missing.push_back(to_hex(*git_tree_entry_id(entry)));
        }
    }
}

// The objects of `id`'s tree (id: a commit or a tag of one) that are not
// here; {id} when `id` itself is not. At most k_max_holes.
std::vector<std::string> missing_objects(git_repository* repo, const std::string& id)
{
    const git_oid oid = to_oid(id);
    if (!has_object(repo, oid)) {
        return {id};
    }
    git_object* object = nullptr;
    check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), fmt::format("read {}", id));
    const handle::Object owned(object);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) < 0) {
        git_error_clear();
        return {};
    }
    const handle::Object owned_peeled(peeled);
    std::vector<std::string> missing;
    const git_oid* tree = git_commit_tree_id(reinterpret_cast<git_commit*>(peeled));
    collect_missing(repo, *tree, missing);
    return missing;
}

// Fetches through the stand-in view (shallow.hpp), claiming what a depth-1
// clone has as "haves", so the server sends little. Throws like a fetch.
void fetch_through_view(git_repository* repo, git_remote* remote, const StrArray& specs,
                        Session& session, const CustomHeaders& headers,
                        const std::string& operation)
{
    const ShallowPushView view(repo);
    git_remote* raw = nullptr;
    check(git_remote_create_anonymous(&raw, view.get(), git_remote_url(remote)), operation);
    const handle::Remote through_view(raw);
    const git_fetch_options options = fetch_options(session, headers);
    check_remote(git_remote_fetch(through_view.get(), specs.get(), &options, "draftsmith: fetch"),
                 operation, session);
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), operation);
    const handle::Odb odb(raw_odb);
    check(git_odb_refresh(odb.get()), operation);
}

// True for failures worth another way of fetching (not credentials, not a
// deadline, not a stop).
bool worth_retrying(const GitError& error, const Session& session)
{
    return error.code() != GIT_EAUTH && session.credential_failure.empty() && !session.timed_out;
}

// In a shallow clone (see shallow.hpp), the cheap way first:
//   1. fetch claiming the clone's commits as haves (through the stand-in view);
//      enough for message_only;
//   2. for whole_tree, the server left out what it believes we have from
//      history (older versions of files): fetch exactly those objects by id
//      without haves, when the server allows fetching by id;
//   3. otherwise fetch without haves: the ref's whole history.
void fetch_into_shallow(git_repository* repo, git_remote* remote,
                        const std::vector<std::string>& refspecs, Session& session,
                        const CustomHeaders& headers, FetchNeed need,
                        const std::optional<std::string>& expected, const std::string& operation)
{
    const StrArray specs(refspecs);
    try {
        fetch_through_view(repo, remote, specs, session, headers, operation);
        if (need == FetchNeed::message_only || !expected) {
            return;
        }
        const auto holes = missing_objects(repo, *expected);
        if (holes.empty()) {
            return;
        }
        if (holes.size() < k_max_holes) {
            log::debug("{}: {} object(s) the server assumed we had; fetching them by id", operation,
                       holes.size());
            fetch_without_haves(repo, remote, holes, session, headers, operation);
            if (missing_objects(repo, *expected).empty()) {
                return;
            }
        }
    } catch (const GitError& e) {
        if (!worth_retrying(e, session)) {
            throw;
        }
        log::debug("{}: fetching the whole history after: {}", operation, e.what());
    }
    fetch_without_haves(repo, remote, refspecs, session, headers, operation);
}

bool is_full_id(std::string_view text)
{
    return text.size() == GIT_OID_HEXSZ &&
           text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

} // namespace

void fetch_refspecs(git_repository* repo, git_remote* remote,
                    const std::vector<std::string>& refspecs, Session& session,
                    const CustomHeaders& headers, FetchNeed need,
                    const std::optional<std::string>& expected)
{
    const std::string operation =
        fmt::format("fetch {} from {}", fmt::join(refspecs, ", "), remote_label(remote));
    if (check(git_repository_is_shallow(repo), "check for a shallow clone") == 1) {
        fetch_into_shallow(repo, remote, refspecs, session, headers, need, expected, operation);
        return;
    }
    const StrArray specs(refspecs);
    const git_fetch_options options = fetch_options(session, headers);
    check_remote(git_remote_fetch(remote, specs.get(), &options, "draftsmith: fetch"), operation,
                 session);
}

bool has_object(git_repository* repo, const std::string& id)
{
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, repo), "open the object database");
    const handle::Odb odb(raw);
    const git_oid oid = to_oid(id);
    return git_odb_exists(odb.get(), &oid) == 1;
}

// ---- fetch ------------------------------------------------------------------

std::string Repository::fetch_commit(const RemoteAccess& access, std::string_view ref)
{
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto remote = open_remote(repo, access);
    auto session = Session::for_remote(access, remote.get());
    const CustomHeaders headers(access);

    std::string wanted(ref);
    std::string commit;
    if (is_full_id(ref)) {
        commit = wanted;
    } else {
        const auto refs = list_remote(remote.get(), session, headers);
        for (const std::string& candidate :
             {wanted, "refs/heads/" + wanted, "refs/tags/" + wanted, "refs/" + wanted}) {
            if (const auto it = refs.find(candidate); it != refs.end()) {
                wanted = candidate;
                commit = it->second;
                break;
            }
        }
        if (commit.empty()) {
            throw_git_failure(fmt::format("fetch {} from {}", ref, remote_label(remote.get())),
                              "the remote has no such ref");
        }
    }
    if (!has_object(repo, commit)) {
        fetch_refspecs(repo, remote.get(), {wanted}, session, headers, FetchNeed::whole_tree,
                       commit);
    }
    if (!has_object(repo, commit)) {
        throw_git_failure(fmt::format("fetch {} from {}", ref, remote_label(remote.get())),
                          fmt::format("the server did not send commit {}", commit));
    }
    // Peel an annotated tag to its commit.
    git_object* object = nullptr;
    const git_oid oid = to_oid(commit);
    check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), fmt::format("read {}", commit));
    const handle::Object owned(object);
    git_object* peeled = nullptr;
    check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT),
          fmt::format("{} ({}) is not a commit", ref, commit.substr(0, 12)));
    const handle::Object owned_peeled(peeled);
    return to_hex(*git_object_id(peeled));
}

// ---- finding earlier work ----------------------------------------------------

std::vector<RequestBranch> Repository::find_request_branches(const RemoteAccess& access,
                                                             const RequestId& request,
                                                             std::string_view prefix)
{
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto remote = open_remote(repo, access);
    auto session = Session::for_remote(access, remote.get());
    const CustomHeaders headers(access);

    const std::string wanted_prefix = "refs/heads/" + std::string(prefix);
    std::vector<std::pair<std::string, std::string>> candidates; // ref, tip
    std::vector<std::string> missing;
    for (const auto& [ref, tip] : list_remote(remote.get(), session, headers)) {
        if (!ref.starts_with(wanted_prefix)) {
            continue;
        }
        candidates.emplace_back(ref, tip);
        if (!has_object(repo, tip)) {
            missing.push_back(ref);
        }
    }
    if (!missing.empty()) {
        fetch_refspecs(repo, remote.get(), missing, session, headers, FetchNeed::message_only);
    }
    std::vector<RequestBranch> found;
    for (const auto& [ref, tip] : candidates) {
        if (!has_object(repo, tip)) {
            continue; // the server did not send it: not readable, so not provably ours
        }
        git_object* object = nullptr;
        const git_oid oid = to_oid(tip);
        check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), fmt::format("read {}", ref));
        const handle::Object owned(object);
        if (git_object_type(object) != GIT_OBJECT_COMMIT) {
            continue;
        }
        const auto trailers =
            parse_trailers(git_commit_message(reinterpret_cast<git_commit*>(object)));
        if (trailers.request == request) {
            found.push_back(
                {ref.substr(std::string_view("refs/heads/").size()), tip, trailers.variant});
        }
    }
    return found;
}

std::vector<RequestBranch> Repository::find_local_request_branches(const RequestId& request,
                                                                   std::string_view prefix) const
{
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    git_reference_iterator* raw = nullptr;
    const std::string glob = "refs/heads/" + std::string(prefix) + "*";
    check(git_reference_iterator_glob_new(&raw, repo, glob.c_str()), "list local branches");
    const std::unique_ptr<git_reference_iterator, Free<git_reference_iterator_free>> iterator(raw);
    std::vector<RequestBranch> found;
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, iterator.get()) == 0) {
        const handle::Reference owned(ref);
        git_object* object = nullptr;
        if (git_reference_peel(&object, ref, GIT_OBJECT_COMMIT) < 0) {
            git_error_clear();
            continue;
        }
        const handle::Object owned_object(object);
        const auto trailers =
            parse_trailers(git_commit_message(reinterpret_cast<git_commit*>(object)));
        if (trailers.request == request) {
            found.push_back(
                {git_reference_shorthand(ref), to_hex(*git_object_id(object)), trailers.variant});
        }
    }
    git_error_clear();
    return found;
}

} // namespace draftsmith::git
