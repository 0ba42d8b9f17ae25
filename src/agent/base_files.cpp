#include "draftsmith/agent/base_files.hpp"

#include <algorithm>

namespace draftsmith::agent {
namespace {

std::vector<std::string> sorted_unique(std::vector<std::string> paths)
{
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    return paths;
}

} // namespace

BaseFiles::BaseFiles(const edit::BaseTree& base, std::vector<std::string> files,
                     const SecretFilter& secrets)
    : m_base(base)
    , m_secrets(secrets)
    , m_paths(sorted_unique(std::move(files)))
    , m_entries(m_paths.size())
{
}

BaseFiles::Entry* BaseFiles::find(std::string_view path) const
{
    const auto at = std::lower_bound(m_paths.begin(), m_paths.end(), path);
    if (at == m_paths.end() || *at != path) {
        return nullptr;
    }
    return &m_entries[static_cast<std::size_t>(at - m_paths.begin())];
}

const std::optional<std::string>& BaseFiles::kept_bytes(std::string_view path, Entry& entry) const
{
    // A read that throws leaves the flag unset: the next caller tries again.
    std::call_once(entry.read_once, [&] { entry.bytes = m_base.read(path); });
    return entry.bytes;
}

std::optional<std::string> BaseFiles::read(std::string_view path) const
{
    auto* entry = find(path);
    return entry != nullptr ? kept_bytes(path, *entry) : m_base.read(path);
}

bool BaseFiles::exists(std::string_view path) const
{
    return find(path) != nullptr || m_base.exists(path);
}

bool BaseFiles::is_symlink(std::string_view path) const
{
    return m_base.is_symlink(path);
}

const std::string* BaseFiles::bytes(std::string_view path) const
{
    auto* entry = find(path);
    if (entry == nullptr) {
        return nullptr;
    }
    const auto& kept = kept_bytes(path, *entry);
    return kept ? &*kept : nullptr;
}

const std::optional<std::string>& BaseFiles::verdict(std::string_view path, Entry& entry) const
{
    const auto& kept = kept_bytes(path, entry);
    std::call_once(entry.scan_once, [&] {
        if (kept) {
            entry.why_hidden = m_secrets.why_content_hidden(*kept);
        }
    });
    return entry.why_hidden;
}

std::optional<std::string> BaseFiles::why_content_hidden(std::string_view path) const
{
    auto* entry = find(path);
    return entry != nullptr ? verdict(path, *entry) : std::nullopt;
}

void BaseFiles::prepare() const
{
    // Taking files from one cursor keeps the threads apart; a file another
    // thread has taken but not finished is waited for at the end.
    for (auto i = m_next_to_prepare++; i < m_paths.size(); i = m_next_to_prepare++) {
        verdict(m_paths[i], m_entries[i]);
    }
    for (std::size_t i = 0; i < m_paths.size(); ++i) {
        verdict(m_paths[i], m_entries[i]);
    }
}

} // namespace draftsmith::agent
