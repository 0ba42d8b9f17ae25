#pragma once
// The base commit's files as every variant of a run reads them. All variants
// start from the same commit, so its files' bytes and their secret verdicts
// are the same for all: a BaseFiles reads each file once and scans it once
// (both on first use), and the variants share it. A variant's own edits live
// in its overlay and are checked there first; this never changes.
//
//   auto shared = std::make_shared<agent::BaseFiles>(tree, files, secrets);
//   settings.base_files = shared; // for every variant of the run
//
// Thread-safe: any number of variants may read it at once (the base must
// then allow concurrent reads, as run_variant's contract says).

#include "draftsmith/agent/secrets.hpp"
#include "draftsmith/edit/tree.hpp"

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::agent {

class BaseFiles : public edit::BaseTree {
public:
    // `files` is the base's file list (TreeReader::list_files()). `base` and
    // `secrets` must outlive this.
    BaseFiles(const edit::BaseTree& base, std::vector<std::string> files,
              const SecretFilter& secrets);
    BaseFiles(const BaseFiles&) = delete;
    BaseFiles& operator=(const BaseFiles&) = delete;
    ~BaseFiles() override = default;

    // edit::BaseTree: a copy of the kept bytes (listed files), else the base's answer.
    std::optional<std::string> read(std::string_view path) const override;
    bool exists(std::string_view path) const override;
    bool is_symlink(std::string_view path) const override;

    // The kept bytes of a listed file without a copy (valid as long as this
    // is); null when the path is not listed or is no regular file. Paths not
    // listed go to the base each time (read()).
    const std::string* bytes(std::string_view path) const;

    // Why a listed file's contents withhold it (SecretFilter::why_content_hidden),
    // computed once; nullopt when they do not, or when the path is not listed.
    std::optional<std::string> why_content_hidden(std::string_view path) const;

    // Reads and scans every listed file not done yet. Threads that call it
    // at once share the work (each takes the next file) instead of queueing
    // behind one another file by file; each returns when all are done.
    void prepare() const;

    const edit::BaseTree& base() const noexcept { return m_base; }
    const SecretFilter& secrets() const noexcept { return m_secrets; }

private:
    // Each filled once, by the first thread that needs it.
    struct Entry {
        std::once_flag read_once;
        std::optional<std::string> bytes;
        std::once_flag scan_once;
        std::optional<std::string> why_hidden;
    };
    Entry* find(std::string_view path) const;
    const std::optional<std::string>& kept_bytes(std::string_view path, Entry& entry) const;
    const std::optional<std::string>& verdict(std::string_view path, Entry& entry) const;

    const edit::BaseTree& m_base;
    const SecretFilter& m_secrets;
    std::vector<std::string> m_paths; // sorted, unique
    mutable std::deque<Entry> m_entries; // m_entries[i] is m_paths[i]'s
    mutable std::atomic<std::size_t> m_next_to_prepare{0};
};

} // namespace draftsmith::agent
