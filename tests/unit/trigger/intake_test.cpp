#include "draftsmith/trigger/intake.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace {

using namespace draftsmith;
using nlohmann::json;

std::string spec_file(const std::string& path)
{
    return file::read_all(std::string(DRAFTSMITH_SOURCE_DIR) + "/tests/specs/" + path);
}

trigger::Environment environment(std::map<std::string, std::string> values)
{
    return trigger::read_environment(std::move(values));
}

} // namespace

TEST_CASE("trigger::intake, a GitHub comment on a pull request points at the comment")
{
    const auto text =
        spec_file("github/webhooks/issue_comment.created.on-pull-request.DERIVED.json");
    const auto intake = trigger::read_github_event(text, "issue_comment");
    REQUIRE(std::holds_alternative<trigger::Trigger>(intake));
    const auto& trigger = std::get<draftsmith::trigger::Trigger>(intake);
    const auto event = json::parse(text);
    CHECK(trigger.host == draftsmith::trigger::HostKind::github);
    CHECK(trigger.pr == event["issue"]["number"].get<std::int64_t>());
    CHECK(trigger.comment.id == event["comment"]["id"].get<std::int64_t>());
    CHECK(trigger.comment.thread_id == 0);
    CHECK(trigger.author == event["comment"]["user"]["login"].get<std::string>());
    CHECK_FALSE(trigger.issue);
}

TEST_CASE(
    "trigger::intake, GitHub events that are not for us are ignored, not errors; issues are for us")
{
    const auto on_issue = spec_file("github/webhooks/issue_comment.created.payload.json");
    auto event = json::parse(on_issue);
    REQUIRE_FALSE(event["issue"].contains("pull_request"));
    // Issue 15: a comment on an issue is a request against the default branch.
    const auto intake = trigger::read_github_event(on_issue, "");
    REQUIRE(std::holds_alternative<trigger::Trigger>(intake));
    CHECK(std::get<trigger::Trigger>(intake).issue);
    CHECK(std::get<trigger::Trigger>(intake).pr == event["issue"]["number"].get<std::int64_t>());

    auto on_pr = json::parse(
        spec_file("github/webhooks/issue_comment.created.on-pull-request.DERIVED.json"));
    on_pr["action"] = "edited";
    const auto edited = trigger::read_github_event(on_pr.dump(), "issue_comment");
    REQUIRE(std::holds_alternative<trigger::Ignored>(edited));
    CHECK(std::get<trigger::Ignored>(edited).reason.find("edited") != std::string::npos);

    CHECK(std::holds_alternative<trigger::Ignored>(trigger::read_github_event("{}", "push")));
}

TEST_CASE("trigger::intake, a broken GitHub payload names what is missing")
{
    CHECK_THROWS_WITH_AS(trigger::read_github_event("not json", ""),
                         doctest::Contains("GitHub event: not JSON"), Error);
    auto event = json::parse(
        spec_file("github/webhooks/issue_comment.created.on-pull-request.DERIVED.json"));
    event["comment"].erase("id");
    CHECK_THROWS_WITH_AS(trigger::read_github_event(event.dump(), ""),
                         doctest::Contains("no field comment/id"), Error);
}

TEST_CASE("trigger::intake, an Azure DevOps service hook names the comment and its thread")
{
    const auto text = spec_file("ado/service-hooks/ms.vss-code.git-pullrequest-comment-event.json");
    const auto intake = trigger::read_azure_devops_event(text);
    REQUIRE(std::holds_alternative<trigger::Trigger>(intake));
    const auto& trigger = std::get<draftsmith::trigger::Trigger>(intake);
    CHECK(trigger.host == draftsmith::trigger::HostKind::azure_devops);
    CHECK(trigger.pr == 1);
    CHECK(trigger.comment.id == 2);
    CHECK(trigger.comment.thread_id == 5);
    CHECK(trigger.author == "fabrikamfiber4@hotmail.com");
    CHECK(trigger.project == "Fabrikam");
    CHECK_FALSE(trigger.repository.empty());
}

TEST_CASE("trigger::intake, Azure DevOps payloads that are not for us")
{
    auto event =
        json::parse(spec_file("ado/service-hooks/ms.vss-code.git-pullrequest-comment-event.json"));
    auto system = event;
    system["resource"]["comment"]["commentType"] = "system";
    CHECK(
        std::holds_alternative<trigger::Ignored>(trigger::read_azure_devops_event(system.dump())));
    auto other = event;
    other["eventType"] = "git.push";
    CHECK(std::holds_alternative<trigger::Ignored>(trigger::read_azure_devops_event(other.dump())));
    auto no_thread = event;
    no_thread["resource"]["comment"].erase("_links");
    CHECK_THROWS_WITH_AS(trigger::read_azure_devops_event(no_thread.dump()),
                         doctest::Contains("names no thread"), Error);
}

TEST_CASE("trigger::intake, where it runs")
{
    CHECK(environment({{"GITHUB_ACTIONS", "true"}}).host == trigger::HostKind::github);
    CHECK(environment({{"TF_BUILD", "True"}}).host == trigger::HostKind::azure_devops);
    CHECK(environment({}).host == trigger::HostKind::local);
    CHECK(environment({{"GITHUB_ACTIONS", "false"}}).host == trigger::HostKind::local);
}

TEST_CASE("trigger::intake, payloads nested 50,000 levels deep are refused, not parsed")
{
    const std::string deep = std::string(50'000, '[') + std::string(50'000, ']');
    CHECK_THROWS_WITH_AS(trigger::read_github_event("{\"comment\":" + deep + "}", "issue_comment"),
                         "GitHub event: nested deeper than 256 levels; refused", Error);
    CHECK_THROWS_WITH_AS(trigger::read_azure_devops_event("{\"resource\":" + deep + "}"),
                         doctest::Contains(": nested deeper than 256 levels; refused"), Error);
}
