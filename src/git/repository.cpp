#include "draftsmith/git/repository.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "state.hpp"

namespace draftsmith::git {

handle::Commit lookup_commit(git_repository* repo, std::string_view commit_id)
{
    const git_oid oid = to_oid(commit_id);
    git_commit* commit = nullptr;
    check(git_commit_lookup(&commit, repo, &oid), fmt::format("read commit {}", commit_id));
    return handle::Commit(commit);
}

handle::Tree lookup_tree(git_repository* repo, const git_oid& tree_id)
{
    git_tree* tree = nullptr;
    check(git_tree_lookup(&tree, repo, &tree_id), fmt::format("read tree {}", to_hex(tree_id)));
    return handle::Tree(tree);
}

namespace {

// The entry at `path` in `tree`, or null when there is none.
handle::TreeEntry entry_at(git_tree* tree, std::string_view path)
{
    if (path.empty()) {
        return nullptr;
    }
    git_tree_entry* entry = nullptr;
    const std::string owned(path);
    const int code = git_tree_entry_bypath(&entry, tree, owned.c_str());
    if (code == GIT_ENOTFOUND) {
        git_error_clear();
        return nullptr;
    }
    check(code, fmt::format("look up '{}'", path));
    return handle::TreeEntry(entry);
}

struct ListedFile {
    std::string path;
    git_oid id;
    git_filemode_t mode;
};

int collect_files(const char* root, const git_tree_entry* entry, void* payload)
{
    const git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
        mode == GIT_FILEMODE_LINK) {
        auto& files = *static_cast<std::vector<ListedFile>*>(payload);
        std::string path(root);
        path += git_tree_entry_name(entry);
        files.push_back({std::move(path), *git_tree_entry_id(entry), mode});
    }
    return 0;
}

} // namespace

// The tree's files with their blob ids, so a read of a listed file needs no
// walk from the root tree.
struct ListedFiles {
    bool listed = false;
    std::vector<std::string> paths; // sorted
    std::vector<git_oid> ids;       // ids[i] is paths[i]'s
    std::vector<git_filemode_t> modes;

    // The index of `path` in paths, or nullopt.
    std::optional<std::size_t> find(std::string_view path) const
    {
        const auto at = std::lower_bound(paths.begin(), paths.end(), path);
        if (at == paths.end() || *at != path) {
            return std::nullopt;
        }
        return static_cast<std::size_t>(at - paths.begin());
    }
};

// ---- TreeReader ----------------------------------------------------------

TreeReader::TreeReader(std::shared_ptr<RepositoryState> state, std::string commit, std::string tree)
    : m_state(std::move(state))
    , m_commit(std::move(commit))
    , m_tree(std::move(tree))
    , m_files(std::make_shared<ListedFiles>())
{
}

std::optional<std::string> TreeReader::read_entry(std::string_view path, bool link) const
{
    git_oid id;
    {
        // Only the lookup is under the repository's lock; the blob is read
        // through a handle of this thread's own (read_blob), so variants
        // and a search's workers read at once.
        const std::lock_guard lock(m_state->mutex);
        if (const auto listed = m_files->find(path)) {
            if ((m_files->modes[*listed] == GIT_FILEMODE_LINK) != link) {
                return std::nullopt;
            }
            id = m_files->ids[*listed];
        } else {
            const auto tree = lookup_tree(m_state->repo.get(), to_oid(m_tree));
            const auto entry = entry_at(tree.get(), path);
            if (!entry || git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB ||
                (git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_LINK) != link) {
                return std::nullopt;
            }
            id = *git_tree_entry_id(entry.get());
        }
    }
    return read_blob(*m_state, id, fmt::format("read '{}' at {}", path, m_commit.substr(0, 12)));
}

std::optional<std::string> TreeReader::read(std::string_view path) const
{
    return read_entry(path, false);
}

std::optional<std::string> TreeReader::link_target(std::string_view path) const
{
    return read_entry(path, true);
}

bool TreeReader::exists(std::string_view path) const
{
    const std::lock_guard lock(m_state->mutex);
    const auto tree = lookup_tree(m_state->repo.get(), to_oid(m_tree));
    return entry_at(tree.get(), path) != nullptr;
}

