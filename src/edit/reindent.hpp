#pragma once
// Internal to edit/: the indentation of added lines when a hunk matched
// tolerantly (whitespace stage or later), so a constant shift, lost
// indentation and tabs for spaces in the model's text all come out right.

#include "draftsmith/edit/edit_set.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "file_text.hpp"
#include "match.hpp"

namespace draftsmith::edit::detail {

// One prefix added to (add) or removed from (!add) the indentation of every
// expected line that is in the file.
struct IndentShift {
    bool add = false;
    std::string prefix;
};

// For each of the hunk's `lines`, the index into `old` of the expected line
// an added line takes its indentation from (-1: none). All -1 unless the
// match is tolerant.
std::vector<std::ptrdiff_t> indent_references(const Match& match,
                                              const std::vector<HunkLine>& lines,
                                              const std::vector<std::string_view>& old);

// The one shift that turns every expected line's indentation into the file's,
// when there is one and it is not empty; nullopt for an exact match.
std::optional<IndentShift> common_indent_shift(const FileText& file, const Match& match,
                                               const std::vector<std::string_view>& old);

// The text to write for an added line: with the common shift applied when
// there is one, else indented relative to its reference line, else as given.
std::string added_line_text(const FileText& file, const Match& match,
                            const std::vector<std::string_view>& old, std::string_view line,
                            std::ptrdiff_t reference, const std::optional<IndentShift>& shift);

} // namespace draftsmith::edit::detail
