#pragma once
// Path components git itself refuses to put in a tree, because a checkout on
// macOS (HFS+/APFS) or Windows (NTFS) would read them as `.git` or as one of
// git's own dot files. Every place a path enters a tree checks its components
// with this: edit/paths.cpp (the applier, the agent's tools, `apply`) and
// git/overlay_commit.cpp (every commit we make, `apply --commit-to` included).

#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::git_path {

// Why `component` (one path component, no '/') may not enter a tree, or
// nullopt when it may. Refused, as git's verify_path() with core.protectHFS
// and core.protectNTFS on refuses them:
//   - `.git` in any case, also with HFS+-ignored code points anywhere
//     (".g\u200cit"), trailing dots or spaces (".git. ."), an NTFS stream
//     (".git::$INDEX_ALLOCATION") or as the NTFS short name `git~1`;
//   - lookalikes of `.gitmodules`, `.gitattributes`, `.gitignore` and
//     `.mailmap` in the same ways (".GITMODULES", "gitmod~1", "gi7eba~1",
//     ".gitignore."), which git refuses as symlinks: here refused outright,
//     since the exact name is what `protected_paths` guards. The exact
//     names themselves are allowed (protected_paths decides about them).
std::optional<std::string> refusal(std::string_view component);

} // namespace draftsmith::git_path
