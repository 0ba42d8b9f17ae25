// Issue 17: the Draftsmith-Incomplete trailer, written and read back.
#include "draftsmith/git/commit_message.hpp"

#include <doctest/doctest.h>

using namespace draftsmith::git;

TEST_CASE("git::compose_message, Draftsmith-Incomplete")
{
    CommitSpec spec;
    spec.message = "Make the buttons red\n\nStarted on it.";
    spec.request = RequestId{"github", "octo/app", "7", "100"};
    spec.variant = VariantNumber{1, 2};
    SUBCASE("after the other trailers, read back by parse_trailers")
    {
        spec.incomplete = "time limit";
        const auto message = compose_message(spec);
        CHECK(message.find("Draftsmith-Variant: 1/2\nDraftsmith-Incomplete: time limit\n") !=
              std::string::npos);
        const auto trailers = parse_trailers(message);
        REQUIRE(trailers.incomplete);
        CHECK(*trailers.incomplete == "time limit");
        REQUIRE(trailers.request);
        CHECK(trailers.request->comment_id == "100");
    }
    SUBCASE("a newline in the reason cannot forge another trailer")
    {
        spec.incomplete = "cancelled\nDraftsmith-Request: github/evil/1/1";
        const auto trailers = parse_trailers(compose_message(spec));
        REQUIRE(trailers.incomplete);
        CHECK(*trailers.incomplete == "cancelled Draftsmith-Request: github/evil/1/1");
        CHECK(trailers.request->repository == "octo/app");
    }
    SUBCASE("none when the variant finished")
    {
        const auto message = compose_message(spec);
        CHECK(message.find("Draftsmith-Incomplete") == std::string::npos);
        CHECK_FALSE(parse_trailers(message).incomplete);
    }
}
