#pragma once
// Parsers for what models write, all producing an EditSet.
//
// Prose, markdown fences and headings around the edits are ignored. Line
// numbers and counts a model claims are hints, never trusted. A text that
// holds no edit at all, or an edit that cannot be read (a search/replace block
// without its path line, a hunk outside any file), is an Error(input) whose
// message names the line of the text.

#include "draftsmith/edit/edit_set.hpp"

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <optional>
#include <string_view>

namespace draftsmith::edit {

enum class Format {
    automatic,      // detect from the text (see detect_format)
    unified_diff,   // git diff / diff -u, with or without a/ b/, line numbers optional
    search_replace, // <<<<<<< SEARCH / ======= / >>>>>>> REPLACE under a path line
    whole_file,     // a path line, then the whole file in a fence
    codex_patch,    // *** Begin Patch / *** Update File: ... / *** End Patch
    tool_calls,     // JSON: one tool call, an array, or a provider message holding them
};

// "auto", "diff", "search-replace", "whole-file", "codex", "json" (as on the command line).
const char* to_string(Format format) noexcept;
std::optional<Format> parse_format_name(std::string_view name);

// The format a text is written in; never returns Format::automatic. Order:
// JSON if it parses as JSON; `*** Begin Patch`; SEARCH/REPLACE markers; diff
// headers or `@@` lines; otherwise whole files in fences.
Format detect_format(std::string_view text);

// True when a regular file is at the (model-written) path in the tree the
// edits are for. Given to the parsers, it lets a path line naming an existing
// file without an extension or folder ("configure", "gradlew") count as a
// path line; without it only names with an extension, a folder or a
// well-known bare name (Makefile, Dockerfile, ...) do.
using FileExists = std::function<bool(std::string_view path)>;

// Parses `text` in `format` (detected when automatic). Throws Error(input).
EditSet parse(std::string_view text, Format format = Format::automatic,
              const FileExists& exists = {});

EditSet parse_unified_diff(std::string_view text);
EditSet parse_search_replace(std::string_view text, const FileExists& exists = {});
EditSet parse_whole_files(std::string_view text, const FileExists& exists = {});
EditSet parse_codex_patch(std::string_view text);
EditSet parse_tool_calls(std::string_view text);

// One tool call as the agent receives it: `name` is str_replace, create
// (create_file), insert, delete (delete_file), rename (rename_file) or
// str_replace_based_edit_tool / str_replace_editor (with a "command" field);
// `input` holds path, old_str/new_str, file_text/content, insert_line,
// new_path. Throws Error(input) naming the missing or mistyped field.
FileChange parse_tool_call(std::string_view name, const nlohmann::json& input);

} // namespace draftsmith::edit
