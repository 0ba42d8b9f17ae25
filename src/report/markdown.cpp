#include "markdown.hpp"

#include "draftsmith/util/text.hpp"

#include <algorithm>

namespace draftsmith::report::detail {

namespace {

constexpr std::string_view k_ellipsis = "\xE2\x80\xA6"; // U+2026

bool is_continuation_byte(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

} // namespace

std::string neutralise_markers(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i, 4) == "<!--") {
            out += "&lt;";
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string one_line(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (const char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += c;
    }
    return out;
}

std::string table_cell(std::string_view text)
{
    const auto line = neutralise_markers(one_line(text));
    std::string out;
    out.reserve(line.size());
    for (const char c : line) {
        if (c == '|') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string block_quote(std::string_view text)
{
    std::string out;
    for (const auto line : text::split_lines(text::trim(text))) {
        out += text::trim_right(line).empty() ? ">" : "> ";
        out += neutralise_markers(text::trim_right(line));
        out += '\n';
    }
    return out;
}

std::string cut_utf8(std::string_view text, std::size_t max_bytes)
{
    if (text.size() <= max_bytes) {
        return std::string(text);
    }
    if (max_bytes < k_ellipsis.size()) {
        return std::string(k_ellipsis.substr(0, 0));
    }
    std::size_t end = max_bytes - k_ellipsis.size();
    while (end > 0 && is_continuation_byte(text[end])) {
        --end;
    }
    std::string out(text::trim_right(text.substr(0, end)));
    out += k_ellipsis;
    return out;
}

std::string code_block(std::string_view text, std::string_view info)
{
    std::size_t longest = 0;
    std::size_t run = 0;
    for (const char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    std::string out = fence;
    out += info;
    out += '\n';
    out += text;
    if (!text.empty() && text.back() != '\n') {
        out += '\n';
    }
    out += fence;
    out += '\n';
    return out;
}

} // namespace draftsmith::report::detail
