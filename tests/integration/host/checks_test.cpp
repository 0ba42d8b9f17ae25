// host::Checks (issue 15) through the libcurl client against the fake GitHub
// and fake Azure DevOps: check runs and statuses, workflow dispatch, builds,
// queueing, and failed jobs' log tails.
#include "draftsmith/host/checks.hpp"
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

#include "fixture.hpp"

using nlohmann::json;
namespace host = draftsmith::host;
using draftsmith::test::FakeHost;

namespace {

const std::string k_token = "ghs_checks_integration_token_0001";
const std::string k_sha = "3333333333333333333333333333333333333333";

host::PullRequest variant_pr(std::int64_t number)
{
    host::PullRequest pr;
    pr.number = number;
    pr.head_branch = "draftsmith/pr-5/c77-red/v1";
    pr.head_sha = k_sha;
    return pr;
}

std::string numbered_lines(int count)
{
    std::string text;
    for (int i = 1; i <= count; ++i) {
        text += "line " + std::to_string(i) + "\n";
    }
    return text;
}

struct GitHubChecksFixture {
    FakeHost fake{"fake_github.py", k_token};
    std::unique_ptr<host::Checks> checks;

    GitHubChecksFixture()
    {
        host::Options options;
        options.kind = host::Kind::github;
        options.api_url = fake.base();
        options.token = draftsmith::Secret(k_token);
        options.owner = "octo-org";
        options.repository = "app";
        options.http = fake.http();
        checks = host::make_checks(options);
    }
};

json check_run(int id, const std::string& name, const std::string& status, const json& conclusion)
{
    return {{"id", id},
            {"head_sha", k_sha},
            {"name", name},
            {"status", status},
            {"conclusion", conclusion}};
}

} // namespace

TEST_CASE("integration::checks github: check runs, statuses, pages, dispatch, job logs")
{
    GitHubChecksFixture f;

    SUBCASE("passed, failed and running runs and statuses are counted; ours is left out")
    {
        json runs = json::array();
        for (int i = 0; i < 120; ++i) { // more than one page of 100
            runs.push_back(
                check_run(5000 + i, "unit-" + std::to_string(i), "completed", "success"));
        }
        runs.push_back(check_run(6001, "build", "completed", "failure"));
        runs.push_back(check_run(6002, "test-linux", "completed", "timed_out"));
        runs.push_back(check_run(6003, "lint", "in_progress", nullptr));
        runs.push_back(check_run(6004, "docs", "completed", "skipped"));
        json statuses = json::array({{{"id", 1},
                                      {"sha", k_sha},
                                      {"state", "pending"},
                                      {"context", "ci/jenkins"},
                                      {"description", "running"},
                                      {"target_url", "https://ci.example/1"},
                                      {"created_at", "2026-01-01T00:00:00Z"},
                                      {"updated_at", "2026-01-01T00:00:00Z"}},
                                     {{"id", 2},
                                      {"sha", k_sha},
                                      {"state", "failure"},
                                      {"context", "draftsmith"},
                                      {"description", "1 of 3 failed"},
                                      {"target_url", nullptr},
                                      {"created_at", "2026-01-01T00:00:00Z"},
                                      {"updated_at", "2026-01-01T00:00:00Z"}}});
        f.fake.seed({{"check_runs", runs}, {"statuses", statuses}});
        const auto summary = f.checks->read(variant_pr(9));
        CHECK(summary.total == 125);
        CHECK(summary.passed == 121);
        CHECK(summary.running == 2);
        CHECK(summary.failed == std::vector<std::string>{"build", "test-linux"});
        CHECK(summary.link == "https://github.com/octo-org/app/actions/runs/6001/job/6001");
        const auto state = f.fake.state();
        int pages = 0;
        for (const auto& request : state["requests"]) {
            pages += request["path"].get<std::string>().ends_with("/check-runs") ? 1 : 0;
        }
        CHECK(pages == 2);
    }

    SUBCASE("workflow_dispatch on the variant branch queues the workflow's jobs")
    {
        f.fake.seed(
            {{"workflows",
              {{"ci.yml", {{"jobs", {"build", "test"}}}}, {"manual.yml", {{"dispatch", false}}}}}});
        f.checks->start("draftsmith/pr-5/c77-red/v1", "ci.yml");
        const auto state = f.fake.state();
        REQUIRE(state["dispatches"].size() == 1);
        CHECK(state["dispatches"][0]["ref"] == "draftsmith/pr-5/c77-red/v1");
        CHECK(state["check_runs"].size() == 2);

        try {
            f.checks->start("draftsmith/pr-5/c77-red/v1", "manual.yml");
            FAIL("a workflow without workflow_dispatch was dispatched");
        } catch (const draftsmith::Error& e) {
            CHECK(std::string(e.what()).find(
                      "Workflow does not have 'workflow_dispatch' trigger") != std::string::npos);
        }
        CHECK_THROWS_WITH_AS(f.checks->start("x", "nope.yml"), doctest::Contains("HTTP 404"),
                             draftsmith::Error);
    }

    SUBCASE("a failed job's log: 302 to a signed URL fetched without the token, tail only")
    {
        auto run = check_run(7001, "build", "completed", "failure");
        run["log"] = numbered_lines(500) + "error: token " + k_token + " leaked\n";
        f.fake.seed({{"check_runs", json::array({run})}});
        const auto summary = f.checks->read(variant_pr(9));
        REQUIRE(summary.runs.size() == 1);
        const auto tails = f.checks->log_tails(summary.runs[0], {});
        REQUIRE(tails.size() == 1);
        CHECK(tails[0].name == "build");
        CHECK(tails[0].text.find("line 302\n") == 0); // the last 200 lines only
        CHECK(tails[0].text.find(k_token) == std::string::npos);
        const auto state = f.fake.state();
        const auto& blob = state["requests"].back();
        CHECK(blob["path"].get<std::string>().starts_with("/__blob/"));
        CHECK(blob["headers"]["Authorization-Scheme"] == "");
    }
}

