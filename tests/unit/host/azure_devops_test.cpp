#include "draftsmith/host/host.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "../../../src/host/host_impl.hpp"
#include "support/process.hpp"
#include "table_client.hpp"

using draftsmith::net::Method;
using nlohmann::json;
namespace host = draftsmith::host;

namespace {

// The response body of one of Microsoft's official httpExamples.
json ado_example(const std::string& file)
{
    auto text = draftsmith::file::read_all(
        draftsmith::test::source_path("tests/specs/ado/7.1/httpExamples/" + file));
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
        text.erase(0, 3);
    }
    return json::parse(text)["responses"]["200"]["body"];
}

const std::string k_pr_example =
    "pullRequests/GET__git_repositories__repositoryId__pullRequests__pullRequestId_.json";

struct AzureFixture {
    std::shared_ptr<draftsmith::test::TableClient> client =
        std::make_shared<draftsmith::test::TableClient>();
    std::unique_ptr<host::Host> ado;
    const std::string repo =
        "https://dev.azure.com/fabrikam/My%20Project/_apis/git/repositories/repo1";
    const std::string identities = "https://vssps.dev.azure.com/fabrikam/_apis/identities?";
    host::AllowLists allowed; // groups from the constructor

    explicit AzureFixture(host::AuthScheme auth = host::AuthScheme::bearer,
                          std::vector<std::string> groups = {})
    {
        host::Options options;
        options.kind = host::Kind::azure_devops;
        options.api_url = "https://dev.azure.com/fabrikam/";
        options.project = "My Project";
        options.repository = "repo1";
        options.token = draftsmith::Secret("ado_unit_test_token_5678");
        options.auth = auth;
        allowed.groups = std::move(groups);
        ado = host::make_host(options, client);
    }
};

} // namespace

