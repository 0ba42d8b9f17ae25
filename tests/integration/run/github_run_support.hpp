#pragma once
// Helpers of the GitHub end-to-end runs (github_run*_test.cpp): a run of
// the real binary against the fake GitHub, and recorded model answers.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <set>
#include <thread>

#include "host/fixture.hpp"
#include "world.hpp"

namespace github_run_support {

using namespace draftsmith::test;
using nlohmann::json;

inline const std::string k_token = "ghs_e2e_secret_token_0003";
inline const std::string k_request = "/edit /3 make the submit buttons red";

class GitHubRun {
public:
    World world;
    FakeHost fake{"fake_github.py", k_token, {"--git-dir", world.bare().string()}};

    explicit GitHubRun(const std::map<std::string, std::string>& feature_files = {})
        : world(feature_files)
    {
        json pr = {{"id", 70},
                   {"number", 7},
                   {"state", "open"},
                   {"title", "About page"},
                   {"body", "Adds an about page"},
                   {"draft", false},
                   {"user", "alice"},
                   {"created_at", "2026-11-01T00:00:00Z"},
                   {"updated_at", "2026-11-01T00:00:00Z"},
                   {"head", {{"ref", "feature"}, {"sha", world.head_sha()}}},
                   {"base", {{"ref", "main"}, {"sha", world.base_sha()}}}};
        fake.seed({{"users",
                    {{"alice", {{"id", 1}, {"permission", "write"}, {"role_name", "write"}}},
                     {"bob", {{"id", 2}, {"permission", "read"}, {"role_name", "read"}}}}},
                   {"pulls", json::array({pr})},
                   {"comments", json::array({comment(100, "alice", k_request)})}});
    }

    static json comment(int id, const std::string& user, const std::string& body,
                        const std::string& updated = "2026-11-01T00:01:00Z")
    {
        return {{"id", id},
                {"issue_number", 7},
                {"body", body},
                {"user", user},
                {"created_at", "2026-11-01T00:01:00Z"},
                {"updated_at", updated}};
    }

    // The issue_comment event GitHub would deliver for comment `id` on PR 7.
    std::filesystem::path event(int id)
    {
        auto payload = json::parse(draftsmith::file::read_all(source_path(
            "tests/specs/github/webhooks/issue_comment.created.on-pull-request.DERIVED.json")));
        payload["issue"]["number"] = 7;
        payload["comment"]["id"] = id;
        const auto path = world.root() / fmt::format("event-{}.json", id);
        write_file(path, payload.dump());
        return path;
    }

    ProcessResult run(const std::filesystem::path& recording, int comment_id = 100,
                      std::vector<std::string> more = {})
    {
        std::vector<std::string> args{"--provider", "replay", "--replay", recording.string()};
        args.insert(args.end(), more.begin(), more.end());
        return run_with(args, {}, comment_id);
    }

    // Runs with these flags and variables; `comment`, when given, is comment
    // `comment_id`'s text (by alice).
    ProcessResult run_with(std::vector<std::string> flags, std::map<std::string, std::string> more,
                           int comment_id, const std::string& comment = "",
                           std::function<void(int)> on_start = {})
    {
        if (!comment.empty()) {
            fake.seed(
                {{"comments", json::array({GitHubRun::comment(comment_id, "alice", comment)})}});
        }
        std::vector<std::string> args{"run", "--report", (world.root() / "report.json").string()};
        args.insert(args.end(), flags.begin(), flags.end());
        std::map<std::string, std::string> environment{
            {"GITHUB_ACTIONS", "true"},
            {"GITHUB_API_URL", fake.base()},
            {"GITHUB_TOKEN", k_token},
            {"GITHUB_REPOSITORY", "octo-org/app"},
            {"GITHUB_EVENT_NAME", "issue_comment"},
            {"GITHUB_EVENT_PATH", event(comment_id).string()},
            {"GITHUB_OUTPUT", (world.root() / "output").string()},
            {"GITHUB_STEP_SUMMARY", (world.root() / "summary.md").string()},
            {"GITHUB_SERVER_URL", "https://github.com"},
            {"GITHUB_RUN_ID", "4242"}};
        environment.insert(more.begin(), more.end());
        return world.draftsmith(args, environment, std::move(on_start));
    }

    std::vector<json> drafts()
    {
        std::vector<json> out;
        const auto state = fake.state(); // kept: a range-for would not extend its life
        for (const auto& pr : state["pulls"]) {
            if (pr["number"] != 7) {
                out.push_back(pr);
            }
        }
        return out;
    }

    std::vector<json> comments_by_bot()
    {
        std::vector<json> out;
        const auto state = fake.state();
        for (const auto& c : state["comments"]) {
            if (c["id"] != 100 && c["id"] != 101) {
                out.push_back(c);
            }
        }
        return out;
    }

    json report() { return json::parse(draftsmith::file::read_all(world.root() / "report.json")); }
};

// What GitHub (and the fake) call a pull request's page.
inline std::string url_of(const json& pull)
{
    return fmt::format("https://github.com/octo-org/app/pull/{}", pull["number"].get<int>());
}

inline std::map<int, std::vector<Turn>> three_colours()
{
    return {{1, recolour("#d93025")}, {2, recolour("#c5221f")}, {3, recolour("#b31412")}};
}

} // namespace github_run_support
