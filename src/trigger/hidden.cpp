#include "draftsmith/trigger/hidden.hpp"

#include "fence.hpp"

// Why strip HTML comments and not only refuse them: a comment's visible part
// is what the commenter and every reviewer read, so that is what runs; the
// hidden part (a PR template's instructions, or someone's trick) is dropped.
// Invisible characters in a command are refused instead, because there is no
// telling what the commenter meant them to do.

namespace draftsmith::trigger {
namespace {

constexpr std::string_view k_open = "<!--";
constexpr std::string_view k_close = "-->";

// Where a backtick code span starting at `at` ends (one past its closing
// run), or npos when the run of backticks opens no span on this line.
std::size_t code_span_end(std::string_view line, std::size_t at)
{
    const auto run_end = std::min(line.find_first_not_of('`', at), line.size());
    const auto run = run_end - at;
    for (auto next = line.find('`', run_end); next != std::string_view::npos;) {
        const auto next_end = std::min(line.find_first_not_of('`', next), line.size());
        if (next_end - next == run) {
            return next_end;
        }
        next = line.find('`', next_end);
    }
    return std::string_view::npos;
}

// Appends `line`'s visible part to `out`; `in_comment` carries an open
// comment from line to line.
void strip_line(std::string_view line, bool& in_comment, std::string& out)
{
    std::size_t i = 0;
    while (i < line.size()) {
        if (in_comment) {
            const auto close = line.find(k_close, i);
            if (close == std::string_view::npos) {
                return;
            }
            in_comment = false;
            i = close + k_close.size();
            continue;
        }
        if (line[i] == '`') {
            const auto end = code_span_end(line, i);
            const auto stop = end == std::string_view::npos
                                  ? std::min(line.find_first_not_of('`', i), line.size())
                                  : end;
            out += line.substr(i, stop - i);
            i = stop;
            continue;
        }
        if (line.substr(i, k_open.size()) == k_open) {
            in_comment = true;
            i += 2; // "<!-->" is a whole (empty) comment in HTML
            continue;
        }
        out += line[i++];
    }
}

// One UTF-8 sequence at `at`: its code point and length, or length 0 when
// malformed.
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t at)
{
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length == 0 || at + length > text.size()) {
        return {0, 0};
    }
    char32_t code_point = length == 1 ? lead : lead & (0x7FU >> length);
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(text[at + i]);
        if ((byte >> 6) != 0x2) {
            return {0, 0};
        }
        code_point = (code_point << 6) | (byte & 0x3FU);
    }
    return {code_point, length};
}

bool is_hidden(char32_t c)
{
    return c == 0xAD || c == 0x61C || c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
           (c >= 0x2066 && c <= 0x206F) || c == 0xFEFF || (c >= 0xE0000 && c <= 0xE007F) ||
           (c >= 0xE0100 && c <= 0xE01EF);
}

} // namespace

std::string without_html_comments(std::string_view markdown)
{
    std::string out;
    out.reserve(markdown.size());
    detail::FenceTracker fences;
    bool in_comment = false;
    std::size_t start = 0;
    while (start <= markdown.size()) {
        auto end = markdown.find('\n', start);
        const bool last = end == std::string_view::npos;
        end = last ? markdown.size() : end;
        const auto line = markdown.substr(start, end - start);
        if (!in_comment && fences.in_code(line)) {
            out += line;
        } else {
            strip_line(line, in_comment, out);
        }
        if (last) {
            break;
        }
        out += '\n';
        start = end + 1;
    }
    return out;
}

std::optional<HiddenCharacter> find_hidden_character(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        const auto [code_point, length] = decode(text, i);
        if (length != 0 && is_hidden(code_point)) {
            return HiddenCharacter{code_point, i};
        }
        i += length == 0 ? 1 : length;
    }
    return std::nullopt;
}

std::string without_hidden_characters(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto [code_point, length] = decode(text, i);
        const auto step = length == 0 ? 1 : length;
        if (length == 0 || !is_hidden(code_point)) {
            out += text.substr(i, step);
        }
        i += step;
    }
    return out;
}

std::string visible_text(std::string_view markdown)
{
    std::string unix_lines;
    unix_lines.reserve(markdown.size());
    for (std::size_t i = 0; i < markdown.size(); ++i) {
        if (markdown[i] == '\r') {
            unix_lines += '\n';
            if (i + 1 < markdown.size() && markdown[i + 1] == '\n') {
                ++i;
            }
        } else {
            unix_lines += markdown[i];
        }
    }
    return without_hidden_characters(without_html_comments(unix_lines));
}

} // namespace draftsmith::trigger
