#pragma once
// Helpers of the hardening runs (issue 12; hardening*_test.cpp): a pull
// request and an /edit comment on either fake service (GitHub, Azure
// DevOps), the binary started as that service's CI starts it, and model steps.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "host/fixture.hpp"
#include "world.hpp"

namespace hardening_support {

using namespace draftsmith::test;
using nlohmann::json;

enum class Service { github, azure };

inline const char* name_of(Service service)
{
    return service == Service::github ? "GitHub" : "Azure DevOps";
}

inline const std::string k_github_token = "ghs_hardening_planted_github_token_01";
inline const std::string k_azure_token = "ado_hardening_planted_access_token_02";
inline const std::string k_alice = "aaaaaaaa-0000-0000-0000-000000000001";
inline const std::string k_repository_id = "3411ebc1-d5aa-464f-9615-0b527bc66719";
inline const std::string k_request = "/edit /2 make the submit buttons red";

// A pull request (7) and an /edit comment on it, on either fake service, and
// the draftsmith binary started as that service's CI would start it.
class HostRun {
public:
    Service service;
    World world;
    FakeHost fake;

    HostRun(Service which, const std::string& comment, const std::string& title,
            const std::string& body, const std::map<std::string, std::string>& files = {})
        : service(which)
        , world(files)
        , fake(which == Service::github ? "fake_github.py" : "fake_azure_devops.py", token(),
               {"--git-dir", world.bare().string()})
    {
        if (service == Service::github) {
            seed_github(comment, title, body);
        } else {
            seed_azure(comment, title, body);
        }
    }

    std::string token() const
    {
        return service == Service::github ? k_github_token : k_azure_token;
    }

    ProcessResult run(const std::vector<std::string>& flags,
                      const std::map<std::string, std::string>& more = {},
                      std::function<void(int)> on_start = {})
    {
        std::vector<std::string> args{"run", "--report", (world.root() / "report.json").string(),
                                      "--metrics-file", (world.root() / "metrics.prom").string()};
        std::map<std::string, std::string> environment;
        if (service == Service::github) {
            environment = {{"GITHUB_ACTIONS", "true"},
                           {"GITHUB_API_URL", fake.base()},
                           {"GITHUB_TOKEN", k_github_token},
                           {"GITHUB_REPOSITORY", "octo-org/app"},
                           {"GITHUB_EVENT_NAME", "issue_comment"},
                           {"GITHUB_EVENT_PATH", github_event().string()},
                           {"GITHUB_OUTPUT", (world.root() / "output").string()},
                           {"GITHUB_STEP_SUMMARY", (world.root() / "summary.md").string()},
                           {"GITHUB_SERVER_URL", "https://github.com"},
                           {"GITHUB_RUN_ID", "4242"}};
        } else {
            args.insert(args.end(), {"--host", "azure-devops", "--event", azure_event().string()});
            environment = {{"TF_BUILD", "True"},
                           {"SYSTEM_COLLECTIONURI", fake.base() + "/fabrikam/"},
                           {"SYSTEM_TEAMPROJECT", "Fabrikam"},
                           {"BUILD_REPOSITORY_ID", k_repository_id},
                           {"BUILD_BUILDID", "99"},
                           {"SYSTEM_ACCESSTOKEN", k_azure_token}};
        }
        args.insert(args.end(), flags.begin(), flags.end());
        for (const auto& [name, value] : more) {
            environment[name] = value;
        }
        return world.draftsmith(args, environment, std::move(on_start));
    }

    // The draft pull requests draftsmith opened: {number, source branch, body, open}.
    struct Draft {
        std::int64_t number = 0;
        std::string branch;
        std::string body;
        bool open = false;
    };
    std::vector<Draft> drafts()
    {
        std::vector<Draft> out;
        const auto state = fake.state();
        for (const auto& pr : state["pulls"]) {
            if (service == Service::github && pr["number"] != 7) {
                out.push_back({pr["number"].get<std::int64_t>(), pr["head"]["ref"],
                               pr.value("body", ""), pr["state"] == "open"});
            } else if (service == Service::azure && pr["pullRequestId"] != 7) {
                out.push_back({pr["pullRequestId"].get<std::int64_t>(),
                               pr["sourceRefName"].get<std::string>().substr(11),
                               pr.value("description", ""), pr["status"] == "active"});
            }
        }
        return out;
    }

