#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

using draftsmith::test::run_draftsmith;
using draftsmith::test::TempDir;
using draftsmith::test::write_file;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path)
{
    return draftsmith::file::read_all(path);
}

void make_repo(const TempDir& dir)
{
    write_file(dir / "repo/a.txt", "alpha\nbeta\ngamma\n");
    write_file(dir / "repo/src/b.txt", "one\ntwo\n");
}

} // namespace

TEST_CASE("cli apply, applies to the working tree")
{
    TempDir dir;
    make_repo(dir);
    write_file(dir / "edit.diff", "Sure, here is the diff:\n```diff\n--- a/a.txt\n+++ b/a.txt\n"
                                  "@@ -7,3 +7,3 @@\n alpha\n-beta\n+BETA\n gamma\n```\n"
                                  "--- /dev/null\n+++ b/new/c.txt\n@@ -0,0 +1 @@\n+c\n");
    const auto result =
        run_draftsmith({"apply", "--repo", (dir / "repo").string(), (dir / "edit.diff").string()});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "applied modify a.txt (+1 -1, anywhere match)\n"
                        "applied create new/c.txt (+1 -0)\n");
    CHECK(read(dir / "repo/a.txt") == "alpha\nBETA\ngamma\n");
    CHECK(read(dir / "repo/new/c.txt") == "c\n");
    for (const auto& entry : fs::recursive_directory_iterator(dir / "repo")) {
        CHECK_MESSAGE(entry.path().string().find(".tmp") == std::string::npos, entry.path());
    }
}

TEST_CASE("cli apply, all or nothing")
{
    TempDir dir;
    make_repo(dir);
    // The first block applies, the second does not: nothing may be written.
    const std::string text = "a.txt\n<<<<<<< SEARCH\nbeta\n=======\nBETA\n>>>>>>> REPLACE\n\n"
                             "src/b.txt\n<<<<<<< SEARCH\nthree\n=======\n3\n>>>>>>> REPLACE\n";
    draftsmith::test::ProcessOptions options;
    options.stdin_text = text;
    const auto result = run_draftsmith({"apply", "--repo", (dir / "repo").string(), "-"}, options);
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("src/b.txt: edit (your lines 9-13) was not applied") !=
          std::string::npos);
    CHECK(result.err.find("draftsmith: nothing was written: 1 of 2 changes failed") !=
          std::string::npos);
    CHECK(read(dir / "repo/a.txt") == "alpha\nbeta\ngamma\n");
    CHECK(read(dir / "repo/src/b.txt") == "one\ntwo\n");
}

TEST_CASE("cli apply, --check and --json")
{
    TempDir dir;
    make_repo(dir);
    write_file(dir / "edit.txt", "*** Begin Patch\n*** Update File: src/b.txt\n one\n-two\n+2\n"
                                 "*** Delete File: a.txt\n*** End Patch\n");
    const auto result = run_draftsmith({"apply", "--check", "--json", "--repo",
                                        (dir / "repo").string(), (dir / "edit.txt").string()});
    CHECK(result.exit_code == 0);
    const auto json = nlohmann::json::parse(result.out);
    CHECK(json["ok"] == true);
    CHECK(json["written"] == false);
    REQUIRE(json["files"].size() == 2);
    CHECK(json["files"][0]["path"] == "src/b.txt");
    CHECK(json["files"][0]["stage"] == "anywhere");
    CHECK(json["files"][0]["lines_added"] == 1);
    CHECK(json["files"][1]["change"] == "delete");
    CHECK(json["files"][1]["stage"].is_null());
    CHECK(read(dir / "repo/src/b.txt") == "one\ntwo\n");
    CHECK(fs::exists(dir / "repo/a.txt"));

    SUBCASE("a failure in JSON carries its message and exits 1")
    {
        write_file(dir / "bad.txt", "a.txt\n<<<<<<< SEARCH\nzeta\n=======\nz\n>>>>>>> REPLACE\n");
        const auto failed = run_draftsmith(
            {"apply", "--json", "--repo", (dir / "repo").string(), (dir / "bad.txt").string()});
        CHECK(failed.exit_code == 1);
        const auto report = nlohmann::json::parse(failed.out);
        CHECK(report["ok"] == false);
        CHECK(report["files"][0]["message"].get<std::string>().find(
                  "the line it expects is not in the file") != std::string::npos);
    }
}

