// Unified diffs as models write them. Line numbers and counts in `@@` headers
// are read but only as hints: a hunk runs until the next header, fence, or a
// line that is not part of a diff. Counts are used for two things: when they
// are met exactly at a blank line, the hunk ends there (so prose after an
// unfenced diff is not read as context); and when a prefix of the body meets
// them and only context follows, that prefix is the hunk (see cut_at_counts).
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/text.hpp"

#include <algorithm>
#include <charconv>

#include "model_text.hpp"

namespace draftsmith::edit {
namespace {

using detail::TextLine;

bool starts_with(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// "a/x y" with C quoting as git writes it for odd names.
std::string unquote(std::string_view path)
{
    if (path.size() < 2 || path.front() != '"' || path.back() != '"') {
        return std::string(path);
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < path.size(); ++i) {
        if (path[i] == '\\' && i + 2 < path.size()) {
            const char next = path[++i];
            if (next >= '0' && next <= '7' && i + 2 < path.size()) {
                out += static_cast<char>((next - '0') * 64 + (path[i + 1] - '0') * 8 +
                                         (path[i + 2] - '0'));
                i += 2;
            } else {
                out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
            }
        } else {
            out += path[i];
        }
    }
    return out;
}

// The path of a `--- ` / `+++ ` line: timestamps after a tab dropped.
std::string header_path(std::string_view rest)
{
    rest = text::trim(rest);
    if (!rest.empty() && rest.front() != '"') {
        const auto tab = rest.find('\t');
        if (tab != std::string_view::npos) {
            rest = rest.substr(0, tab);
        }
        // "file  2024-01-01 10:00:00.000 +0100" from some diff tools
        const auto gap = rest.find("  ");
        if (gap != std::string_view::npos) {
            rest = rest.substr(0, gap);
        }
    }
    return unquote(text::trim(rest));
}

std::optional<std::size_t> parse_number(std::string_view text, std::size_t& pos)
{
    std::size_t value = 0;
    const auto* begin = text.data() + pos;
    const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
    if (error != std::errc{} || end == begin) {
        return std::nullopt;
    }
    pos += static_cast<std::size_t>(end - begin);
    return value;
}

struct HunkHeader {
    std::optional<std::size_t> old_start;
    std::optional<std::size_t> old_count;
    std::optional<std::size_t> new_count;
};

// "@@ -12,5 +12,7 @@ ...", "@@ -12 +12 @@", "@@ ... @@", "@@".
HunkHeader parse_hunk_header(std::string_view line)
{
    HunkHeader header;
    std::size_t pos = 2;
    while (pos < line.size() && line[pos] == ' ') {
        ++pos;
    }
    if (pos < line.size() && line[pos] == '-') {
        ++pos;
        header.old_start = parse_number(line, pos);
        header.old_count = 1;
        if (header.old_start && pos < line.size() && line[pos] == ',') {
            ++pos;
            header.old_count = parse_number(line, pos);
        }
        while (pos < line.size() && line[pos] == ' ') {
            ++pos;
        }
        if (pos < line.size() && line[pos] == '+') {
            ++pos;
            if (parse_number(line, pos)) {
                header.new_count = 1;
                if (pos < line.size() && line[pos] == ',') {
                    ++pos;
                    header.new_count = parse_number(line, pos);
                }
            }
        }
    }
    if (!header.old_start || !header.new_count) {
        return {};
    }
    return header;
}

bool is_hunk_line(std::string_view line)
{
    return line.empty() || line[0] == ' ' || line[0] == '+' || line[0] == '-' || line[0] == '\\';
}

class DiffParser {
public:
    explicit DiffParser(std::vector<TextLine> lines)
        : m_lines(std::move(lines))
    {
    }

    EditSet parse()
    {
        while (m_at < m_lines.size()) {
            const auto line = m_lines[m_at].text;
            if (starts_with(line, "diff --git ")) {
                git_header();
            } else if (is_file_header(m_at)) {
                file_header(false);
            } else if (starts_with(line, "@@")) {
                if (m_current == nullptr) {
                    detail::throw_parse_error(m_lines[m_at].number,
                                              "a hunk ('@@') outside any file: the diff needs "
                                              "'--- a/PATH' and '+++ b/PATH' lines before it");
                }
                hunk();
            } else {
                ++m_at;
            }
        }
        finish_file();
        return std::move(m_edits);
    }

private:
    bool is_file_header(std::size_t at) const
    {
        return starts_with(m_lines[at].text, "--- ") && at + 1 < m_lines.size() &&
               starts_with(m_lines[at + 1].text, "+++ ");
    }

    void start_file(std::size_t line_number)
    {
        finish_file();
        m_edits.changes.emplace_back();
        m_current = &m_edits.changes.back();
        m_current->span = {line_number, line_number};
    }

    void finish_file()
    {
        if (m_current == nullptr) {
            return;
        }
        auto& change = *m_current;
        if (change.kind == FileChange::Kind::create) {
            std::string content;
            bool lacks_newline = false;
            for (const auto& hunk : change.hunks) {
                for (const auto& line : hunk.lines) {
                    if (line.op != HunkLine::Op::remove) {
                        content += line.text;
                        content += line.cr ? "\r\n" : "\n";
                    }
                }
                lacks_newline = hunk.new_lacks_final_newline;
            }
            if (lacks_newline && !content.empty()) {
                content.pop_back();
                if (!content.empty() && content.back() == '\r') {
                    content.pop_back();
                }
            }
            change.content = std::move(content);
            change.hunks.clear();
        } else if (change.kind == FileChange::Kind::remove) {
            change.hunks.clear();
        }
        const bool nothing = change.kind == FileChange::Kind::modify && change.hunks.empty();
        m_current = nullptr;
        if (nothing) {
            m_edits.changes.pop_back(); // a mode change or an empty section: no content change
        }
    }

    void git_header()
    {
        const auto& first = m_lines[m_at];
        start_file(first.number);
        // "diff --git a/x b/x": the paths, in case no ---/+++ lines follow (renames, empty files).
        const auto rest = first.text.substr(11);
        const auto split = rest.find(" b/");
        if (starts_with(rest, "a/") && split != std::string_view::npos) {
            m_current->path = std::string(rest.substr(2, split - 2));
        } else {
            const auto space = rest.find(' ');
            m_current->path = std::string(rest.substr(0, space));
        }
        ++m_at;
        while (m_at < m_lines.size()) {
            const auto line = m_lines[m_at].text;
            if (starts_with(line, "rename from ")) {
                m_current->kind = FileChange::Kind::rename;
                m_current->path = unquote(text::trim(line.substr(12)));
            } else if (starts_with(line, "rename to ")) {
                m_current->kind = FileChange::Kind::rename;
                m_current->new_path = unquote(text::trim(line.substr(10)));
            } else if (starts_with(line, "new file mode")) {
                m_current->kind = FileChange::Kind::create;
            } else if (starts_with(line, "deleted file mode")) {
                m_current->kind = FileChange::Kind::remove;
            } else if (starts_with(line, "GIT binary patch") || starts_with(line, "Binary files")) {
                detail::throw_parse_error(m_lines[m_at].number,
                                          "binary patches are not supported: draftsmith edits "
                                          "text files only");
            } else if (starts_with(line, "copy from ") || starts_with(line, "copy to ")) {
                detail::throw_parse_error(m_lines[m_at].number,
                                          "'copy from/to' is not supported; create the new file "
                                          "with its whole content instead");
            } else if (!(starts_with(line, "index ") || starts_with(line, "old mode") ||
                         starts_with(line, "new mode") || starts_with(line, "similarity index") ||
                         starts_with(line, "dissimilarity index"))) {
                break;
            }
            ++m_at;
        }
        if (m_at < m_lines.size() && is_file_header(m_at)) {
            file_header(true);
        }
    }

    void file_header(bool after_git_header)
    {
        const auto old_line = m_lines[m_at].text.substr(4);
        const auto new_line = m_lines[m_at + 1].text.substr(4);
        if (!after_git_header) {
            start_file(m_lines[m_at].number);
        }
        auto old_path = header_path(old_line);
        auto new_path = header_path(new_line);
        const bool old_null = old_path == "/dev/null";
        const bool new_null = new_path == "/dev/null";
        if ((starts_with(old_path, "a/") || old_null) &&
            (starts_with(new_path, "b/") || new_null)) {
            if (!old_null) {
                old_path.erase(0, 2);
            }
            if (!new_null) {
                new_path.erase(0, 2);
            }
        }
        auto& change = *m_current;
        if (old_null && new_null) {
            detail::throw_parse_error(m_lines[m_at].number, "both sides of the diff are /dev/null");
        }
        if (old_null) {
            change.kind = FileChange::Kind::create;
            change.path = new_path;
        } else if (new_null) {
            change.kind = FileChange::Kind::remove;
            change.path = old_path;
        } else if (change.kind == FileChange::Kind::rename) {
            // keep rename from/to
        } else {
            // With `diff -u x.orig x` the names differ: the new name is the file to change.
            change.path = new_path;
        }
        m_at += 2;
    }

    void hunk()
    {
        const auto header_line = m_lines[m_at];
        const auto header = parse_hunk_header(header_line.text);
        Hunk hunk;
        hunk.span = {header_line.number, header_line.number};
        if (header.old_start) {
            // "-N,0" (no old lines) means "after line N".
            hunk.claimed_line = header.old_count == 0 ? *header.old_start + 1 : *header.old_start;
        }
        Counts counts;
        counts.old_count = header.old_count;
        counts.new_count = header.new_count;
        std::size_t pending_blank = 0;
        std::size_t pending_blank_start = 0;
        ++m_at;
        auto take = [&](HunkLine::Op op, std::string_view text, bool cr) {
            hunk.lines.push_back({op, std::string(text), cr});
            counts.take(op, hunk.lines.size());
        };
        while (m_at < m_lines.size()) {
            const auto& line = m_lines[m_at];
            const auto text = line.text;
            // "--- x" then "+++ y" inside a hunk whose counts still expect old and
            // new lines is a removed "-- x" and an added "++ y", not a file header.
            if (!is_hunk_line(text) || starts_with(text, "@@") ||
                (is_file_header(m_at) && !counts.pending()) || starts_with(text, "diff --git ")) {
                break;
            }
            if (text.empty()) {
                if (counts.met()) {
                    break;
                }
                if (pending_blank == 0) {
                    pending_blank_start = line.number;
                }
                ++pending_blank;
                ++m_at;
                continue;
            }
            for (; pending_blank > 0; --pending_blank) {
                take(HunkLine::Op::context, "", false);
            }
            hunk.span.last = line.number;
            body_line(hunk, line, take);
            ++m_at;
        }
        // Blank lines at the end count as context only when the header's counts need them.
        while (pending_blank > 0 && counts.pending()) {
            take(HunkLine::Op::context, "", false);
            hunk.span.last = pending_blank_start++;
            --pending_blank;
        }
        cut_at_counts(hunk, counts);
        if (!hunk.lines.empty()) {
            m_current->span.last = hunk.span.last;
            m_current->hunks.push_back(std::move(hunk));
        }
    }

    // The header's counts, checked against the body as it is read.
    struct Counts {
        std::optional<std::size_t> old_count;
        std::optional<std::size_t> new_count;
        std::size_t old_seen = 0;
        std::size_t new_seen = 0;
        std::optional<std::size_t> met_at; // body lines when both counts were first met exactly

        void take(HunkLine::Op op, std::size_t lines)
        {
            old_seen += op != HunkLine::Op::add ? 1 : 0;
            new_seen += op != HunkLine::Op::remove ? 1 : 0;
            if (!met_at && met()) {
                met_at = lines;
            }
        }
        bool met() const
        {
            return old_count && new_count && old_seen == *old_count && new_seen == *new_count;
        }
        bool pending() const
        {
            return old_count && new_count && old_seen < *old_count && new_seen < *new_count;
        }
    };

    template <typename Take>
    static void body_line(Hunk& hunk, const TextLine& line, Take& take)
    {
        const auto text = line.text;
        switch (text[0]) {
        case ' ':
            take(HunkLine::Op::context, text.substr(1), line.cr);
            break;
        case '+':
            take(HunkLine::Op::add, text.substr(1), line.cr);
            break;
        case '-':
            take(HunkLine::Op::remove, text.substr(1), line.cr);
            break;
        case '\\':
            if (!hunk.lines.empty()) {
                const auto op = hunk.lines.back().op;
                hunk.old_lacks_final_newline |= op != HunkLine::Op::add;
                hunk.new_lacks_final_newline |= op != HunkLine::Op::remove;
            }
            break;
        default:
            break;
        }
    }

    // A body that runs past counts a prefix of it met: when only context
    // follows, the counted hunk is the hunk (as `git apply` reads it) and the
    // rest may only help place it; when changed lines follow, the header was
    // miscounted and the whole body is the hunk (as `git apply --recount`
    // reads it), never dropping them.
    static void cut_at_counts(Hunk& hunk, const Counts& counts)
    {
        if (!counts.met_at || *counts.met_at >= hunk.lines.size()) {
            return;
        }
        const auto cut = hunk.lines.begin() + static_cast<std::ptrdiff_t>(*counts.met_at);
        if (std::all_of(cut, hunk.lines.end(),
                        [](const HunkLine& line) { return line.op == HunkLine::Op::context; })) {
            hunk.trailing_context.assign(cut, hunk.lines.end());
            hunk.lines.erase(cut, hunk.lines.end());
        }
    }

    std::vector<TextLine> m_lines;
    std::size_t m_at = 0;
    EditSet m_edits;
    FileChange* m_current = nullptr;
};

} // namespace

EditSet parse_unified_diff(std::string_view text)
{
    auto lines = detail::split_model_text(text);
    const auto with_cr = std::count_if(lines.begin(), lines.end(),
                                       [](const detail::TextLine& line) { return line.cr; });
    const bool mixed = with_cr > 0 && static_cast<std::size_t>(with_cr) < lines.size();
    auto edits = DiffParser(std::move(lines)).parse();
    for (auto& change : edits.changes) {
        for (auto& hunk : change.hunks) {
            hunk.exact_line_endings = mixed;
        }
    }
    detail::refuse_empty_hunks(edits, "the hunk has no '+' or '-' line");
    if (edits.empty()) {
        detail::throw_parse_error(1, "no file changes found in the diff (expected '--- a/PATH', "
                                     "'+++ b/PATH' and '@@' hunks)");
    }
    return edits;
}

} // namespace draftsmith::edit
