// Issue 17: `incomplete: keep | drop`.
#include "draftsmith/config/config.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

using namespace draftsmith::config;

TEST_CASE("config, incomplete: keep | drop")
{
    CHECK(parse_config("", ".draftsmith.yml").incomplete == IncompletePolicy::keep);
    CHECK(parse_config("incomplete: drop\n", ".draftsmith.yml").incomplete ==
          IncompletePolicy::drop);
    CHECK(parse_config("incomplete: keep\n", ".draftsmith.yml").incomplete ==
          IncompletePolicy::keep);
    CHECK(std::string(to_string(IncompletePolicy::drop)) == "drop");
    try {
        parse_config("incomplete: maybe\n", ".draftsmith.yml");
        FAIL("no error");
    } catch (const draftsmith::Error& error) {
        CHECK(error.category() == draftsmith::ErrorCategory::config);
        CHECK(std::string(error.what()).find(".draftsmith.yml:1:13") != std::string::npos);
        CHECK(std::string(error.what()).find("use keep or drop") != std::string::npos);
    }
    Sources sources;
    sources.environment = {{"DRAFTSMITH_INCOMPLETE", "drop"}};
    CHECK(load_config(sources).incomplete == IncompletePolicy::drop);
}
