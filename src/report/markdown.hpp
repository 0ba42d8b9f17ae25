#pragma once
// Internal to report/: making untrusted text (a comment's intent, a model's
// summary, an error message) safe to put into markdown we post.
//
// Two dangers besides broken formatting: a text holding our own HTML-comment
// markers would make a later run mistake our comment for another request's,
// and a table cell holding '|' or a newline would break the table.

#include <cstddef>
#include <string>
#include <string_view>

namespace draftsmith::report::detail {

// "<!--" becomes "&lt;!--" so no text of others can forge a marker.
std::string neutralise_markers(std::string_view text);

// One table cell: newlines become spaces, '|' is escaped, markers neutralised.
std::string table_cell(std::string_view text);

// One line of prose: line breaks and runs of whitespace collapsed to one space.
std::string one_line(std::string_view text);

// Each line prefixed with "> " (a markdown block quote), markers neutralised.
std::string block_quote(std::string_view text);

// At most `max_bytes` bytes, cut at a UTF-8 character boundary, ending with
// "…" when cut.
std::string cut_utf8(std::string_view text, std::size_t max_bytes);

// A fenced code block whose fence is longer than any backtick run in `text`.
std::string code_block(std::string_view text, std::string_view info = "");

} // namespace draftsmith::report::detail
