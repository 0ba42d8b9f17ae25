// The `*** Begin Patch` envelope OpenAI's models emit (codex apply_patch):
//   *** Update File: PATH   [*** Move to: NEW]   @@ [anchor]   ' '/'-'/'+' lines
//   *** Add File: PATH      '+' lines
//   *** Delete File: PATH
// Inside the envelope a line without a prefix is read as context, since
// models often drop the space before an unchanged line.
//
// As codex-rs/apply-patch applies them: `*** End of File` after a hunk says
// its old lines end the file; a hunk that only adds lines goes at the end of
// the file (unless it names an `@@` anchor without `*** End of File`: codex
// would still append, but a model naming a place means that place, so such a
// hunk is refused at apply time rather than put somewhere else). `*** Add
// File` writes the whole file, over an existing one too, as a whole file in a
// fence does. An envelope without `*** End Patch` is refused: it was cut off.
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model_text.hpp"

namespace draftsmith::edit {
namespace {

bool starts_with(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

std::optional<std::string_view> after(std::string_view line, std::string_view prefix)
{
    if (!starts_with(line, prefix)) {
        return std::nullopt;
    }
    return text::trim(line.substr(prefix.size()));
}

// Pure additions become appends (see above); an update with nothing in it is refused.
void finish_codex_changes(EditSet& edits)
{
    for (auto& change : edits.changes) {
        if (change.kind == FileChange::Kind::modify && change.hunks.empty()) {
            detail::throw_parse_error(change.span.first,
                                      fmt::format("'*** Update File: {}' holds no change: no '@@' "
                                                  "hunk with '+' or '-' lines follows it",
                                                  change.path));
        }
        for (auto& hunk : change.hunks) {
            const bool adds_only =
                std::all_of(hunk.lines.begin(), hunk.lines.end(),
                            [](const HunkLine& line) { return line.op == HunkLine::Op::add; });
            if (!adds_only || hunk.lines.empty() ||
                (!hunk.anchor.empty() && !hunk.at_end_of_file)) {
                continue;
            }
            hunk.kind = Hunk::Kind::append;
            for (const auto& line : hunk.lines) {
                hunk.replace += line.text;
                hunk.replace += '\n';
            }
            hunk.lines.clear();
        }
    }
    detail::refuse_empty_hunks(edits, "the hunk has no '+' or '-' line");
}

// Reads the envelope line by line: the state between lines is where the
// reader stands (inside an envelope, in which file change, in which hunk).
class CodexReader {
public:
    void read(const detail::TextLine& line)
    {
        const auto trimmed = text::trim(line.text);
        if (!m_inside) {
            if (trimmed == "*** Begin Patch") {
                m_inside = true;
                m_begin_line = line.number;
            }
            return;
        }
        if (trimmed == "*** End Patch") {
            finish_hunk();
            m_inside = false;
            m_change = nullptr;
            return;
        }
        if (read_file_header(trimmed, line.number)) {
            return;
        }
        if (m_change == nullptr) {
            if (!trimmed.empty()) {
                detail::throw_parse_error(line.number, "a line inside '*** Begin Patch' before any "
                                                       "'*** Update File:', '*** Add File:' or "
                                                       "'*** Delete File:' line");
            }
            return;
        }
        m_change->span.last = line.number;
        read_change_line(line.text, trimmed, line.number);
    }

    // The changes read, once every line was.
    EditSet finish()
    {
        if (m_inside) {
            detail::throw_parse_error(m_begin_line,
                                      "the '*** Begin Patch' envelope is not closed: no "
                                      "'*** End Patch' line follows it (was the patch cut "
                                      "off?); send the whole patch again");
        }
        finish_hunk();
        drop_trailing_blank_context();
        finish_codex_changes(m_edits);
        if (m_edits.empty()) {
            detail::throw_parse_error(1, "no '*** Begin Patch' ... '*** End Patch' envelope with "
                                         "file changes found");
        }
        return std::move(m_edits);
    }

private:
    void finish_hunk()
    {
        if (m_change != nullptr && m_hunk != nullptr && m_hunk->lines.empty()) {
            m_change->hunks.pop_back();
        }
        m_hunk = nullptr;
    }

    void new_change(FileChange::Kind kind, std::string_view path, std::size_t number)
    {
        finish_hunk();
        m_edits.changes.emplace_back();
        m_change = &m_edits.changes.back();
        m_change->kind = kind;
        m_change->path = std::string(path);
        m_change->span = {number, number};
    }

    // `*** Update File:`, `*** Add File:`, `*** Delete File:`: a new change.
    bool read_file_header(std::string_view trimmed, std::size_t number)
    {
        if (auto path = after(trimmed, "*** Update File:")) {
            new_change(FileChange::Kind::modify, *path, number);
        } else if (auto added = after(trimmed, "*** Add File:")) {
            new_change(FileChange::Kind::write, *added, number);
        } else if (auto deleted = after(trimmed, "*** Delete File:")) {
            new_change(FileChange::Kind::remove, *deleted, number);
        } else {
            return false;
        }
        return true;
    }

    // A line of the current file change.
    void read_change_line(std::string_view raw, std::string_view trimmed, std::size_t number)
    {
        if (auto path = after(trimmed, "*** Move to:")) {
            m_change->kind = FileChange::Kind::rename;
            m_change->new_path = std::string(*path);
        } else if (starts_with(trimmed, "*** End of File")) {
            if (m_hunk != nullptr) {
                m_hunk->at_end_of_file = true;
            }
        } else if (starts_with(trimmed, "```") || m_change->kind == FileChange::Kind::remove) {
            return;
        } else if (m_change->kind == FileChange::Kind::write) {
            m_change->content.append(starts_with(raw, "+") ? raw.substr(1) : raw);
            m_change->content += '\n';
        } else if (starts_with(raw, "@@")) {
            finish_hunk();
            m_change->hunks.emplace_back();
            m_hunk = &m_change->hunks.back();
            m_hunk->anchor = std::string(text::trim(text::trim(raw).substr(2)));
            m_hunk->span = {number, number};
        } else {
            read_hunk_line(raw, number);
        }
    }

    void read_hunk_line(std::string_view raw, std::size_t number)
    {
        if (m_hunk == nullptr) {
            m_change->hunks.emplace_back();
            m_hunk = &m_change->hunks.back();
            m_hunk->span = {number, number};
        }
        m_hunk->span.last = number;
        if (starts_with(raw, "+")) {
            m_hunk->lines.push_back({HunkLine::Op::add, std::string(raw.substr(1))});
        } else if (starts_with(raw, "-")) {
            m_hunk->lines.push_back({HunkLine::Op::remove, std::string(raw.substr(1))});
        } else if (starts_with(raw, " ")) {
            m_hunk->lines.push_back({HunkLine::Op::context, std::string(raw.substr(1))});
        } else {
            m_hunk->lines.push_back({HunkLine::Op::context, std::string(raw)});
        }
    }

    // Trailing blank context a model leaves before "*** End Patch" says nothing.
    void drop_trailing_blank_context()
    {
        for (auto& each : m_edits.changes) {
            for (auto& one : each.hunks) {
                while (!one.lines.empty() && one.lines.back().op == HunkLine::Op::context &&
                       text::trim(one.lines.back().text).empty()) {
                    one.lines.pop_back();
                }
            }
        }
    }

    EditSet m_edits;
    bool m_inside = false;
    std::size_t m_begin_line = 0;
    FileChange* m_change = nullptr;
    Hunk* m_hunk = nullptr;
};

} // namespace

EditSet parse_codex_patch(std::string_view text)
{
    CodexReader reader;
    for (const auto& line : detail::split_model_text(text)) {
        reader.read(line);
    }
    return reader.finish();
}

} // namespace draftsmith::edit
