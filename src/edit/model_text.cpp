#include "model_text.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace draftsmith::edit::detail {

std::vector<TextLine> split_model_text(std::string_view text)
{
    std::vector<TextLine> lines;
    std::size_t number = 1;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        const bool cr = !line.empty() && line.back() == '\r';
        if (cr) {
            line.remove_suffix(1);
        }
        lines.push_back({line, number++, cr});
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::vector<std::string_view> split_text_lines(std::string_view text)
{
    std::vector<std::string_view> lines;
    for (const auto& line : split_model_text(text)) {
        lines.push_back(line.text);
    }
    return lines;
}

bool is_fence(std::string_view line, std::string_view* info, std::size_t* length)
{
    const auto trimmed = text::trim_left(line);
    if (line.size() - trimmed.size() > 3 || trimmed.size() < 3) {
        return false;
    }
    const char mark = trimmed.front();
    if (mark != '`' && mark != '~') {
        return false;
    }
    std::size_t count = 0;
    while (count < trimmed.size() && trimmed[count] == mark) {
        ++count;
    }
    if (count < 3) {
        return false;
    }
    const auto rest = text::trim(trimmed.substr(count));
    if (mark == '`' && rest.find('`') != std::string_view::npos) {
        return false; // inline code such as ```x``` is not a fence
    }
    if (info != nullptr) {
        *info = rest;
    }
    if (length != nullptr) {
        *length = count;
    }
    return true;
}

namespace {

bool is_path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == '+' || c == '@' || c == '~' || c == ',' ||
           c == '=' || static_cast<unsigned char>(c) >= 0x80;
}

bool remove_prefix_ci(std::string_view& text, std::string_view prefix)
{
    if (text.size() >= prefix.size() &&
        text::iequals_ascii(text.substr(0, prefix.size()), prefix)) {
        text.remove_prefix(prefix.size());
        return true;
    }
    return false;
}

} // namespace

std::optional<std::string> bare_path(std::string_view line, const FileExists& exists);

std::optional<std::string> path_from_line(std::string_view line, const FileExists& exists)
{
    if (auto path = bare_path(line, exists)) {
        return path;
    }
    // Prose naming one path in backticks: "Change `src/a.css` like this:".
    std::optional<std::string> found;
    std::size_t open = line.find('`');
    while (open != std::string_view::npos) {
        const auto close = line.find('`', open + 1);
        if (close == std::string_view::npos) {
            break;
        }
        if (auto path = bare_path(line.substr(open + 1, close - open - 1), exists)) {
            if (found && *found != *path) {
                return std::nullopt; // two different paths: not a path line
            }
            found = std::move(path);
        }
        open = line.find('`', close + 1);
    }
    return found;
}

std::optional<std::string> bare_path(std::string_view line, const FileExists& exists)
{
    auto text = text::trim(line);
    // Markdown decoration: headings, list bullets, comment leaders, emphasis, code.
    while (!text.empty() && (text.front() == '#' || text.front() == '>')) {
        text = text::trim_left(text.substr(1));
    }
    for (const std::string_view leader : {"- ", "* ", "// ", "# ", "-- ", "; "}) {
        if (text.substr(0, leader.size()) == leader) {
            text = text::trim_left(text.substr(leader.size()));
        }
    }
    for (int round = 0; round < 3; ++round) {
        const auto before = text.size();
        for (const std::string_view word : {"filename:", "file name:", "file:", "path:",
                                            "filepath:", "in ", "edit ", "update "}) {
            if (remove_prefix_ci(text, word)) {
                text = text::trim_left(text);
            }
        }
        while (!text.empty() && (text.back() == ':' || text.back() == '*' || text.back() == '`' ||
                                 text.back() == '_' || text.back() == '"' || text.back() == '\'')) {
            text.remove_suffix(1);
        }
        while (!text.empty() &&
               (text.front() == '*' || text.front() == '`' || text.front() == '_' ||
                text.front() == '"' || text.front() == '\'')) {
            text.remove_prefix(1);
        }
        text = text::trim(text);
        if (text.size() == before) {
            break;
        }
    }
    if (text.empty() || text.size() > 300) {
        return std::nullopt;
    }
    for (const char c : text) {
        if (!is_path_char(c)) {
            return std::nullopt;
        }
    }
    static constexpr std::array<std::string_view, 10> k_bare_names = {
        "Makefile", "Dockerfile", "LICENSE",     "README",      "Gemfile",
        "Rakefile", "Procfile",   "Jenkinsfile", "Vagrantfile", "Containerfile"};
    const auto base =
        text.substr(text.rfind('/') == std::string_view::npos ? 0 : text.rfind('/') + 1);
    bool bare = false;
    for (const auto name : k_bare_names) {
        bare = bare || base == name;
    }
    const auto dot = base.find('.');
    const bool has_extension = dot != std::string_view::npos && dot + 1 < base.size();
    if (!bare && !has_extension && text.find('/') == std::string_view::npos &&
        !(exists && exists(text))) {
        return std::nullopt;
    }
    if (text.back() == '.' || text.back() == '/' || text.substr(0, 3) == "...") {
        return std::nullopt; // "etc." or a folder
    }
    return std::string(text);
}

