#include "draftsmith/host/host.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/log.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "table_client.hpp"

using draftsmith::net::Method;
using nlohmann::json;
namespace host = draftsmith::host;

namespace {

// The examples GitHub's official OpenAPI description gives for these answers.
json spec_example(const std::string& name)
{
    static const auto spec = json::parse(draftsmith::file::read_all(
        draftsmith::test::source_path("tests/specs/github/github-rest.trimmed.json")));
    return spec["components"]["examples"][name]["value"];
}

struct GitHubFixture {
    std::shared_ptr<draftsmith::test::TableClient> client =
        std::make_shared<draftsmith::test::TableClient>();
    std::unique_ptr<host::Host> github;
    const std::string repo = "https://ghe.example.com/api/v3/repos/octocat/Hello-World";
    const host::AllowLists allowed{{"release-bot"}, {}};

    GitHubFixture()
    {
        host::Options options;
        options.kind = host::Kind::github;
        options.api_url = "https://ghe.example.com/api/v3/";
        options.token = draftsmith::Secret("ghs_unit_test_token_1234");
        options.owner = "octocat";
        options.repository = "Hello-World";
        github = host::make_host(options, client);
    }
};

} // namespace

TEST_CASE("host::github, pull requests")
{
    GitHubFixture f;

    SUBCASE("get maps the official example and sends GitHub's headers")
    {
        f.client->on(Method::get, f.repo + "/pulls/1347", 200, spec_example("pull-request").dump());
        const auto pr = f.github->get_pull_request(1347);
        CHECK(pr.number == 1347);
        CHECK(pr.title == "Amazing new feature");
        CHECK(pr.head_branch == "new-topic");
        CHECK(pr.head_sha == "6dcb09b5b57875f334f61aebed695e2e4193db5e");
        CHECK(pr.base_branch == "master");
        CHECK_FALSE(pr.from_fork);
        CHECK(pr.author.login == "octocat");
        CHECK_FALSE(pr.author.is_bot);
        CHECK(pr.state == host::PullRequestState::open);
        CHECK(pr.url == "https://github.com/octocat/Hello-World/pull/1347");
        const auto& request = f.client->last();
        CHECK(draftsmith::test::header_of(request, "Accept") == "application/vnd.github+json");
        CHECK(draftsmith::test::header_of(request, "X-GitHub-Api-Version") == "2022-11-28");
        CHECK(draftsmith::test::header_of(request, "Authorization") ==
              "Bearer ghs_unit_test_token_1234");
    }

    SUBCASE("a head in another repository is a fork; closed with merged_at is merged")
    {
        auto body = spec_example("pull-request");
        body["head"]["repo"]["full_name"] = "someone/Hello-World";
        body["state"] = "closed";
        f.client->on(Method::get, f.repo + "/pulls/1347", 200, body.dump());
        const auto pr = f.github->get_pull_request(1347);
        CHECK(pr.from_fork);
        CHECK(pr.state == host::PullRequestState::merged);
    }

    SUBCASE("a deleted fork (head.repo null) is a fork")
    {
        auto body = spec_example("pull-request");
        body["head"]["repo"] = nullptr;
        f.client->on(Method::get, f.repo + "/pulls/1347", 200, body.dump());
        CHECK(f.github->get_pull_request(1347).from_fork);
    }

    SUBCASE("create sends a draft with base = the source PR's head branch")
    {
        f.client->on(Method::post, f.repo + "/pulls", 201, spec_example("pull-request").dump());
        host::NewPullRequest request{"draftsmith/pr1347-c1/v1", "new-topic", "Edit v1", "body"};
        f.github->create_pull_request(request);
        const auto sent = json::parse(f.client->last().body);
        CHECK(sent == json{{"title", "Edit v1"},
                           {"head", "draftsmith/pr1347-c1/v1"},
                           {"base", "new-topic"},
                           {"body", "body"},
                           {"draft", true}});
        CHECK(draftsmith::test::header_of(f.client->last(), "Content-Type") == "application/json");
    }

    SUBCASE("update: only what is set; reopen is state open")
    {
        f.client->on(Method::patch, f.repo + "/pulls/1347", 200,
                     spec_example("pull-request").dump());
        f.github->update_pull_request(1347, {std::nullopt, std::string("new body"), true});
        CHECK(json::parse(f.client->last().body) == json{{"body", "new body"}, {"state", "open"}});
    }

    SUBCASE("find by head filters with owner:branch, all states, and follows Link pages")
    {
        auto page1 = json::array();
        auto item = spec_example("pull-request");
        item["head"]["ref"] = "draftsmith/x/v1";
        page1.push_back(item);
        auto other = item;
        other["head"]["ref"] = "unrelated";
        page1.push_back(other);
        f.client->on(Method::get,
                     f.repo + "/pulls?head=octocat%3Adraftsmith%2Fx%2Fv1&state=all&per_page=100",
                     200, page1.dump(),
                     {{"Link", "<" + f.repo + "/pulls?head=x&page=2>; rel=\"next\", <" + f.repo +
                                   "/pulls?page=2>; rel=\"last\""}});
        f.client->on(Method::get, f.repo + "/pulls?head=x&page=2", 200, json::array({item}).dump());
        const auto found = f.github->find_pull_requests("draftsmith/x/v1");
        CHECK(found.size() == 2);
        CHECK(f.client->sent().size() == 2);
        CHECK(f.client->unused() == 0);
    }

    SUBCASE("a next page on another host is not followed (the token would go with it)")
    {
        f.client->on(Method::get, f.repo + "/pulls?head=", 200, json::array().dump(),
                     {{"Link", "<https://api.github.com/resource?page=2>; rel=\"next\""}});
        CHECK(f.github->find_pull_requests("x").empty());
        CHECK(f.client->sent().size() == 1);
    }

    SUBCASE("a 422 names the operation and GitHub's reasons, never the token")
    {
        f.client->on(
            Method::post, f.repo + "/pulls", 422,
            R"({"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for octocat:x."}]})");
        host::NewPullRequest request{"x", "main", "t", "b"};
        const auto expected = "GitHub: create draft pull request from x (POST " + f.repo +
                              "/pulls): HTTP 422: Validation Failed; A pull request already "
                              "exists for octocat:x.";
        REQUIRE_THROWS_WITH(f.github->create_pull_request(request), expected.c_str());
    }
}

