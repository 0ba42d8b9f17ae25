#include "draftsmith/util/limits.hpp"

#include <fmt/format.h>

namespace draftsmith::limits {

bool json_deeper_than(std::string_view text, std::size_t depth)
{
    std::size_t level = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++level > depth) {
                return true;
            }
        } else if ((c == ']' || c == '}') && level > 0) {
            --level;
        }
    }
    return false;
}

std::string describe_bytes(std::size_t bytes)
{
    if (bytes >= k_mib && bytes % k_mib == 0) {
        return fmt::format("{} MiB", bytes / k_mib);
    }
    if (bytes >= k_kib && bytes % k_kib == 0) {
        return fmt::format("{} KiB", bytes / k_kib);
    }
    return fmt::format("{} bytes", bytes);
}

} // namespace draftsmith::limits
