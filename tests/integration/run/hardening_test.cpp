// Hardening (issue 12), end to end against the fake GitHub, the fake Azure
// DevOps, git http-backend and the fake LLM: no planted secret in any output,
// Azure DevOps re-runs that make nothing twice, a crash after the
// acknowledgement that still closes the loop, and each host failing at each
// step.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "host/fixture.hpp"
#include "world.hpp"

namespace {

using namespace draftsmith::test;
using nlohmann::json;

enum class Service { github, azure };

const char* name_of(Service service)
{
    return service == Service::github ? "GitHub" : "Azure DevOps";
}

const std::string k_github_token = "ghs_hardening_planted_github_token_01";
const std::string k_azure_token = "ado_hardening_planted_access_token_02";
const std::string k_alice = "aaaaaaaa-0000-0000-0000-000000000001";
const std::string k_repository_id = "3411ebc1-d5aa-464f-9615-0b527bc66719";
const std::string k_request = "/edit /2 make the submit buttons red";

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

json tool_step(const std::string& name, const json& input)
{
    return {{"reply",
             {{"stop_reason", "tool_use"},
              {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
}

json recolour_step(const std::string& colour = "#d93025")
{
    return tool_step("str_replace", {{"path", "css/style.css"},
                                     {"old_str", "  background: #2d6cdf;"},
                                     {"new_str", "  background: " + colour + ";"}});
}

std::string read_if_exists(const std::filesystem::path& path)
{
    return std::filesystem::exists(path) ? draftsmith::file::read_all(path) : std::string();
}

// ---- secrets --------------------------------------------------------------

// A distinct value in every variable draftsmith knows to hold a secret, and
// in the variable the configuration names (api_key_env).
std::map<std::string, std::string> planted_secrets(Service service)
{
    return {{"ANTHROPIC_API_KEY", "sk-ant-planted-anthropic-key-3001"},
            {"OPENAI_API_KEY", "sk-planted-openai-key-3002"},
            {"AZURE_OPENAI_API_KEY", "planted-azure-openai-key-3003"},
            {"GH_TOKEN", "gho_planted_gh_token_3004"},
            {"AZURE_DEVOPS_EXT_PAT", "planted-azure-devops-pat-3006"},
            {"MY_MODEL_KEY", "planted-custom-model-key-3007"},
            {"GITHUB_TOKEN",
             service == Service::github ? k_github_token : "ghs_planted_github_token_3008"},
            {"SYSTEM_ACCESSTOKEN",
             service == Service::azure ? k_azure_token : "planted-system-accesstoken-3005"}};
}

std::string all_values(const std::map<std::string, std::string>& secrets)
{
    std::string out;
    for (const auto& [name, value] : secrets) {
        out += fmt::format(" {}={}", name, value);
    }
    return out;
}

// The fake host's state and requests without what the test seeded (the pull
// request and the comment hold the planted values on purpose).
std::string written_to_host(HostRun& f)
{
    auto state = f.fake.state();
    auto& pulls = state["pulls"];
    for (auto it = pulls.begin(); it != pulls.end();) {
        it = (*it).value("number", 0) == 7 || (*it).value("pullRequestId", 0) == 7 ? pulls.erase(it)
                                                                                   : it + 1;
    }
    if (f.service == Service::github) {
        auto& comments = state["comments"];
        for (auto it = comments.begin(); it != comments.end();) {
            it = (*it)["id"] == 100 ? comments.erase(it) : it + 1;
        }
    } else {
        for (auto& thread : state["threads"]) {
            auto& comments = thread["comments"];
            for (auto it = comments.begin(); it != comments.end();) {
                it = thread["id"] == 5 && (*it)["id"] == 1 ? comments.erase(it) : it + 1;
            }
        }
    }
    return state.dump();
}

// Every output of a run, by where it was found.
std::map<std::string, std::string> outputs(HostRun& f, FakeLlm& llm, const ProcessResult& result)
{
    std::map<std::string, std::string> out;
    out["stdout"] = result.out;
    out["stderr"] = result.err;
    out["host (comments, pull requests, statuses, every request)"] = written_to_host(f);
    auto prompts = llm.requests_seen();
    for (auto& request : prompts) {
        // The key goes where it must: the provider's own header. Nothing else.
        for (const char* header : {"x-api-key", "authorization", "api-key"}) {
            request["headers"].erase(header);
        }
    }
    out["model requests"] = prompts.dump();
    out["branches"] = f.world.server_git({"for-each-ref", "--format=%(refname)"});
    out["commits and pushed files"] = f.world.server_git(
        {"log", "-p", "--format=%H%n%B", "--branches=draftsmith/", "--not", "refs/heads/feature"});
    out["report"] = read_if_exists(f.world.root() / "report.json");
    out["metrics"] = read_if_exists(f.world.root() / "metrics.prom");
    out["GITHUB_OUTPUT"] = read_if_exists(f.world.root() / "output");
    out["job summary"] = read_if_exists(f.world.root() / "summary.md");
    return out;
}

void secrets_on_every_path_out(Service service)
{
    const auto secrets = planted_secrets(service);
    const auto values = all_values(secrets);
    // In the intent (first word too: the branch name comes from it), the PR's
    // title and description, and a file of the pull request's branch.
    HostRun f(service,
              fmt::format("/edit /2 {} make the submit buttons red;{}",
                          secrets.at("OPENAI_API_KEY"), values),
              "About page " + secrets.at("GH_TOKEN"), "Adds an about page. Keys:" + values,
              {{"notes/deploy.txt", "deploy with " + secrets.at("AZURE_OPENAI_API_KEY") + "\n"}});
    FakeLlm llm(f.world.root() / "llm.log");
    // --jobs 1: variant 1 echoes every key into its summary; variant 2 writes one into a file.
    llm.script(
        {{"steps",
          json::array({recolour_step(),
                       tool_step("finish", {{"summary", "Red buttons. I was told" + values}}),
                       tool_step("create_file", {{"path", "config/keys.txt"},
                                                 {"content", secrets.at("MY_MODEL_KEY")}}),
                       tool_step("finish", {{"summary", "Saved the key."}})})},
         {"default", {{"reply", {{"text", "done"}}}}}});
    auto environment = secrets;
    environment["DRAFTSMITH_API_KEY_ENV"] = "MY_MODEL_KEY";
    environment["DRAFTSMITH_LOG_LEVEL"] = "trace";
    const auto result =
        f.run({"--provider", "anthropic", "--base-url", llm.base(), "--jobs", "1"}, environment);
    INFO(result.err);
    CHECK(result.exit_code == 1); // variant 2 refused
    REQUIRE(f.drafts().size() == 1);
    REQUIRE(llm.requests() >= 4);
    const auto report = json::parse(draftsmith::file::read_all(f.world.root() / "report.json"));
    CHECK(report["variants"][1]["state"] == "failed");
    CHECK(report["variants"][1]["reason"].get<std::string>().find(
              "refused: config/keys.txt would hold the value of a secret") == 0);

    auto planted = secrets;
    planted["DRAFTSMITH_GIT_AUTHORIZATION"] = f.world.git_authorization().substr(6);
    for (const auto& output : outputs(f, llm, result)) {
        for (const auto& secret : planted) {
            // Not structured bindings: INFO captures, and Clang 14 cannot capture those.
            INFO(output.first, ": ", secret.first);
            CHECK(output.second.find(secret.second) == std::string::npos);
        }
    }
}

} // namespace

TEST_CASE("hardening: a planted secret in every variable reaches no output (GitHub)")
{
    secrets_on_every_path_out(Service::github);
}

TEST_CASE("hardening: a planted secret in every variable reaches no output (Azure DevOps)")
{
    secrets_on_every_path_out(Service::azure);
}

// ---- Azure DevOps re-runs -------------------------------------------------

TEST_CASE("hardening: an Azure DevOps re-run makes nothing twice and calls no model")
{
    HostRun f(Service::azure, k_request, "About page", "Adds an about page");
    FakeLlm llm(f.world.root() / "llm.log");
    const auto finish = tool_step("finish", {{"summary", "The submit buttons are red."}});
    const auto steps =
        json::array({recolour_step("#d93025"), finish, recolour_step("#b31412"), finish});
    const std::vector<std::string> flags{"--provider", "anthropic", "--base-url",
                                         llm.base(),   "--jobs",    "1"};
    const std::map<std::string, std::string> key{{"ANTHROPIC_API_KEY", "sk-ant-e2e-key-9"}};
    llm.script({{"steps", steps}});
    const auto first = f.run(flags, key);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    const auto drafts = f.drafts();
    REQUIRE(drafts.size() == 2);
    for (const auto& draft : drafts) {
        // Longer than the 400 characters a pull request list keeps: the
        // request marker at its end is not in the list's answer.
        CHECK(draft.body.size() > 400);
    }
    const auto comments = f.bot_comments().size();

    llm.script({{"steps", steps}}); // also forgets the requests seen
    const auto again = f.run(flags, key);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(llm.requests() == 0);
    CHECK(f.drafts().size() == 2);
    CHECK(f.world.server_variant_branches().size() == 2);
    CHECK(f.bot_comments().size() == comments);
    CHECK(f.last_status() == "succeeded");

    SUBCASE("a pull request whose marker is gone is found by the 409 and reused")
    {
        auto state = f.fake.state();
        auto pulls = state["pulls"];
        for (auto& pr : pulls) {
            if (pr["pullRequestId"] != 7) {
                pr["description"] = "edited by hand";
                break;
            }
        }
        f.fake.seed({{"pulls", pulls}});
        f.fake.forget_requests();
        llm.script({{"steps", steps}});
        const auto third = f.run(flags, key);
        INFO(third.err);
        CHECK(third.exit_code == 0);
        CHECK(llm.requests() == 2); // the one variant whose pull request was not recognised
        CHECK(f.drafts().size() == 2);
        int conflicts = 0;
        const auto seen = f.fake.state(); // kept: a range-for would not extend its life
        for (const auto& request : seen["requests"]) {
            conflicts += request["method"] == "POST" && request["path"].get<std::string>().find(
                                                            "/pullrequests") != std::string::npos;
        }
        CHECK(conflicts == 1);
        for (const auto& draft : f.drafts()) {
            CHECK(draft.body.find("draftsmith-request") != std::string::npos);
        }
    }
}

// ---- a crash after the acknowledgement ------------------------------------

std::map<int, std::vector<Turn>> two_colours()
{
    return {{1, recolour("#d93025")}, {2, recolour("#b31412")}};
}

struct Failure {
    const char* hook; // DRAFTSMITH_TEST_CRASH_AT
    const char* says; // in the overview and on stderr
};

// The run fails after its first draft pull request (`failure.hook`), then
// the same comment runs again.
void fail_then_converge(Service service, const Failure& failure)
{
    INFO(name_of(service), ": ", failure.hook);
    HostRun f(service, k_request, "About page", "Adds an about page");
    const std::vector<std::string> flags{"--provider", "replay",
                                         "--replay",   f.world.recording(two_colours()).string(),
                                         "--jobs",     "1"};
    const auto failed = f.run(flags, {{"DRAFTSMITH_TEST_CRASH_AT", failure.hook}});
    INFO(failed.err);
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find(failure.says) != std::string::npos);
    REQUIRE(f.drafts().size() == 1);
    const auto comments = f.bot_comments();
    REQUIRE(comments.size() == 1);
    CHECK(comments[0].find(failure.says) != std::string::npos);
    CHECK(f.last_status() == (service == Service::github ? "failure" : "failed"));

    const auto again = f.run(flags);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(f.drafts().size() == 2);
    CHECK(f.world.server_variant_branches().size() == 2);
    CHECK(f.bot_comments().size() == 1);
    CHECK(f.last_status() == (service == Service::github ? "success" : "succeeded"));
}

TEST_CASE("hardening: a crash mid-run closes the loop, and running again converges")
{
    // SIGABRT in the worker: the supervising parent posts the overview and status.
    for (const auto service : {Service::github, Service::azure}) {
        fail_then_converge(service, {"publish", "the run crashed (signal 6"});
    }
}

TEST_CASE("hardening: an unexpected exception mid-run closes the loop, and running again "
          "converges")
{
    // std::out_of_range, not a draftsmith::Error.
    for (const auto service : {Service::github, Service::azure}) {
        fail_then_converge(
            service, {"publish:exception", "internal error: injected by DRAFTSMITH_TEST_CRASH_AT"});
    }
}

// ---- each host failing at each step ---------------------------------------

struct Step {
    const char* name;
    const char* method;
    const char* github_path;
    const char* azure_path;
    int exit_code;    // what a run with the step failing once ends with (one variant)
    const char* says; // what stderr names
};

const Step k_steps[] = {
    {"get the pull request", "GET", "/pulls/7", "/pullrequests/7", 1, "get pull request"},
    {"post the first comment", "POST", "/issues/7/comments", "/threads/5/comments", 0,
     "could not update the progress comment"},
    {"open a draft pull request", "POST", "/pulls", "/pullrequests", 3,
     "the pull request could not be opened"},
    {"update the overview", "PATCH", "/issues/comments/", "/comments/", 0,
     "could not update the progress comment"},
    {"set the status", "POST", "/statuses", "/statuses", 0, "could not acknowledge"},
};

struct Fault {
    const char* name;
    json rule;
    const char* says;
};

TEST_CASE("hardening: each host answering 409, 5xx or malformed JSON at each step")
{
    const Fault faults[] = {
        {"409", {{"status", 409}}, "HTTP 409"},
        {"503", {{"status", 503}}, "HTTP 503"},
        {"malformed JSON", {{"status", 200}, {"raw", "{\"id\": 12, \"body\": "}}, "not JSON"},
    };
    for (const auto service : {Service::github, Service::azure}) {
        for (const auto& step : k_steps) {
            for (const auto& fault : faults) {
                INFO(name_of(service), ": ", step.name, ": ", fault.name);
                HostRun f(service, "/edit make the submit buttons red", "About page",
                          "Adds an about page");
                const std::vector<std::string> flags{
                    "--provider", "replay", "--replay",
                    f.world.recording({{1, recolour("#d93025")}}).string()};
                auto rule = fault.rule;
                rule["method"] = step.method;
                rule["path"] = service == Service::github ? step.github_path : step.azure_path;
                rule["count"] = 1;
                f.fake.inject(json::array({rule}));
                const auto result = f.run(flags, {{"DRAFTSMITH_RETRIES_MAX_ATTEMPTS", "1"}});
                INFO(result.err);
                CHECK(result.exit_code == step.exit_code);
                const auto said = result.out + result.err; // the CI log is on stdout
                CHECK(said.find(step.says) != std::string::npos);
                CHECK(said.find(fault.says) != std::string::npos);
                CHECK(f.last_status() != "pending");
                // Nothing orphaned: a pull request has its branch, and a branch
                // without one is named in the overview (running again opens it).
                std::set<std::string> with_pr;
                for (const auto& draft : f.drafts()) {
                    with_pr.insert(draft.branch);
                }
                const auto branches = f.world.server_variant_branches();
                for (const auto& branch : with_pr) {
                    CHECK(std::find(branches.begin(), branches.end(), branch) != branches.end());
                }
                for (const auto& branch : branches) {
                    if (with_pr.count(branch) == 0) {
                        const auto comments = f.bot_comments();
                        REQUIRE_FALSE(comments.empty());
                        CHECK(comments.back().find(branch) != std::string::npos);
                    }
                }
                const auto again = f.run(flags);
                INFO(again.err);
                CHECK(again.exit_code == 0);
                CHECK(f.drafts().size() == 1);
                CHECK(f.world.server_variant_branches().size() == 1);
                CHECK(f.last_status() == (service == Service::github ? "success" : "succeeded"));
            }
        }
    }
}
