#include <doctest/doctest.h>

#include "../../../src/host/rest.hpp"

namespace detail = draftsmith::host::detail;

TEST_CASE("host::rest, URL encoding")
{
    CHECK(detail::percent_encode("heads/main") == "heads%2Fmain");
    CHECK(detail::percent_encode("octo:feature/x y") == "octo%3Afeature%2Fx%20y");
    CHECK(detail::percent_encode("a-b_c.d~e") == "a-b_c.d~e");
    CHECK(detail::percent_encode("[P]\\Contributors") == "%5BP%5D%5CContributors");
    CHECK(detail::percent_encode("\xC3\xA9") == "%C3%A9");
}

TEST_CASE("host::rest, Link header pagination")
{
    SUBCASE("GitHub's form")
    {
        const auto link = "<https://api.github.com/repositories/1/pulls?page=2>; rel=\"next\", "
                          "<https://api.github.com/repositories/1/pulls?page=5>; rel=\"last\"";
        CHECK(detail::next_link(link) == "https://api.github.com/repositories/1/pulls?page=2");
    }
    SUBCASE("next not first, several rels, spaces and case")
    {
        CHECK(detail::next_link("<http://a/1>; rel=\"prev\", <http://a/3>;rel=\"first next\"") ==
              "http://a/3");
        CHECK(detail::next_link("<http://a/?x=1,2>; REL=Next") == "http://a/?x=1,2");
    }
    SUBCASE("last page")
    {
        CHECK_FALSE(detail::next_link("<http://a/1>; rel=\"prev\", <http://a/1>; rel=\"first\""));
        CHECK_FALSE(detail::next_link(""));
        CHECK_FALSE(detail::next_link("garbage"));
    }
}

TEST_CASE("host::rest, base64 for Basic auth")
{
    CHECK(detail::base64("") == "");
    CHECK(detail::base64(":") == "Og==");
    CHECK(detail::base64(":pat") == "OnBhdA==");
    CHECK(detail::base64(":pat1") == "OnBhdDE=");
    CHECK(detail::base64("any carnal pleas") == "YW55IGNhcm5hbCBwbGVhcw==");
}

TEST_CASE("host::rest, failure messages")
{
    draftsmith::net::Response response;
    response.status = 404;
    response.body =
        R"({"$id":"1","message":"TF401019: The Git repository with name or identifier r does not exist.","typeKey":"GitRepositoryNotFoundException"})";
    CHECK(detail::failure_message("Azure DevOps", "get pull request !1",
                                  draftsmith::net::Method::get, "http://x/_apis", response) ==
          "Azure DevOps: get pull request !1 (GET http://x/_apis): HTTP 404: TF401019: The Git "
          "repository with name or identifier r does not exist. (not found, or the token "
          "cannot see it)");
    response.status = 503;
    response.body = "Service Unavailable";
    response.attempts = 4;
    CHECK(detail::failure_message("GitHub", "x", draftsmith::net::Method::post, "http://y",
                                  response) ==
          "GitHub: x (POST http://y): HTTP 503: Service Unavailable after 4 attempts");
}

TEST_CASE("host::rest, origins")
{
    CHECK(detail::origin_of("https://API.github.com/repos/x?page=2") == "https://api.github.com");
    CHECK(detail::origin_of("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080");
    CHECK(detail::origin_of("http://h?x") == "http://h");
    CHECK(detail::origin_of("no-scheme/x") == "");
}

TEST_CASE("host::rest, 403 from a secondary rate limit")
{
    draftsmith::net::Response response;
    response.status = 403;
    response.headers = {{"Retry-After", "60"}};
    response.body = R"({"message":"You have exceeded a secondary rate limit."})";
    CHECK(detail::failure_message("GitHub", "comment on #1", draftsmith::net::Method::post,
                                  "http://g", response) ==
          "GitHub: comment on #1 (POST http://g): HTTP 403: You have exceeded a secondary rate "
          "limit. (secondary rate limit: the service asks to wait 60 s (403 is never retried; "
          "run again later))");
}
