#pragma once
// Small text helpers with no dependencies: trimming, splitting, case folding,
// edit distance for "did you mean" hints.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::text {

std::string_view trim(std::string_view text);
std::string_view trim_left(std::string_view text);
std::string_view trim_right(std::string_view text);

// Lines without their terminators; "\r\n" and "\n" both end a line. A final
// terminator does not make an extra empty line.
std::vector<std::string_view> split_lines(std::string_view text);

std::string to_lower_ascii(std::string_view text);
bool iequals_ascii(std::string_view a, std::string_view b);

// Edit distance: insert, delete, substitute or swap two adjacent characters each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is a plausible typo of it
// (distance <= max(1, size/3)), or else the only candidate that starts with
// `word` (3 characters or more), for "did you mean 'x'?" hints.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// The names as a message lists alternatives: "a", "a or b", "a, b or c".
std::string or_list(const std::vector<std::string>& names);

// `text` with every "{name}" whose name is a key of `values` replaced by its
// value, for templates such as "draftsmith/pr-{pr}/v{i}"; any other brace is
// left as it is ("{x}" stays "{x}" when x is no key).
std::string fill_placeholders(std::string_view text,
                              const std::map<std::string, std::string, std::less<>>& values);

// The length of the valid UTF-8 sequence at the start of `text` (1 to 4),
// or 0 when it starts with an invalid byte (overlong forms, surrogates and
// code points past U+10FFFF are invalid). `text` must not be empty.
std::size_t utf8_sequence_length(std::string_view text);

// The offset of the first byte that is not part of valid UTF-8, or nullopt.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

// Whether git accepts `name` as a branch name (git check-ref-format's rules,
// in short: no control characters, spaces, '~^:?*[\\', "..", "@{", "//",
// no part starting with '.', no leading '-' or '/', no trailing '/', '.' or ".lock").
bool is_valid_branch_name(std::string_view name);

// Standard base64 (RFC 4648, '=' padding): HTTP Basic credentials, and ssh
// host keys as known_hosts holds them.
std::string base64(std::string_view bytes);

// Git's rule: a NUL byte in the first 8000 bytes makes content binary.
bool is_binary(std::string_view bytes);

} // namespace draftsmith::text
