#include "draftsmith/util/glob.hpp"

namespace draftsmith::glob {
namespace {

std::vector<std::string_view> components(std::string_view text)
{
    std::vector<std::string_view> parts;
    while (!text.empty()) {
        const auto slash = text.find('/');
        const auto part = text.substr(0, slash);
        if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        text.remove_prefix(slash == std::string_view::npos ? text.size() : slash + 1);
    }
    return parts;
}

// One component against one pattern component: '*' and '?'.
bool component_matches(std::string_view pattern, std::string_view name)
{
    std::size_t p = 0;
    std::size_t n = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

// Does the pattern match the first `count` path components exactly?
bool prefix_matches(const std::vector<std::string_view>& pattern, std::size_t i,
                    const std::vector<std::string_view>& path, std::size_t j, std::size_t count)
{
    if (i == pattern.size()) {
        return j == count;
    }
    if (pattern[i] == "**") {
        for (std::size_t k = j; k <= count; ++k) {
            if (prefix_matches(pattern, i + 1, path, k, count)) {
                return true;
            }
        }
        return false;
    }
    return j < count && component_matches(pattern[i], path[j]) &&
           prefix_matches(pattern, i + 1, path, j + 1, count);
}

} // namespace

bool matches(std::string_view pattern, std::string_view path)
{
    const auto path_parts = components(path);
    auto pattern_parts = components(pattern);
    if (pattern_parts.empty() || path_parts.empty()) {
        return false;
    }
    if (pattern.find('/') == std::string_view::npos) {
        pattern_parts.insert(pattern_parts.begin(), "**"); // at any depth
    }
    // The path itself or any of its parent directories.
    for (std::size_t count = 1; count <= path_parts.size(); ++count) {
        if (prefix_matches(pattern_parts, 0, path_parts, 0, count)) {
            return true;
        }
    }
    return false;
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view path)
{
    for (const auto& pattern : patterns) {
        if (matches(pattern, path)) {
            return true;
        }
    }
    return false;
}

} // namespace draftsmith::glob
