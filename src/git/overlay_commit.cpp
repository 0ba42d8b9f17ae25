// Commits from an overlay, without an index or a working tree.
//
// The overlay's paths are grouped into a small tree of changed folders; each
// changed folder gets a git_treebuilder seeded from the base's folder, its
// changed entries are replaced or removed, and its changed subfolders are
// written first (depth first). Unchanged subtrees keep their ids because the
// builder copies their entries as they are. The cost is O(changed paths x
// depth x folder width), independent of the number of files in the
// repository: no full index is ever built.

#include "draftsmith/git/repository.hpp"
#include "draftsmith/util/git_path.hpp"

#include <fmt/format.h>

#include <map>

#include "state.hpp"

namespace draftsmith::git {
namespace {

struct ChangedFolder {
    std::map<std::string, ChangedFolder, std::less<>> folders;
    std::map<std::string, const std::optional<std::string>*, std::less<>> files;
};

[[noreturn]] void bad_path(std::string_view path, std::string_view why)
{
    throw Error(ErrorCategory::input, fmt::format("cannot commit '{}': {}", path, why));
}

std::vector<std::string_view> split_path(std::string_view path)
{
    if (path.empty()) {
        bad_path(path, "empty path");
    }
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const auto slash = path.find('/', start);
        const auto part =
            path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (part.empty() || part == "." || part == "..") {
            bad_path(path, "not a normalised repository path (empty, '.' or '..' part)");
        }
        if (part == ".git" || part.find('\0') != std::string_view::npos) {
            bad_path(path, "paths inside .git cannot be committed");
        }
        // The last line of defence for every path we commit: whatever the
        // caller checked, no spelling git itself refuses enters a tree.
        if (const auto refused = git_path::refusal(part)) {
            bad_path(path, fmt::format("'{}' cannot be committed: {}", part, *refused));
        }
        parts.push_back(part);
        if (slash == std::string_view::npos) {
            return parts;
        }
        start = slash + 1;
    }
}

ChangedFolder group_by_folder(const Overlay& overlay)
{
    ChangedFolder root;
    for (const auto& [path, bytes] : overlay) {
        const auto parts = split_path(path);
        ChangedFolder* folder = &root;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            if (folder->files.contains(parts[i])) {
                bad_path(path, fmt::format("'{}' is also written as a file", parts[i]));
            }
            folder = &folder->folders[std::string(parts[i])];
        }
        if (folder->folders.contains(parts.back()) && bytes) {
            bad_path(path, "it is also written as a folder");
        }
        folder->files[std::string(parts.back())] = &bytes;
    }
    return root;
}

class OverlayWriter {
public:
    explicit OverlayWriter(git_repository* repo)
        : m_repo(repo)
    {
    }

    // Writes `changes` over `base` (null: a new folder); returns the new
    // folder's id, or nullopt when it ended up empty.
    std::optional<git_oid> write(const git_tree* base, const ChangedFolder& changes,
                                 const std::string& prefix)
    {
        git_treebuilder* raw = nullptr;
        check(git_treebuilder_new(&raw, m_repo, base), fmt::format("edit folder '{}'", prefix));
        const handle::TreeBuilder builder(raw);

        for (const auto& [name, bytes] : changes.files) {
            write_file(builder.get(), name, *bytes, prefix + name);
        }
        for (const auto& [name, subchanges] : changes.folders) {
            write_folder(builder.get(), name, subchanges, prefix + name);
        }

        if (git_treebuilder_entrycount(builder.get()) == 0 && !prefix.empty()) {
            return std::nullopt;
        }
        git_oid written;
        check(git_treebuilder_write(&written, builder.get()),
              fmt::format("write folder '{}'", prefix.empty() ? "/" : prefix));
        return written;
    }

private:
    // The file `name` in the folder being built: its new bytes (keeping an
    // executable bit), or removed (`bytes` nullopt).
    void write_file(git_treebuilder* builder, const std::string& name,
                    const std::optional<std::string>& bytes, const std::string& path)
    {
        const git_tree_entry* existing = git_treebuilder_get(builder, name.c_str());
        if (!bytes) {
            if (existing) {
                check(git_treebuilder_remove(builder, name.c_str()),
                      fmt::format("delete '{}'", path));
            }
            return;
        }
        git_filemode_t mode = GIT_FILEMODE_BLOB;
        if (existing) {
            const git_filemode_t old_mode = git_tree_entry_filemode(existing);
            if (old_mode == GIT_FILEMODE_TREE) {
                bad_path(path, "it is a folder in the base commit");
            }
            if (old_mode == GIT_FILEMODE_COMMIT) {
                bad_path(path, "it is a submodule in the base commit");
            }
            if (old_mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
                mode = old_mode;
            }
            // A symlink given bytes becomes a regular file: the edit
            // engine refuses to edit through symlinks (TreeReader::is_symlink).
        }
        git_oid blob;
        check(git_blob_create_from_buffer(&blob, m_repo, bytes->data(), bytes->size()),
              fmt::format("store '{}'", path));
        check(git_treebuilder_insert(nullptr, builder, name.c_str(), &blob, mode),
              fmt::format("add '{}'", path));
    }

    // The subfolder `name`, written with its changes; removed when it ends up empty.
    void write_folder(git_treebuilder* builder, const std::string& name,
                      const ChangedFolder& subchanges, const std::string& path)
    {
        const git_tree_entry* existing = git_treebuilder_get(builder, name.c_str());
        handle::Tree subtree;
        if (existing) {
            if (git_tree_entry_filemode(existing) != GIT_FILEMODE_TREE) {
                bad_path(path + "/", fmt::format("'{}' is a file in the base commit", path));
            }
            subtree = lookup_tree(m_repo, *git_tree_entry_id(existing));
        }
        const auto written = write(subtree.get(), subchanges, path + "/");
        if (written) {
            check(git_treebuilder_insert(nullptr, builder, name.c_str(), &*written,
                                         GIT_FILEMODE_TREE),
                  fmt::format("add folder '{}'", path));
        } else if (existing) {
            check(git_treebuilder_remove(builder, name.c_str()),
                  fmt::format("remove folder '{}'", path));
        }
    }

private:
    git_repository* m_repo;
};

handle::Signature signature(const Person& person, std::string_view role)
{
    git_signature* raw = nullptr;
    check(git_signature_now(&raw, person.name.c_str(), person.email.c_str()),
          fmt::format("make the {} signature '{} <{}>'", role, person.name, person.email));
    return handle::Signature(raw);
}

} // namespace

std::string Repository::commit_overlay(std::string_view base, const Overlay& overlay,
                                       const CommitSpec& spec)
{
    const ChangedFolder changes = group_by_folder(overlay);
    const CommitIdentity identity = resolve_identity(spec);
    const std::string message = compose_message(spec);

    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto parent = lookup_commit(repo, base);
    const auto base_tree = lookup_tree(repo, *git_commit_tree_id(parent.get()));

    const auto tree_oid = OverlayWriter(repo).write(base_tree.get(), changes, "");
    const auto tree = lookup_tree(repo, *tree_oid);
    const auto author = signature(identity.author, "author");
    const auto committer = signature(identity.committer, "committer");

    const git_commit* parents[] = {parent.get()};
    git_oid commit;
    check(git_commit_create(&commit, repo, nullptr, author.get(), committer.get(), nullptr,
                            message.c_str(), tree.get(), 1, parents),
          fmt::format("commit onto {}", base.substr(0, 12)));
    return to_hex(commit);
}

} // namespace draftsmith::git
