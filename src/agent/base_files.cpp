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
                     const SecretFilter& secrets, std::size_t keep_budget)
    : m_base(base)
    , m_secrets(secrets)
    , m_paths(sorted_unique(std::move(files)))
    , m_entries(m_paths.size())
    , m_budget(keep_budget)
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

bool BaseFiles::reserve(std::size_t size) const
{
    auto kept = m_kept.load();
    do {
        if (kept + size > m_budget) {
            m_full = true;
            return false;
        }
    } while (!m_kept.compare_exchange_weak(kept, kept + size));
    return true;
}

std::shared_ptr<const std::string> BaseFiles::load(std::string_view path, Entry& entry) const
{
    // The first reader decides whether the bytes are kept; threads asking at
    // the same time wait for that one read. A read that throws leaves the
    // flag unset: the next caller tries again.
    std::shared_ptr<const std::string> fresh;
    std::call_once(entry.read_once, [&] {
        ++m_base_reads;
        auto bytes = m_base.read(path);
        if (!bytes) {
            entry.absent = true;
            return;
        }
        fresh = std::make_shared<const std::string>(std::move(*bytes));
        if (reserve(fresh->size())) {
            entry.kept = fresh;
        }
    });
    if (fresh || entry.absent) {
        return fresh;
    }
    if (entry.kept) {
        return entry.kept;
    }
    // Past the budget: read again, keep nothing.
    ++m_base_reads;
    auto bytes = m_base.read(path);
    return bytes ? std::make_shared<const std::string>(std::move(*bytes)) : nullptr;
}

std::optional<std::string> BaseFiles::read(std::string_view path) const
{
    auto* entry = find(path);
    if (entry == nullptr) {
        return m_base.read(path);
    }
    const auto bytes = load(path, *entry);
    return bytes ? std::optional<std::string>(*bytes) : std::nullopt;
}

bool BaseFiles::exists(std::string_view path) const
{
    return find(path) != nullptr || m_base.exists(path);
}

bool BaseFiles::is_symlink(std::string_view path) const
{
    return m_base.is_symlink(path);
}

std::shared_ptr<const std::string> BaseFiles::bytes(std::string_view path) const
{
    auto* entry = find(path);
    return entry == nullptr ? nullptr : load(path, *entry);
}

const std::optional<std::string>& BaseFiles::verdict(std::string_view path, Entry& entry,
                                                     std::optional<std::string_view> known) const
{
    std::call_once(entry.scan_once, [&] {
        std::shared_ptr<const std::string> loaded;
        if (!known) {
            loaded = load(path, entry);
            if (loaded) {
                known = *loaded;
            }
        }
        if (known) {
            entry.why_hidden = m_secrets.why_content_hidden(*known);
        }
    });
    return entry.why_hidden;
}

std::optional<std::string> BaseFiles::why_content_hidden(std::string_view path) const
{
    auto* entry = find(path);
    return entry != nullptr ? verdict(path, *entry, std::nullopt) : std::nullopt;
}

std::optional<std::string> BaseFiles::why_content_hidden(std::string_view path,
                                                         std::string_view bytes) const
{
    auto* entry = find(path);
    return entry != nullptr ? verdict(path, *entry, bytes) : std::nullopt;
}

void BaseFiles::prepare() const
{
    // Taking files from one cursor keeps the threads apart; a file another
    // thread has taken but not finished is waited for at the end. Once a
    // file did not fit the budget, reading ahead only costs time.
    for (auto i = m_next_to_prepare++; i < m_paths.size() && !m_full; i = m_next_to_prepare++) {
        verdict(m_paths[i], m_entries[i], std::nullopt);
    }
    for (std::size_t i = 0; i < m_paths.size() && !m_full; ++i) {
        verdict(m_paths[i], m_entries[i], std::nullopt);
    }
}

} // namespace draftsmith::agent