TEST_CASE("host::azure_devops, pull requests")
{
    AzureFixture f;

    SUBCASE("get maps Microsoft's example; URL casing and api-version as the spec has them")
    {
        f.client->on(Method::get, f.repo + "/pullrequests/22?api-version=7.1", 200,
                     ado_example(k_pr_example).dump());
        const auto pr = f.ado->get_pull_request(22);
        CHECK(pr.number == 22);
        CHECK(pr.head_branch == "npaulk/my_work");
        CHECK(pr.base_branch == "new_feature");
        CHECK(pr.head_sha == "b60280bc6e62e2f880f1b63c1e24987664d3bda3");
        CHECK(pr.base_sha == "f47bbc106853afe3c1b07a81754bce5f4b8dbf62");
        CHECK(pr.author.login == "fabrikamfiber16@hotmail.com");
        CHECK(pr.author.display_name == "Normal Paulk");
        CHECK_FALSE(pr.from_fork);
        CHECK(pr.state == host::PullRequestState::open);
        CHECK(pr.url ==
              "https://dev.azure.com/fabrikam/My%20Project/_git/2016_10_31/pullrequest/22");
        CHECK(draftsmith::test::header_of(f.client->last(), "Authorization") ==
              "Bearer ado_unit_test_token_5678");
    }

    SUBCASE("forkSource makes a fork; completed is merged, abandoned closed")
    {
        auto body = ado_example(k_pr_example);
        body["forkSource"] = {{"name", "refs/heads/x"}, {"repository", {{"id", "other"}}}};
        body["status"] = "completed";
        f.client->on(Method::get, f.repo + "/pullrequests/22?", 200, body.dump());
        auto pr = f.ado->get_pull_request(22);
        CHECK(pr.from_fork);
        CHECK(pr.state == host::PullRequestState::merged);
        body["status"] = "abandoned";
        f.client->on(Method::get, f.repo + "/pullrequests/22?", 200, body.dump());
        CHECK(f.ado->get_pull_request(22).state == host::PullRequestState::closed);
    }

    SUBCASE("create: refs/heads/ names, isDraft true")
    {
        f.client->on(Method::post, f.repo + "/pullrequests?api-version=7.1", 201,
                     ado_example(k_pr_example).dump());
        f.ado->create_pull_request(
            {"draftsmith/pr22-t5-c2/v1", "npaulk/my_work", "Edit v1", "why"});
        CHECK(json::parse(f.client->last().body) ==
              json{{"sourceRefName", "refs/heads/draftsmith/pr22-t5-c2/v1"},
                   {"targetRefName", "refs/heads/npaulk/my_work"},
                   {"title", "Edit v1"},
                   {"description", "why"},
                   {"isDraft", true}});
    }

    SUBCASE("update: description and reactivation by name")
    {
        f.client->on(Method::patch, f.repo + "/pullrequests/22?api-version=7.1", 200,
                     ado_example(k_pr_example).dump());
        f.ado->update_pull_request(22, {std::string("t2"), std::string("d2"), true});
        CHECK(json::parse(f.client->last().body) ==
              json{{"title", "t2"}, {"description", "d2"}, {"status", "active"}});
    }

    SUBCASE("find: {count, value}, $top/$skip pages until a short page")
    {
        auto page = json{{"count", 100}, {"value", json::array()}};
        auto item = ado_example(k_pr_example);
        item["sourceRefName"] = "refs/heads/draftsmith/a/v1";
        for (int i = 0; i < 100; ++i) {
            page["value"].push_back(item);
        }
        f.client->on(
            Method::get,
            f.repo + "/pullrequests?searchCriteria.sourceRefName=refs%2Fheads%2Fdraftsmith%2Fa%2Fv1"
                     "&searchCriteria.status=all&$top=100&$skip=0&api-version=7.1",
            200, page.dump());
        f.client->on(
            Method::get,
            f.repo + "/pullrequests?searchCriteria.sourceRefName=refs%2Fheads%2Fdraftsmith%2Fa%2Fv1"
                     "&searchCriteria.status=all&$top=100&$skip=100&api-version=7.1",
            200, json{{"count", 1}, {"value", json::array({item})}}.dump());
        CHECK(f.ado->find_pull_requests("draftsmith/a/v1").size() == 101);
        CHECK(f.client->unused() == 0);
    }

    SUBCASE("find: a bare array (as the spec says) and a continuation token")
    {
        auto item = ado_example(k_pr_example);
        item["sourceRefName"] = "refs/heads/b";
        f.client->on(Method::get, f.repo + "/pullrequests?", 200, json::array({item}).dump(),
                     {{"x-ms-continuationtoken", "tok 1"}});
        f.client->on(Method::get, f.repo + "/pullrequests?", 200, json::array().dump());
        CHECK(f.ado->find_pull_requests("b").size() == 1);
        CHECK(f.client->last().url.find("&continuationToken=tok%201") != std::string::npos);
    }
}

