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

// Where an alignment may go: file lines [start, start + width) around a
// proposed start, and how far from its diagonal a path may wander.
struct Window {
    std::size_t start = 0;
    std::size_t width = 0;
    std::ptrdiff_t offset = 0; // the proposed start within the window
    std::ptrdiff_t band = 0;
};

enum : unsigned char { k_start, k_skip_file, k_skip_old, k_align };
constexpr double k_none = -std::numeric_limits<double>::infinity();

// The alignment's table over (hunk line j, window line i): best score and
// the step that reached it.
struct Grid {
    std::size_t width = 0;
    std::vector<double> score;
    std::vector<unsigned char> step;

    Grid(std::size_t m, std::size_t window_width)
        : width(window_width)
        , score((m + 1) * (window_width + 1), k_none)
        , step((m + 1) * (window_width + 1), k_start)
    {
    }
    std::size_t at(std::size_t j, std::size_t i) const { return j * (width + 1) + i; }
    void relax(std::size_t j, std::size_t i, double value, unsigned char how)
    {
        if (value > score[at(j, i)]) {
            score[at(j, i)] = value;
            step[at(j, i)] = how;
        }
    }
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
        const auto window = window_at(start);
        if (!window) {
            return std::nullopt;
        }
        return trace_back(*window, fill(*window));
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
    std::optional<Window> window_at(std::size_t start) const
    {
        const auto m = m_old.size();
        const std::size_t slack = std::min<std::size_t>(8, std::max<std::size_t>(2, m / 3));
        Window window;
        window.start = start > 2 ? start - 2 : 0;
        const std::size_t end = std::min(m_file.size(), start + m + slack + 2);
        if (window.start >= end) {
            return std::nullopt;
        }
        window.width = end - window.start;
        window.offset = static_cast<std::ptrdiff_t>(start - window.start);
        window.band = static_cast<std::ptrdiff_t>(slack + 2);
        return window;
    }

    // Every path through the table, best score per cell.
    Grid fill(const Window& window)
    {
        const auto m = m_old.size();
        const auto width = window.width;
        Grid grid(m, width);
        for (std::size_t i = 0; i <= width; ++i) {
            grid.score[grid.at(0, i)] = 0;
            grid.step[grid.at(0, i)] = i == 0 ? k_start : k_skip_file;
        }
        for (std::size_t j = 0; j <= m; ++j) {
            for (std::size_t i = 0; i <= width; ++i) {
                const double here = grid.score[grid.at(j, i)];
                if (here == k_none) {
                    continue;
                }
                if (i < width && j > 0) {
                    grid.relax(j, i + 1, here - (j == m ? 0.0 : 0.25), k_skip_file);
                }
                if (j < m) {
                    grid.relax(j + 1, i, here, k_skip_old);
                }
                if (j < m && i < width &&
                    std::abs(static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(j) -
                             window.offset) <= window.band) {
                    const double similarity = similar(j, window.start + i);
                    if (similarity >= 0.5) {
                        grid.relax(j + 1, i + 1, here + similarity, k_align);
                    }
                }
            }
        }
        return grid;
    }

