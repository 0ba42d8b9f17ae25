// Applying one file's hunks in order (see file_editor.hpp). Each hunk is
// located by locate() (match.cpp) and replaced by its new lines: context lines
// keep the file's own bytes, added lines take the file's line ending and the
// indentation the match implies (reindent.cpp).
#include "file_editor.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "match.hpp"
#include "model_text.hpp"
#include "not_applied.hpp"
#include "reindent.hpp"

namespace draftsmith::edit::detail {
namespace {

struct HunkOutcome {
    bool ok = false;
    std::optional<Stage> stage;
    std::string message;
    bool ambiguous = false; // failed because the hunk matched in several places
};

class FileEditor {
public:
    FileEditor(std::string path, FileText& file, const ApplyOptions& options)
        : m_path(std::move(path))
        , m_file(file)
        , m_options(options)
    {
    }

    std::size_t added = 0;
    std::size_t removed = 0;
    std::size_t bytes_changed = 0;

    HunkOutcome apply(const Hunk& hunk, std::size_t index, std::size_t count)
    {
        m_index = index;
        m_count = count;
        if (hunk.kind != Hunk::Kind::lines) {
            flush();
        }
        switch (hunk.kind) {
        case Hunk::Kind::lines:
            return apply_counted(hunk);
        case Hunk::Kind::text:
            return apply_text(hunk);
        case Hunk::Kind::insert:
            return apply_insert(hunk);
        case Hunk::Kind::append: {
            auto outcome = insert_at(m_file.lines.size(), hunk.replace);
            outcome.stage = Stage::exact;
            return outcome;
        }
        }
        return {};
    }

    // Makes every deferred replacement real; call before reading the file.
    void flush()
    {
        if (m_pending.empty()) {
            return;
        }
        std::vector<FileLine> lines;
        lines.reserve(static_cast<std::size_t>(static_cast<std::ptrdiff_t>(m_file.lines.size()) +
                                               m_pending_delta));
        std::size_t cursor = 0;
        for (const auto& splice : m_pending) {
            lines.insert(lines.end(), m_file.lines.begin() + static_cast<std::ptrdiff_t>(cursor),
                         m_file.lines.begin() + static_cast<std::ptrdiff_t>(splice.start));
            lines.insert(lines.end(), splice.lines.begin(), splice.lines.end());
            cursor = splice.start + splice.length;
        }
        lines.insert(lines.end(), m_file.lines.begin() + static_cast<std::ptrdiff_t>(cursor),
                     m_file.lines.end());
        m_file.lines = std::move(lines);
        m_pending.clear();
        m_pending_delta = 0;
        m_pending_end = 0;
    }

private:
    // A replacement not yet made: hunks that match exactly at their claimed
    // line, in order, are collected and spliced in one pass (flush), so a
    // diff with many hunks costs O(file + diff), not O(file x hunks).
    struct Splice {
        std::size_t start = 0; // in m_file.lines as it is (before the pending splices)
        std::size_t length = 0;
        std::vector<FileLine> lines;
    };

    std::string where(const Hunk& hunk) const
    {
        std::string span;
        if (hunk.span.first > 0) {
            span = hunk.span.first == hunk.span.last
                       ? fmt::format(" (your line {})", hunk.span.first)
                       : fmt::format(" (your lines {}-{})", hunk.span.first, hunk.span.last);
        }
        return m_count > 1 ? fmt::format("{}: edit {} of {}{}", m_path, m_index + 1, m_count, span)
                           : fmt::format("{}: edit{}", m_path, span);
    }

    // A diff hunk whose body ran past its counts: the counted lines, and only
    // when they match in several places, the lines past the count to choose one.
    HunkOutcome apply_counted(const Hunk& hunk)
    {
        auto outcome = apply_lines(hunk, hunk.lines);
        if (outcome.ok || !outcome.ambiguous || hunk.trailing_context.empty()) {
            return outcome;
        }
        auto longer = hunk.lines;
        longer.insert(longer.end(), hunk.trailing_context.begin(), hunk.trailing_context.end());
        auto placed = apply_lines(hunk, longer);
        return placed.ok ? placed : outcome;
    }

    HunkOutcome insert_at(std::size_t after, std::string_view text)
    {
        std::vector<FileLine> lines;
        for (const auto line : split_text_lines(text)) {
            lines.push_back({m_file.store(std::string(line)), m_file.crlf});
            bytes_changed += line.size() + 1;
        }
        added += lines.size();
        if (m_file.lines.empty() && !lines.empty()) {
            m_file.final_newline = text.empty() || text.back() == '\n';
        }
        m_file.lines.insert(m_file.lines.begin() + static_cast<std::ptrdiff_t>(after),
                            lines.begin(), lines.end());
        return {true, Stage::exact, {}};
    }

