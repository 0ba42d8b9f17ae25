// draftsmith apply --commit-to: the edit engine's result committed with the
// git layer, the working tree untouched, optionally pushed.

#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "unit/git/git_cli.hpp"

using draftsmith::test::git;
using draftsmith::test::make_repository;
using draftsmith::test::run_draftsmith;
using draftsmith::test::TempDir;
using draftsmith::test::write_file;

namespace {

const char* const k_edit =
    "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n alpha\n-beta\n+BETA\n gamma\n";

} // namespace

TEST_CASE("cli apply --commit-to, commits without touching the working tree")
{
    const TempDir temp;
    const auto repo = temp / "repo";
    const std::string head = make_repository(repo, {{"a.txt", "alpha\nbeta\ngamma\n"}});
    write_file(temp / "edit.diff", k_edit);
    const std::string edit = (temp / "edit.diff").string();

    SUBCASE("a new branch from HEAD")
    {
        const auto result = run_draftsmith({"apply", "--repo", repo.string(), "--commit-to",
                                            "topic", "--message", "Make beta loud", edit});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        const std::string commit = git(repo, {"rev-parse", "topic"});
        CHECK(result.out == "applied modify a.txt (+1 -1, exact match)\ncommitted " +
                                commit.substr(0, 12) + " on topic\n");
        CHECK(git(repo, {"show", "topic:a.txt"}) == "alpha\nBETA\ngamma");
        CHECK(git(repo, {"rev-parse", "topic^"}) == head);
        CHECK(git(repo, {"log", "-1", "--format=%s|%cn", "topic"}) == "Make beta loud|draftsmith");
        CHECK(draftsmith::file::read_all(repo / "a.txt") == "alpha\nbeta\ngamma\n");
        CHECK(git(repo, {"status", "--porcelain"}).empty());
        CHECK(git(repo, {"rev-parse", "HEAD"}) == head);

        SUBCASE("again onto the same branch: it grows")
        {
            write_file(
                temp / "second.diff",
                "--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n alpha\n BETA\n-gamma\n+GAMMA\n");
            const auto again = run_draftsmith({"apply", "--repo", repo.string(), "--commit-to",
                                               "topic", (temp / "second.diff").string()});
            CHECK(again.exit_code == 0);
            CHECK(git(repo, {"rev-parse", "topic^"}) == commit);
            CHECK(git(repo, {"show", "topic:a.txt"}) == "alpha\nBETA\nGAMMA");
            CHECK(git(repo, {"log", "-1", "--format=%s", "topic"}) == "draftsmith apply");
        }
    }
    SUBCASE("--check commits nothing")
    {
        const auto result = run_draftsmith(
            {"apply", "--repo", repo.string(), "--commit-to", "topic", "--check", edit});
        CHECK(result.exit_code == 0);
        CHECK(git(repo, {"branch", "--list", "topic"}).empty());
    }
    SUBCASE("--push creates the branch on the remote")
    {
        git(temp.path(), {"clone", "-q", "--bare", repo.string(), (temp / "remote.git").string()});
        const std::string url = "file://" + (temp / "remote.git").string();
        const auto result = run_draftsmith(
            {"apply", "--repo", repo.string(), "--commit-to", "topic", "--push", url, edit});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        CHECK(result.out.find("pushed topic to " + url + " (created)\n") != std::string::npos);
        CHECK(git(temp / "remote.git", {"rev-parse", "topic"}) ==
              git(repo, {"rev-parse", "topic"}));
    }
    SUBCASE("usage errors")
    {
        auto result = run_draftsmith(
            {"apply", "--repo", repo.string(), "--commit-to", "topic", "--base", "nope", edit});
        CHECK(result.exit_code == 2);
        CHECK(result.err ==
              "draftsmith: error: --base nope: no such commit in " + repo.string() + "\n");
        result = run_draftsmith({"apply", "--repo", repo.string(), "--commit-to", "main", edit});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: --commit-to main: is the branch checked out in " +
                                repo.string() +
                                "; committing to it would leave the working tree behind (name "
                                "another branch, or apply without --commit-to)\n");
        result = run_draftsmith({"apply", "--repo", repo.string(), "--push", "origin", edit});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("--push requires --commit-to") != std::string::npos);
        CHECK(git(repo, {"branch", "--list", "topic"}).empty());
    }
    SUBCASE("a path macOS reads as .git is refused, nothing is committed (issue 12, item 8)")
    {
        write_file(temp / "git.diff",
                   "--- /dev/null\n+++ b/.g\u200cit/config\n@@ -0,0 +1 @@\n+[core]\n");
        const auto result = run_draftsmith({"apply", "--repo", repo.string(), "--commit-to",
                                            "topic", (temp / "git.diff").string()});
        CHECK(result.exit_code == 1);
        CHECK(result.err.find(".g\u200cit/config: refused: '.g\u200cit' is refused: it names "
                              ".git") != std::string::npos);
        CHECK(git(repo, {"branch", "--list", "topic"}).empty());
    }
    SUBCASE("edits that fail commit nothing")
    {
        write_file(temp / "bad.diff", "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-delta\n+DELTA\n");
        const auto result = run_draftsmith({"apply", "--repo", repo.string(), "--commit-to",
                                            "topic", (temp / "bad.diff").string()});
        CHECK(result.exit_code == 1);
        CHECK(git(repo, {"branch", "--list", "topic"}).empty());
    }
}
