#include "draftsmith/edit/working_tree.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "helpers.hpp"
#include "support/temp_dir.hpp"

using draftsmith::test::TempDir;
using draftsmith::test::write_file;
namespace fs = std::filesystem;

TEST_CASE("edit::write_overlay, all files or none")
{
    TempDir dir;
    write_file(dir / "a.txt", "a\n");
    write_file(dir / "blocker", "i am a file\n");
    write_file(dir / "old/deep/gone.txt", "x\n");
    SUBCASE("writes, creates folders, deletes and prunes empty folders")
    {
        const draftsmith::Overlay overlay = {{"a.txt", std::string("A\n")},
                                             {"new/dir/n.txt", std::string("n\n")},
                                             {"old/deep/gone.txt", std::nullopt}};
        draftsmith::edit::write_overlay(dir.path(), overlay);
        CHECK(draftsmith::file::read_all(dir / "a.txt") == "A\n");
        CHECK(draftsmith::file::read_all(dir / "new/dir/n.txt") == "n\n");
        CHECK_FALSE(fs::exists(dir / "old"));
    }
    SUBCASE("a write that fails leaves every file as it was, and no temporary files")
    {
        // "a.txt" is staged first (map order), then "blocker/x" cannot be written.
        const draftsmith::Overlay overlay = {{"a.txt", std::string("A\n")},
                                             {"blocker/x", std::string("x\n")},
                                             {"old/deep/gone.txt", std::nullopt}};
        const std::string expected = "cannot write " + (dir / "blocker/x").string();
        CHECK_THROWS_WITH(draftsmith::edit::write_overlay(dir.path(), overlay),
                          doctest::Contains(expected.c_str()));
        CHECK(draftsmith::file::read_all(dir / "a.txt") == "a\n");
        CHECK(fs::exists(dir / "old/deep/gone.txt"));
        std::size_t entries = 0;
        for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
            CHECK_MESSAGE(entry.path().string().find(".tmp") == std::string::npos, entry.path());
            ++entries;
        }
        CHECK(entries == 5); // a.txt, blocker, old, old/deep, old/deep/gone.txt
    }
}

TEST_CASE("edit::apply, a path under an existing file is refused")
{
    const draftsmith::test::Files files = {{"src", "a file\n"}};
    const auto result = draftsmith::test::apply_text("src/x.c\n```\nint x;\n```\n", files);
    REQUIRE_FALSE(result.ok());
    CHECK(result.files[0].message == "src/x.c: refused: src is a file, not a folder");
}
