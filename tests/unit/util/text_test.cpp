#include "draftsmith/util/error.hpp"
#include "draftsmith/util/text.hpp"

#include <doctest/doctest.h>

namespace text = draftsmith::text;

TEST_CASE("util::text, trimming and lines")
{
    CHECK(text::trim(" \t a b \r\n") == "a b");
    CHECK(text::split_lines("a\r\nb\nc") == std::vector<std::string_view>{"a", "b", "c"});
    CHECK(text::split_lines("a\n") == std::vector<std::string_view>{"a"});
    CHECK(text::split_lines("a\n\nb") == std::vector<std::string_view>{"a", "", "b"});
    CHECK(text::split_lines("").empty());
}

TEST_CASE("util::text, did you mean")
{
    const std::vector<std::string> keys{"model", "provider", "max_variants"};
    CHECK(text::closest_match("modle", keys) == "model");
    CHECK(text::closest_match("Provder", keys) == "provider");
    CHECK_FALSE(text::closest_match("colour", keys).has_value());
    CHECK(text::edit_distance("kitten", "sitting") == 3);
    SUBCASE("a shortened name")
    {
        const std::vector<std::string> limits{"turns", "tokens", "cost_usd", "time"};
        CHECK(text::closest_match("cost", limits) == "cost_usd");
        CHECK_FALSE(text::closest_match("t", limits).has_value());
        CHECK_FALSE(text::closest_match("to", limits).has_value());
        const std::vector<std::string> two{"max_files", "max_bytes"};
        CHECK_FALSE(text::closest_match("max", two).has_value());
    }
}

TEST_CASE("util::text, fill_placeholders replaces known names only")
{
    const std::map<std::string, std::string, std::less<>> values{{"i", "2"}, {"slug", "red"}};
    CHECK(text::fill_placeholders("draftsmith/{slug}/v{i}", values) == "draftsmith/red/v2");
    CHECK(text::fill_placeholders("{x} {i} {{i}} {", values) == "{x} 2 {2} {");
    CHECK(text::fill_placeholders("{i}{i}", values) == "22");
    CHECK(text::fill_placeholders("", values).empty());
}

TEST_CASE("util::error, categories map to the documented exit codes")
{
    using draftsmith::ErrorCategory;
    using draftsmith::ExitCode;
    CHECK(draftsmith::exit_code_for(ErrorCategory::usage) == ExitCode::usage);
    CHECK(draftsmith::exit_code_for(ErrorCategory::config) == ExitCode::usage);
    CHECK(draftsmith::exit_code_for(ErrorCategory::input) == ExitCode::usage);
    CHECK(draftsmith::exit_code_for(ErrorCategory::refused) == ExitCode::refused);
    CHECK(draftsmith::exit_code_for(ErrorCategory::interrupted) == ExitCode::interrupted);
    CHECK(draftsmith::exit_code_for(ErrorCategory::network) == ExitCode::some_failed);
}

TEST_CASE("util::text, base64 and binary content")
{
    // RFC 4648 section 10 test vectors.
    CHECK(text::base64("") == "");
    CHECK(text::base64("f") == "Zg==");
    CHECK(text::base64("fo") == "Zm8=");
    CHECK(text::base64("foo") == "Zm9v");
    CHECK(text::base64("foobar") == "Zm9vYmFy");
    CHECK(text::base64(std::string_view("\xff\x00\x10", 3)) == "/wAQ");
    SUBCASE("git's rule: a NUL in the first 8000 bytes")
    {
        CHECK_FALSE(text::is_binary("plain text\n"));
        CHECK(text::is_binary(std::string_view("a\0b", 3)));
        CHECK_FALSE(text::is_binary(std::string(8000, 'a') + std::string(1, '\0')));
        CHECK(text::is_binary(std::string(7999, 'a') + std::string(1, '\0')));
    }
}
