#include "draftsmith/host/idempotency.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "table_client.hpp"

using draftsmith::net::Method;
using nlohmann::json;
namespace host = draftsmith::host;

TEST_CASE("host::idempotency, markers and branch names")
{
    const host::RequestKey github{1347, {42, 0}};
    const host::RequestKey azure{22, {2, 5}};

    SUBCASE("ids, markers, trailers")
    {
        CHECK(host::request_id(github) == "pr1347-c42");
        CHECK(host::request_id(azure) == "pr22-t5-c2");
        CHECK(host::request_marker(github, 3) == "<!-- draftsmith-request: pr1347-c42 v3 -->");
        CHECK(host::overview_marker(azure) == "<!-- draftsmith-overview: pr22-t5-c2 -->");
        CHECK(host::request_trailer(azure) == "Draftsmith-Request: pr22-t5-c2");
    }

    SUBCASE("a marker is found anywhere in a body")
    {
        const auto body = "Made by draftsmith.\n\n" + host::request_marker(azure, 2) + "\nmore";
        CHECK(host::find_request_marker(body) == host::RequestMarker{"pr22-t5-c2", 2});
        CHECK_FALSE(host::find_request_marker("no marker"));
        CHECK_FALSE(host::find_request_marker("<!-- draftsmith-request: pr1-c2 -->"));
        CHECK_FALSE(host::find_request_marker("<!-- draftsmith-request: pr1-c2 v0 -->"));
        CHECK_FALSE(host::find_request_marker("<!-- draftsmith-request: pr1 c2 v1 -->"));
        CHECK_FALSE(host::find_request_marker("<!-- draftsmith-request: pr1-c2 v1"));
    }

    SUBCASE("branches round-trip, other branches do not parse")
    {
        CHECK(host::variant_branch("draftsmith/", github, 1) == "draftsmith/pr1347-c42/v1");
        CHECK(host::variant_branch("bots/ds", azure, 12) == "bots/ds/pr22-t5-c2/v12");
        CHECK(host::parse_variant_branch("draftsmith/", "draftsmith/pr1347-c42/v1") ==
              host::RequestMarker{"pr1347-c42", 1});
        CHECK(host::parse_variant_branch("bots/ds", "bots/ds/pr22-t5-c2/v12") ==
              host::RequestMarker{"pr22-t5-c2", 12});
        CHECK_FALSE(host::parse_variant_branch("draftsmith/", "main"));
        CHECK_FALSE(host::parse_variant_branch("draftsmith/", "draftsmith/pr1-c2"));
        CHECK_FALSE(host::parse_variant_branch("draftsmith/", "draftsmith/pr1-c2/v1/x"));
        CHECK_FALSE(host::parse_variant_branch("draftsmith/", "draftsmith/pr1-c2/vx"));
    }
}

TEST_CASE("host::idempotency, finding what a request made before")
{
    auto client = std::make_shared<draftsmith::test::TableClient>();
    host::Options options;
    options.kind = host::Kind::github;
    options.api_url = "http://gh";
    options.token = draftsmith::Secret("ghs_idempotency_token");
    options.owner = "o";
    options.repository = "r";
    auto github = host::make_host(options, client);
    const host::RequestKey key{7, {99, 0}};

    auto pr = [&](int number, int variant, const char* state, std::string body) {
        return json{{"number", number},
                    {"state", state},
                    {"body", body},
                    {"head",
                     {{"ref", host::variant_branch("draftsmith/", key, variant)},
                      {"repo", {{"full_name", "o/r"}}}}},
                    {"base", {{"ref", "feature"}, {"repo", {{"full_name", "o/r"}}}}}};
    };

    SUBCASE("by branch, confirmed by marker, open preferred over closed")
    {
        client->on(Method::get, "http://gh/repos/o/r/pulls?head=o%3Adraftsmith%2Fpr7-c99%2Fv1", 200,
                   json::array({pr(10, 1, "closed", host::request_marker(key, 1)),
                                pr(11, 1, "open", host::request_marker(key, 1))})
                       .dump());
        // Variant 2's branch has someone else's pull request: no marker.
        client->on(Method::get, "http://gh/repos/o/r/pulls?head=o%3Adraftsmith%2Fpr7-c99%2Fv2", 200,
                   json::array({pr(12, 2, "open", "hand-made")}).dump());
        client->on(Method::get, "http://gh/repos/o/r/pulls?head=o%3Adraftsmith%2Fpr7-c99%2Fv3", 200,
                   json::array({pr(13, 3, "open", host::request_marker(key, 3))}).dump());
        const auto found = host::find_pull_requests_of_request(*github, "draftsmith/", key, 3);
        REQUIRE(found.size() == 2);
        CHECK(found.at(1).number == 11);
        CHECK(found.at(3).number == 13);
    }

    SUBCASE("the overview comment by its marker")
    {
        client->on(Method::get, "http://gh/repos/o/r/issues/7/comments", 200,
                   json::array({{{"id", 1}, {"body", "hello"}},
                                {{"id", 2}, {"body", "table\n" + host::overview_marker(key)}}})
                       .dump());
        const auto found = host::find_comment_with_marker(*github, 7, host::overview_marker(key));
        REQUIRE(found);
        CHECK(found->ref.id == 2);
    }
}
