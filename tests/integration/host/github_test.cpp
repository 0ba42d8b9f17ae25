// host::github through the libcurl client against the fake GitHub process.
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "fixture.hpp"
#include "support/process.hpp"

using nlohmann::json;
namespace host = draftsmith::host;
using draftsmith::test::CapturedLog;
using draftsmith::test::FakeHost;

namespace {

const std::string k_token = "ghs_integration_secret_token_0001";

json seed_state()
{
    json pr = {
        {"id", 1},
        {"number", 5},
        {"state", "open"},
        {"title", "Buttons"},
        {"body", "make it nice"},
        {"draft", false},
        {"user", "alice"},
        {"created_at", "2026-01-01T00:00:00Z"},
        {"updated_at", "2026-01-01T00:00:00Z"},
        {"head", {{"ref", "feature/buttons"}, {"sha", "1111111111111111111111111111111111111111"}}},
        {"base", {{"ref", "main"}, {"sha", "2222222222222222222222222222222222222222"}}}};
    json fork = pr;
    fork["number"] = 6;
    fork["head"]["repo_full_name"] = "mallory/app";
    json comment = {{"id", 77},
                    {"issue_number", 5},
                    {"body", "/edit /3 make the buttons red"},
                    {"user", "alice"},
                    {"created_at", "2026-01-01T00:01:00Z"},
                    {"updated_at", "2026-01-01T00:01:00Z"}};
    return {{"users",
             {{"alice", {{"id", 1}, {"permission", "write"}, {"role_name", "write"}}},
              {"bob", {{"id", 2}, {"permission", "read"}, {"role_name", "triage"}}},
              {"github-actions[bot]", {{"id", 41898282}, {"type", "Bot"}}}}},
            {"pulls", json::array({pr, fork})},
            {"comments", json::array({comment})}};
}

struct GitHubFixture {
    FakeHost fake{"fake_github.py", k_token};
    std::unique_ptr<host::Host> github;

    explicit GitHubFixture(int max_attempts = 3)
    {
        fake.seed(seed_state());
        host::Options options;
        options.kind = host::Kind::github;
        options.api_url = fake.base();
        options.token = draftsmith::Secret(k_token);
        options.owner = "octo-org";
        options.repository = "app";
        options.http = fake.http(max_attempts);
        github = host::make_host(options);
    }
};

} // namespace

