#pragma once
// The variant's view of the repository: the base tree, the overlay of its
// edits so far, and the tools that read and change them. Every read goes
// through the SecretFilter; every change goes through edit::apply. Base files
// are read (and their contents checked for secrets) through a BaseFiles that
// the run's variants share.

#include "draftsmith/agent/base_files.hpp"
#include "draftsmith/agent/secrets.hpp"
#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/edit_set.hpp"
#include "draftsmith/edit/tree.hpp"
#include "draftsmith/llm/llm.hpp"
#include "draftsmith/util/overlay.hpp"

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}

namespace draftsmith::agent::detail {

using re2::RE2;

// A file's matching lines: line number and the line as shown.
using FoundLines = std::vector<std::pair<std::size_t, std::string>>;

class Workspace {
public:
    // `base` was built with `secrets`.
    Workspace(std::shared_ptr<const BaseFiles> base, const std::vector<std::string>& files,
              const SecretFilter& secrets, const edit::ApplyOptions& apply,
              std::size_t max_output_bytes);
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    // Runs one tool call. Trouble (unknown tool, bad input, failed edit) is
    // a result with is_error set, never an exception.
    llm::ToolResult run(const llm::ToolCall& call);

    // Asked during long tool calls (a search over every file): a reason
    // ends the call at once with an error result saying so (SIGTERM, the
    // variant's time limit, the run's time budget).
    void set_stop_check(std::function<std::optional<std::string>()> check)
    {
        m_stop_check = std::move(check);
    }

    // Applies edits onto the overlay (the files that apply stay applied).
    edit::ApplyResult apply(const edit::EditSet& edits);

    // The files as they are now (base list plus created, minus deleted),
    // without those withheld by name.
    std::vector<std::string> visible_files() const;
    // Calls `visit` with each visible file whose path starts with `prefix`,
    // in order, without listing the others.
    void for_each_visible(std::string_view prefix,
                          const std::function<void(const std::string&)>& visit) const;
    // True when `path` is one of visible_files(), without listing them all.
    bool has_visible_file(std::string_view path) const;
    // The file's text if it may be shown: present, not withheld, not binary.
    std::optional<std::string> read_visible(std::string_view path) const;

    bool finished() const noexcept { return m_finished; }
    const std::string& summary() const noexcept { return m_summary; }
    const Overlay& overlay() const noexcept { return m_overlay; }
    int failed_edits() const noexcept { return m_failed_edits; }
    const std::vector<std::string>& files_read() const noexcept { return m_files_read; }

private:
    std::string list_files(const nlohmann::json& input) const;
    std::string read_file(const nlohmann::json& input);
    std::string search(const nlohmann::json& input) const;
    std::string edit(std::string_view name, const nlohmann::json& input);
    std::string finish(const nlohmann::json& input);

    std::optional<std::string> why_withheld(std::string_view path) const;
    std::optional<std::string> why_content_withheld(std::string_view path,
                                                    std::string_view bytes) const;
    // Like read_visible, without a copy: the text lives in the overlay or in
    // `holder` (the shared base's bytes, kept or read for this call).
    std::optional<std::string_view> visible_text(std::string_view path,
                                                 std::shared_ptr<const std::string>& holder) const;
    // The file's bytes as they are now (overlay, else base), unchecked.
    std::optional<std::string_view> text_of(std::string_view path,
                                            std::shared_ptr<const std::string>& holder) const;
    // One file's matching lines (at most one past the search's limit); none
    // when the file is binary or withheld. `checks`: asks stop_if_asked
    // (on the tool call's own thread), else gives up once `stopping`.
    FoundLines file_matches(const std::string& path, const std::string& query, const RE2* pattern,
                            bool checks, const std::atomic<bool>& stopping) const;
    // The search's answer from the files' matches in path order.
    std::string search_answer(const std::vector<std::pair<std::size_t, FoundLines>>& found,
                              const std::vector<const std::string*>& paths) const;
    std::string cut(std::string text, std::string_view advice) const;
    // Error(input) naming the reason when the stop check gives one.
    void stop_if_asked() const;

    std::shared_ptr<const BaseFiles> m_shared;
    const edit::BaseTree& m_base;                // *m_shared
    const std::vector<std::string>* m_base_list; // sorted: the shared base's, or m_own_files
    std::vector<std::string> m_own_files;
    const SecretFilter& m_secrets;
    edit::ApplyOptions m_apply;
    std::size_t m_max_output_bytes;
    Overlay m_overlay;
    edit::OverlayTree m_tree;
    bool m_finished = false;
    std::string m_summary;
    int m_failed_edits = 0;
    std::vector<std::string> m_files_read;
    std::function<std::optional<std::string>()> m_stop_check;
};

// The text with every byte that is not part of valid UTF-8 replaced by
// U+FFFD: the providers' JSON encoder refuses invalid UTF-8, and files (or
// a cut in the middle of a character) may hold it.
std::string valid_utf8(std::string_view text);

} // namespace draftsmith::agent::detail
