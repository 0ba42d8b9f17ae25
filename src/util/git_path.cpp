#include "draftsmith/util/git_path.hpp"

#include <fmt/format.h>

#include <array>

// The rules are git's own, so that whatever we commit, git (and every
// checkout on macOS or Windows) accepts and reads as we meant it:
//   git/git utf8.c   next_hfs_char(), is_hfs_dot_generic(): HFS+ ignores the
//                    code points U+200C..U+200F, U+202A..U+202E,
//                    U+206A..U+206F and U+FEFF anywhere in a name, and folds case.
//   git/git path.c   is_ntfs_dotgit(): ".git" or "git~1", any case, followed
//                    only by dots and spaces up to the end or a ':' (NTFS
//                    drops trailing dots/spaces; ':' starts a data stream);
//                    is_ntfs_dot_generic(): the same for ".gitmodules" etc.,
//                    plus their short names "gitmod~1".."gitmod~4" and the
//                    hashed fall-back "gi7eba~N".
//   git/git read-cache.c verify_path()/verify_dotfile(): applies the above
//                    to every component of every path entering the index.

namespace draftsmith::git_path {
namespace {

// One UTF-8 sequence at the start of `text`, consumed; nullopt for a
// malformed one (git's next_hfs_char() stops there too: no match).
std::optional<char32_t> next_code_point(std::string_view& text)
{
    const auto lead = static_cast<unsigned char>(text.front());
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length == 0 || length > text.size()) {
        return std::nullopt;
    }
    char32_t code_point = length == 1 ? lead : lead & (0x7FU >> length);
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte >> 6) != 0x2) {
            return std::nullopt;
        }
        code_point = (code_point << 6) | (byte & 0x3FU);
    }
    text.remove_prefix(length);
    return code_point;
}

bool hfs_ignored(char32_t c)
{
    return (c >= 0x200C && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x206A && c <= 0x206F) || c == 0xFEFF;
}

char lower(char32_t c)
{
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

// git's is_hfs_dot_generic(): "." + `needle` once the ignored code points
// are dropped and ASCII case folded.
bool is_hfs_dot(std::string_view name, std::string_view needle)
{
    std::string folded;
    while (!name.empty()) {
        const auto c = next_code_point(name);
        if (!c) {
            return false;
        }
        if (hfs_ignored(*c)) {
            continue;
        }
        if (*c > 127) {
            return false;
        }
        folded += lower(*c);
    }
    return folded.size() == needle.size() + 1 && folded.front() == '.' &&
           std::string_view(folded).substr(1) == needle;
}

// True when `rest` holds only dots and spaces up to its end or a ':'.
bool only_dots_and_spaces(std::string_view rest)
{
    for (const char c : rest) {
        if (c == ':') {
            return true;
        }
        if (c != '.' && c != ' ') {
            return false;
        }
    }
    return true;
}

bool iprefix(std::string_view name, std::string_view prefix)
{
    if (name.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(static_cast<unsigned char>(name[i])) != prefix[i]) {
            return false;
        }
    }
    return true;
}

// git's is_ntfs_dotgit().
bool is_ntfs_dotgit(std::string_view name)
{
    if (iprefix(name, ".git")) {
        return only_dots_and_spaces(name.substr(4));
    }
    if (iprefix(name, "git~1")) {
        return only_dots_and_spaces(name.substr(5));
    }
    return false;
}

// The fall-back short name: up to six characters of `prefix`, '~', a digit
// 1-9 and more digits, eight characters in all (git's loop, verbatim).
bool is_ntfs_fallback_short_name(std::string_view name, std::string_view prefix)
{
    bool saw_tilde = false;
    std::size_t i = 0;
    for (; i < 8; ++i) {
        if (i >= name.size()) {
            return false;
        }
        const auto c = static_cast<unsigned char>(name[i]);
        if (saw_tilde) {
            if (c < '0' || c > '9') {
                return false;
            }
        } else if (c == '~') {
            ++i;
            if (i >= name.size() || name[i] < '1' || name[i] > '9') {
                return false;
            }
            saw_tilde = true;
        } else if (i >= 6 || (c & 0x80) != 0 || lower(c) != prefix[i]) {
            return false;
        }
    }
    return only_dots_and_spaces(name.substr(i));
}

// git's is_ntfs_dot_generic() for ".<dotless>".
bool is_ntfs_dot(std::string_view name, std::string_view dotless, std::string_view short_prefix)
{
    if (!name.empty() && name.front() == '.' && iprefix(name.substr(1), dotless)) {
        return only_dots_and_spaces(name.substr(1 + dotless.size()));
    }
    if (iprefix(name, dotless.substr(0, 6)) && name.size() > 7 && name[6] == '~' &&
        name[7] >= '1' && name[7] <= '4') {
        return only_dots_and_spaces(name.substr(8));
    }
    return is_ntfs_fallback_short_name(name, short_prefix);
}

struct DotFile {
    std::string_view dotless;
    std::string_view ntfs_short_prefix; // git's hashed prefix (path.c)
};

constexpr std::array<DotFile, 4> k_dot_files{{
    {"gitmodules", "gi7eba"},
    {"gitignore", "gi250a"},
    {"gitattributes", "gi7d29"},
    {"mailmap", "maba30"},
}};

} // namespace

std::optional<std::string> refusal(std::string_view component)
{
    if (is_hfs_dot(component, "git") || is_ntfs_dotgit(component)) {
        return std::string("it names .git (as git, macOS or Windows read it)");
    }
    for (const auto& file : k_dot_files) {
        const auto exact = fmt::format(".{}", file.dotless);
        if (component == exact) {
            continue;
        }
        if (is_hfs_dot(component, file.dotless) ||
            is_ntfs_dot(component, file.dotless, file.ntfs_short_prefix)) {
            return fmt::format("it is read as {} on macOS or Windows; write the exact name", exact);
        }
    }
    return std::nullopt;
}

} // namespace draftsmith::git_path
