#pragma once
// The base commit's files as every variant of a run reads them. All variants
// start from the same commit, so its files' bytes and their secret verdicts
// are the same for all: a BaseFiles reads each file once and scans it once
// (both on first use), and the variants share it. A variant's own edits live
// in its overlay and are checked there first; this never changes.
//
// Memory is bounded: the bytes of files are kept only up to a budget
// (`keep_budget`, 64 MiB by default: a mid-size repository is kept whole,
// every file read once for the run). Past it, files are read from the base
// again each time they are needed and dropped after use, so a search of a
// 1 GB repository streams through it instead of holding it; only the secret
// verdicts (a few bytes a file) are kept for every file.
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
    static constexpr std::size_t k_default_keep_budget = std::size_t{64} << 20;

    // `files` is the base's file list (TreeReader::list_files()). `base` and
    // `secrets` must outlive this. At most `keep_budget` bytes of file
    // contents are kept.
    BaseFiles(const edit::BaseTree& base, std::vector<std::string> files,
              const SecretFilter& secrets, std::size_t keep_budget = k_default_keep_budget);
    BaseFiles(const BaseFiles&) = delete;
    BaseFiles& operator=(const BaseFiles&) = delete;
    ~BaseFiles() override = default;

    // edit::BaseTree: a copy of the kept bytes (listed files), else the base's answer.
    std::optional<std::string> read(std::string_view path) const override;
    bool exists(std::string_view path) const override;
    bool is_symlink(std::string_view path) const override;

    // The listed files, sorted, each once.
    const std::vector<std::string>& paths() const noexcept { return m_paths; }

    // Whether `path` is one of the listed files.
    bool lists(std::string_view path) const { return find(path) != nullptr; }

    // The bytes of a listed file, shared without a copy: the kept ones, or
    // (past the budget) read now and dropped when the caller lets go. Null
    // when the path is not listed or is no regular file. Paths not listed
    // go to the base each time (read()).
    std::shared_ptr<const std::string> bytes(std::string_view path) const;

    // Why a listed file's contents withhold it (SecretFilter::why_content_hidden),
    // computed once; nullopt when they do not, or when the path is not listed.
    // `bytes`, when given, are the file's (from bytes()): no second read.
    std::optional<std::string> why_content_hidden(std::string_view path) const;
    std::optional<std::string> why_content_hidden(std::string_view path,
                                                  std::string_view bytes) const;

    // Reads and scans every listed file not done yet, as long as their bytes
    // fit the budget (past it, nothing is gained by reading ahead). The
    // search tool no longer calls it (issue 14: a run reads only what its
    // variants ask for or search through); for callers that want it all. Threads
    // that call it at once share the work (each takes the next file)
    // instead of queueing behind one another file by file; each returns when
    // all are done or the budget is full.
    void prepare() const;

    // Bytes of file contents kept now (at most the budget).
    std::size_t kept_bytes() const noexcept { return m_kept.load(); }

    // How many times a listed file's bytes were read from the base (each
    // kept file once, others at every use): a run reads only the files its
    // variants ask for, so a variant that reads one file of 100,000 reads
    // one here (issue 14).
    std::size_t base_reads() const noexcept { return m_base_reads.load(); }

    const edit::BaseTree& base() const noexcept { return m_base; }
    const SecretFilter& secrets() const noexcept { return m_secrets; }

private:
    // Each filled once, by the first thread that needs it.
    struct Entry {
        std::once_flag read_once;
        bool absent = false;                     // the first read found no regular file
        std::shared_ptr<const std::string> kept; // null: absent, or past the budget
        std::once_flag scan_once;
        std::optional<std::string> why_hidden;
    };
    Entry* find(std::string_view path) const;
    std::shared_ptr<const std::string> load(std::string_view path, Entry& entry) const;
    bool reserve(std::size_t size) const;
    const std::optional<std::string>& verdict(std::string_view path, Entry& entry,
                                              std::optional<std::string_view> known) const;

    const edit::BaseTree& m_base;
    const SecretFilter& m_secrets;
    std::vector<std::string> m_paths;    // sorted, unique
    mutable std::deque<Entry> m_entries; // m_entries[i] is m_paths[i]'s
    mutable std::atomic<std::size_t> m_next_to_prepare{0};
    std::size_t m_budget;
    mutable std::atomic<std::size_t> m_kept{0};
    mutable std::atomic<bool> m_full{false}; // a file did not fit the budget
    mutable std::atomic<std::size_t> m_base_reads{0};
};

} // namespace draftsmith::agent
