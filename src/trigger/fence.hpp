#pragma once
// Fenced code as CommonMark opens and closes it, for the comment grammar and
// for finding HTML comments outside code (trigger/ only).

#include "draftsmith/util/text.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace draftsmith::trigger::detail {

inline std::string_view skip_fence_indent(std::string_view line)
{
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        line.remove_prefix(1);
    }
    return line;
}

// A fenced code block, as CommonMark opens and closes it: three or more
// backticks or tildes; the closing fence uses the same character, at least as
// many, and nothing else.
struct Fence {
    char marker;
    std::size_t length;
};

inline std::optional<Fence> fence_opening(std::string_view line)
{
    line = skip_fence_indent(line);
    if (line.empty() || (line.front() != '`' && line.front() != '~')) {
        return std::nullopt;
    }
    const char marker = line.front();
    const auto length = std::min(line.find_first_not_of(marker), line.size());
    if (length < 3) {
        return std::nullopt;
    }
    // "```code```" on one line is inline code, not a fence.
    if (marker == '`' && line.substr(length).find('`') != std::string_view::npos) {
        return std::nullopt;
    }
    return Fence{marker, length};
}

inline bool closes(const Fence& fence, std::string_view line)
{
    line = text::trim(line);
    return line.size() >= fence.length &&
           line.find_first_not_of(fence.marker) == std::string_view::npos;
}

// Tracks whether a line is inside fenced code while walking a comment.
class FenceTracker {
public:
    // True when `line` is a fence line or inside fenced code.
    bool in_code(std::string_view line)
    {
        if (m_open) {
            if (closes(*m_open, line)) {
                m_open.reset();
            }
            return true;
        }
        m_open = fence_opening(line);
        return m_open.has_value();
    }

private:
    std::optional<Fence> m_open;
};

} // namespace draftsmith::trigger::detail
