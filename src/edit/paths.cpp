#include "draftsmith/edit/paths.hpp"

#include "draftsmith/util/git_path.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace draftsmith::edit {

std::optional<std::string> normalise_path(std::string_view path, std::string& why)
{
    if (path.empty()) {
        why = "empty path";
        return std::nullopt;
    }
    for (const char c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            why = "path holds a control character";
            return std::nullopt;
        }
    }
    if (path.front() == '/' || path.front() == '\\' ||
        (path.size() >= 2 && path[1] == ':' &&
         ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')))) {
        why = "absolute paths are refused; use a path relative to the repository";
        return std::nullopt;
    }
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find_first_of("/\\", start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        const auto part = path.substr(start, end - start);
        if (part.empty() || part == ".") {
            // skip
        } else if (part == "..") {
            if (parts.empty()) {
                why = "the path leaves the repository ('..')";
                return std::nullopt;
            }
            parts.pop_back();
        } else {
            parts.push_back(part);
        }
        start = end + 1;
    }
    if (parts.empty()) {
        why = "the path names the repository itself, not a file";
        return std::nullopt;
    }
    std::string result;
    for (const auto part : parts) {
        if (const auto refused = git_path::refusal(part)) {
            why = text::iequals_ascii(part, ".git")
                      ? std::string("paths inside .git/ are refused")
                      : fmt::format("'{}' is refused: {}", part, *refused);
            return std::nullopt;
        }
        if (!result.empty()) {
            result += '/';
        }
        result += part;
    }
    return result;
}

} // namespace draftsmith::edit
