#pragma once
// The sizes draftsmith accepts from outside, in one place (man draftsmith,
// LIMITS, lists them): a hostile or broken input gets a clear error instead
// of growing memory without bound or overflowing a parser's stack.

#include <cstddef>
#include <string>
#include <string_view>

namespace draftsmith::limits {

constexpr std::size_t k_kib = 1024;
constexpr std::size_t k_mib = k_kib * k_kib;

// JSON nested deeper than this (arrays and objects) is refused before it is
// parsed: nlohmann::json and our walks over it recurse per level. Real tool
// inputs, API answers and event payloads nest a few dozen levels at most.
constexpr std::size_t k_max_json_depth = 256;

// A configuration file's flow collections ([...] and {...}) nested deeper
// than this are refused before yaml-cpp reads them: it takes seconds per
// file on a few thousand levels. The schema itself nests three levels.
constexpr std::size_t k_max_config_depth = 64;

// A comment (parse, --comment, the host's copy): GitHub keeps at most 65,536
// characters, which UTF-8 makes at most 256 KiB.
constexpr std::size_t k_max_comment_bytes = 256 * k_kib;
// .draftsmith.yml (config check, the target branch's copy).
constexpr std::size_t k_max_config_bytes = k_mib;
// An event payload file (GitHub caps webhook payloads at 25 MB).
constexpr std::size_t k_max_event_bytes = 25 * k_mib;
// One line of a --replay recording (one model answer).
constexpr std::size_t k_max_recording_line_bytes = 16 * k_mib;
// One server-sent event of a model's answer stream (its lines and data).
constexpr std::size_t k_max_stream_event_bytes = 16 * k_mib;
// Entries of a list in the configuration (allowed_users, protected_paths, ...).
constexpr std::size_t k_max_list_entries = 1000;

// Whether the arrays and objects of JSON `text` nest deeper than `depth`
// levels. Linear, no recursion, brackets inside strings ignored; the text
// need not be valid JSON (the parser says what else is wrong).
bool json_deeper_than(std::string_view text, std::size_t depth = k_max_json_depth);

// "256 KiB", "1 MiB", "100 bytes": a limit as error messages and the manual say it.
std::string describe_bytes(std::size_t bytes);

} // namespace draftsmith::limits
