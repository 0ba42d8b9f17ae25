#pragma once
// The read-only trees the applier works over: a working tree on disk (for
// `draftsmith apply`), an in-memory map (tests, benchmarks), and, supplied by
// git/, a commit's tree. An OverlayTree reads through an Overlay first, so
// edits accumulate over an agent's turns.
//
// Paths are normalised repository paths ("src/a.c"); see edit/paths.hpp.

#include "draftsmith/util/overlay.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace draftsmith::edit {

class BaseTree {
public:
    virtual ~BaseTree() = default;
    // The file's bytes; nullopt when there is no regular file at `path`.
    virtual std::optional<std::string> read(std::string_view path) const = 0;
    // True when something (file, folder, symlink) is at `path`.
    virtual bool exists(std::string_view path) const = 0;
    // True when `path` or one of its parent folders is a symbolic link.
    virtual bool is_symlink(std::string_view path) const = 0;
};

// A working tree on disk. Never follows a symlink out of `root`: is_symlink()
// reports any link on the way and read() refuses it.
class DiskTree : public BaseTree {
public:
    explicit DiskTree(std::filesystem::path root);
    std::optional<std::string> read(std::string_view path) const override;
    bool exists(std::string_view path) const override;
    bool is_symlink(std::string_view path) const override;
    const std::filesystem::path& root() const noexcept { return m_root; }

private:
    std::filesystem::path m_root;
};

// Files held in memory; `symlinks` names paths that are links.
class MemoryTree : public BaseTree {
public:
    MemoryTree() = default;
    explicit MemoryTree(std::map<std::string, std::string, std::less<>> files,
                        std::set<std::string, std::less<>> symlinks = {});
    std::optional<std::string> read(std::string_view path) const override;
    bool exists(std::string_view path) const override;
    bool is_symlink(std::string_view path) const override;
    void set(std::string path, std::string bytes) { m_files[std::move(path)] = std::move(bytes); }

private:
    std::map<std::string, std::string, std::less<>> m_files;
    std::set<std::string, std::less<>> m_symlinks;
};

// `overlay` over `base`: a path in the overlay reads as its new bytes (or as
// absent when deleted); every other path reads from `base`. Both must outlive it.
class OverlayTree : public BaseTree {
public:
    OverlayTree(const BaseTree& base, const Overlay& overlay);
    std::optional<std::string> read(std::string_view path) const override;
    bool exists(std::string_view path) const override;
    bool is_symlink(std::string_view path) const override;

private:
    const BaseTree& m_base;
    const Overlay& m_overlay;
};

} // namespace draftsmith::edit