    // The best path back from the table's end, as a candidate.
    std::optional<Candidate> trace_back(const Window& window, const Grid& grid) const
    {
        const auto m = m_old.size();
        Candidate candidate;
        candidate.match.stage = Stage::fuzzy;
        candidate.match.aligned.assign(m, -1);
        std::size_t j = m;
        std::size_t i = window.width;
        std::size_t first = window.width;
        std::size_t last = 0;
        const double total = grid.score[grid.at(m, window.width)];
        while (j > 0 || i > 0) {
            const auto how = grid.step[grid.at(j, i)];
            if (how == k_align) {
                --j;
                --i;
                candidate.match.aligned[j] = static_cast<std::ptrdiff_t>(window.start + i);
                first = std::min(first, i);
                last = std::max(last, i);
                if (m_file[window.start + i] == m_old[j] && !m_old[j].empty()) {
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
        candidate.first = window.start + first;
        candidate.last = window.start + last;
        candidate.match.start = candidate.first;
        candidate.match.length = last - first + 1;
        candidate.match.score = m == 0 ? 0.0 : total / static_cast<double>(m);
        return candidate;
    }

    const Views& m_file;
    const Views& m_old;
    std::unordered_map<std::uint64_t, double> m_cache;
};

using Votes = std::map<std::ptrdiff_t, double>;

// A vote for each offset at which one of the hunk's lines is in the file
// exactly; lines found more than 64 times ("}") say nothing.
Votes exact_votes(const Views& file, const Views& old)
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
    Votes votes;
    for (std::size_t j = 0; j < old.size(); ++j) {
        const auto found = wanted.find(old[j]);
        if (found == wanted.end() || found->second.size() > 64) {
            continue; // too common ("}") to say where the hunk is
        }
        for (const auto i : found->second) {
            votes[static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(j)] += 1.0;
        }
    }
    return votes;
}

// Nothing matches exactly: the line most like the hunk's longest line
// still tells the model where to look (the checks in fuzzy_stage keep
// such a window from being applied).
void vote_for_nearest_line(const Views& file, const Views& old, Votes& votes)
{
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
        votes[static_cast<std::ptrdiff_t>(*best_line) - static_cast<std::ptrdiff_t>(pivot)] = 1.0;
    }
}

// Starts worth aligning: where several of the hunk's lines match exactly at
// the same offset, best first; the claimed line counts as half a vote.
std::vector<std::size_t> fuzzy_starts(const Views& file, const Views& old,
                                      std::optional<std::size_t> claimed)
{
    auto votes = exact_votes(file, old);
    if (claimed) {
        votes[static_cast<std::ptrdiff_t>(*claimed)] += 0.5;
    }
    if (votes.empty()) {
        vote_for_nearest_line(file, old, votes);
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

// Why the best window may not be applied for its lines: too few exact, or
// a line to remove not there unchanged. nullopt: none of these.
std::optional<std::string> refuse_lines(const Candidate& best, const Views& file, const Views& old,
                                        const Query& query)
{
    std::size_t non_blank = 0;
    for (const auto line : old) {
        non_blank += line.empty() ? 0 : 1;
    }
    if (best.exact * 2 < non_blank) {
        return fmt::format("only {} of its {} lines are in the file unchanged", best.exact,
                           non_blank);
    }
    for (std::size_t j = 0; j < old.size(); ++j) {
        if ((*query.removed)[j] &&
            (best.match.aligned[j] < 0 ||
             old[j] != file[static_cast<std::size_t>(best.match.aligned[j])])) {
            return fmt::format("the line to remove '{}' is not there", old[j].substr(0, 80));
        }
    }
    return std::nullopt;
}

// A pure insertion between two expected lines that are not neighbours in
// the file (the model left out the lines between): which side of the
// missing lines it belongs to cannot be known.
std::optional<std::string> refuse_insertion_in_gap(const Candidate& best, const Views& old,
                                                   const Query& query)
{
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
                return fmt::format(
                    "it adds lines where the file has lines {}-{} that the edit does not show, "
                    "so where they go is unclear",
                    previous + 2, at);
            }
        }
        previous = at;
    }
    return std::nullopt;
}

// Another window, apart from the best, that scores within 0.1 of it.
std::optional<std::string> refuse_near_tie(const std::vector<Candidate>& candidates)
{
    const auto& best = candidates.front();
    for (std::size_t k = 1; k < candidates.size(); ++k) {
        const auto& other = candidates[k];
        const bool overlaps = other.first <= best.last && best.first <= other.last;
        if (!overlaps && other.match.score >= best.match.score - 0.1) {
            return fmt::format(
                "lines {}-{} are almost as similar ({:.0f}%), so the place is ambiguous",
                other.first + 1, other.last + 1, other.match.score * 100);
        }
    }
    return std::nullopt;
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
    if (best.match.score < options.fuzzy_threshold) {
        return;
    }
    auto refusal = refuse_lines(best, file, old, query);
    if (!refusal) {
        refusal = refuse_insertion_in_gap(best, old, query);
    }
    if (!refusal) {
        refusal = refuse_near_tie(candidates);
    }
    if (refusal) {
        located.nearest_refusal = std::move(*refusal);
        return;
    }
    if (options.last_stage < Stage::fuzzy) {
        located.nearest_refusal = "the fuzzy stage is turned off";
        return;
    }
    located.match = best.match;
}

} // namespace draftsmith::edit::detail
