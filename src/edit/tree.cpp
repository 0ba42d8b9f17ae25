#include "draftsmith/edit/tree.hpp"

#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace draftsmith::edit {

DiskTree::DiskTree(std::filesystem::path root)
    : m_root(std::move(root))
{
}

bool DiskTree::is_symlink(std::string_view path) const
{
    std::string prefix = m_root.string();
    std::size_t start = 0;
    while (start < path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        prefix += '/';
        prefix.append(path.substr(start, end - start));
        struct stat info {};
        if (::lstat(prefix.c_str(), &info) != 0) {
            return false;
        }
        if (S_ISLNK(info.st_mode)) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

bool DiskTree::exists(std::string_view path) const
{
    struct stat info {};
    const auto full = (m_root / std::string(path)).string();
    return ::lstat(full.c_str(), &info) == 0;
}

std::optional<std::string> DiskTree::read(std::string_view path) const
{
    const auto full = (m_root / std::string(path)).string();
    struct stat info {};
    if (::lstat(full.c_str(), &info) != 0 || !S_ISREG(info.st_mode) || is_symlink(path)) {
        return std::nullopt;
    }
    std::ifstream in(full, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string bytes;
    bytes.resize(static_cast<std::size_t>(info.st_size));
    in.read(bytes.data(), info.st_size);
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
}

MemoryTree::MemoryTree(std::map<std::string, std::string, std::less<>> files,
                       std::set<std::string, std::less<>> symlinks)
    : m_files(std::move(files))
    , m_symlinks(std::move(symlinks))
{
}

std::optional<std::string> MemoryTree::read(std::string_view path) const
{
    const auto found = m_files.find(path);
    if (found == m_files.end() || is_symlink(path)) {
        return std::nullopt;
    }
    return found->second;
}

bool MemoryTree::exists(std::string_view path) const
{
    if (m_files.find(path) != m_files.end() || m_symlinks.find(path) != m_symlinks.end()) {
        return true;
    }
    // A folder exists when some file lies under it.
    const std::string folder = std::string(path) + '/';
    const auto next = m_files.lower_bound(folder);
    return next != m_files.end() && next->first.compare(0, folder.size(), folder) == 0;
}

bool MemoryTree::is_symlink(std::string_view path) const
{
    for (const auto& link : m_symlinks) {
        if (path == link || (path.size() > link.size() && path.substr(0, link.size()) == link &&
                             path[link.size()] == '/')) {
            return true;
        }
    }
    return false;
}

OverlayTree::OverlayTree(const BaseTree& base, const Overlay& overlay)
    : m_base(base)
    , m_overlay(overlay)
{
}

std::optional<std::string> OverlayTree::read(std::string_view path) const
{
    const auto found = m_overlay.find(path);
    if (found != m_overlay.end()) {
        return found->second;
    }
    return m_base.read(path);
}

bool OverlayTree::exists(std::string_view path) const
{
    const auto found = m_overlay.find(path);
    if (found != m_overlay.end()) {
        return found->second.has_value();
    }
    const std::string folder = std::string(path) + '/';
    const auto next = m_overlay.lower_bound(folder);
    if (next != m_overlay.end() && next->first.compare(0, folder.size(), folder) == 0 &&
        next->second) {
        return true;
    }
    return m_base.exists(path);
}

bool OverlayTree::is_symlink(std::string_view path) const
{
    return m_base.is_symlink(path);
}

} // namespace draftsmith::edit
