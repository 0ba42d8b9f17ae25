// The fuzzy stage of locating a hunk (match.cpp tries the exact ones first).
//
// The fuzzy stage aligns the hunk's lines with a window of the file (the
// windows come from lines that match exactly after normalisation, so
// unrelated text is never scored). A line pair scores its similarity
// (1 - edit distance / length) when at least 0.5; a file line the hunk skips
// inside the window (context the model dropped) costs 0.25. The window's
// score is the total over the hunk's line count. It is used when:
//   - the score reaches ApplyOptions::fuzzy_threshold (default 0.8),
//   - at least half of the hunk's non-blank lines match exactly (normalised),
//   - every line the hunk removes is in the window unchanged (normalised):
//     fuzziness is allowed in context only, never in what gets replaced,
//   - lines it adds between two expected lines are not put where the file has
//     lines the model left out (which side they belong to is unknown),
//   - no other, non-overlapping window scores within 0.1 of it (a near tie
//     is refused as ambiguous, never guessed).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>

#include "match.hpp"

namespace draftsmith::edit::detail {
namespace {

using Views = std::vector<std::string_view>;

struct Candidate {
    Match match;
    std::size_t exact = 0;
    std::size_t first = 0; // file lines the alignment spans
    std::size_t last = 0;
};

class Fuzzy {
public:
    Fuzzy(const Views& file, const Views& old)
        : m_file(file)
        , m_old(old)
    {
    }

    std::optional<Candidate> align(std::size_t start)
    {
        const auto m = m_old.size();
        const auto n = m_file.size();
        const std::size_t slack = std::min<std::size_t>(8, std::max<std::size_t>(2, m / 3));
        const std::size_t window_start = start > 2 ? start - 2 : 0;
        const std::size_t window_end = std::min(n, start + m + slack + 2);
        if (window_start >= window_end) {
            return std::nullopt;
        }
        const std::size_t width = window_end - window_start;
        const auto offset = static_cast<std::ptrdiff_t>(start - window_start);
        const auto band = static_cast<std::ptrdiff_t>(slack + 2);
        constexpr double k_none = -std::numeric_limits<double>::infinity();
        enum : unsigned char { k_start, k_skip_file, k_skip_old, k_align };
        std::vector<double> score((m + 1) * (width + 1), k_none);
        std::vector<unsigned char> step((m + 1) * (width + 1), k_start);
        auto at = [&](std::size_t j, std::size_t i) { return j * (width + 1) + i; };
        for (std::size_t i = 0; i <= width; ++i) {
            score[at(0, i)] = 0;
            step[at(0, i)] = i == 0 ? k_start : k_skip_file;
        }
        auto relax = [&](std::size_t j, std::size_t i, double value, unsigned char how) {
            if (value > score[at(j, i)]) {
                score[at(j, i)] = value;
                step[at(j, i)] = how;
            }
        };
        for (std::size_t j = 0; j <= m; ++j) {
            for (std::size_t i = 0; i <= width; ++i) {
                const double here = score[at(j, i)];
                if (here == k_none) {
                    continue;
                }
                if (i < width && j > 0) {
                    relax(j, i + 1, here - (j == m ? 0.0 : 0.25), k_skip_file);
                }
                if (j < m) {
                    relax(j + 1, i, here, k_skip_old);
                }
                if (j < m && i < width &&
                    std::abs(static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(j) -
                             offset) <= band) {
                    const double similarity = similar(j, window_start + i);
                    if (similarity >= 0.5) {
                        relax(j + 1, i + 1, here + similarity, k_align);
                    }
                }
            }
        }
        Candidate candidate;
        candidate.match.stage = Stage::fuzzy;
        candidate.match.aligned.assign(m, -1);
        std::size_t j = m;
        std::size_t i = width;
        std::size_t first = width;
        std::size_t last = 0;
        double total = score[at(m, width)];
        while (j > 0 || i > 0) {
            const auto how = step[at(j, i)];
            if (how == k_align) {
                --j;
                --i;
                candidate.match.aligned[j] = static_cast<std::ptrdiff_t>(window_start + i);
                first = std::min(first, i);
                last = std::max(last, i);
                if (m_file[window_start + i] == m_old[j] && !m_old[j].empty()) {
                    ++candidate.exact;
                }
            } else if (how == k_skip_old) {
                --j;
            } else if (how == k_skip_file) {
                --i;
            } else {
                break;
            }
        }
        if (first > last) {
            return std::nullopt;
        }
        candidate.first = window_start + first;
        candidate.last = window_start + last;
        candidate.match.start = candidate.first;
        candidate.match.length = last - first + 1;
        candidate.match.score = m == 0 ? 0.0 : total / static_cast<double>(m);
        return candidate;
    }