TEST_CASE("host::github, comments and reactions")
{
    GitHubFixture f;

    SUBCASE("get by id maps author and times; 404 is no comment")
    {
        auto body = spec_example("issue-comment");
        body["updated_at"] = "2011-04-14T16:10:00Z";
        body["user"]["type"] = "Bot";
        f.client->on(Method::get, f.repo + "/issues/comments/1", 200, body.dump());
        const auto comment = f.github->get_comment(1347, {1, 0});
        REQUIRE(comment);
        CHECK(comment->body == "Me too");
        CHECK(comment->author.login == "octocat");
        CHECK(comment->author.is_bot);
        CHECK(comment->edited());

        f.client->on(Method::get, f.repo + "/issues/comments/2", 404, R"({"message":"Not Found"})");
        CHECK_FALSE(f.github->get_comment(1347, {2, 0}));
    }

    SUBCASE("create, update, list with pages")
    {
        f.client->on(Method::post, f.repo + "/issues/1347/comments", 201,
                     spec_example("issue-comment").dump());
        CHECK(f.github->comment(1347, "working on it") == host::CommentRef{1, 0});
        CHECK(json::parse(f.client->last().body) == json{{"body", "working on it"}});

        f.client->on(Method::patch, f.repo + "/issues/comments/1", 200,
                     spec_example("issue-comment").dump());
        f.github->update_comment(1347, {1, 0}, "done");
        CHECK(json::parse(f.client->last().body) == json{{"body", "done"}});

        f.client->on(Method::get, f.repo + "/issues/1347/comments?per_page=100", 200,
                     spec_example("issue-comment-items").dump(),
                     {{"link", "<https://ghe.example.com/next>; rel=\"next\""}});
        f.client->on(Method::get, "https://ghe.example.com/next", 200,
                     spec_example("issue-comment-items").dump());
        CHECK(f.github->list_comments(1347).size() ==
              2 * spec_example("issue-comment-items").size());
    }

    SUBCASE("reactions use GitHub's content names")
    {
        f.client->on(Method::post, f.repo + "/issues/comments/7/reactions", 201,
                     spec_example("reaction").dump());
        f.github->react(1347, {7, 0}, host::Reaction::rocket);
        CHECK(json::parse(f.client->last().body) == json{{"content", "rocket"}});
        f.client->on(Method::post, f.repo + "/issues/comments/7/reactions", 200,
                     spec_example("reaction").dump());
        f.github->react(1347, {7, 0}, host::Reaction::confused);
        CHECK(json::parse(f.client->last().body) == json{{"content", "confused"}});
    }
}

