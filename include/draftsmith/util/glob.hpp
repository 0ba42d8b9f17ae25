#pragma once
// Path globs, as used by the `protected_paths` and `secrets.extra_names`
// configuration keys (man draftsmith, CONFIGURATION).
//
// Paths and patterns are '/'-separated and relative to the repository root.
// `*` matches any characters within one path component, `?` one character
// other than '/', and `**` as a whole component any number of components
// (none included). A pattern without '/' matches a component at any depth; a
// pattern with '/' is anchored at the root. Either way, a pattern that matches
// a directory also matches everything under it. Matching is case-sensitive.

#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::glob {

// True when `pattern` matches `path` or one of its parent directories.
bool matches(std::string_view pattern, std::string_view path);

// True when any of `patterns` matches `path`.
bool matches_any(const std::vector<std::string>& patterns, std::string_view path);

} // namespace draftsmith::glob