TEST_CASE("host::azure_devops, threads and comments")
{
    AzureFixture f;
    const std::string threads = f.repo + "/pullRequests/22/threads";

    SUBCASE("a new comment is a closed thread with a text comment, enums by name")
    {
        f.client->on(
            Method::post, threads + "?api-version=7.1", 200,
            ado_example(
                "pullRequestThreads/"
                "POST__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json")
                .dump());
        CHECK(f.ado->comment(22, "working on it") == host::CommentRef{1, 147});
        CHECK(json::parse(f.client->last().body) ==
              json{{"comments", json::array({{{"parentCommentId", 0},
                                              {"content", "working on it"},
                                              {"commentType", "text"}}})},
                   {"status", "closed"}});
    }

    SUBCASE("a reply goes into the thread with the parent's id")
    {
        f.client->on(Method::post, threads + "/148/comments?api-version=7.1", 200,
                     ado_example("pullRequestThreadComments/"
                                 "POST__git_repositories__repositoryId__pullRequests__"
                                 "pullRequestId__threads__threadId__comments.json")
                         .dump());
        CHECK(f.ado->comment(22, "Good idea", host::CommentRef{1, 148}) ==
              host::CommentRef{2, 148});
        CHECK(json::parse(f.client->last().body) ==
              json{{"content", "Good idea"}, {"parentCommentId", 1}, {"commentType", "text"}});
    }

    SUBCASE("get by (thread, id); deleted and 404 are no comment; edits show")
    {
        auto comment = ado_example("pullRequestThreadComments/"
                                   "POST__git_repositories__repositoryId__pullRequests__"
                                   "pullRequestId__threads__threadId__comments.json");
        comment["lastContentUpdatedDate"] = "2016-11-02T10:00:00Z";
        f.client->on(Method::get, threads + "/148/comments/2?api-version=7.1", 200, comment.dump());
        const auto got = f.ado->get_comment(22, {2, 148});
        REQUIRE(got);
        CHECK(got->body == "Good idea");
        CHECK(got->author.id == "d6245f20-2af8-44f4-9451-8107cb2767db");
        CHECK(got->edited());
        CHECK(got->url == "https://dev.azure.com/fabrikam/My%20Project/_git/repo1/pullrequest/"
                          "22?discussionId=148");

        comment["isDeleted"] = true;
        f.client->on(Method::get, threads + "/148/comments/2?", 200, comment.dump());
        CHECK_FALSE(f.ado->get_comment(22, {2, 148}));
        f.client->on(
            Method::get, threads + "/148/comments/3?", 404,
            R"({"message":"TF401180: The requested pull request comment was not found."})");
        CHECK_FALSE(f.ado->get_comment(22, {3, 148}));
    }

    SUBCASE("update and list")
    {
        f.client->on(Method::patch, threads + "/148/comments/2?api-version=7.1", 200, "{}");
        f.ado->update_comment(22, {2, 148}, "done");
        CHECK(json::parse(f.client->last().body) == json{{"content", "done"}});

        const auto list = ado_example(
            "pullRequestThreads/"
            "GET__git_repositories__repositoryId__pullRequests__pullRequestId__threads.json");
        f.client->on(Method::get, threads + "?api-version=7.1", 200, list.dump());
        const auto comments = f.ado->list_comments(22);
        std::size_t expected = 0;
        for (const auto& thread : list["value"]) {
            for (const auto& comment : thread["comments"]) {
                expected += comment.value("isDeleted", false) ? 0 : 1;
            }
        }
        CHECK(comments.size() == expected);
        CHECK(comments.front().ref.thread_id != 0);
    }

    SUBCASE("reactions become thread statuses by name")
    {
        const std::pair<host::Reaction, const char*> cases[] = {
            {host::Reaction::eyes, "pending"},
            {host::Reaction::rocket, "fixed"},
            {host::Reaction::confused, "active"}};
        for (const auto& [reaction, status] : cases) {
            f.client->on(Method::patch, threads + "/5?api-version=7.1", 200, "{}");
            f.ado->react(22, {2, 5}, reaction);
            CHECK(json::parse(f.client->last().body) == json{{"status", status}});
        }
    }
}

TEST_CASE("host::azure_devops, statuses")
{
    AzureFixture f;
    host::PullRequest pr;
    pr.number = 22;
    f.client->on(Method::post, f.repo + "/pullRequests/22/statuses?api-version=7.1", 200, "{}");
    f.ado->set_status(pr, {host::StatusState::succeeded, "3 of 3 variants", "https://ci/1"});
    CHECK(json::parse(f.client->last().body) ==
          json{{"state", "succeeded"},
               {"description", "3 of 3 variants"},
               {"context", {{"genre", "draftsmith"}, {"name", "draftsmith"}}},
               {"targetUrl", "https://ci/1"}});
}

