#pragma once
// The applier: an EditSet over a read-only BaseTree gives an Overlay plus one
// result per file (the matching stage used, or a failure message short enough
// to send back to the model as-is).
//
// Each hunk is located in stages, stopping at the first that finds it:
//   exact        the hunk's old lines at the line the model claimed
//   anywhere     the old lines verbatim anywhere in the file (line numbers ignored)
//   whitespace   trailing spaces, tabs vs spaces, runs of blanks and a constant
//                indentation shift ignored; the replacement follows the shift
//   punctuation  as whitespace, and curly quotes, dashes, ellipses, non-breaking
//                spaces read as their ASCII forms
//   fuzzy        the best-aligned window whose similarity reaches
//                Options::fuzzy_threshold (default 0.8; see apply.cpp)
// Every stage demands one match: two or more places is a failure (ambiguous),
// never a guess; except that a hunk with a line number whose text matches
// verbatim or tolerantly at that line, or clearly nearest to it (less than
// half as far as any other place, where `git apply` would put it), is taken
// there. A fuzzy match may differ from the hunk in context lines only.
// CRLF files stay CRLF, a missing final newline stays missing
// (unless the diff says otherwise), binary files (a NUL byte) are refused.

#include "draftsmith/edit/edit_set.hpp"
#include "draftsmith/edit/tree.hpp"
#include "draftsmith/util/overlay.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::edit {

enum class Stage { exact, anywhere, whitespace, punctuation, fuzzy };
const char* to_string(Stage stage) noexcept;

struct Limits {
    std::size_t max_files = 200;              // paths changed by one EditSet
    std::size_t max_bytes_changed = 16 << 20; // bytes removed + added over all files
    std::size_t max_file_bytes = 32 << 20;    // a file larger than this is not edited
};

struct ApplyOptions {
    Limits limits;
    // Extra refusals, e.g. protected paths: given a normalised path, returns
    // why it may not be changed ("CI definitions are protected"), or nullopt.
    std::function<std::optional<std::string>(std::string_view path)> refuse_path;
    Stage last_stage = Stage::fuzzy; // the most tolerant stage tried
    double fuzzy_threshold = 0.8;    // 0..1: mean line similarity of the best window
};

struct FileResult {
    std::string path; // normalised (the model's text if refused)
    FileChange::Kind kind = FileChange::Kind::modify;
    bool ok = false;
    // The most tolerant stage any hunk needed (nullopt for create/write/remove,
    // which need no matching).
    std::optional<Stage> stage;
    std::size_t lines_added = 0;
    std::size_t lines_removed = 0;
    std::string message; // empty when ok
    Span span;
};

struct ApplyResult {
    // `existing` plus every file that applied; on a failure the failed files'
    // paths are absent (callers wanting all or nothing check ok()).
    Overlay overlay;
    std::vector<FileResult> files;

    bool ok() const noexcept;
    // Every failure message, one paragraph per file: what is sent to a model.
    std::string failure_report() const;
};

// Applies `edits` over `existing` (read through first, then `base`).
// Expected failures (no match, ambiguous, unsafe path, binary, limits) are in
// the results; this throws only for internal errors.
ApplyResult apply(const EditSet& edits, const BaseTree& base, const Overlay& existing = {},
                  const ApplyOptions& options = {});

} // namespace draftsmith::edit
