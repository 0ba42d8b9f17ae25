// Locating a hunk: exact at the claimed line, then anywhere, then with
// whitespace and punctuation normalised, then fuzzy. At the anywhere,
// whitespace and punctuation stages several matches are ambiguous unless the
// hunk claims a line and one match is clearly the nearest to it (less than
// half the distance of the next), which is the place `git apply` would take. Each stage scans the
// file once, pivoting on the hunk's longest line, so the common path is
// linear in the file's size.
//
// The fuzzy stage, last, lives in fuzzy_match.cpp.
#include "match.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

namespace draftsmith::edit::detail {
namespace {

using Views = std::vector<std::string_view>;

// Where `old` occurs in `file` (at most 20 places, and `claimed` first when it is one).
std::vector<std::size_t> find_all(const Views& file, const Views& old,
                                  std::optional<std::size_t> claimed = std::nullopt)
{
    const auto m = old.size();
    const auto n = file.size();
    std::vector<std::size_t> found;
    if (m == 0 || m > n) {
        return found;
    }
    if (claimed && *claimed + m <= n &&
        std::equal(old.begin(), old.end(), file.begin() + static_cast<std::ptrdiff_t>(*claimed))) {
        return {*claimed};
    }
    std::size_t pivot = 0;
    for (std::size_t j = 1; j < m; ++j) {
        if (old[j].size() > old[pivot].size()) {
            pivot = j;
        }
    }
    for (std::size_t i = pivot; i + (m - pivot) <= n; ++i) {
        if (file[i] != old[pivot]) {
            continue;
        }
        const auto start = i - pivot;
        bool all = true;
        for (std::size_t j = 0; j < m && all; ++j) {
            all = file[start + j] == old[j];
        }
        if (all) {
            found.push_back(start);
            if (found.size() >= 20) {
                break;
            }
        }
    }
    return found;
}

Views views_of(const std::vector<std::string>& keys)
{
    return Views(keys.begin(), keys.end());
}

template <typename KeyFunction>
std::vector<std::string> keys_of(const Views& lines, KeyFunction key)
{
    std::vector<std::string> keys;
    keys.reserve(lines.size());
    for (const auto line : lines) {
        keys.push_back(key(line));
    }
    return keys;
}

Match identity_match(Stage stage, std::size_t start, std::size_t length)
{
    Match match;
    match.stage = stage;
    match.start = start;
    match.length = length;
    match.aligned.resize(length);
    for (std::size_t j = 0; j < length; ++j) {
        match.aligned[j] = static_cast<std::ptrdiff_t>(start + j);
    }
    return match;
}

std::size_t anchor_region(const Views& file, std::string_view anchor)
{
    if (anchor.empty()) {
        return 0;
    }
    const auto wanted = whitespace_key(anchor);
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < file.size(); ++i) {
        if (file[i].find(wanted) != std::string_view::npos &&
            whitespace_key(file[i]).find(wanted) != std::string::npos) {
            if (found) {
                return 0; // the anchor is not unique: no help
            }
            found = i;
        }
    }
    return found ? *found : 0;
}

// True when the stage found its one match (in `located.match`) or decided ambiguity.
bool decide(Stage stage, std::vector<std::size_t> found, std::size_t region, std::size_t m,
            std::optional<std::size_t> claimed, std::optional<std::size_t> claimed_unshifted,
            Located& located)
{
    // A match exactly where the hunk claims to be is taken, as at the exact
    // stage (only the comparison is more tolerant here).
    if (claimed && std::find(found.begin(), found.end(), *claimed) != found.end()) {
        located.match = identity_match(stage, *claimed, m);
        return true;
    }
    if (found.size() > 1 && region > 0) {
        std::vector<std::size_t> after;
        for (const auto start : found) {
            if (start >= region) {
                after.push_back(start);
            }
        }
        if (!after.empty()) {
            found = std::move(after);
        }
    }
    if (found.size() == 1) {
        located.match = identity_match(stage, found.front(), m);
        return true;
    }
    // Several places and a line number: the place clearly nearest the claimed
    // line is taken (less than half as far as any other), as `git apply` and
    // `patch` take the nearest. The claim is read two ways (moved as earlier
    // hunks moved, or only by the lines they added); a clear choice under one
    // reading that the other clearly contradicts stays ambiguous.
    if (found.size() > 1 && found.size() < 20 && (claimed || claimed_unshifted)) {
        auto clear_nearest = [&](std::optional<std::size_t> claim) -> std::optional<std::size_t> {
            if (!claim) {
                return std::nullopt;
            }
            auto distance = [&](std::size_t start) {
                return start > *claim ? start - *claim : *claim - start;
            };
            auto sorted = found;
            std::sort(sorted.begin(), sorted.end(),
                      [&](std::size_t a, std::size_t b) { return distance(a) < distance(b); });
            if (distance(sorted[1]) > 2 * distance(sorted[0]) + 2) {
                return sorted[0];
            }
            return std::nullopt;
        };
        const auto moved = clear_nearest(claimed);
        const auto unshifted = clear_nearest(claimed_unshifted);
        const auto choice = moved ? moved : unshifted;
        if (choice && (!moved || !unshifted || *moved == *unshifted)) {
            located.match = identity_match(stage, *choice, m);
            return true;
        }
    }
    if (found.size() > 1) {
        located.ambiguous = true;
        located.ambiguous_stage = stage;
        located.places = std::move(found);
        return true;
    }
    return false;
}

} // namespace

