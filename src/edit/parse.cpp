#include "draftsmith/edit/parse.hpp"

#include "draftsmith/util/text.hpp"

#include <nlohmann/json.hpp>

#include "model_text.hpp"

namespace draftsmith::edit {

const char* to_string(Format format) noexcept
{
    switch (format) {
    case Format::automatic:
        return "auto";
    case Format::unified_diff:
        return "diff";
    case Format::search_replace:
        return "search-replace";
    case Format::whole_file:
        return "whole-file";
    case Format::codex_patch:
        return "codex";
    case Format::tool_calls:
        return "json";
    }
    return "auto";
}

const char* to_string(FileChange::Kind kind) noexcept
{
    switch (kind) {
    case FileChange::Kind::create:
        return "create";
    case FileChange::Kind::write:
        return "write";
    case FileChange::Kind::modify:
        return "modify";
    case FileChange::Kind::remove:
        return "delete";
    case FileChange::Kind::rename:
        return "rename";
    }
    return "modify";
}

std::optional<Format> parse_format_name(std::string_view name)
{
    for (const auto format : {Format::automatic, Format::unified_diff, Format::search_replace,
                              Format::whole_file, Format::codex_patch, Format::tool_calls}) {
        if (name == to_string(format)) {
            return format;
        }
    }
    return std::nullopt;
}

Format detect_format(std::string_view text)
{
    const auto trimmed = text::trim(text);
    if (!trimmed.empty() && (trimmed.front() == '{' || trimmed.front() == '[') &&
        nlohmann::json::accept(trimmed)) {
        return Format::tool_calls;
    }
    bool search_marker = false;
    bool diff_marker = false;
    bool json_fence = false;
    const auto lines = detail::split_model_text(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto line = lines[i].text;
        if (text::trim(line) == "*** Begin Patch") {
            return Format::codex_patch;
        }
        const auto stripped = text::trim(line);
        if (stripped.substr(0, 5) == "<<<<<" &&
            (stripped.find("SEARCH") != std::string_view::npos ||
             stripped.find("ORIGINAL") != std::string_view::npos)) {
            search_marker = true;
        }
        if (line.substr(0, 11) == "diff --git " || line.substr(0, 2) == "@@" ||
            (line.substr(0, 4) == "--- " && i + 1 < lines.size() &&
             lines[i + 1].text.substr(0, 4) == "+++ ")) {
            diff_marker = true;
        }
        std::string_view info;
        if (detail::is_fence(line, &info) && info == "json") {
            json_fence = true;
        }
    }
    if (search_marker) {
        return Format::search_replace;
    }
    if (diff_marker) {
        return Format::unified_diff;
    }
    if (json_fence) {
        return Format::tool_calls;
    }
    return Format::whole_file;
}

EditSet parse(std::string_view text, Format format, const FileExists& exists)
{
    if (format == Format::automatic) {
        format = detect_format(text);
    }
    switch (format) {
    case Format::unified_diff:
        return parse_unified_diff(text);
    case Format::search_replace:
        return parse_search_replace(text, exists);
    case Format::whole_file:
        return parse_whole_files(text, exists);
    case Format::codex_patch:
        return parse_codex_patch(text);
    case Format::tool_calls:
        return parse_tool_calls(text);
    case Format::automatic:
        break;
    }
    return parse_whole_files(text, exists);
}

} // namespace draftsmith::edit
