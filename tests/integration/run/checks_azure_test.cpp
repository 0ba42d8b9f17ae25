// draftsmith checks on Azure DevOps end to end (issue 15): `run` with
// checks.pipeline queues the CI pipeline for each variant branch (Builds -
// Queue); when the builds finish, `draftsmith checks --branch` (what the
// shipped pipeline's completion trigger runs) writes the Checks column.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "host/fixture.hpp"
#include "world.hpp"

namespace {

using namespace draftsmith::test;
using nlohmann::json;

const std::string k_token = "ado_checks_secret_token_0006";
const std::string k_alice = "aaaaaaaa-0000-0000-0000-000000000001";
const std::string k_repository_id = "3411ebc1-d5aa-464f-9615-0b527bc66719";

struct AzureChecks {
    World world;
    FakeHost fake{"fake_azure_devops.py", k_token, {"--git-dir", world.bare().string()}};

    AzureChecks()
    {
        const json pr = {{"pullRequestId", 7},
                         {"status", "active"},
                         {"title", "About page"},
                         {"description", "Adds an about page"},
                         {"sourceRefName", "refs/heads/feature"},
                         {"targetRefName", "refs/heads/main"},
                         {"isDraft", false},
                         {"createdBy", k_alice},
                         {"creationDate", "2026-11-01T00:00:00Z"},
                         {"sourceSha", world.head_sha()},
                         {"targetSha", world.base_sha()}};
        const json comment = {{"id", 1},
                              {"parentCommentId", 0},
                              {"author", k_alice},
                              {"content", "/edit /2 make the submit buttons red"},
                              {"publishedDate", "2026-11-01T00:01:00Z"},
                              {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                              {"lastContentUpdatedDate", "2026-11-01T00:01:00Z"},
                              {"commentType", "text"}};
        const json thread = {{"id", 5},
                             {"pr", 7},
                             {"status", "active"},
                             {"publishedDate", "2026-11-01T00:01:00Z"},
                             {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                             {"comments", json::array({comment})}};
        const json identities = json::array(
            {{{"id", k_alice},
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
                   {"definitions", json::array({{{"id", 12}, {"name", "ci"}}})},
                   {"next_id", 100}});
    }

    std::filesystem::path event()
    {
        auto payload = json::parse(draftsmith::file::read_all(source_path(
            "tests/specs/ado/service-hooks/ms.vss-code.git-pullrequest-comment-event.json")));
        payload["resource"]["pullRequest"]["pullRequestId"] = 7;
        payload["resource"]["pullRequest"]["repository"]["id"] = k_repository_id;
        payload["resource"]["pullRequest"]["repository"]["project"]["name"] = "Fabrikam";
        payload["resource"]["comment"]["id"] = 1;
        payload["resource"]["comment"]["_links"]["threads"]["href"] =
            fake.base() + "/fabrikam/_apis/git/repositories/" + k_repository_id +
            "/pullRequests/7/threads/5";
        const auto path = world.root() / "hook.json";
        write_file(path, payload.dump());
        return path;
    }

    std::map<std::string, std::string> pipeline_environment() const
    {
        return {{"TF_BUILD", "True"},
                {"SYSTEM_COLLECTIONURI", fake.base() + "/fabrikam/"},
                {"SYSTEM_TEAMPROJECT", "Fabrikam"},
                {"BUILD_REPOSITORY_ID", k_repository_id},
                {"BUILD_BUILDID", "99"},
                {"SYSTEM_ACCESSTOKEN", k_token}};
    }

    std::string overview()
    {
        const auto state = fake.state();
        for (const auto& thread : state["threads"]) {
            for (const auto& comment : thread["comments"]) {
                const auto text = comment["content"].get<std::string>();
                if (text.find("draftsmith-overview") != std::string::npos) {
                    return text;
                }
            }
        }
        return {};
    }
};

} // namespace

TEST_CASE("checks: Azure DevOps queues checks.pipeline per variant; the completion updates")
{
    AzureChecks f;
    auto environment = f.pipeline_environment();
    environment["DRAFTSMITH_CHECKS_PIPELINE"] = "ci";
    const auto recording = f.world.recording({{1, recolour("#d93025")}, {2, recolour("#b31412")}});
    const auto made =
        f.world.draftsmith({"run", "--host", "azure-devops", "--event", f.event().string(),
                            "--provider", "replay", "--replay", recording.string()},
                           environment);
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    auto state = f.fake.state();
    REQUIRE(state["builds"].size() == 2);
    std::vector<std::string> branches;
    for (const auto& build : state["builds"]) {
        CHECK(build["definition_id"] == 12);
        CHECK(build["status"] == "notStarted");
        branches.push_back(build["sourceBranch"].get<std::string>());
    }
    CHECK(branches[0].find("refs/heads/draftsmith/pr-7/t5-c1-") == 0);
    CHECK(branches[0] != branches[1]);

    // The builds finish: the first passes, the second fails.
    auto builds = state["builds"];
    builds[0]["status"] = "completed";
    builds[0]["result"] = "succeeded";
    builds[1]["status"] = "completed";
    builds[1]["result"] = "failed";
    f.fake.seed({{"builds", builds}});
    const auto result = f.world.draftsmith(
        {"checks", "--host", "azure-devops", "--branch", branches[1]}, f.pipeline_environment());
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto overview = f.overview();
    INFO(overview);
    CHECK(overview.find("| Checks |") != std::string::npos);
    CHECK(overview.find("\xE2\x9C\x85 1/1") != std::string::npos);
    CHECK(overview.find(fmt::format(
              "[\xE2\x9D\x8C 1 of 1 failed: ci](https://dev.azure.com/fabrikam/Fabrikam/_build/"
              "results?buildId={})",
              builds[1]["id"].get<int>())) != std::string::npos);
    CHECK(result.err.find(k_token) == std::string::npos);
}
