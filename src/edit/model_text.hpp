#pragma once
// Internal to edit/: reading the text a model wrote, line by line, with the
// markdown around edits (fences, headings, bold path lines) recognised.

#include "draftsmith/edit/edit_set.hpp"
#include "draftsmith/edit/parse.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::edit::detail {

struct TextLine {
    std::string_view text;  // without "\n" or a final "\r"
    std::size_t number = 0; // 1-based
    bool cr = false;        // a "\r" ended the line (removed from `text`)
};

std::vector<TextLine> split_model_text(std::string_view text);

// True for a markdown fence line (``` or ~~~, three or more); `info` gets the
// text after the fence characters, trimmed, and `length` their count.
bool is_fence(std::string_view line, std::string_view* info = nullptr,
              std::size_t* length = nullptr);

// The path a line names when it is a path line: "src/a.css", "**src/a.css**",
// "`src/a.css`:", "### File: src/a.css", "// src/a.css". nullopt for prose.
// A bare word without an extension or folder ("configure") is a path only
// when `exists` says a file of that name is in the tree.
std::optional<std::string> path_from_line(std::string_view line, const FileExists& exists = {});

// Hunk lines for replacing `search` by `replace`: the lines both share at the
// start and end become context, the rest removed / added.
std::vector<HunkLine> hunk_lines_for(const std::vector<std::string_view>& search,
                                     const std::vector<std::string_view>& replace);

// Splits on "\n" (dropping one "\r" before it); a final "\n" makes no extra line.
std::vector<std::string_view> split_text_lines(std::string_view text);

// A line as quoted in a failure message: cut at 120 characters.
std::string quote_for_message(std::string_view line);

// An empty edit is not a success: when no hunk of `edits` changes anything (no
// line removed or added, an append of nothing), throws Error(input) at the
// first one; otherwise drops the hunks that change nothing.
// `why` says, in the format's words, what was empty ("its SEARCH and REPLACE
// sides are the same").
void refuse_empty_hunks(EditSet& edits, std::string_view why);

[[noreturn]] void throw_parse_error(std::size_t line, const std::string& message);

} // namespace draftsmith::edit::detail