Located locate(const FileText& file, const Query& query, const ApplyOptions& options)
{
    const auto& old = *query.old_lines;
    const auto m = old.size();
    const auto n = file.lines.size();
    Located located;
    if (query.claimed && *query.claimed + m <= n) {
        bool all = true;
        for (std::size_t j = 0; j < m && all; ++j) {
            all = file.lines[*query.claimed + j].text == old[j];
        }
        if (all) {
            located.match = identity_match(Stage::exact, *query.claimed, m);
            return located;
        }
    }
    if (m == 0 || options.last_stage < Stage::anywhere) {
        return located;
    }
    Views raw;
    raw.reserve(n);
    for (const auto& line : file.lines) {
        raw.push_back(line.text);
    }
    const auto region = anchor_region(raw, query.anchor);
    if (decide(Stage::anywhere, find_all(raw, old, query.claimed), region, m, query.claimed,
               query.claimed_unshifted, located)) {
        return located;
    }
    const auto file_ws = keys_of(raw, whitespace_key);
    const auto old_ws = keys_of(old, whitespace_key);
    if (options.last_stage >= Stage::whitespace &&
        decide(Stage::whitespace, find_all(views_of(file_ws), views_of(old_ws), query.claimed),
               region, m, query.claimed, query.claimed_unshifted, located)) {
        return located;
    }
    const bool non_ascii = std::any_of(old.begin(), old.end(), has_non_ascii) ||
                           std::any_of(raw.begin(), raw.end(), has_non_ascii);
    std::vector<std::string> file_punct;
    std::vector<std::string> old_punct;
    if (non_ascii) {
        file_punct = keys_of(raw, punctuation_key);
        old_punct = keys_of(old, punctuation_key);
        if (options.last_stage >= Stage::punctuation &&
            decide(Stage::punctuation,
                   find_all(views_of(file_punct), views_of(old_punct), query.claimed), region, m,
                   query.claimed, query.claimed_unshifted, located)) {
            return located;
        }
    }
    const auto file_keys = views_of(non_ascii ? file_punct : file_ws);
    const auto old_keys = views_of(non_ascii ? old_punct : old_ws);
    fuzzy_stage(file_keys, old_keys, query, options, located);
    return located;
}

} // namespace draftsmith::edit::detail