    HunkOutcome apply_insert(const Hunk& hunk)
    {
        if (hunk.insert_after > m_file.lines.size()) {
            return {false, std::nullopt,
                    fmt::format("{} was not applied: cannot insert after line {}, the file has "
                                "{} lines.\n",
                                where(hunk), hunk.insert_after, m_file.lines.size())};
        }
        return insert_at(hunk.insert_after, hunk.replace);
    }

    HunkOutcome apply_text(const Hunk& hunk)
    {
        std::string search = hunk.search;
        std::string replace = hunk.replace;
        if (m_file.crlf && search.find('\r') == std::string::npos) {
            auto to_crlf = [](const std::string& in) {
                std::string out;
                for (const char c : in) {
                    out += c == '\n' ? std::string("\r\n") : std::string(1, c);
                }
                return out;
            };
            search = to_crlf(search);
            replace = to_crlf(replace);
        }
        const auto content = m_file.join();
        std::vector<std::size_t> places;
        for (auto at = content.find(search); at != std::string::npos;
             at = content.find(search, at + 1)) {
            places.push_back(at);
            if (places.size() >= 20) {
                break;
            }
        }
        if (places.size() == 1) {
            std::string updated = content.substr(0, places.front()) + replace +
                                  content.substr(places.front() + search.size());
            added += static_cast<std::size_t>(std::count(replace.begin(), replace.end(), '\n'));
            removed += static_cast<std::size_t>(std::count(search.begin(), search.end(), '\n'));
            bytes_changed += search.size() + replace.size();
            m_file.reset(std::move(updated));
            return {true, Stage::exact, {}};
        }
        if (places.size() > 1) {
            std::string lines;
            for (std::size_t k = 0; k < places.size() && k < 10; ++k) {
                const auto line =
                    1 + static_cast<std::size_t>(std::count(
                            content.begin(),
                            content.begin() + static_cast<std::ptrdiff_t>(places[k]), '\n'));
                lines += fmt::format("{}{}", k == 0 ? "" : ", ", line);
            }
            return {false, std::nullopt,
                    fmt::format("{} was not applied: the text to replace occurs {} times (at "
                                "lines {}); include more of the surrounding text so it occurs "
                                "once.\n",
                                where(hunk),
                                places.size() < 20 ? std::to_string(places.size())
                                                   : std::string("20 or more"),
                                lines)};
        }
        // Not verbatim: match it line by line with the tolerant stages.
        const auto search_lines = split_text_lines(hunk.search);
        const auto replace_lines = split_text_lines(hunk.replace);
        return apply_lines(hunk, hunk_lines_for(search_lines, replace_lines));
    }

    // The hunk's lines as locate() reads them: the expected (context and
    // removed) lines, which of them go, and where pure insertions come.
    struct ExpectedLines {
        std::vector<std::string_view> old;
        std::vector<bool> to_remove;
        std::vector<bool> inserts_before;
    };

    static ExpectedLines expected_lines(const std::vector<HunkLine>& lines)
    {
        ExpectedLines expected;
        bool pending_insert = false;
        for (std::size_t k = 0; k < lines.size();) {
            const auto& line = lines[k];
            if (line.op != HunkLine::Op::add) {
                expected.old.push_back(line.text);
                expected.to_remove.push_back(line.op == HunkLine::Op::remove);
                expected.inserts_before.push_back(pending_insert);
                pending_insert = false;
                ++k;
                continue;
            }
            // A block of added lines is a pure insertion when neither neighbour is a removal.
            std::size_t end = k;
            while (end < lines.size() && lines[end].op == HunkLine::Op::add) {
                ++end;
            }
            const bool after_remove = k > 0 && lines[k - 1].op == HunkLine::Op::remove;
            const bool before_remove = end < lines.size() && lines[end].op == HunkLine::Op::remove;
            pending_insert = pending_insert || (!after_remove && !before_remove);
            k = end;
        }
        expected.inserts_before.push_back(pending_insert);
        return expected;
    }

