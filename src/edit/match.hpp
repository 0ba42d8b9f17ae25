#pragma once
// Internal to edit/: locating a hunk's old lines in a file, stage by stage.

#include "draftsmith/edit/apply.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "file_text.hpp"

namespace draftsmith::edit::detail {

struct Match {
    Stage stage = Stage::exact;
    std::size_t start = 0;  // first file line of the window (0-based)
    std::size_t length = 0; // file lines the window covers
    // For each old line of the hunk, the file line it matched, or -1 (fuzzy only).
    std::vector<std::ptrdiff_t> aligned;
    double score = 1.0;
};

struct Located {
    std::optional<Match> match;
    // When there is no match:
    bool ambiguous = false;
    Stage ambiguous_stage = Stage::exact;
    std::vector<std::size_t> places; // 0-based starts of the ambiguous matches
    std::optional<Match> nearest;    // the best fuzzy window, if any line was similar
    std::string nearest_refusal;     // why `nearest` was not used, when it reached the threshold
};

struct Query {
    const std::vector<std::string_view>* old_lines = nullptr; // context + removed lines
    const std::vector<bool>* removed = nullptr;               // per old line: a line to remove
    // Per old line j (and j == size for the end): pure insertions (added
    // lines not next to a removed line) come right before old line j.
    const std::vector<bool>* inserts_before = nullptr;
    std::optional<std::size_t> claimed; // 0-based expected start, moved as earlier hunks moved
    // The claimed start moved only by the lines earlier hunks added or removed
    // (as git reads it); a second opinion when the hunks' drift is not constant.
    std::optional<std::size_t> claimed_unshifted;
    std::string_view anchor; // codex "@@ anchor"
};

Located locate(const FileText& file, const Query& query, const ApplyOptions& options);

// The last stage of locate() (fuzzy_match.cpp): aligns `old` with windows of
// `file` (both as normalised keys) and sets located.match when one window is
// good enough and clearly the best, else located.nearest_refusal says why.
void fuzzy_stage(const std::vector<std::string_view>& file,
                 const std::vector<std::string_view>& old, const Query& query,
                 const ApplyOptions& options, Located& located);

} // namespace draftsmith::edit::detail