TEST_CASE("host::azure_devops, permission")
{
    AzureFixture f(host::AuthScheme::basic_pat, {"[My Project]\\Editors"});
    const host::User alice{"alice@fabrikam.com", "1111-aaaa", "Alice", false};
    const auto member_of = [](json descriptors) {
        return json{{"count", 1},
                    {"value", json::array({{{"id", "1111-aaaa"}, {"memberOf", descriptors}}})}}
            .dump();
    };
    const auto group =
        json{{"count", 1},
             {"value",
              json::array({{{"id", "g1"},
                            {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-1-2-3"}}})}}
            .dump();

    SUBCASE("PAT as Basic ':PAT'")
    {
        f.client->on(Method::get, f.identities, 200, member_of(json::array()));
        f.client->on(Method::get, f.identities, 200, group);
        f.ado->permission(alice, f.allowed);
        // base64(":ado_unit_test_token_5678")
        CHECK(draftsmith::test::header_of(f.client->last(), "Authorization") ==
              "Basic OmFkb191bml0X3Rlc3RfdG9rZW5fNTY3OA==");
    }

    SUBCASE("a member (expanded membership) of a configured group may trigger")
    {
        f.client->on(
            Method::get,
            f.identities + "identityIds=1111-aaaa&queryMembership=Expanded&api-version=7.1", 200,
            member_of(json::array({"Microsoft.TeamFoundation.Identity;S-1-9-9",
                                   "microsoft.teamfoundation.identity;s-1-9-1-2-3"})));
        f.client->on(Method::get,
                     f.identities + "searchFilter=General&filterValue=%5BMy%20Project%5D%5CEditors&"
                                    "queryMembership=None&api-version=7.1",
                     200, group);
        const auto decision = f.ado->permission(alice, f.allowed);
        CHECK(decision.allowed);
        CHECK(decision.reason == "member of [My Project]\\Editors");
    }

    SUBCASE("a token that may not read identities gets no, with the reason")
    {
        f.client->on(Method::get, f.identities, 403, R"({"message":"TF400813: no access"})");
        const auto decision = f.ado->permission(alice, f.allowed);
        CHECK_FALSE(decision.allowed);
        CHECK(decision.reason.starts_with("the token may not read group memberships (HTTP 403)"));
    }

    SUBCASE("descriptors as objects count too; others may not trigger")
    {
        f.client->on(Method::get, f.identities, 200,
                     member_of(json::array({{{"identityType", "Microsoft.TeamFoundation.Identity"},
                                             {"identifier", "S-1-9-7"}}})));
        f.client->on(Method::get, f.identities, 200, group);
        const auto decision = f.ado->permission(alice, f.allowed);
        CHECK_FALSE(decision.allowed);
        CHECK(decision.reason == "Alice is not a member of [My Project]\\Editors");
    }
}

TEST_CASE("host::azure_devops, helpers")
{
    SUBCASE("identity API location per kind of collection URL")
    {
        CHECK(host::azure_identity_url("https://dev.azure.com/fabrikam/") ==
              "https://vssps.dev.azure.com/fabrikam");
        CHECK(host::azure_identity_url("https://fabrikam.visualstudio.com/") ==
              "https://fabrikam.vssps.visualstudio.com");
        CHECK(host::azure_identity_url("https://tfs.corp.example/tfs/DefaultCollection/") ==
              "https://tfs.corp.example/tfs/DefaultCollection");
        CHECK(host::azure_identity_url("http://127.0.0.1:8080/fabrikam/") ==
              "http://127.0.0.1:8080/fabrikam");
    }

    SUBCASE("descriptions are cut to 4000 characters keeping the markers")
    {
        const std::string marker = "<!-- draftsmith-request: pr1-c2 v1 -->";
        const auto body = std::string(5000, 'a') + "\n" + marker + "\n";
        const auto fitted = host::fit_text(body, host::k_azure_description_limit);
        CHECK(fitted.size() <= 4000);
        CHECK(fitted.ends_with(marker));
        CHECK(fitted.find("shortened to fit") != std::string::npos);
        CHECK(host::fit_text("short", 4000) == "short");
    }

    SUBCASE("a cut never splits a UTF-8 character")
    {
        std::string body;
        for (int i = 0; i < 100; ++i) {
            body += "\xE2\x9C\x93"; // U+2713, three bytes
        }
        for (std::size_t limit = 60; limit < 64; ++limit) {
            const auto fitted = host::fit_text(body, limit);
            const auto text = fitted.substr(0, fitted.find("\n\n*("));
            CHECK(text.size() % 3 == 0);
            CHECK(fitted.size() <= limit);
        }
    }

    SUBCASE("configuration errors name the setting")
    {
        host::Options options;
        options.kind = host::Kind::azure_devops;
        auto client = std::make_shared<draftsmith::test::TableClient>();
        REQUIRE_THROWS_WITH(host::make_host(options, client),
                            doctest::Contains("no collection URL: set SYSTEM_COLLECTIONURI"));
        options.api_url = "https://dev.azure.com/o/";
        options.project = "p";
        options.repository = "r";
        REQUIRE_THROWS_WITH(host::make_host(options, client),
                            doctest::Contains("(env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))"));
    }
}
