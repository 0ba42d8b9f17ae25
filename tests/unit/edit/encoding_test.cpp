// Files that are not UTF-8 (issue 11, item 3): edited in their own encoding
// or refused naming the encoding, never left in two encodings. The expected
// bytes are written out by hand from the code page tables (CP1251 "П" is
// 0xCF, latin-1 "é" is 0xE9), not produced by the code under test.
#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/parse.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace draftsmith::edit;
using draftsmith::test::after;
using draftsmith::test::apply_text;
using draftsmith::test::Files;

namespace {

// "Привет, мир\nвторая строка\n" in CP1251.
const std::string k_cp1251 = "\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0\n"
                             "\xE2\xF2\xEE\xF0\xE0\xFF \xF1\xF2\xF0\xEE\xEA\xE0\n";
// "café au lait\nnaïve\n" in latin-1.
const std::string k_latin1 = "caf\xE9 au lait\nna\xEFve\n";

std::string utf16le(std::string_view ascii)
{
    std::string out;
    for (const char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

std::string utf16be(std::string_view ascii)
{
    std::string out;
    for (const char c : ascii) {
        out += '\0';
        out += c;
    }
    return out;
}

} // namespace

TEST_CASE("edit::apply, an insert into a CP1251 file is written in CP1251")
{
    const Files files = {{"ru.txt", k_cp1251}};
    const auto result = apply_text("--- a/ru.txt\n+++ b/ru.txt\n@@ -1,2 +1,3 @@\n"
                                   " Привет, мир\n+новая\n вторая строка\n",
                                   files);
    REQUIRE_MESSAGE(result.ok(), result.failure_report());
    CHECK(after(result, files, "ru.txt") ==
          "\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0\n\xED\xEE\xE2\xE0\xFF\n"
          "\xE2\xF2\xEE\xF0\xE0\xFF \xF1\xF2\xF0\xEE\xEA\xE0\n");
}

TEST_CASE("edit::apply, a search in a CP1251 file finds Cyrillic text")
{
    const Files files = {{"ru.txt", k_cp1251}};
    const auto result = apply_text(
        "ru.txt\n<<<<<<< SEARCH\nвторая строка\n=======\nстрока два\n>>>>>>> REPLACE\n", files);
    REQUIRE_MESSAGE(result.ok(), result.failure_report());
    CHECK(after(result, files, "ru.txt") ==
          "\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0\n\xF1\xF2\xF0\xEE\xEA\xE0 \xE4\xE2\xE0\n");
}

TEST_CASE("edit::apply, refusals in files that are not UTF-8 name the encoding")
{
    SUBCASE("a character the file's encoding lacks")
    {
        const Files files = {{"ru.txt", k_cp1251}};
        const auto result =
            apply_text("ru.txt\n<<<<<<< SEARCH\nвторая строка\n=======\nвторая строка — café\n"
                       ">>>>>>> REPLACE\n",
                       files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure_report() ==
              "ru.txt: is not UTF-8 but CP1251, which has no way to write some characters of "
              "the edit's new text; nothing was applied. Use only characters that exist in "
              "CP1251 (or the language's escapes for the others).\n");
        CHECK(result.overlay.empty());
    }
    SUBCASE("text that is not in the file")
    {
        const Files files = {{"ru.txt", k_cp1251}};
        const auto result = apply_text(
            "ru.txt\n<<<<<<< SEARCH\nтретья строка\n=======\nx\n>>>>>>> REPLACE\n", files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure_report().find(
                  "(ru.txt is not UTF-8: draftsmith read it as CP1251 to match the edit.)") !=
              std::string::npos);
    }
    SUBCASE("code pages that would write the new text differently")
    {
        const Files files = {{"fr.txt", k_latin1}};
        // "€" is 0x80 in CP1252 and 0xA4 in ISO-8859-15: which one the file means cannot be told.
        const auto result = apply_text(
            "fr.txt\n<<<<<<< SEARCH\ncafé au lait\n=======\ncafé au lait: 2 €\n>>>>>>> REPLACE\n",
            files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure_report().find("fr.txt: is not UTF-8, and whether it is CP1252, "
                                           "ISO-8859-15") != std::string::npos);
    }
}

TEST_CASE("edit::apply, latin-1, UTF-16 and UTF-8 with a mark keep their encoding")
{
    SUBCASE("latin-1: accented letters every Western code page writes alike")
    {
        const Files files = {{"fr.txt", k_latin1}};
        const auto result = apply_text(
            "--- a/fr.txt\n+++ b/fr.txt\n@@ -1,2 +1,2 @@\n café au lait\n-naïve\n+naïve élève\n",
            files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "fr.txt") == "caf\xE9 au lait\nna\xEFve \xE9l\xE8ve\n");
        CHECK(result.files.at(0).stage == Stage::exact);
    }
    SUBCASE("UTF-16LE with its mark and CRLF lines")
    {
        const Files files = {{"w.txt", "\xFF\xFE" + utf16le("one\r\ntwo\r\n")}};
        const auto result = apply_text(
            "--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,3 @@\n one\n+one and a half\n two\n", files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "w.txt") ==
              "\xFF\xFE" + utf16le("one\r\none and a half\r\ntwo\r\n"));
    }
    SUBCASE("UTF-16BE without a mark")
    {
        const Files files = {{"w.txt", utf16be("one\ntwo\n")}};
        const auto result =
            apply_text("w.txt\n<<<<<<< SEARCH\ntwo\n=======\nzwei\n>>>>>>> REPLACE\n", files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "w.txt") == utf16be("one\nzwei\n"));
    }
    SUBCASE("UTF-8 with a mark: the mark is kept, the first line still matches")
    {
        const Files files = {{"b.txt", "\xEF\xBB\xBF"
                                       "alpha\nbeta\n"}};
        const auto result =
            apply_text("--- a/b.txt\n+++ b/b.txt\n@@ -1,2 +1,2 @@\n-alpha\n+ALPHA\n beta\n", files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "b.txt") == "\xEF\xBB\xBF"
                                               "ALPHA\nbeta\n");
        CHECK(result.files.at(0).stage == Stage::exact);
    }
    SUBCASE("UTF-8 with a mark: a failure says nothing about encodings")
    {
        const Files files = {{"b.txt", "\xEF\xBB\xBF"
                                       "alpha\n"}};
        const auto result = apply_text("--- a/b.txt\n+++ b/b.txt\n@@\n-gamma\n+GAMMA\n", files);
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure_report().find("not in the file") != std::string::npos);
        CHECK(result.failure_report().find("UTF-8") == std::string::npos);
    }
    SUBCASE("a whole file over a file with a UTF-8 mark keeps one mark")
    {
        const Files files = {{"b.txt", "\xEF\xBB\xBF"
                                       "alpha\n"}};
        for (const std::string body : {"beta\n", "\xEF\xBB\xBF"
                                                 "beta\n"}) {
            const auto result = apply_text("b.txt\n```\n" + body + "```\n", files);
            REQUIRE_MESSAGE(result.ok(), result.failure_report());
            CHECK(after(result, files, "b.txt") == "\xEF\xBB\xBF"
                                                   "beta\n");
        }
    }
    SUBCASE("a whole file over a CP1251 file is written in CP1251")
    {
        const Files files = {{"ru.txt", k_cp1251}};
        const auto result = apply_text("ru.txt\n```\nмир\n```\n", files);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        CHECK(after(result, files, "ru.txt") == "\xEC\xE8\xF0\n");
    }
}