    // The bodies of draftsmith's comments on the pull request.
    std::vector<std::string> bot_comments()
    {
        std::vector<std::string> out;
        const auto state = fake.state();
        if (service == Service::github) {
            for (const auto& c : state["comments"]) {
                if (c["id"] != 100) {
                    out.push_back(c["body"]);
                }
            }
        } else {
            for (const auto& thread : state["threads"]) {
                for (const auto& c : thread["comments"]) {
                    if (!(thread["id"] == 5 && c["id"] == 1)) {
                        out.push_back(c["content"]);
                    }
                }
            }
        }
        return out;
    }

    // The last "draftsmith" status: pending, or the service's word for done or failed.
    std::string last_status()
    {
        const auto state = fake.state();
        return state["statuses"].empty() ? std::string("none")
                                         : state["statuses"].back()["state"].get<std::string>();
    }

private:
    void seed_github(const std::string& comment, const std::string& title, const std::string& body)
    {
        const json pr = {{"id", 70},
                         {"number", 7},
                         {"state", "open"},
                         {"title", title},
                         {"body", body},
                         {"draft", false},
                         {"user", "alice"},
                         {"created_at", "2026-11-01T00:00:00Z"},
                         {"updated_at", "2026-11-01T00:00:00Z"},
                         {"head", {{"ref", "feature"}, {"sha", world.head_sha()}}},
                         {"base", {{"ref", "main"}, {"sha", world.base_sha()}}}};
        const json request = {{"id", 100},
                              {"issue_number", 7},
                              {"body", comment},
                              {"user", "alice"},
                              {"created_at", "2026-11-01T00:01:00Z"},
                              {"updated_at", "2026-11-01T00:01:00Z"}};
        fake.seed(
            {{"users", {{"alice", {{"id", 1}, {"permission", "write"}, {"role_name", "write"}}}}},
             {"pulls", json::array({pr})},
             {"comments", json::array({request})}});
    }

    void seed_azure(const std::string& comment, const std::string& title, const std::string& body)
    {
        const json pr = {{"pullRequestId", 7},
                         {"status", "active"},
                         {"title", title},
                         {"description", body},
                         {"sourceRefName", "refs/heads/feature"},
                         {"targetRefName", "refs/heads/main"},
                         {"isDraft", false},
                         {"createdBy", k_alice},
                         {"creationDate", "2026-11-01T00:00:00Z"},
                         {"sourceSha", world.head_sha()},
                         {"targetSha", world.base_sha()}};
        const json request = {{"id", 1},
                              {"parentCommentId", 0},
                              {"author", k_alice},
                              {"content", comment},
                              {"publishedDate", "2026-11-01T00:01:00Z"},
                              {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                              {"lastContentUpdatedDate", "2026-11-01T00:01:00Z"},
                              {"commentType", "text"}};
        const json thread = {{"id", 5},
                             {"pr", 7},
                             {"status", "active"},
                             {"publishedDate", "2026-11-01T00:01:00Z"},
                             {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                             {"comments", json::array({request})}};
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
                   {"next_id", 100}});
    }

    std::filesystem::path github_event()
    {
        auto payload = json::parse(draftsmith::file::read_all(source_path(
            "tests/specs/github/webhooks/issue_comment.created.on-pull-request.DERIVED.json")));
        payload["issue"]["number"] = 7;
        payload["comment"]["id"] = 100;
        const auto path = world.root() / "event.json";
        write_file(path, payload.dump());
        return path;
    }

    std::filesystem::path azure_event()
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
};

inline json tool_step(const std::string& name, const json& input)
{
    return {{"reply",
             {{"stop_reason", "tool_use"},
              {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
}

inline json recolour_step(const std::string& colour = "#d93025")
{
    return tool_step("str_replace", {{"path", "css/style.css"},
                                     {"old_str", "  background: #2d6cdf;"},
                                     {"new_str", "  background: " + colour + ";"}});
}

inline std::string read_if_exists(const std::filesystem::path& path)
{
    return std::filesystem::exists(path) ? draftsmith::file::read_all(path) : std::string();
}

} // namespace hardening_support