TEST_CASE("cli apply, unreadable input exits 2")
{
    TempDir dir;
    make_repo(dir);
    SUBCASE("missing file")
    {
        const auto result = run_draftsmith(
            {"apply", "--repo", (dir / "repo").string(), (dir / "missing.diff").string()});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("cannot read") != std::string::npos);
    }
    SUBCASE("no edits in it")
    {
        write_file(dir / "prose.txt", "I could not find anything to change.\n");
        const auto result = run_draftsmith(
            {"apply", "--repo", (dir / "repo").string(), (dir / "prose.txt").string()});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("prose.txt: line 1: no whole files found") != std::string::npos);
    }
    SUBCASE("a broken block names its line")
    {
        write_file(dir / "broken.txt", "a.txt\n<<<<<<< SEARCH\nbeta\n=======\nBETA\n");
        const auto result =
            run_draftsmith({"apply", "--format", "search-replace", "--repo",
                            (dir / "repo").string(), (dir / "broken.txt").string()});
        CHECK(result.exit_code == 2);
        CHECK(result.err ==
              "draftsmith: error: " + (dir / "broken.txt").string() +
                  ": line 2: this SEARCH/REPLACE block is not closed by a '>>>>>>> REPLACE' "
                  "line\n");
    }
    SUBCASE("--repo that is not a folder")
    {
        write_file(dir / "e.txt", "a.txt\n```\nx\n```\n");
        const auto result = run_draftsmith(
            {"apply", "--repo", (dir / "nowhere").string(), (dir / "e.txt").string()});
        CHECK(result.exit_code == 2);
        CHECK(result.err ==
              "draftsmith: error: --repo " + (dir / "nowhere").string() + ": is not a folder\n");
    }
    SUBCASE("a bad --format value")
    {
        const auto result = run_draftsmith({"apply", "--format", "rtf", "-"});
        CHECK(result.exit_code == 2);
    }
}

TEST_CASE("cli apply, refuses paths through symlinks on disk")
{
    TempDir dir;
    make_repo(dir);
    write_file(dir / "outside/secret.txt", "s\n");
    fs::create_directory_symlink(dir / "outside", dir / "repo/link");
    write_file(dir / "edit.txt", "link/secret.txt\n```\npwned\n```\n");
    const auto result =
        run_draftsmith({"apply", "--repo", (dir / "repo").string(), (dir / "edit.txt").string()});
    CHECK(result.exit_code == 1);
    CHECK(
        result.err.find("link/secret.txt: refused: the path is or goes through a symbolic link") !=
        std::string::npos);
    CHECK(read(dir / "outside/secret.txt") == "s\n");
}

TEST_CASE("cli apply, keeps the executable bit of a file it rewrites")
{
    TempDir dir;
    make_repo(dir);
    write_file(dir / "repo/run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(dir / "repo/run.sh", fs::perms::owner_exec, fs::perm_options::add);
    write_file(dir / "edit.txt", "run.sh\n<<<<<<< SEARCH\necho hi\n=======\necho bye\n"
                                 ">>>>>>> REPLACE\n");
    const auto result =
        run_draftsmith({"apply", "--repo", (dir / "repo").string(), (dir / "edit.txt").string()});
    CHECK(result.exit_code == 0);
    CHECK(read(dir / "repo/run.sh") == "#!/bin/sh\necho bye\n");
    CHECK((fs::status(dir / "repo/run.sh").permissions() & fs::perms::owner_exec) !=
          fs::perms::none);
}

TEST_CASE("cli apply, --help and the manual name the same options")
{
    const auto help = run_draftsmith({"apply", "--help"});
    CHECK(help.exit_code == 0);
    const auto manual = read(draftsmith::test::source_path("man/draftsmith.1"));
    for (const std::string option : {"repo", "format", "check", "json", "max-files", "max-bytes"}) {
        CAPTURE(option);
        CHECK(help.out.find("--" + option) != std::string::npos);
        std::string roff = "Fl \\-";
        for (const char c : option) {
            roff += c == '-' ? std::string("\\-") : std::string(1, c);
        }
        CHECK(manual.find(roff) != std::string::npos);
    }
    for (const char* format :
         {"auto", "diff", "search\\-replace", "whole\\-file", "codex", "json"}) {
        CHECK(manual.find(std::string("Cm ") + format) != std::string::npos);
    }
}

TEST_CASE("cli apply, an edit that changes nothing exits 2 saying what was empty")
{
    TempDir dir;
    make_repo(dir);
    write_file(dir / "empty.txt", "*** Begin Patch\n*** Update File: a.txt\n*** End Patch\n");
    const auto result =
        run_draftsmith({"apply", "--repo", (dir / "repo").string(), (dir / "empty.txt").string()});
    CHECK(result.exit_code == 2);
    CHECK(result.err == "draftsmith: error: " + (dir / "empty.txt").string() +
                            ": line 2: '*** Update File: a.txt' holds no change: no '@@' hunk "
                            "with '+' or '-' lines follows it\n");
    CHECK(read(dir / "repo/a.txt") == "alpha\nbeta\ngamma\n");
}

TEST_CASE("cli apply, a path line naming a file of the tree without an extension")
{
    TempDir dir;
    make_repo(dir);
    write_file(dir / "repo/configure", "#!/bin/sh\nset -e\n");
    write_file(dir / "edit.txt", "configure\n```sh\n<<<<<<< SEARCH\nset -e\n=======\nset -eu\n"
                                 ">>>>>>> REPLACE\n```\n");
    const auto result =
        run_draftsmith({"apply", "--repo", (dir / "repo").string(), (dir / "edit.txt").string()});
    CHECK(result.exit_code == 0);
    CHECK(read(dir / "repo/configure") == "#!/bin/sh\nset -eu\n");
}