namespace {

struct AzureChecksFixture {
    FakeHost fake{"fake_azure_devops.py", k_token};
    std::unique_ptr<host::Checks> checks;

    AzureChecksFixture()
    {
        fake.seed({{"refs", {{"draftsmith/pr-5/c77-red/v1", k_sha}}},
                   {"check_refs", true},
                   {"definitions", json::array({{{"id", 12}, {"name", "ci"}},
                                                {{"id", 13}, {"name", "nightly"}}})}});
        host::Options options;
        options.kind = host::Kind::azure_devops;
        options.api_url = fake.base() + "/fabrikam/";
        options.project = "Fabrikam";
        options.repository = "3411ebc1-d5aa-464f-9615-0b527bc66719";
        options.token = draftsmith::Secret(k_token);
        options.http = fake.http();
        checks = host::make_checks(options);
    }
};

} // namespace

TEST_CASE("integration::checks azure devops: builds, PR statuses, queue, timeline logs")
{
    AzureChecksFixture f;
    const std::string branch = "refs/heads/draftsmith/pr-5/c77-red/v1";

    SUBCASE("the newest build per pipeline and the newest status per context count")
    {
        json builds = json::array({{{"id", 201},
                                    {"definition_id", 12},
                                    {"sourceBranch", branch},
                                    {"status", "completed"},
                                    {"result", "succeeded"}},
                                   {{"id", 202},
                                    {"definition_id", 12},
                                    {"sourceBranch", branch},
                                    {"status", "completed"},
                                    {"result", "failed"}},
                                   {{"id", 203},
                                    {"definition_id", 13},
                                    {"sourceBranch", branch},
                                    {"status", "inProgress"}},
                                   {{"id", 204},
                                    {"definition_id", 12},
                                    {"sourceBranch", "refs/heads/main"},
                                    {"status", "completed"},
                                    {"result", "succeeded"}}});
        json pulls = json::array({{{"pullRequestId", 9},
                                   {"status", "active"},
                                   {"title", "v1"},
                                   {"description", ""},
                                   {"sourceRefName", branch},
                                   {"targetRefName", "refs/heads/feature"},
                                   {"isDraft", true},
                                   {"createdBy", "00000000-0000-0000-0000-00000000b0b0"},
                                   {"creationDate", "2026-01-01T00:00:00Z"}}});
        json statuses =
            json::array({{{"id", 1},
                          {"pr", 9},
                          {"state", "failed"},
                          {"context", {{"name", "sonar"}, {"genre", "qa"}}}},
                         {{"id", 2},
                          {"pr", 9},
                          {"state", "succeeded"},
                          {"context", {{"name", "sonar"}, {"genre", "qa"}}}},
                         {{"id", 3},
                          {"pr", 9},
                          {"state", "failed"},
                          {"context", {{"name", "draftsmith"}, {"genre", "draftsmith"}}}}});
        f.fake.seed({{"builds", builds}, {"pulls", pulls}, {"statuses", statuses}});
        const auto summary = f.checks->read(variant_pr(9));
        CHECK(summary.total == 3);
        CHECK(summary.passed == 1);
        CHECK(summary.running == 1);
        CHECK(summary.failed == std::vector<std::string>{"ci"});
        CHECK(summary.link == "https://dev.azure.com/fabrikam/Fabrikam/_build/results?buildId=202");
    }

    SUBCASE("queue by id and by name; an unknown name is a config error")
    {
        f.checks->start("draftsmith/pr-5/c77-red/v1", "12");
        f.checks->start("draftsmith/pr-5/c77-red/v1", "nightly");
        const auto state = f.fake.state();
        REQUIRE(state["builds"].size() == 2);
        CHECK(state["builds"][0]["definition_id"] == 12);
        CHECK(state["builds"][1]["definition_id"] == 13);
        CHECK(state["builds"][1]["sourceBranch"] == branch);
        CHECK_THROWS_WITH_AS(f.checks->start("draftsmith/pr-5/c77-red/v1", "deploy"),
                             "checks.pipeline: Azure DevOps has no pipeline named 'deploy' in "
                             "project Fabrikam; give its name or definition id",
                             draftsmith::Error);
    }

    SUBCASE("the failed jobs' tails, read from startLine on")
    {
        json jobs = json::array(
            {{{"name", "Build"}, {"result", "succeeded"}, {"log", numbered_lines(10)}},
             {{"name", "Test linux"}, {"result", "failed"}, {"log", numbered_lines(1000)}}});
        f.fake.seed({{"builds", json::array({{{"id", 301},
                                              {"definition_id", 12},
                                              {"sourceBranch", branch},
                                              {"status", "completed"},
                                              {"result", "failed"},
                                              {"jobs", jobs}}})}});
        host::CheckRun run{"ci", host::CheckState::failed, "", "301"};
        const auto tails = f.checks->log_tails(run, {50, 32 * 1024});
        REQUIRE(tails.size() == 1);
        CHECK(tails[0].name == "Test linux");
        CHECK(tails[0].text.find("line 951\n") == 0);
        CHECK(tails[0].text.ends_with("line 1000"));
        const auto state = f.fake.state();
        CHECK(state["requests"].back()["query"]["startLine"] == "950");
    }
}