std::vector<HunkLine> hunk_lines_for(const std::vector<std::string_view>& search,
                                     const std::vector<std::string_view>& replace)
{
    std::size_t prefix = 0;
    while (prefix < search.size() && prefix < replace.size() && search[prefix] == replace[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < search.size() - prefix && suffix < replace.size() - prefix &&
           search[search.size() - 1 - suffix] == replace[replace.size() - 1 - suffix]) {
        ++suffix;
    }
    std::vector<HunkLine> lines;
    lines.reserve(search.size() + replace.size());
    for (std::size_t i = 0; i < prefix; ++i) {
        lines.push_back({HunkLine::Op::context, std::string(search[i])});
    }
    for (std::size_t i = prefix; i < search.size() - suffix; ++i) {
        lines.push_back({HunkLine::Op::remove, std::string(search[i])});
    }
    for (std::size_t i = prefix; i < replace.size() - suffix; ++i) {
        lines.push_back({HunkLine::Op::add, std::string(replace[i])});
    }
    for (std::size_t i = search.size() - suffix; i < search.size(); ++i) {
        lines.push_back({HunkLine::Op::context, std::string(search[i])});
    }
    return lines;
}

std::string quote_for_message(std::string_view line)
{
    constexpr std::size_t k_width = 120;
    if (line.size() > k_width) {
        return fmt::format("{}...", line.substr(0, k_width));
    }
    return std::string(line);
}

namespace {

bool hunk_changes_something(const Hunk& hunk)
{
    if (hunk.kind == Hunk::Kind::lines) {
        return std::any_of(hunk.lines.begin(), hunk.lines.end(),
                           [](const auto& line) { return line.op != HunkLine::Op::context; });
    }
    if (hunk.kind == Hunk::Kind::text) {
        return hunk.search != hunk.replace;
    }
    return !hunk.replace.empty(); // insert, append
}

} // namespace

// A hunk that changes nothing beside others that do is dropped (a model that
// quotes a stretch of context as its own hunk still meant the rest); only an
// input where nothing changes at all is refused, at its first empty hunk.
void refuse_empty_hunks(EditSet& edits, std::string_view why)
{
    const FileChange* first_path = nullptr;
    const Hunk* first_empty = nullptr;
    bool something_changes = false;
    for (const auto& change : edits.changes) {
        for (const auto& hunk : change.hunks) {
            if (hunk_changes_something(hunk)) {
                something_changes = true;
            } else if (first_empty == nullptr) {
                first_empty = &hunk;
                first_path = &change;
            }
        }
    }
    if (first_empty == nullptr) {
        return;
    }
    if (!something_changes) {
        throw_parse_error(
            first_empty->span.first,
            fmt::format("this edit to {} changes nothing: {}", first_path->path, why));
    }
    for (auto& change : edits.changes) {
        std::erase_if(change.hunks, [](const Hunk& hunk) { return !hunk_changes_something(hunk); });
    }
}

void throw_parse_error(std::size_t line, const std::string& message)
{
    throw Error(ErrorCategory::input, fmt::format("line {}: {}", line, message));
}

} // namespace draftsmith::edit::detail
