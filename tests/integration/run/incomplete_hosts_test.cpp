// Issue 17 end to end on the other hosts: Azure DevOps (a draft marked
// incomplete, the overview in the comment's thread) and run --local (a local
// branch marked incomplete, continued by the re-run). See incomplete_test.cpp.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "host/fixture.hpp"
#include "incomplete_steps.hpp"
#include "world.hpp"

using namespace draftsmith::test;
using namespace draftsmith::test::incomplete;
using nlohmann::json;

TEST_CASE("incomplete: on Azure DevOps, a draft marked incomplete in the comment's thread")
{
    World world;
    const std::string token = "ado_e2e_secret_token_0017";
    const std::string alice = "aaaaaaaa-0000-0000-0000-000000000001";
    const std::string repository = "3411ebc1-d5aa-464f-9615-0b527bc66719";
    FakeHost fake{"fake_azure_devops.py", token, {"--git-dir", world.bare().string()}};
    json pr = {{"pullRequestId", 7},
               {"status", "active"},
               {"title", "About page"},
               {"description", "Adds an about page"},
               {"sourceRefName", "refs/heads/feature"},
               {"targetRefName", "refs/heads/main"},
               {"isDraft", false},
               {"createdBy", alice},
               {"creationDate", "2026-11-01T00:00:00Z"},
               {"sourceSha", world.head_sha()},
               {"targetSha", world.base_sha()}};
    json comment = {{"id", 1},
                    {"parentCommentId", 0},
                    {"author", alice},
                    {"content", "/edit make the submit buttons red"},
                    {"publishedDate", "2026-11-01T00:01:00Z"},
                    {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                    {"lastContentUpdatedDate", "2026-11-01T00:01:00Z"},
                    {"commentType", "text"}};
    json thread = {{"id", 5},
                   {"pr", 7},
                   {"status", "active"},
                   {"publishedDate", "2026-11-01T00:01:00Z"},
                   {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                   {"comments", json::array({comment})}};
    json identities = json::array(
        {{{"id", alice},
          {"descriptor", "Microsoft.IdentityModel.Claims.ClaimsIdentity;alice"},
          {"uniqueName", "alice@fabrikam.com"},
          {"displayName", "Alice"},
          {"memberOf", json::array({"Microsoft.TeamFoundation.Identity;S-1-9-contributors"})}},
         {{"id", "g-contributors"},
          {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-contributors"},
          {"name", "[Fabrikam]\\Contributors"},
          {"isGroup", true},
          {"memberOf", json::array()}}});
    fake.seed({{"pulls", json::array({pr})},
               {"threads", json::array({thread})},
               {"identities", identities},
               {"next_id", 100}});
    auto payload = json::parse(draftsmith::file::read_all(source_path(
        "tests/specs/ado/service-hooks/ms.vss-code.git-pullrequest-comment-event.json")));
    payload["resource"]["pullRequest"]["pullRequestId"] = 7;
    payload["resource"]["pullRequest"]["repository"]["id"] = repository;
    payload["resource"]["pullRequest"]["repository"]["project"]["name"] = "Fabrikam";
    payload["resource"]["comment"]["id"] = 1;
    payload["resource"]["comment"]["_links"]["threads"]["href"] =
        fake.base() + "/fabrikam/_apis/git/repositories/" + repository +
        "/pullRequests/7/threads/5";
    write_file(world.root() / "hook.json", payload.dump());
    const auto recording = world.recording({{1, recolour("#d93025")}});

    const auto result = world.draftsmith({"run", "--host", "azure-devops", "--event",
                                          (world.root() / "hook.json").string(), "--provider",
                                          "replay", "--replay", recording.string()},
                                         {{"TF_BUILD", "True"},
                                          {"SYSTEM_COLLECTIONURI", fake.base() + "/fabrikam/"},
                                          {"SYSTEM_TEAMPROJECT", "Fabrikam"},
                                          {"BUILD_REPOSITORY_ID", repository},
                                          {"BUILD_BUILDID", "99"},
                                          {"SYSTEM_ACCESSTOKEN", token},
                                          {"DRAFTSMITH_LIMITS_TURNS", "1"}});
    INFO(result.err);
    CHECK(result.exit_code == 1);
    const auto branches = world.server_variant_branches();
    REQUIRE(branches.size() == 1);
    CHECK(world.server_git({"log", "-1", "--format=%B", "refs/heads/" + branches[0]})
              .find("Draftsmith-Incomplete: turn limit") != std::string::npos);
    const auto state = fake.state();
    std::vector<json> drafts;
    for (const auto& pull : state["pulls"]) {
        if (pull["pullRequestId"] != 7) {
            drafts.push_back(pull);
        }
    }
    REQUIRE(drafts.size() == 1);
    CHECK(drafts[0]["isDraft"] == true);
    CHECK(drafts[0]["title"].get<std::string>().rfind("[incomplete: turn limit] ", 0) == 0);
    CHECK(drafts[0]["description"].get<std::string>().find("**Incomplete (turn limit):**") !=
          std::string::npos);
    bool row = false;
    for (const auto& each : state["threads"]) {
        for (const auto& reply : each["comments"]) {
            row = row || reply["content"].get<std::string>().find(
                             "\xE2\x9A\xA0 incomplete (turn limit)") != std::string::npos;
        }
    }
    CHECK(row);
    CHECK(result.err.find(token) == std::string::npos);
}

TEST_CASE("incomplete: run --local keeps a local branch marked incomplete and continues it")
{
    World world;
    FakeLlm llm(world.root() / "llm.log");
    const auto run = [&](std::map<std::string, std::string> more) {
        more["ANTHROPIC_API_KEY"] = k_key;
        return world.draftsmith({"run", "--local", "--comment", "/edit make the submit buttons red",
                                 "--provider", "anthropic", "--base-url", llm.base()},
                                more);
    };
    const auto local_git = [&](const std::vector<std::string>& args) {
        std::vector<std::string> all{"-C", world.checkout().string()};
        all.insert(all.end(), args.begin(), args.end());
        ProcessOptions options;
        const auto result = run_process(
            [&] {
                std::vector<std::string> argv{"git"};
                argv.insert(argv.end(), all.begin(), all.end());
                return argv;
            }(),
            options);
        REQUIRE(result.exit_code == 0);
        return std::string(result.out.substr(0, result.out.find_last_not_of('\n') + 1));
    };
    llm.script({{"steps", json::array({recolour_step("#d93025")})}});
    const auto first = run({{"DRAFTSMITH_LIMITS_TURNS", "1"}});
    INFO(first.err);
    CHECK(first.exit_code == 1);
    const auto branch =
        local_git({"for-each-ref", "--format=%(refname:short)", "refs/heads/draftsmith/"});
    REQUIRE_FALSE(branch.empty());
    CHECK(
        local_git({"log", "-1", "--format=%B", branch}).find("Draftsmith-Incomplete: turn limit") !=
        std::string::npos);
    const auto incomplete = local_git({"rev-parse", branch});
    CHECK(first.out.find("\xE2\x9A\xA0 incomplete (turn limit)") != std::string::npos);

    llm.script({{"steps", json::array({finish_step("done")})}});
    const auto again = run({});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(llm.request_bodies().at(0).find("stopped before it finished (turn limit)") !=
          std::string::npos);
    CHECK(local_git({"rev-parse", branch + "^"}) == incomplete);
    CHECK(local_git({"log", "-1", "--format=%B", branch}).find("Draftsmith-Incomplete") ==
          std::string::npos);
}