TEST_CASE("host::github, statuses")
{
    GitHubFixture f;
    host::PullRequest pr;
    pr.head_sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    SUBCASE("states map to GitHub's names, the context is draftsmith")
    {
        const std::pair<host::StatusState, const char*> cases[] = {
            {host::StatusState::pending, "pending"},
            {host::StatusState::succeeded, "success"},
            {host::StatusState::failed, "failure"}};
        for (const auto& [state, name] : cases) {
            f.client->on(Method::post, f.repo + "/statuses/" + pr.head_sha, 201,
                         spec_example("status").dump());
            f.github->set_status(pr, {state, "3 variants", "https://ci/run/1"});
            const auto sent = json::parse(f.client->last().body);
            CHECK(sent["state"] == name);
            CHECK(sent["context"] == "draftsmith");
            CHECK(sent["target_url"] == "https://ci/run/1");
        }
    }

    SUBCASE("descriptions longer than GitHub's 140 characters are shortened")
    {
        f.client->on(Method::post, f.repo + "/statuses/", 201, spec_example("status").dump());
        f.github->set_status(pr, {host::StatusState::pending, std::string(300, 'x'), ""});
        const auto sent = json::parse(f.client->last().body);
        CHECK(sent["description"].get<std::string>().size() == 140);
        CHECK_FALSE(sent.contains("target_url"));
    }
}

TEST_CASE("host::github, permission")
{
    GitHubFixture f;
    auto answer = [](const char* permission, const char* role) {
        return json{{"permission", permission}, {"role_name", role}, {"user", {{"login", "x"}}}}
            .dump();
    };

    SUBCASE("write, maintain and admin may trigger")
    {
        f.client->on(Method::get, f.repo + "/collaborators/alice/permission", 200,
                     answer("write", "maintain"));
        const auto decision = f.github->permission({"alice", "1", "alice", false}, f.allowed);
        CHECK(decision.allowed);
        CHECK(decision.reason == "maintain access");
        f.client->on(Method::get, f.repo + "/collaborators/root/permission", 200,
                     answer("admin", "admin"));
        CHECK(f.github->permission({"root", "2", "root", false}, f.allowed).allowed);
    }

    SUBCASE("read and triage may not")
    {
        f.client->on(Method::get, f.repo + "/collaborators/bob/permission", 200,
                     answer("read", "triage"));
        const auto decision = f.github->permission({"bob", "3", "bob", false}, f.allowed);
        CHECK_FALSE(decision.allowed);
        CHECK(decision.reason == "read access only; write access is needed");
    }

    SUBCASE("not a collaborator (404) may not, and is not an error")
    {
        f.client->on(Method::get, f.repo + "/collaborators/eve/permission", 404,
                     R"({"message":"Not Found"})");
        const auto decision = f.github->permission({"eve", "4", "eve", false}, f.allowed);
        CHECK_FALSE(decision.allowed);
        CHECK(decision.reason == "eve is not a collaborator of octocat/Hello-World");
    }

    SUBCASE("a token that may not ask gets no, with the reason")
    {
        f.client->on(Method::get, f.repo + "/collaborators/carol/permission", 403,
                     R"({"message":"Resource not accessible by integration"})");
        const auto decision = f.github->permission({"carol", "6", "carol", false}, f.allowed);
        CHECK_FALSE(decision.allowed);
        CHECK(decision.reason == "the token may not read carol's permission (HTTP 403); put the "
                                 "user on the allow-list or give the token metadata read");
    }

    SUBCASE("the allow-list needs no request")
    {
        CHECK(f.github->permission({"Release-Bot", "5", "", false}, f.allowed).allowed);
        CHECK(f.client->sent().empty());
    }
}

