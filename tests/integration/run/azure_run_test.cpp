// draftsmith run on Azure Pipelines, end to end: the service-hook payload,
// the fake Azure DevOps, git http-backend and recorded model answers.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "azure_run_support.hpp"

namespace {

using namespace draftsmith::test;
using nlohmann::json;
using namespace azure_run_support;

} // namespace

TEST_CASE("run on Azure DevOps: one comment, two draft pull requests")
{
    AzureRun f;
    const auto recording = f.world.recording({{1, recolour("#d93025")}, {2, recolour("#b31412")}});
    const auto result = f.run(recording);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto state = f.fake.state();
    std::vector<json> drafts;
    for (const auto& pr : state["pulls"]) {
        if (pr["pullRequestId"] != 7) {
            drafts.push_back(pr);
        }
    }
    REQUIRE(drafts.size() == 2);
    for (const auto& draft : drafts) {
        CHECK(draft["isDraft"] == true);
        CHECK(draft["targetRefName"] == "refs/heads/feature");
        CHECK(draft["sourceRefName"].get<std::string>().find("refs/heads/draftsmith/pr-7/t5-c1-") ==
              0);
    }
    CHECK(f.world.server_variant_branches().size() == 2);
    // The overview is a reply in the comment's thread; the PR status is set.
    bool overview = false;
    for (const auto& thread : state["threads"]) {
        for (const auto& comment : thread["comments"]) {
            if (comment["content"].get<std::string>().find("draftsmith-overview") !=
                std::string::npos) {
                overview = true;
            }
        }
    }
    CHECK(overview);
    REQUIRE_FALSE(state["statuses"].empty());
    CHECK(state["statuses"].back()["state"] == "succeeded");
    CHECK(result.out.find("##[group]") != std::string::npos);
    CHECK(result.err.find(k_token) == std::string::npos);
}