    double similar(std::size_t j, std::size_t i)
    {
        const auto key = (static_cast<std::uint64_t>(j) << 40) | i;
        const auto found = m_cache.find(key);
        if (found != m_cache.end()) {
            return found->second;
        }
        const double value = line_similarity(m_old[j], m_file[i]);
        m_cache.emplace(key, value);
        return value;
    }

private:
    const Views& m_file;
    const Views& m_old;
    std::unordered_map<std::uint64_t, double> m_cache;
};

// Starts worth aligning: where several of the hunk's lines match exactly at
// the same offset, best first; the claimed line counts as half a vote.
std::vector<std::size_t> fuzzy_starts(const Views& file, const Views& old,
                                      std::optional<std::size_t> claimed)
{
    std::unordered_map<std::string_view, std::vector<std::size_t>> wanted;
    for (const auto line : old) {
        if (!line.empty()) {
            wanted.emplace(line, std::vector<std::size_t>{});
        }
    }
    for (std::size_t i = 0; i < file.size(); ++i) {
        const auto found = wanted.find(file[i]);
        if (found != wanted.end() && found->second.size() <= 64) {
            found->second.push_back(i);
        }
    }
    std::map<std::ptrdiff_t, double> votes;
    for (std::size_t j = 0; j < old.size(); ++j) {
        const auto found = wanted.find(old[j]);
        if (found == wanted.end() || found->second.size() > 64) {
            continue; // too common ("}") to say where the hunk is
        }
        for (const auto i : found->second) {
            votes[static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(j)] += 1.0;
        }
    }
    if (claimed) {
        votes[static_cast<std::ptrdiff_t>(*claimed)] += 0.5;
    }
    if (votes.empty()) {
        // Nothing matches exactly: the line most like the hunk's longest line
        // still tells the model where to look (the checks in fuzzy_stage keep
        // such a window from being applied).
        std::size_t pivot = 0;
        for (std::size_t j = 1; j < old.size(); ++j) {
            if (old[j].size() > old[pivot].size()) {
                pivot = j;
            }
        }
        double best = 0.5;
        std::optional<std::size_t> best_line;
        for (std::size_t i = 0; i < file.size() && i < 50000; ++i) {
            const double similarity = line_similarity(old[pivot], file[i]);
            if (similarity > best) {
                best = similarity;
                best_line = i;
            }
        }
        if (best_line) {
            votes[static_cast<std::ptrdiff_t>(*best_line) - static_cast<std::ptrdiff_t>(pivot)] =
                1.0;
        }
    }
    std::vector<std::pair<double, std::ptrdiff_t>> ranked;
    ranked.reserve(votes.size());
    for (const auto& [start, count] : votes) {
        ranked.emplace_back(count, start);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::size_t> starts;
    for (const auto& [count, start] : ranked) {
        if (starts.size() >= 16) {
            break;
        }
        starts.push_back(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, start)));
    }
    return starts;
}

} // namespace

void fuzzy_stage(const Views& file, const Views& old, const Query& query,
                 const ApplyOptions& options, Located& located)
{
    if (old.empty() || file.empty()) {
        return;
    }
    Fuzzy fuzzy(file, old);
    std::vector<Candidate> candidates;
    for (const auto start : fuzzy_starts(file, old, query.claimed)) {
        if (auto candidate = fuzzy.align(start)) {
            candidates.push_back(std::move(*candidate));
        }
    }
    if (candidates.empty()) {
        return;
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const auto& a, const auto& b) { return a.match.score > b.match.score; });
    const auto& best = candidates.front();
    located.nearest = best.match;
    const double threshold = options.fuzzy_threshold;
    if (best.match.score < threshold) {
        return;
    }
    std::size_t non_blank = 0;
    for (const auto line : old) {
        non_blank += line.empty() ? 0 : 1;
    }
    if (best.exact * 2 < non_blank) {
        located.nearest_refusal =
            fmt::format("only {} of its {} lines are in the file unchanged", best.exact, non_blank);
        return;
    }
    for (std::size_t j = 0; j < old.size(); ++j) {
        if ((*query.removed)[j] &&
            (best.match.aligned[j] < 0 ||
             old[j] != file[static_cast<std::size_t>(best.match.aligned[j])])) {
            located.nearest_refusal =
                fmt::format("the line to remove '{}' is not there", old[j].substr(0, 80));
            return;
        }
    }
    // A pure insertion between two expected lines that are not neighbours in
    // the file (the model left out the lines between): which side of the
    // missing lines it belongs to cannot be known.
    std::ptrdiff_t previous = -1;
    for (std::size_t j = 0; j < old.size(); ++j) {
        const auto at = best.match.aligned[j];
        if (at < 0) {
            continue;
        }
        if (previous >= 0 && at - previous > 1) {
            bool inserts = false;
            for (std::size_t k = 0; k <= j; ++k) {
                // insertions after the previous aligned line, up to this one
                if (best.match.aligned[k] >= 0 && best.match.aligned[k] <= previous) {
                    continue;
                }
                inserts = inserts || (*query.inserts_before)[k];
            }
            if (inserts) {
                located.nearest_refusal = fmt::format(
                    "it adds lines where the file has lines {}-{} that the edit does not show, "
                    "so where they go is unclear",
                    previous + 2, at);
                return;
            }
        }
        previous = at;
    }
    for (std::size_t k = 1; k < candidates.size(); ++k) {
        const auto& other = candidates[k];
        const bool overlaps = other.first <= best.last && best.first <= other.last;
        if (!overlaps && other.match.score >= best.match.score - 0.1) {
            located.nearest_refusal = fmt::format(
                "lines {}-{} are almost as similar ({:.0f}%), so the place is ambiguous",
                other.first + 1, other.last + 1, other.match.score * 100);
            return;
        }
    }
    if (options.last_stage < Stage::fuzzy) {
        located.nearest_refusal = "the fuzzy stage is turned off";
        return;
    }
    located.match = best.match;
}

} // namespace draftsmith::edit::detail