TEST_CASE("host::github, failures")
{
    GitHubFixture f;

    SUBCASE("403 with the primary rate limit spent says until when")
    {
        f.client->on(Method::get, f.repo + "/pulls/1", 403,
                     R"({"message":"API rate limit exceeded for installation ID 1."})",
                     {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000000"}});
        REQUIRE_THROWS_WITH(f.github->get_pull_request(1),
                            doctest::Contains("API rate limit exceeded for installation ID 1. "
                                              "(rate limit exhausted until 2023-11-14 22:13:20 "
                                              "UTC (403 is never retried; run again later))"));
    }

    SUBCASE("401 says what to check and never shows the token")
    {
        f.client->on(Method::get, f.repo + "/pulls/1", 401,
                     R"({"message":"Bad credentials ghs_unit_test_token_1234"})");
        try {
            f.github->get_pull_request(1);
            FAIL("no exception");
        } catch (const draftsmith::Error& error) {
            const std::string text = error.what();
            CHECK(error.category() == draftsmith::ErrorCategory::host);
            CHECK(text.find("ghs_unit_test_token_1234") == std::string::npos);
            CHECK(text.find("the token was rejected") != std::string::npos);
        }
    }

    SUBCASE("a nearly spent rate limit is warned about once")
    {
        std::string logged;
        draftsmith::log::set_sink(
            [&](std::string_view line) { logged += std::string(line) + "\n"; });
        const draftsmith::net::Headers low = {{"x-ratelimit-remaining", "42"},
                                              {"x-ratelimit-reset", "1700000000"}};
        f.client->on(Method::get, f.repo + "/pulls/1", 200, spec_example("pull-request").dump(),
                     low);
        f.client->on(Method::get, f.repo + "/pulls/1", 200, spec_example("pull-request").dump(),
                     low);
        f.github->get_pull_request(1);
        f.github->get_pull_request(1);
        draftsmith::log::set_sink({});
        CHECK(logged.find("GitHub: only 42 requests left in the rate limit, resets 2023-11-14 "
                          "22:13:20 UTC") != std::string::npos);
        CHECK(logged.find("only 42") == logged.rfind("only 42"));
    }

    SUBCASE("an answer that is not JSON")
    {
        f.client->on(Method::get, f.repo + "/pulls/1", 200, "<html>proxy</html>");
        REQUIRE_THROWS_WITH(
            f.github->get_pull_request(1),
            "GitHub: get pull request #1: the answer is not JSON: <html>proxy</html>");
    }

    SUBCASE("missing token or repository is a configuration error")
    {
        host::Options options;
        options.kind = host::Kind::github;
        options.owner = "o";
        options.repository = "r";
        REQUIRE_THROWS_WITH(host::make_host(options, f.client),
                            doctest::Contains("GitHub: no token: set GITHUB_TOKEN"));
        options.token = draftsmith::Secret("abcdefgh");
        options.repository.clear();
        REQUIRE_THROWS_WITH(host::make_host(options, f.client),
                            doctest::Contains("GitHub: no repository"));
    }
}