bool TreeReader::is_symlink(std::string_view path) const
{
    const std::lock_guard lock(m_state->mutex);
    const auto tree = lookup_tree(m_state->repo.get(), to_oid(m_tree));
    for (std::size_t end = path.find('/');; end = path.find('/', end + 1)) {
        const auto entry = entry_at(tree.get(), path.substr(0, end));
        if (!entry) {
            return false;
        }
        if (git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_LINK) {
            return true;
        }
        if (end == std::string_view::npos) {
            return false;
        }
    }
}

bool TreeReader::is_executable(std::string_view path) const
{
    const std::lock_guard lock(m_state->mutex);
    const auto tree = lookup_tree(m_state->repo.get(), to_oid(m_tree));
    const auto entry = entry_at(tree.get(), path);
    return entry && git_tree_entry_filemode(entry.get()) == GIT_FILEMODE_BLOB_EXECUTABLE;
}

std::vector<std::string> TreeReader::list_files() const
{
    const std::lock_guard lock(m_state->mutex);
    if (!m_files->listed) {
        const auto tree = lookup_tree(m_state->repo.get(), to_oid(m_tree));
        std::vector<ListedFile> files;
        check(git_tree_walk(tree.get(), GIT_TREEWALK_PRE, collect_files, &files),
              fmt::format("list the files of {}", m_commit.substr(0, 12)));
        std::sort(files.begin(), files.end(),
                  [](const ListedFile& a, const ListedFile& b) { return a.path < b.path; });
        ListedFiles listed;
        listed.listed = true;
        listed.paths.reserve(files.size());
        listed.ids.reserve(files.size());
        listed.modes.reserve(files.size());
        for (auto& file : files) {
            listed.paths.push_back(std::move(file.path));
            listed.ids.push_back(file.id);
            listed.modes.push_back(file.mode);
        }
        *m_files = std::move(listed);
    }
    return m_files->paths;
}

// ---- Repository ------------------------------------------------------------

Repository::Repository(std::shared_ptr<RepositoryState> state)
    : m_state(std::move(state))
{
}

Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Repository Repository::open(const std::filesystem::path& path, Discover discover)
{
    auto state = std::make_shared<RepositoryState>();
    git_repository* repo = nullptr;
    const unsigned flags = discover == Discover::exact ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0;
    check(git_repository_open_ext(&repo, path.c_str(), flags, nullptr),
          fmt::format("open the git repository at {}", path.string()));
    state->repo.reset(repo);
    return Repository(std::move(state));
}

std::filesystem::path Repository::git_dir() const
{
    const std::lock_guard lock(m_state->mutex);
    return git_repository_path(m_state->repo.get());
}

bool Repository::is_shallow() const
{
    const std::lock_guard lock(m_state->mutex);
    return check(git_repository_is_shallow(m_state->repo.get()), "check for a shallow clone") == 1;
}

std::optional<std::string> Repository::find_commit(std::string_view rev) const
{
    const std::lock_guard lock(m_state->mutex);
    git_object* object = nullptr;
    const std::string owned(rev);
    const int code = git_revparse_single(&object, m_state->repo.get(), owned.c_str());
    if (code == GIT_ENOTFOUND || code == GIT_EAMBIGUOUS) {
        git_error_clear();
        return std::nullopt;
    }
    check(code, fmt::format("resolve '{}'", rev));
    const handle::Object owned_object(object);
    git_object* peeled = nullptr;
    const int peel_code = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT);
    if (peel_code == GIT_ENOTFOUND || peel_code == GIT_EINVALIDSPEC || peel_code == GIT_EPEEL) {
        git_error_clear();
        return std::nullopt;
    }
    check(peel_code, fmt::format("resolve '{}' to a commit", rev));
    const handle::Object owned_peeled(peeled);
    return to_hex(*git_object_id(peeled));
}

std::string Repository::find_or_fetch_commit(std::string_view rev, const RemoteAccess& access,
                                             std::string_view fetch_ref)
{
    if (auto found = find_commit(rev)) {
        return *found;
    }
    return fetch_commit(access, fetch_ref);
}

