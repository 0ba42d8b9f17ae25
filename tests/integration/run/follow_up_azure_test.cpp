// Issue 15: a follow-up on a variant, end to end on Azure DevOps: a comment
// in a new thread of variant 2's draft pull request commits onto its branch,
// updates its description and the overview in the source's thread, and a
// second run of the same comment commits nothing.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "azure_run_support.hpp"

namespace {

using namespace draftsmith::test;
using nlohmann::json;
using namespace azure_run_support;

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