TEST_CASE("integration::host github, every operation")
{
    GitHubFixture f;

    SUBCASE("pull request and triggering comment")
    {
        const auto pr = f.github->get_pull_request(5);
        CHECK(pr.head_branch == "feature/buttons");
        CHECK(pr.head_sha == "1111111111111111111111111111111111111111");
        CHECK(pr.base_branch == "main");
        CHECK_FALSE(pr.from_fork);
        CHECK(pr.author.login == "alice");
        CHECK(f.github->get_pull_request(6).from_fork);

        const auto comment = f.github->get_comment(5, {77, 0});
        REQUIRE(comment);
        CHECK(comment->body == "/edit /3 make the buttons red");
        CHECK(comment->author.login == "alice");
        CHECK_FALSE(comment->edited());
        CHECK_FALSE(f.github->get_comment(5, {78, 0}));

        const auto request = f.fake.state()["requests"][0];
        CHECK(request["headers"]["Accept"] == "application/vnd.github+json");
        CHECK(request["headers"]["X-GitHub-Api-Version"] == "2022-11-28");
        CHECK(request["headers"]["Authorization-Scheme"] == "Bearer");
    }

    SUBCASE("draft pull requests, found again by branch and marker")
    {
        const host::RequestKey key{5, {77, 0}};
        const auto branch = host::variant_branch("draftsmith/", key, 1);
        const auto made = f.github->create_pull_request(
            {branch, "feature/buttons", "Edit v1", "red\n" + host::request_marker(key, 1)});
        CHECK(made.draft);
        CHECK(made.base_branch == "feature/buttons");
        const auto state = f.fake.state();
        CHECK(state["pulls"].back()["draft"] == true);
        CHECK(state["pulls"].back()["base"]["ref"] == "feature/buttons");

        const auto found = host::find_pull_requests_of_request(*f.github, "draftsmith/", key, 3);
        REQUIRE(found.size() == 1);
        CHECK(found.at(1).number == made.number);
        CHECK(f.github->find_pull_requests("draftsmith/none/v1").empty());

        REQUIRE_THROWS_WITH(
            f.github->create_pull_request({branch, "feature/buttons", "Edit v1", "again"}),
            doctest::Contains("HTTP 422: Validation Failed; A pull request already exists for "
                              "octo-org:draftsmith/pr5-c77/v1."));
    }

    SUBCASE("update (as --force does): body, and reopening a closed one")
    {
        f.fake.seed({{"pulls", json::array({{{"id", 9},
                                             {"number", 9},
                                             {"state", "closed"},
                                             {"title", "old"},
                                             {"body", "old"},
                                             {"draft", true},
                                             {"user", "github-actions[bot]"},
                                             {"created_at", "x"},
                                             {"updated_at", "x"},
                                             {"head", {{"ref", "draftsmith/a/v1"}, {"sha", "a"}}},
                                             {"base", {{"ref", "main"}, {"sha", "b"}}}}})}});
        const auto updated =
            f.github->update_pull_request(9, {std::nullopt, std::string("new"), true});
        CHECK(updated.state == host::PullRequestState::open);
        CHECK(updated.body == "new");
        CHECK(updated.title == "old");
    }

    SUBCASE("comments: create, update, list across pages")
    {
        const auto reply = f.github->comment(5, "Working on 3 variants");
        f.github->update_comment(5, reply, "Done: 3 variants");
        auto state = f.fake.state();
        CHECK(state["comments"].back()["body"] == "Done: 3 variants");
        const auto edited = f.github->get_comment(5, reply);
        REQUIRE(edited);
        CHECK(edited->author.is_bot);

        json many = json::array();
        for (int i = 0; i < 150; ++i) {
            many.push_back({{"id", 1000 + i},
                            {"issue_number", 9},
                            {"body", "c" + std::to_string(i)},
                            {"user", "alice"},
                            {"created_at", "x"},
                            {"updated_at", "x"}});
        }
        f.fake.seed({{"comments", many}});
        f.fake.forget_requests();
        const auto comments = f.github->list_comments(9);
        CHECK(comments.size() == 150);
        CHECK(comments.back().body == "c149");
        CHECK(f.fake.requests() == 2); // per_page=100: two pages via Link
    }

    SUBCASE("status on the head SHA, reactions")
    {
        const auto pr = f.github->get_pull_request(5);
        f.github->set_status(
            pr, {host::StatusState::pending, "3 variants", "https://ci.example/run/9"});
        f.github->react(5, {77, 0}, host::Reaction::eyes);
        f.github->react(5, {77, 0}, host::Reaction::eyes); // 200: already there
        f.github->react(5, {77, 0}, host::Reaction::rocket);
        const auto state = f.fake.state();
        REQUIRE(state["statuses"].size() == 1);
        CHECK(state["statuses"][0]["sha"] == pr.head_sha);
        CHECK(state["statuses"][0]["state"] == "pending");
        CHECK(state["statuses"][0]["context"] == "draftsmith");
        CHECK(state["statuses"][0]["target_url"] == "https://ci.example/run/9");
        CHECK(state["reactions"].size() == 2);
    }

    SUBCASE("permission")
    {
        CHECK(f.github->permission({"alice", "1", "alice", false}, {}).allowed);
        const auto bob = f.github->permission({"bob", "2", "bob", false}, {});
        CHECK_FALSE(bob.allowed);
        CHECK(bob.reason == "read access only; write access is needed");
        const auto eve = f.github->permission({"eve", "3", "eve", false}, {});
        CHECK_FALSE(eve.allowed);
        CHECK(eve.reason == "eve is not a collaborator of octo-org/app");
    }
}

