// Issue 15: a follow-up on a variant, end to end on Azure DevOps: a comment
// in a new thread of variant 2's draft pull request commits onto its branch,
// updates its description and the overview in the source's thread, and a
// second run of the same comment commits nothing.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "host/fixture.hpp"
#include "world.hpp"

namespace {

using namespace draftsmith::test;
using nlohmann::json;

const std::string k_token = "ado_e2e_secret_token_0004";
const std::string k_alice = "aaaaaaaa-0000-0000-0000-000000000001";
const std::string k_repository_id = "3411ebc1-d5aa-464f-9615-0b527bc66719";

class AzureRun /* as in azure_run_test.cpp */ {
public:
    World world;
    FakeHost fake{"fake_azure_devops.py", k_token, {"--git-dir", world.bare().string()}};

    AzureRun()
    {
        json pr = {{"pullRequestId", 7},
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
        json comment = {{"id", 1},
                        {"parentCommentId", 0},
                        {"author", k_alice},
                        {"content", "/edit /2 make the submit buttons red"},
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
                   {"next_id", 100}});
    }

    // The service hook's payload, as the pipeline writes it to a file.
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

    ProcessResult run(const std::filesystem::path& recording)
    {
        return run_event(event(), recording);
    }

    ProcessResult run_event(const std::filesystem::path& event,
                            const std::filesystem::path& recording)
    {
        return world.draftsmith({"run", "--host", "azure-devops", "--event", event.string(),
                                 "--provider", "replay", "--replay", recording.string()},
                                {{"TF_BUILD", "True"},
                                 {"SYSTEM_COLLECTIONURI", fake.base() + "/fabrikam/"},
                                 {"SYSTEM_TEAMPROJECT", "Fabrikam"},
                                 {"BUILD_REPOSITORY_ID", k_repository_id},
                                 {"BUILD_BUILDID", "99"},
                                 {"SYSTEM_ACCESSTOKEN", k_token}});
    }
};

// The follow-up comment: thread 60 on draft `pr`, comment 1 by alice.
std::filesystem::path follow_up_event(AzureRun& f, int pr, const std::string& text)
{
    auto state = f.fake.state();
    json comment = {{"id", 1},
                    {"parentCommentId", 0},
                    {"author", k_alice},
                    {"content", text},
                    {"publishedDate", "2026-11-02T00:01:00Z"},
                    {"lastUpdatedDate", "2026-11-02T00:01:00Z"},
                    {"lastContentUpdatedDate", "2026-11-02T00:01:00Z"},
                    {"commentType", "text"}};
    auto threads = state["threads"];
    threads.push_back({{"id", 60},
                       {"pr", pr},
                       {"status", "active"},
                       {"publishedDate", "2026-11-02T00:01:00Z"},
                       {"lastUpdatedDate", "2026-11-02T00:01:00Z"},
                       {"comments", json::array({comment})}});
    f.fake.seed({{"threads", threads}});
    auto payload = json::parse(draftsmith::file::read_all(f.event()));
    payload["resource"]["pullRequest"]["pullRequestId"] = pr;
    payload["resource"]["comment"]["_links"]["threads"]["href"] =
        f.fake.base() + "/fabrikam/_apis/git/repositories/" + k_repository_id + "/pullRequests/" +
        std::to_string(pr) + "/threads/60";
    const auto path = f.world.root() / "follow-up-hook.json";
    write_file(path, payload.dump());
    return path;
}

std::string overview_of(AzureRun& f)
{
    const auto state = f.fake.state();
    for (const auto& thread : state["threads"]) {
        for (const auto& comment : thread["comments"]) {
            const auto text = comment["content"].get<std::string>();
            if (text.find("draftsmith-overview: pr7-t5-c1") != std::string::npos) {
                return text;
            }
        }
    }
    return {};
}

} // namespace

TEST_CASE("follow_up: on Azure DevOps, a comment on variant 2's pull request")
{
    AzureRun f;
    REQUIRE(
        f.run(f.world.recording({{1, recolour("#d93025")}, {2, recolour("#b31412")}})).exit_code ==
        0);
    json draft;
    const auto made = f.fake.state(); // kept: a range-for would not extend its life
    for (const auto& pr : made["pulls"]) {
        if (pr["sourceRefName"].get<std::string>().find("/v2") != std::string::npos) {
            draft = pr;
        }
    }
    REQUIRE(draft.is_object());
    const int number = draft["pullRequestId"].get<int>();
    const auto branch = draft["sourceRefName"].get<std::string>();
    const auto before = f.world.server_git({"rev-parse", branch});
    const auto event = follow_up_event(f, number, "/edit make the hover dark red too");
    const std::vector<Turn> hover = {
        {{tool_call("str_replace", {{"path", "css/style.css"},
                                    {"old_str", "  background: #1f4fa8;"},
                                    {"new_str", "  background: #8c1d18;"}})}},
        {{tool_call("finish", {{"summary", "The hover is dark red."}})}}};
    const auto recording = f.world.recording({{2, hover}});
    const auto result = f.run_event(event, recording);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);

    const auto tip = f.world.server_git({"rev-parse", branch});
    CHECK(f.world.server_git({"rev-parse", tip + "^"}) == before);
    CHECK(f.world.server_git({"log", "-1", "--format=%B", tip})
              .find(fmt::format("Draftsmith-Follow-Up: pr{}-t60-c1", number)) != std::string::npos);
    CHECK(f.fake.state()["pulls"].size() == 3);
    const auto after = f.fake.state();
    for (const auto& pr : after["pulls"]) {
        if (pr["pullRequestId"] == number) {
            const auto description = pr["description"].get<std::string>();
            CHECK(description.find("### Follow-ups") != std::string::npos);
            CHECK(description.size() <= 4000);
        }
    }
    CHECK(overview_of(f).find("\xC2\xB7 1 follow-up |") != std::string::npos);

    const auto again = f.run_event(event, recording);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(f.world.server_git({"rev-parse", branch}) == tip);
    CHECK(f.fake.state()["pulls"].size() == 3);
    CHECK(overview_of(f).find("1 follow-up") != std::string::npos);
}
