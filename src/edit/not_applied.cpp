// The message for a hunk that was not applied: where its lines matched too
// often, or what it expected beside the closest text in the file, so the
// model can send the edit again with the file's current text.
#include "not_applied.hpp"

#include <fmt/format.h>

#include "model_text.hpp"

namespace draftsmith::edit::detail {
namespace {

constexpr std::size_t k_quoted_lines = 8;

} // namespace

std::string not_applied_message(std::string_view where, const Hunk& hunk,
                                const std::vector<std::string_view>& old, const Query& query,
                                const Located& located, const FileText& file,
                                const ApplyOptions& options)
{
    std::string message;
    if (located.ambiguous) {
        std::string places;
        for (std::size_t k = 0; k < located.places.size() && k < 10; ++k) {
            places += fmt::format("{}{}", k == 0 ? "" : ", ", located.places[k] + 1);
        }
        message = fmt::format("{} was not applied: the {} line(s) it expects match {} places "
                              "(starting at lines {}) at the {} stage; include more "
                              "surrounding lines so they match once.\n",
                              where, old.size(),
                              located.places.size() >= 20 ? std::string("20 or more")
                                                          : std::to_string(located.places.size()),
                              places, to_string(located.ambiguous_stage));
        return message;
    }
    message = fmt::format("{} was not applied: {} it expects {} not in the file.\n", where,
                          old.size() == 1 ? std::string("the line")
                                          : fmt::format("the {} lines", old.size()),
                          old.size() == 1 ? "is" : "are");
    message += query.claimed && hunk.claimed_line
                   ? fmt::format("Expected near line {}:\n", *hunk.claimed_line)
                   : std::string("Expected:\n");
    for (std::size_t j = 0; j < old.size() && j < k_quoted_lines; ++j) {
        message += fmt::format("  | {}\n", quote_for_message(old[j]));
    }
    if (old.size() > k_quoted_lines) {
        message += fmt::format("  | ... ({} more lines)\n", old.size() - k_quoted_lines);
    }
    if (!located.nearest) {
        message += "No line of it is in the file. Read the file again and send the edit "
                   "with its current text.\n";
        return message;
    }
    const auto& nearest = *located.nearest;
    const auto first = nearest.start;
    const auto last = nearest.start + nearest.length;
    message += fmt::format(
        "Closest text, lines {}-{} ({:.0f}% similar at the fuzzy stage, "
        "{:.0f}% needed{}):\n",
        first + 1, last, nearest.score * 100, options.fuzzy_threshold * 100,
        located.nearest_refusal.empty() ? std::string() : "; refused: " + located.nearest_refusal);
    for (std::size_t i = first; i < last && i < first + k_quoted_lines; ++i) {
        message += fmt::format("{:>5} | {}\n", i + 1, quote_for_message(file.lines[i].text));
    }
    if (last - first > k_quoted_lines) {
        message += fmt::format("      | ... ({} more lines)\n", last - first - k_quoted_lines);
    }
    message += "Send the edit again using the file's current text.\n";
    return message;
}

} // namespace draftsmith::edit::detail
