// Search/replace blocks and whole files in fences, both found under a path
// line (or a path in the fence's info string). Prose around them is skipped.
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include "model_text.hpp"

namespace draftsmith::edit {
namespace {

// A run of 5-9 `mark` characters, then optionally one of `words`, then nothing.
bool is_marker(std::string_view line, char mark, std::initializer_list<std::string_view> words)
{
    line = text::trim(line);
    std::size_t count = 0;
    while (count < line.size() && line[count] == mark) {
        ++count;
    }
    if (count < 5 || count > 9) {
        return false;
    }
    const auto rest = text::trim(line.substr(count));
    if (rest.empty()) {
        return mark == '='; // a bare <<<<<<< is a merge conflict, not a block
    }
    for (const auto word : words) {
        if (rest == word) {
            return true;
        }
    }
    return false;
}

bool is_search_marker(std::string_view line)
{
    return is_marker(line, '<', {"SEARCH", "ORIGINAL", "search"});
}
bool is_divider(std::string_view line)
{
    return is_marker(line, '=', {});
}
bool is_replace_marker(std::string_view line)
{
    return is_marker(line, '>', {"REPLACE", "UPDATED", "replace"});
}

// The path a fence's info string names ("```python src/a.py", "```src/a.py").
std::optional<std::string> path_from_info(std::string_view info, const FileExists& exists)
{
    auto words = info;
    while (!words.empty()) {
        const auto space = words.find(' ');
        auto word = words.substr(0, space);
        for (const std::string_view key : {"path=", "file=", "filename=", "title="}) {
            if (word.substr(0, key.size()) == key) {
                word.remove_prefix(key.size());
            }
        }
        if (auto path = detail::path_from_line(word, exists)) {
            return path;
        }
        if (space == std::string_view::npos) {
            break;
        }
        words = text::trim_left(words.substr(space + 1));
    }
    return std::nullopt;
}

// One SEARCH/REPLACE block: its sides and where it ends.
struct Block {
    std::vector<std::string_view> search;
    std::vector<std::string_view> replace;
    std::size_t end = 0; // index of its '>>>>>>> REPLACE' line
};

// The block whose '<<<<<<< SEARCH' line is lines[at]. Throws ParseError
// when its divider or REPLACE line is missing.
Block read_block(const std::vector<detail::TextLine>& lines, std::size_t at)
{
    const auto start = lines[at].number;
    Block block;
    std::size_t end = at + 1;
    while (end < lines.size() && !is_divider(lines[end].text)) {
        if (is_search_marker(lines[end].text) || is_replace_marker(lines[end].text)) {
            detail::throw_parse_error(lines[end].number,
                                      fmt::format("the block that starts at line {} has no "
                                                  "'=======' line between SEARCH and REPLACE",
                                                  start));
        }
        block.search.push_back(lines[end++].text);
    }
    if (end == lines.size()) {
        detail::throw_parse_error(start, "this SEARCH block has no '=======' and "
                                         "'>>>>>>> REPLACE' lines after it");
    }
    ++end;
    while (end < lines.size() && !is_replace_marker(lines[end].text)) {
        if (is_search_marker(lines[end].text) || is_divider(lines[end].text)) {
            break;
        }
        block.replace.push_back(lines[end++].text);
    }
    if (end == lines.size() || !is_replace_marker(lines[end].text)) {
        detail::throw_parse_error(start, "this SEARCH/REPLACE block is not closed by a "
                                         "'>>>>>>> REPLACE' line");
    }
    block.end = end;
    return block;
}

// The block as a hunk: an empty (or blank) SEARCH side with a REPLACE side appends.
Hunk hunk_of(const Block& block, std::size_t first_line, std::size_t last_line)
{
    Hunk hunk;
    hunk.span = {first_line, last_line};
    const auto& search = block.search;
    if (search.empty() ||
        (search.size() == 1 && text::trim(search.front()).empty() && !block.replace.empty())) {
        hunk.kind = Hunk::Kind::append;
        for (const auto added : block.replace) {
            hunk.replace.append(added);
            hunk.replace += '\n';
        }
    } else {
        hunk.lines = detail::hunk_lines_for(search, block.replace);
    }
    return hunk;
}

// Consecutive blocks for one file (under one path line) become one change, applied in order.
void add_hunk(EditSet& edits, const std::string& path, std::size_t path_line, Hunk hunk)
{
    if (edits.changes.empty() || edits.changes.back().path != path ||
        edits.changes.back().span.first != path_line) {
        FileChange change;
        change.kind = FileChange::Kind::modify;
        change.path = path;
        change.span = {path_line, hunk.span.last};
        edits.changes.push_back(std::move(change));
    }
    edits.changes.back().span.last = hunk.span.last;
    edits.changes.back().hunks.push_back(std::move(hunk));
}

// The path a line names (a fence's info string or a line of its own), if any.
std::optional<std::string> path_named_by(std::string_view line, const FileExists& exists)
{
    std::string_view info;
    if (detail::is_fence(line, &info)) {
        return path_from_info(info, exists);
    }
    return detail::path_from_line(line, exists);
}

} // namespace

EditSet parse_search_replace(std::string_view text, const FileExists& exists)
{
    const auto lines = detail::split_model_text(text);
    EditSet edits;
    std::optional<std::string> path; // the file the next block belongs to
    std::size_t path_line = 0;
    for (std::size_t at = 0; at < lines.size(); ++at) {
        const auto line = lines[at].text;
        if (detail::is_fence(line) || !is_search_marker(line)) {
            if (auto named = path_named_by(line, exists)) {
                path = std::move(named);
                path_line = lines[at].number;
            }
            continue;
        }
        const auto start = lines[at].number;
        if (!path) {
            detail::throw_parse_error(start, "a SEARCH/REPLACE block without a file path: put the "
                                             "file's path alone on the line before the block");
        }
        const auto block = read_block(lines, at);
        add_hunk(edits, *path, path_line, hunk_of(block, start, lines[block.end].number));
        at = block.end;
    }
    detail::refuse_empty_hunks(edits, "its SEARCH and REPLACE sides are the same");
    if (edits.empty()) {
        detail::throw_parse_error(1, "no SEARCH/REPLACE blocks found (expected '<<<<<<< SEARCH', "
                                     "'=======', '>>>>>>> REPLACE' under a path line)");
    }
    return edits;
}

EditSet parse_whole_files(std::string_view text, const FileExists& exists)
{
    const auto lines = detail::split_model_text(text);
    EditSet edits;
    std::optional<std::string> path;
    std::size_t path_line = 0;
    for (std::size_t at = 0; at < lines.size(); ++at) {
        std::string_view info;
        std::size_t fence_length = 0;
        if (!detail::is_fence(lines[at].text, &info, &fence_length)) {
            if (auto named = detail::path_from_line(lines[at].text, exists)) {
                path = std::move(named);
                path_line = lines[at].number;
            } else if (!text::trim(lines[at].text).empty()) {
                // Prose between a path line and a fence is fine; a path is
                // forgotten only when another fence used it.
            }
            continue;
        }
        std::optional<std::string> fence_path = path_from_info(info, exists);
        const auto open = lines[at].number;
        std::size_t end = at + 1;
        std::string_view close_info;
        std::size_t close_length = 0;
        while (end < lines.size() &&
               !(detail::is_fence(lines[end].text, &close_info, &close_length) &&
                 close_info.empty() && close_length >= fence_length)) {
            ++end;
        }
        if (end == lines.size()) {
            detail::throw_parse_error(open, "this fenced block is never closed");
        }
        const auto& target = fence_path ? fence_path : path;
        if (target) {
            FileChange change;
            change.kind = FileChange::Kind::write;
            change.path = *target;
            change.span = {fence_path ? open : path_line, lines[end].number};
            for (std::size_t i = at + 1; i < end; ++i) {
                change.content.append(lines[i].text);
                change.content += '\n';
            }
            edits.changes.push_back(std::move(change));
        }
        path.reset();
        at = end;
    }
    if (edits.empty()) {
        detail::throw_parse_error(1, "no whole files found (expected a path line, then the file "
                                     "in a ``` fence)");
    }
    return edits;
}

} // namespace draftsmith::edit
