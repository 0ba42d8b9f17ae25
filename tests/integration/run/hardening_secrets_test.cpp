// Hardening (issue 12), end to end against the fake GitHub, the fake Azure
// DevOps, git http-backend and the fake LLM: no planted secret in any output.
#include "hardening_support.hpp"

using namespace hardening_support;

namespace {

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
