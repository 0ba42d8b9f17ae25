// host::azure_devops through the libcurl client against the fake Azure DevOps process.
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

#include "fixture.hpp"

using nlohmann::json;
namespace host = draftsmith::host;
using draftsmith::test::CapturedLog;
using draftsmith::test::FakeHost;

namespace {

const std::string k_token = "ado_integration_secret_token_0002";
const std::string k_alice = "aaaaaaaa-0000-0000-0000-000000000001";
const std::string k_bob = "bbbbbbbb-0000-0000-0000-000000000002";

json seed_state()
{
    json pr = {{"pullRequestId", 22},
               {"status", "active"},
               {"title", "Buttons"},
               {"description", "make it nice"},
               {"sourceRefName", "refs/heads/feature/buttons"},
               {"targetRefName", "refs/heads/main"},
               {"isDraft", false},
               {"createdBy", k_alice},
               {"creationDate", "2026-01-01T00:00:00Z"},
               {"sourceSha", "1111111111111111111111111111111111111111"},
               {"targetSha", "2222222222222222222222222222222222222222"}};
    json fork = pr;
    fork["pullRequestId"] = 23;
    fork["forkSource"] = {{"name", "refs/heads/feature/buttons"}, {"repository", {{"id", "f0f0"}}}};
    json thread = {{"id", 5},
                   {"pr", 22},
                   {"status", "active"},
                   {"publishedDate", "2026-01-01T00:01:00Z"},
                   {"lastUpdatedDate", "2026-01-01T00:01:00Z"},
                   {"comments", json::array({{{"id", 1},
                                              {"parentCommentId", 0},
                                              {"author", k_alice},
                                              {"content", "/edit /3 make the buttons red"},
                                              {"publishedDate", "2026-01-01T00:01:00Z"},
                                              {"lastUpdatedDate", "2026-01-01T00:01:00Z"},
                                              {"lastContentUpdatedDate", "2026-01-01T00:01:00Z"},
                                              {"commentType", "text"}}})}};
    json identities = json::array({
        {{"id", k_alice},
         {"descriptor", "Microsoft.IdentityModel.Claims.ClaimsIdentity;alice"},
         {"uniqueName", "alice@fabrikam.com"},
         {"displayName", "Alice"},
         {"memberOf", json::array({"Microsoft.TeamFoundation.Identity;S-1-9-team"})}},
        {{"id", k_bob},
         {"descriptor", "Microsoft.IdentityModel.Claims.ClaimsIdentity;bob"},
         {"uniqueName", "bob@fabrikam.com"},
         {"displayName", "Bob"},
         {"memberOf", json::array({"Microsoft.TeamFoundation.Identity;S-1-9-readers"})}},
        // The team is inside Contributors: alice is a member through it.
        {{"id", "g-team"},
         {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-team"},
         {"name", "[Fabrikam]\\Fabrikam Team"},
         {"isGroup", true},
         {"memberOf", json::array({"Microsoft.TeamFoundation.Identity;S-1-9-contributors"})}},
        {{"id", "g-contributors"},
         {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-contributors"},
         {"name", "[Fabrikam]\\Contributors"},
         {"isGroup", true},
         {"memberOf", json::array()}},
        {{"id", "g-admins"},
         {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-admins"},
         {"name", "[Fabrikam]\\Project Administrators"},
         {"isGroup", true},
         {"memberOf", json::array()}},
        {{"id", "g-readers"},
         {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-readers"},
         {"name", "[Fabrikam]\\Readers"},
         {"isGroup", true},
         {"memberOf", json::array()}},
    });
    return {{"pulls", json::array({pr, fork})},
            {"threads", json::array({thread})},
            {"identities", identities},
            {"next_id", 100}};
}

struct AzureFixture {
    FakeHost fake{"fake_azure_devops.py", k_token};
    std::unique_ptr<host::Host> ado;

    explicit AzureFixture(host::AuthScheme auth = host::AuthScheme::bearer, int max_attempts = 3)
    {
        auto state = seed_state();
        state["identities"].push_back(
            {{"id", "00000000-0000-0000-0000-00000000b0b0"},
             {"descriptor", "Microsoft.TeamFoundation.ServiceIdentity;build"},
             {"uniqueName", "Build\\00000000-0000-0000-0000-00000000b0b0"},
             {"displayName", "Fabrikam Build Service (fabrikam)"},
             {"memberOf", json::array()}});
        fake.seed(state);
        host::Options options;
        options.kind = host::Kind::azure_devops;
        options.api_url = fake.base() + "/fabrikam/";
        options.project = "Fabrikam";
        options.repository = "3411ebc1-d5aa-464f-9615-0b527bc66719";
        options.token = draftsmith::Secret(k_token);
        options.auth = auth;
        options.http = fake.http(max_attempts);
        ado = host::make_host(options);
    }
};

} // namespace

TEST_CASE("integration::host azure devops, every operation")
{
    AzureFixture f;

    SUBCASE("pull request and the triggering comment, read again by (thread, id)")
    {
        const auto pr = f.ado->get_pull_request(22);
        CHECK(pr.head_branch == "feature/buttons");
        CHECK(pr.head_sha == "1111111111111111111111111111111111111111");
        CHECK(pr.base_branch == "main");
        CHECK(pr.author.display_name == "Alice");
        CHECK_FALSE(pr.from_fork);
        CHECK(f.ado->get_pull_request(23).from_fork);

        const auto comment = f.ado->get_comment(22, {1, 5});
        REQUIRE(comment);
        CHECK(comment->body == "/edit /3 make the buttons red");
        CHECK(comment->author.login == "alice@fabrikam.com");
        CHECK(comment->author.id == k_alice);
        CHECK_FALSE(comment->edited());
        CHECK_FALSE(f.ado->get_comment(22, {2, 5}));
        CHECK_FALSE(f.ado->get_comment(22, {1, 6}));
    }

    SUBCASE("draft pull requests, found again by branch and marker")
    {
        const host::RequestKey key{22, {1, 5}};
        const auto branch = host::variant_branch("draftsmith/", key, 2);
        // Longer than the 400 characters a list keeps: the marker is past the cut.
        const auto made = f.ado->create_pull_request(
            {branch, "feature/buttons", "Edit v2",
             "red\n" + std::string(500, '.') + "\n" + host::request_marker(key, 2)});
        CHECK(made.draft);
        CHECK(made.head_branch == branch);
        const auto state = f.fake.state();
        CHECK(state["pulls"].back()["isDraft"] == true);
        CHECK(state["pulls"].back()["targetRefName"] == "refs/heads/feature/buttons");
        const auto found = host::find_pull_requests_of_request(*f.ado, "draftsmith/", key, 3);
        REQUIRE(found.size() == 1);
        CHECK(found.at(2).number == made.number);
        // HTTP 409 TF401179 (an active one exists already): found and reused.
        const auto again =
            f.ado->create_pull_request({branch, "feature/buttons", "again", "again"});
        CHECK(again.number == made.number);
        CHECK(again.title == "again");
        CHECK(f.fake.state()["pulls"].size() == state["pulls"].size());
        // A 409 without an active pull request to reuse is an error that says so.
        f.fake.inject(
            json::array({{{"method", "POST"}, {"path", "/pullrequests"}, {"status", 409}}}));
        REQUIRE_THROWS_WITH(f.ado->create_pull_request({host::variant_branch("draftsmith/", key, 3),
                                                        "feature/buttons", "v3", "v3"}),
                            doctest::Contains("HTTP 409"));
    }

    SUBCASE("update (as --force does): description, reactivation")
    {
        f.fake.seed({{"pulls", json::array({{{"pullRequestId", 40},
                                             {"status", "abandoned"},
                                             {"title", "old"},
                                             {"description", "old"},
                                             {"sourceRefName", "refs/heads/draftsmith/a/v1"},
                                             {"targetRefName", "refs/heads/main"},
                                             {"isDraft", true},
                                             {"createdBy", k_alice},
                                             {"creationDate", "x"},
                                             {"sourceSha", "a"},
                                             {"targetSha", "b"}}})}});
        const auto updated = f.ado->update_pull_request(
            40, {std::string("new title"), std::string(5000, 'x'), true});
        CHECK(updated.state == host::PullRequestState::open);
        CHECK(updated.title == "new title");
        CHECK(updated.body.size() <= 4000);
    }

    SUBCASE("find pages with $top/$skip")
    {
        json many = json::array();
        for (int i = 0; i < 130; ++i) {
            many.push_back({{"pullRequestId", 100 + i},
                            {"status", i % 2 ? "active" : "abandoned"},
                            {"title", "t"},
                            {"sourceRefName", "refs/heads/draftsmith/x/v1"},
                            {"targetRefName", "refs/heads/t" + std::to_string(i)},
                            {"createdBy", k_alice},
                            {"creationDate", "x"},
                            {"sourceSha", "a"},
                            {"targetSha", "b"}});
        }
        f.fake.seed({{"pulls", many}});
        f.fake.forget_requests();
        CHECK(f.ado->find_pull_requests("draftsmith/x/v1").size() == 130);
        CHECK(f.fake.requests() == 2);
    }

    SUBCASE("threads: new (closed), reply, update, list, status by reaction")
    {
        const auto reply = f.ado->comment(22, "Working on 3 variants", host::CommentRef{1, 5});
        CHECK(reply.thread_id == 5);
        CHECK(reply.id == 2);
        const auto overview = f.ado->comment(22, "| variant | status |");
        CHECK(overview.thread_id != 5);
        f.ado->update_comment(22, overview, "| variant | status |\n| 1 | done |");
        f.ado->react(22, {1, 5}, host::Reaction::eyes);
        auto state = f.fake.state();
        CHECK(state["threads"][0]["status"] == "pending");
        CHECK(state["threads"][0]["comments"][1]["parentCommentId"] == 1);
        CHECK(state["threads"][1]["status"] == "closed");
        CHECK(state["threads"][1]["comments"][0]["content"] ==
              "| variant | status |\n| 1 | done |");
        f.ado->react(22, {1, 5}, host::Reaction::rocket);
        CHECK(f.fake.state()["threads"][0]["status"] == "fixed");

        const auto comments = f.ado->list_comments(22);
        CHECK(comments.size() == 3);
        const auto found = host::find_comment_with_marker(*f.ado, 22, "| 1 | done |");
        REQUIRE(found);
        CHECK(found->ref == overview);
        CHECK(found->author.is_bot);
    }

    SUBCASE("statuses with the draftsmith genre, states by name")
    {
        const auto pr = f.ado->get_pull_request(22);
        f.ado->set_status(
            pr, {host::StatusState::pending, "3 variants", "https://dev.azure.com/run/1"});
        f.ado->set_status(pr, {host::StatusState::failed, "0 of 3", ""});
        const auto statuses = f.fake.state()["statuses"];
        REQUIRE(statuses.size() == 2);
        CHECK(statuses[0]["state"] == "pending");
        CHECK(statuses[0]["context"] == json{{"genre", "draftsmith"}, {"name", "draftsmith"}});
        CHECK(statuses[0]["targetUrl"] == "https://dev.azure.com/run/1");
        CHECK(statuses[1]["state"] == "failed");
    }

    SUBCASE("permission: member of Contributors through a team; readers are not")
    {
        const auto alice = f.ado->permission({"alice@fabrikam.com", k_alice, "Alice", false}, {});
        CHECK(alice.allowed);
        CHECK(alice.reason == "member of [Fabrikam]\\Contributors");
        const auto bob = f.ado->permission({"bob@fabrikam.com", k_bob, "Bob", false}, {});
        CHECK_FALSE(bob.allowed);
        CHECK(bob.reason == "Bob is not a member of [Fabrikam]\\Contributors or "
                            "[Fabrikam]\\Project Administrators");
    }
}

TEST_CASE("integration::host azure devops, PAT as basic auth")
{
    AzureFixture f(host::AuthScheme::basic_pat);
    CHECK(f.ado->get_pull_request(22).number == 22);
    CHECK(f.fake.state()["requests"][0]["headers"]["Authorization-Scheme"] == "Basic");
}

TEST_CASE("integration::host azure devops, faults and retries")
{
    CapturedLog captured;
    AzureFixture f(host::AuthScheme::bearer, 3);

    SUBCASE("503 with Retry-After is retried after the asked wait")
    {
        f.fake.inject(
            {{{"path", "/threads"}, {"status", 503}, {"retry_after", "1"}, {"count", 1}},
             {{"path", "/threads"}, {"status", 429}, {"retry_after", "3"}, {"count", 1}}});
        f.ado->comment(22, "hello");
        CHECK(f.fake.requests() == 3);
        const auto waits = f.fake.waits();
        REQUIRE(waits.size() == 2);
        CHECK(waits[0] == std::chrono::milliseconds(1000));
        CHECK(waits[1] == std::chrono::milliseconds(3000));
    }

    SUBCASE("at most max_attempts")
    {
        f.fake.inject({{{"path", "/pullrequests/22"}, {"status", 500}, {"count", 9}}});
        REQUIRE_THROWS_WITH(f.ado->get_pull_request(22),
                            doctest::Contains("HTTP 500: injected fault after 3 attempts"));
        CHECK(f.fake.requests() == 3);
    }

    SUBCASE("401, 403 and 404 are never retried")
    {
        f.fake.inject({{{"path", "/statuses"}, {"status", 403}, {"count", 9}}});
        host::PullRequest pr;
        pr.number = 22;
        REQUIRE_THROWS_WITH(f.ado->set_status(pr, {}),
                            doctest::Contains("HTTP 403: TF401027: You need the Git "
                                              "'PullRequestContribute' permission"));
        CHECK(f.fake.requests() == 1);
        f.fake.forget_requests();
        f.fake.inject({{{"path", "/pullrequests/22"}, {"status", 401}, {"count", 9}}});
        REQUIRE_THROWS_WITH(f.ado->get_pull_request(22),
                            doctest::Contains("the token was rejected"));
        CHECK(f.fake.requests() == 1);
        f.fake.forget_requests();
        REQUIRE_THROWS_WITH(
            f.ado->get_pull_request(999),
            doctest::Contains("HTTP 404: TF401180: The requested pull request was not found."));
        CHECK(f.fake.requests() == 1);
    }

    SUBCASE("the token never shows")
    {
        f.fake.inject({{{"path", "/pullrequests/22"},
                        {"status", 500},
                        {"count", 9},
                        {"body", {{"message", "echo " + k_token}}}}});
        std::string message;
        try {
            f.ado->get_pull_request(22);
        } catch (const std::exception& error) {
            message = error.what();
        }
        CHECK(message.find("echo ***") != std::string::npos);
        CHECK(message.find(k_token) == std::string::npos);
        CHECK(captured.text().find(k_token) == std::string::npos);
        CHECK(f.fake.log().find(k_token) == std::string::npos);
    }
}

TEST_CASE("integration::host azure devops, faults from a script file at start")
{
    draftsmith::test::TempDir dir;
    draftsmith::test::write_file(
        dir / "faults.json",
        R"([{"method": "GET", "path": "/pullrequests/", "status": 502, "count": 2}])");
    FakeHost fake("fake_azure_devops.py", k_token, {"--faults", (dir / "faults.json").string()});
    fake.seed(seed_state());
    host::Options options;
    options.kind = host::Kind::azure_devops;
    options.api_url = fake.base() + "/fabrikam/";
    options.project = "FABRIKAM"; // the service's paths are case-insensitive
    options.repository = "APP";
    options.token = draftsmith::Secret(k_token);
    options.http = fake.http(3);
    auto ado = host::make_host(options);
    CHECK(ado->get_pull_request(22).number == 22);
    CHECK(fake.requests() == 3);
    CHECK(fake.state()["faults"].empty());
}