    // Where to look for `expected`: the claimed line moved as earlier hunks
    // moved (and as git would read it), or the end of the file.
    Query query_for(const Hunk& hunk, const ExpectedLines& expected) const
    {
        Query query;
        query.old_lines = &expected.old;
        query.removed = &expected.to_remove;
        query.inserts_before = &expected.inserts_before;
        query.anchor = hunk.anchor;
        if (hunk.claimed_line) {
            const auto claimed = static_cast<std::ptrdiff_t>(*hunk.claimed_line) - 1 + m_offset;
            query.claimed = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, claimed));
            const auto unshifted =
                static_cast<std::ptrdiff_t>(*hunk.claimed_line) - 1 + m_size_delta;
            query.claimed_unshifted =
                static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, unshifted));
        }
        if (hunk.at_end_of_file && !query.claimed && m_file.lines.size() >= expected.old.size()) {
            // `*** End of File`: the old lines are expected to end the file.
            query.claimed = m_file.lines.size() - expected.old.size();
            query.claimed_unshifted = query.claimed;
        }
        return query;
    }

    // The failure for a hunk that only adds lines and says nowhere where.
    std::string nowhere_to_add(const Hunk& hunk) const
    {
        return hunk.anchor.empty()
                   ? fmt::format("{} was not applied: it only adds lines and gives no line "
                                 "number or unchanged lines to say where; include a few "
                                 "lines around the place.\n",
                                 where(hunk))
                   : fmt::format("{} was not applied: it only adds lines, and '@@ {}' does "
                                 "not say where under that line; include a few unchanged "
                                 "lines around the place (or end the hunk with '*** End of "
                                 "File' to add at the end of the file).\n",
                                 where(hunk), quote_for_message(hunk.anchor));
    }

    HunkOutcome apply_lines(const Hunk& hunk, const std::vector<HunkLine>& lines)
    {
        const ExpectedLines expected = expected_lines(lines);
        const auto& old = expected.old;
        const Query query = query_for(hunk, expected);
        if (old.empty() && !query.claimed) {
            return {false, std::nullopt, nowhere_to_add(hunk)};
        }
        m_exact_line_endings = hunk.exact_line_endings;
        if (query.claimed && hunk.claimed_line) {
            if (const auto stage = deferred(hunk, lines, old, *query.claimed)) {
                return {true, *stage, {}};
            }
        }
        flush();
        const auto located = locate(m_file, query, m_options);
        if (!located.match) {
            return {false, std::nullopt, failure(hunk, old, query, located), located.ambiguous};
        }
        splice_in(hunk, *located.match, lines, old);
        return {true, located.match->stage, {}};
    }

    // Replaces the matched window by the hunk's new lines now, and moves
    // where the next hunk's claimed line is expected.
    void splice_in(const Hunk& hunk, const Match& match, const std::vector<HunkLine>& lines,
                   const std::vector<std::string_view>& old)
    {
        const auto lines_before = m_file.lines.size();
        auto out = replacement(match, lines, old);
        const auto written = out.size();
        const auto first = m_file.lines.begin() + static_cast<std::ptrdiff_t>(match.start);
        m_file.lines.erase(first, first + static_cast<std::ptrdiff_t>(match.length));
        m_file.lines.insert(m_file.lines.begin() + static_cast<std::ptrdiff_t>(match.start),
                            out.begin(), out.end());
        m_size_delta +=
            static_cast<std::ptrdiff_t>(written) - static_cast<std::ptrdiff_t>(match.length);
        // The next hunk's claimed line shifts by how far this one moved and grew.
        if (hunk.claimed_line) {
            m_offset = static_cast<std::ptrdiff_t>(match.start + written) -
                       static_cast<std::ptrdiff_t>(*hunk.claimed_line - 1 + old.size());
        } else {
            m_offset +=
                static_cast<std::ptrdiff_t>(written) - static_cast<std::ptrdiff_t>(match.length);
        }
        if (match.start + match.length == lines_before) {
            follow_final_newline_markers(hunk);
        }
    }

    // The diff's "\ No newline at end of file" markers, for a hunk that
    // reaches the end of the file.
    void follow_final_newline_markers(const Hunk& hunk)
    {
        if (hunk.new_lacks_final_newline) {
            m_file.final_newline = false;
        } else if (hunk.old_lacks_final_newline) {
            m_file.final_newline = true;
        }
    }

    // A match at the claimed line, past every pending splice: becomes one
    // more pending splice. nullopt when the fast path does not apply.
    std::optional<Stage> deferred(const Hunk& hunk, const std::vector<HunkLine>& lines,
                                  const std::vector<std::string_view>& old, std::size_t claimed)
    {
        const auto start = static_cast<std::ptrdiff_t>(claimed) - m_pending_delta;
        const auto m = old.size();
        if (start < static_cast<std::ptrdiff_t>(m_pending_end) ||
            static_cast<std::size_t>(start) + m > m_file.lines.size()) {
            return std::nullopt;
        }
        const auto at = static_cast<std::size_t>(start);
        // Verbatim, else (when allowed) after whitespace, else punctuation normalisation.
        auto all_equal = [&](auto key) {
            for (std::size_t j = 0; j < m; ++j) {
                if (key(m_file.lines[at + j].text) != key(old[j])) {
                    return false;
                }
            }
            return true;
        };
        Stage stage = Stage::exact;
        if (!all_equal([](std::string_view line) { return line; })) {
            if (m_options.last_stage >= Stage::whitespace && all_equal(whitespace_key)) {
                stage = Stage::whitespace;
            } else if (m_options.last_stage >= Stage::punctuation && all_equal(punctuation_key)) {
                stage = Stage::punctuation;
            } else {
                return std::nullopt;
            }
        }
        Match match;
        match.stage = stage;
        match.start = at;
        match.length = m;
        match.aligned.resize(m);
        for (std::size_t j = 0; j < m; ++j) {
            match.aligned[j] = static_cast<std::ptrdiff_t>(at + j);
        }
        auto out = replacement(match, lines, old);
        const auto written = out.size();
        m_offset = static_cast<std::ptrdiff_t>(claimed + written) -
                   static_cast<std::ptrdiff_t>(*hunk.claimed_line - 1 + m);
        if (at + m == m_file.lines.size()) {
            follow_final_newline_markers(hunk);
        }
        m_pending_delta += static_cast<std::ptrdiff_t>(written) - static_cast<std::ptrdiff_t>(m);
        m_size_delta += static_cast<std::ptrdiff_t>(written) - static_cast<std::ptrdiff_t>(m);
        m_pending_end = at + m;
        m_pending.push_back({at, m, std::move(out)});
        return stage;
    }

    // The hunk's new lines for the matched window: the file's lines between
    // and around the expected ones kept, context lines as they are in the
    // file, removed lines dropped, added lines indented (reindent.hpp).
    std::vector<FileLine> replacement(const Match& match, const std::vector<HunkLine>& lines,
                                      const std::vector<std::string_view>& old)
    {
        const auto reference = indent_references(match, lines, old);
        const auto shift = common_indent_shift(m_file, match, old);
        std::vector<FileLine> out;
        out.reserve(match.length + lines.size());
        std::size_t cursor = match.start;
        std::size_t j = 0;
        for (std::size_t k = 0; k < lines.size(); ++k) {
            const auto& line = lines[k];
            if (line.op == HunkLine::Op::add) {
                out.push_back(added_line(
                    line, added_line_text(m_file, match, old, line.text, reference[k], shift)));
                continue;
            }
            const auto at = match.aligned[j++];
            if (at < 0) {
                continue;
            }
            const auto index = static_cast<std::size_t>(at);
            while (cursor < index) {
                out.push_back(m_file.lines[cursor++]);
            }
            if (line.op == HunkLine::Op::context) {
                out.push_back(m_file.lines[index]);
            } else {
                bytes_changed += m_file.lines[index].text.size() + 1;
                ++removed;
            }
            cursor = index + 1;
        }
        while (cursor < match.start + match.length) {
            out.push_back(m_file.lines[cursor++]);
        }
        return out;
    }

    // An added line as written, counted: with the file's line ending, or the
    // model's when the hunk keeps exact line endings or the file is empty.
    FileLine added_line(const HunkLine& line, std::string text)
    {
        bytes_changed += text.size() + 1;
        const bool cr = m_exact_line_endings || m_file.lines.empty() ? line.cr : m_file.crlf;
        ++added;
        return {m_file.store(std::move(text)), cr};
    }

    std::string failure(const Hunk& hunk, const std::vector<std::string_view>& old,
                        const Query& query, const Located& located) const
    {
        return not_applied_message(where(hunk), hunk, old, query, located, m_file, m_options);
    }

    std::string m_path;
    FileText& m_file;
    const ApplyOptions& m_options;
    std::ptrdiff_t m_offset = 0;
    std::ptrdiff_t m_size_delta = 0; // lines all hunks so far added (negative: removed)
    std::vector<Splice> m_pending;
    std::ptrdiff_t m_pending_delta = 0; // lines the pending splices add (negative: remove)
    std::size_t m_pending_end = 0;      // where the last pending splice ends
    bool m_exact_line_endings = false;
    std::size_t m_index = 0;
    std::size_t m_count = 0;
};

} // namespace

HunksOutcome apply_hunks(const std::string& path, FileText& file, const std::vector<Hunk>& hunks,
                         const ApplyOptions& options)
{
    HunksOutcome outcome;
    FileEditor editor(path, file, options);
    for (std::size_t k = 0; k < hunks.size(); ++k) {
        const auto one = editor.apply(hunks[k], k, hunks.size());
        if (!one.ok) {
            outcome.message = one.message;
            return outcome;
        }
        if (one.stage && (!outcome.stage || *one.stage > *outcome.stage)) {
            outcome.stage = one.stage;
        }
    }
    editor.flush();
    outcome.ok = true;
    outcome.lines_added = editor.added;
    outcome.lines_removed = editor.removed;
    outcome.bytes_changed = editor.bytes_changed;
    return outcome;
}

} // namespace draftsmith::edit::detail
