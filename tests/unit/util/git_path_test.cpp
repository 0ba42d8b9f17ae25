// The path components git refuses (verify_path with core.protectHFS and
// core.protectNTFS), one class at a time. Each refused name is one that a
// checkout on macOS or Windows would read as .git or as one of git's files.

#include "draftsmith/util/git_path.hpp"

#include <doctest/doctest.h>

using draftsmith::git_path::refusal;

namespace {

bool refused(std::string_view name)
{
    return refusal(name).has_value();
}

} // namespace

TEST_CASE("util::git_path, .git in any case")
{
    for (const char* name : {".git", ".GIT", ".Git", ".gIT"}) {
        CHECK_MESSAGE(refused(name), name);
    }
    CHECK(*refusal(".GIT") == "it names .git (as git, macOS or Windows read it)");
}

TEST_CASE("util::git_path, HFS+ ignorable code points (git's next_hfs_char)")
{
    // U+200C ZWNJ, U+200D ZWJ, U+200E LRM, U+200F RLM, U+202A..U+202E bidi
    // embeddings and overrides, U+206A..U+206F, U+FEFF, anywhere in the name.
    for (const char* name :
         {".g\u200cit", ".git\u200c", "\u200c.git", ".g\u200dit", ".gi\u200et", ".g\u200fit",
          ".\u202agit", ".g\u202bit", ".gi\u202ct", ".git\u202d", ".g\u202eit", ".g\u206ait",
          ".g\u206fit", "\ufeff.git", ".G\u200cI\u200dT"}) {
        CHECK_MESSAGE(refused(name), name);
    }
    // Other invisible characters are no HFS+ folding: git lets them through.
    CHECK_FALSE(refused(".g\u200bit"));
    CHECK_FALSE(refused(".g\u2060it"));
}

TEST_CASE("util::git_path, NTFS trailing dots and spaces, streams and short names")
{
    for (const char* name : {".git.", ".git ", ".git. . .", ".git::$INDEX_ALLOCATION",
                             ".git:stream", "git~1", "GIT~1", "Git~1.", "git~1 "}) {
        CHECK_MESSAGE(refused(name), name);
    }
    CHECK_FALSE(refused("git~2")); // git guarantees .git is the first entry: git~1 only
    CHECK_FALSE(refused(".git.x"));
    CHECK_FALSE(refused(".gitx"));
}

TEST_CASE("util::git_path, lookalikes of git's own dot files")
{
    for (const char* name :
         {".GITMODULES",  ".gitmodules.", ".gitmodules ", ".gitmodules:x",   ".git\u200cmodules",
          "gitmod~1",     "GITMOD~4",     "gi7eba~1",     "gi7eba~9",        ".GitIgnore",
          ".gitignore..", "gitign~1",     "gi250a~1",     ".gitattributes ", "gitatt~2",
          "gi7d29~1",     ".MAILMAP",     "mailma~1",     "maba30~1",        ".mail\u200dmap"}) {
        CHECK_MESSAGE(refused(name), name);
    }
    CHECK(*refusal(".GITMODULES") ==
          "it is read as .gitmodules on macOS or Windows; write the exact name");
    // The exact names are allowed here: protected_paths decides about them.
    for (const char* name : {".gitmodules", ".gitignore", ".gitattributes", ".mailmap"}) {
        CHECK_FALSE_MESSAGE(refused(name), name);
    }
}

TEST_CASE("util::git_path, ordinary names pass")
{
    for (const char* name : {"git", ".github", ".gitkeep", "x.git", "repo.git", ".g-it", "gitmod~5",
                             ".gitlab-ci.yml", "src", "README.md", "\xff\xfe", ".g\xe9it", "~1"}) {
        CHECK_FALSE_MESSAGE(refused(name), name);
    }
}