TreeReader Repository::tree(std::string_view commit) const
{
    const std::lock_guard lock(m_state->mutex);
    const auto found = lookup_commit(m_state->repo.get(), commit);
    auto tree = to_hex(*git_commit_tree_id(found.get()));
    // Every reader of a tree shares its file list: a reader whose list
    // another one made reads a listed file by its id instead of walking the
    // trees to it (at 100,000 files, that walk inflated folders four times
    // the size of the file read, and took most of a search's time).
    auto& files = m_state->listed_files[tree];
    TreeReader reader(m_state, to_hex(*git_commit_id(found.get())), std::move(tree));
    if (files) {
        reader.m_files = files;
    } else {
        files = reader.m_files;
    }
    return reader;
}

std::string Repository::tree_id(std::string_view commit) const
{
    const std::lock_guard lock(m_state->mutex);
    return to_hex(*git_commit_tree_id(lookup_commit(m_state->repo.get(), commit).get()));
}

std::string Repository::message(std::string_view commit) const
{
    const std::lock_guard lock(m_state->mutex);
    return git_commit_message(lookup_commit(m_state->repo.get(), commit).get());
}

std::optional<std::string> Repository::checked_out_branch() const
{
    const std::lock_guard lock(m_state->mutex);
    if (git_repository_is_bare(m_state->repo.get())) {
        return std::nullopt;
    }
    git_reference* head = nullptr;
    const int code = git_repository_head(&head, m_state->repo.get());
    if (code == GIT_EUNBORNBRANCH || code == GIT_ENOTFOUND) {
        git_error_clear();
        return std::nullopt;
    }
    check(code, "read HEAD");
    const handle::Reference owned(head);
    if (!git_reference_is_branch(head)) {
        return std::nullopt;
    }
    return std::string(git_reference_shorthand(head));
}

std::optional<std::string> Repository::branch_tip(std::string_view branch) const
{
    const std::lock_guard lock(m_state->mutex);
    git_oid oid;
    const std::string ref = fmt::format("refs/heads/{}", branch);
    const int code = git_reference_name_to_id(&oid, m_state->repo.get(), ref.c_str());
    if (code == GIT_ENOTFOUND) {
        git_error_clear();
        return std::nullopt;
    }
    check(code, fmt::format("read branch '{}'", branch));
    return to_hex(oid);
}

bool Repository::move_branch(std::string_view branch, std::string_view commit,
                             const std::optional<std::string>& expected_tip)
{
    const std::lock_guard lock(m_state->mutex);
    const std::string ref = fmt::format("refs/heads/{}", branch);
    const std::string operation =
        fmt::format("point branch '{}' at {}", branch, commit.substr(0, 12));
    if (!git_reference_is_valid_name(ref.c_str())) {
        throw_git_failure(fmt::format("create branch '{}'", branch), "not a valid branch name");
    }
    const git_oid oid = to_oid(commit);
    git_reference* updated = nullptr;
    int code = 0;
    if (expected_tip) {
        const git_oid expected = to_oid(*expected_tip);
        code = git_reference_create_matching(&updated, m_state->repo.get(), ref.c_str(), &oid, 1,
                                             &expected, "draftsmith: commit");
    } else {
        code = git_reference_create(&updated, m_state->repo.get(), ref.c_str(), &oid, 0,
                                    "draftsmith: commit");
    }
    if (code == GIT_EMODIFIED || code == GIT_EEXISTS || code == GIT_ENOTFOUND) {
        git_error_clear();
        return false;
    }
    check(code, operation);
    git_reference_free(updated);
    return true;
}

bool Repository::set_branch(std::string_view branch, std::string_view commit,
                            const RequestId& owner)
{
    if (const auto tip = branch_tip(branch)) {
        if (*tip == commit) {
            return true;
        }
        if (parse_trailers(message(*tip)).request != owner) {
            return false;
        }
    }
    const std::lock_guard lock(m_state->mutex);
    const std::string ref = fmt::format("refs/heads/{}", branch);
    if (!git_reference_is_valid_name(ref.c_str())) {
        throw_git_failure(fmt::format("create branch '{}'", branch), "not a valid branch name");
    }
    const git_oid oid = to_oid(commit);
    git_reference* created = nullptr;
    check(git_reference_create(&created, m_state->repo.get(), ref.c_str(), &oid, 1,
                               fmt::format("draftsmith: {}", owner.to_string()).c_str()),
          fmt::format("point branch '{}' at {}", branch, commit.substr(0, 12)));
    git_reference_free(created);
    return true;
}

} // namespace draftsmith::git