TEST_CASE("integration::host github, faults and retries")
{
    GitHubFixture f(3);

    SUBCASE("500 and 502 are retried, within the configured attempts")
    {
        f.fake.inject({{{"path", "/pulls/5"}, {"status", 500}, {"count", 1}},
                       {{"path", "/pulls/5"}, {"status", 502}, {"count", 1}}});
        CHECK(f.github->get_pull_request(5).number == 5);
        CHECK(f.fake.requests() == 3);
    }

    SUBCASE("never more than max_attempts")
    {
        f.fake.inject({{{"path", "/pulls/5"}, {"status", 502}, {"count", 10}}});
        REQUIRE_THROWS_WITH(f.github->get_pull_request(5),
                            doctest::Contains("HTTP 502: Bad Gateway after 3 attempts"));
        CHECK(f.fake.requests() == 3);
    }

    SUBCASE("429 with retry-after waits what the server asked")
    {
        f.fake.inject({{{"path", "/issues/5/comments"},
                        {"status", 429},
                        {"retry_after", "2"},
                        {"count", 1}}});
        f.github->comment(5, "hello");
        CHECK(f.fake.requests() == 2);
        REQUIRE(f.fake.waits().size() == 1);
        CHECK(f.fake.waits()[0] == std::chrono::milliseconds(2000));
    }

    SUBCASE("404 and 403 are never retried; 403 rate limit says until when")
    {
        f.fake.inject({{{"path", "/pulls/5"}, {"status", 404}, {"count", 5}}});
        REQUIRE_THROWS_WITH(
            f.github->get_pull_request(5),
            doctest::Contains("HTTP 404: Not Found (not found, or the token cannot see it)"));
        CHECK(f.fake.requests() == 1);

        f.fake.forget_requests();
        f.fake.inject(
            {{{"path", "/statuses/"},
              {"status", 403},
              {"count", 5},
              {"headers", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000000"}}},
              {"body", {{"message", "API rate limit exceeded"}}}}});
        host::PullRequest pr;
        pr.head_sha = "1111111111111111111111111111111111111111";
        REQUIRE_THROWS_WITH(f.github->set_status(pr, {}),
                            doctest::Contains("API rate limit exceeded (rate limit exhausted until "
                                              "2023-11-14 22:13:20 UTC (403 is never retried"));
        CHECK(f.fake.requests() == 1);
    }

    SUBCASE("a slow answer times out and is retried as configured")
    {
        host::Options options;
        options.kind = host::Kind::github;
        options.api_url = f.fake.base();
        options.token = draftsmith::Secret(k_token);
        options.owner = "octo-org";
        options.repository = "app";
        options.http = f.fake.http(2);
        options.http.total_timeout = std::chrono::milliseconds(300);
        auto impatient = host::make_host(options);
        f.fake.inject({{{"path", "/pulls/5"}, {"status", 0}, {"delay_ms", 1500}, {"count", 2}}});
        try {
            impatient->get_pull_request(5);
            FAIL("no timeout");
        } catch (const draftsmith::Error& error) {
            CHECK(error.category() == draftsmith::ErrorCategory::network);
            CHECK(std::string(error.what()).find("/repos/octo-org/app/pulls/5") !=
                  std::string::npos);
        }
        CHECK(f.fake.requests() == 2);
    }
}

TEST_CASE("integration::host github, the token never shows")
{
    CapturedLog captured;
    GitHubFixture f(2);
    std::string messages;
    f.fake.inject({{{"path", "/pulls/5"},
                    {"status", 401},
                    {"count", 1},
                    {"body", {{"message", "Bad credentials: " + k_token}}}},
                   {{"path", "/issues/comments/77"}, {"status", 500}, {"count", 5}}});
    try {
        f.github->get_pull_request(5);
    } catch (const std::exception& error) {
        messages += error.what();
    }
    try {
        f.github->get_comment(5, {77, 0});
    } catch (const std::exception& error) {
        messages += error.what();
    }
    f.github->comment(5, "fine");
    CHECK(messages.find("the token was rejected") != std::string::npos);
    CHECK(messages.find("HTTP 500") != std::string::npos);
    CHECK(messages.find(k_token) == std::string::npos);
    CHECK_FALSE(captured.text().empty());
    CHECK(captured.text().find(k_token) == std::string::npos);
    CHECK(f.fake.log().find(k_token) == std::string::npos);
}

TEST_CASE("integration::host github, a pull request needs a pushed branch")
{
    draftsmith::test::TempDir dir;
    const auto bare = (dir / "remote.git").string();
    const auto work = (dir / "work").string();
    auto git = [](std::vector<std::string> args) {
        args.insert(args.begin(), "git");
        const auto result = draftsmith::test::run_process(args);
        REQUIRE_MESSAGE(result.exit_code == 0, result.err);
        return result.out;
    };
    git({"init", "-q", "--bare", bare});
    git({"init", "-q", "-b", "main", work});
    git({"-C", work, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty",
         "-m", "c"});
    git({"-C", work, "push", "-q", bare, "main", "main:feature"});
    const auto sha = git({"-C", work, "rev-parse", "HEAD"}).substr(0, 40);

    FakeHost fake("fake_github.py", k_token, {"--git-dir", bare});
    host::Options options;
    options.kind = host::Kind::github;
    options.api_url = fake.base();
    options.token = draftsmith::Secret(k_token);
    options.owner = "octo-org";
    options.repository = "app";
    options.http = fake.http();
    auto github = host::make_host(options);

    const auto made = github->create_pull_request({"feature", "main", "t", "b"});
    CHECK(made.head_sha == sha);
    REQUIRE_THROWS_WITH(github->create_pull_request({"never-pushed", "main", "t", "b"}),
                        doctest::Contains("HTTP 422: Validation Failed; PullRequest head invalid"));
}

TEST_CASE("integration::host github, variants in parallel")
{
    GitHubFixture f;
    constexpr int k_variants = 8;
    std::vector<host::CommentRef> refs(k_variants);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_variants; ++i) {
        threads.emplace_back([&, i] {
            refs[static_cast<std::size_t>(i)] =
                f.github->comment(5, "variant " + std::to_string(i));
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::int64_t> ids;
    for (const auto& ref : refs) {
        ids.insert(ref.id);
    }
    CHECK(ids.size() == k_variants);
    CHECK(f.github->list_comments(5).size() == k_variants + 1);
}
