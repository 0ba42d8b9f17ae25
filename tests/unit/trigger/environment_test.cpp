// trigger::Environment: the one reading of the process environment. The
// variables are those GitHub Actions and Azure Pipelines document
// ("Default environment variables"; "Predefined variables"), with the values
// they set (GITHUB_ACTIONS=true, TF_BUILD=True).
#include "draftsmith/trigger/environment.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace draftsmith;
using trigger::CiService;
using trigger::HostKind;

namespace {

trigger::Environment environment(std::map<std::string, std::string> variables)
{
    return trigger::read_environment(std::move(variables));
}

const std::map<std::string, std::string> k_github_actions = {
    {"GITHUB_ACTIONS", "true"},
    {"CI", "true"},
    {"GITHUB_API_URL", "https://api.github.com"},
    {"GITHUB_SERVER_URL", "https://github.com"},
    {"GITHUB_REPOSITORY", "octo-org/octo-repo"},
    {"GITHUB_RUN_ID", "1658821493"},
    {"GITHUB_EVENT_NAME", "issue_comment"},
    {"GITHUB_EVENT_PATH", "/home/runner/work/_temp/_github_workflow/event.json"},
    {"GITHUB_REF", "refs/pull/42/merge"},
    {"GITHUB_STEP_SUMMARY", "/home/runner/work/_temp/_runner_file_commands/step_summary_1"},
    {"GITHUB_OUTPUT", "/home/runner/work/_temp/_runner_file_commands/set_output_1"},
    {"GITHUB_TOKEN", "ghs_environment_test_token_1"},
    {"HOME", "/home/runner"},
    {"USER", "runner"}};

const std::map<std::string, std::string> k_azure_pipelines = {
    {"TF_BUILD", "True"},
    {"SYSTEM_COLLECTIONURI", "https://dev.azure.com/fabrikamfiber/"},
    {"SYSTEM_TEAMPROJECT", "Fabrikam Fiber"},
    {"BUILD_REPOSITORY_ID", "3411ebc1-d5aa-464f-9615-0b527bc66719"},
    {"BUILD_REPOSITORY_NAME", "FabrikamFiber"},
    {"BUILD_BUILDID", "1234"},
    {"SYSTEM_PULLREQUEST_PULLREQUESTID", "17"},
    {"SYSTEM_ACCESSTOKEN", "ado_environment_test_token_2"},
    {"AGENT_TEMPDIRECTORY", "/home/vsts/work/_temp"}};

} // namespace

TEST_CASE("trigger::Environment, GitHub Actions")
{
    const auto env = environment(k_github_actions);
    CHECK(env.ci == CiService::github);
    CHECK(env.host == HostKind::github);
    CHECK(env.github.api_url == "https://api.github.com");
    CHECK(env.github.owner == "octo-org");
    CHECK(env.github.repository == "octo-repo");
    CHECK(env.github.token.reveal() == "ghs_environment_test_token_1");
    CHECK(env.repository == "octo-org/octo-repo");
    CHECK(env.pull_request == 42);
    CHECK(env.event_name == "issue_comment");
    CHECK(env.event_path == "/home/runner/work/_temp/_github_workflow/event.json");
    CHECK(env.run_url == "https://github.com/octo-org/octo-repo/actions/runs/1658821493");
    CHECK(env.step_summary == "/home/runner/work/_temp/_runner_file_commands/step_summary_1");
    CHECK(env.step_output == "/home/runner/work/_temp/_runner_file_commands/set_output_1");
    CHECK(env.home == "/home/runner");
    CHECK(env.user == "runner");
    CHECK_FALSE(env.git_authorization);
    CHECK(env.azure_devops.collection_uri.empty());

    auto enterprise = k_github_actions;
    enterprise["GITHUB_API_URL"] = "https://ghe.corp/api/v3";
    CHECK(environment(enterprise).github.api_url == "https://ghe.corp/api/v3");
}

TEST_CASE("trigger::Environment, Azure Pipelines")
{
    const auto env = environment(k_azure_pipelines);
    CHECK(env.ci == CiService::azure_pipelines);
    CHECK(env.host == HostKind::azure_devops);
    CHECK(env.azure_devops.collection_uri == "https://dev.azure.com/fabrikamfiber/");
    CHECK(env.azure_devops.project == "Fabrikam Fiber");
    CHECK(env.azure_devops.repository == "3411ebc1-d5aa-464f-9615-0b527bc66719");
    CHECK(env.azure_devops.access_token.reveal() == "ado_environment_test_token_2");
    CHECK(env.azure_devops.personal_access_token.empty());
    CHECK(env.repository == "FabrikamFiber");
    CHECK(env.pull_request == 17);
    CHECK(env.run_url ==
          "https://dev.azure.com/fabrikamfiber/Fabrikam Fiber/_build/results?buildId=1234");
    CHECK(env.temp_dir == "/home/vsts/work/_temp");
    CHECK_FALSE(env.event_path);
    CHECK(env.github.token.empty());

    auto by_name = k_azure_pipelines;
    by_name.erase("BUILD_REPOSITORY_ID");
    CHECK(environment(by_name).azure_devops.repository == "FabrikamFiber");
}

TEST_CASE("trigger::Environment, which CI service: one answer for every module")
{
    SUBCASE("TF_BUILD=False is no pipeline (the agent sets True)")
    {
        const auto env = environment({{"TF_BUILD", "False"}});
        CHECK(env.ci == CiService::none);
        CHECK(env.host == HostKind::local);
    }
    SUBCASE("TF_BUILD in any case")
    {
        CHECK(environment({{"TF_BUILD", "TRUE"}}).ci == CiService::azure_pipelines);
        CHECK(environment({{"TF_BUILD", " true "}}).host == HostKind::azure_devops);
    }
    SUBCASE("GITHUB_ACTIONS=true and =false")
    {
        CHECK(environment({{"GITHUB_ACTIONS", "true"}}).host == HostKind::github);
        CHECK(environment({{"GITHUB_ACTIONS", "false"}}).ci == CiService::none);
        CHECK(environment({{"GITHUB_ACTIONS", "false"}, {"TF_BUILD", "True"}}).ci ==
              CiService::azure_pipelines);
    }
    SUBCASE("both set: GitHub wins")
    {
        CHECK(environment({{"GITHUB_ACTIONS", "true"}, {"TF_BUILD", "True"}}).ci ==
              CiService::github);
    }
}

TEST_CASE("trigger::Environment, a shell: nothing set")
{
    const auto env = environment({});
    CHECK(env.ci == CiService::none);
    CHECK(env.host == HostKind::local);
    CHECK(env.github.api_url == "https://api.github.com"); // github.com unless told otherwise
    CHECK(env.github.owner.empty());
    CHECK(env.github.token.empty());
    CHECK(env.azure_devops.access_token.empty());
    CHECK(env.repository.empty());
    CHECK_FALSE(env.pull_request);
    CHECK(env.run_url.empty());
    CHECK_FALSE(env.home);
    CHECK_FALSE(env.user);
    CHECK_FALSE(env.ssl_cert_file);
    CHECK_FALSE(env.step_summary);
    CHECK_FALSE(env.no_color);
    CHECK(env.test_crash_at.empty());
    CHECK_FALSE(env.variable("ANTHROPIC_API_KEY"));
}

TEST_CASE("trigger::Environment, missing and odd values")
{
    SUBCASE("empty and blank values count as unset")
    {
        const auto env = environment({{"GITHUB_TOKEN", ""},
                                      {"SYSTEM_ACCESSTOKEN", "   "},
                                      {"HOME", ""},
                                      {"DRAFTSMITH_GIT_AUTHORIZATION", ""}});
        CHECK(env.github.token.empty());
        CHECK(env.azure_devops.access_token.empty());
        CHECK_FALSE(env.home);
        CHECK_FALSE(env.git_authorization);
    }
    SUBCASE("a repository without owner, a pull request that is no number")
    {
        const auto env =
            environment({{"GITHUB_REPOSITORY", "no-slash"}, {"GITHUB_REF", "refs/pull/abc/merge"}});
        CHECK(env.github.owner.empty());
        CHECK(env.github.repository.empty());
        CHECK(env.repository == "no-slash");
        CHECK_FALSE(env.pull_request);
        CHECK_FALSE(environment({{"GITHUB_REF", "refs/heads/main"}}).pull_request);
        CHECK_FALSE(environment({{"SYSTEM_PULLREQUEST_PULLREQUESTID", "-3"}}).pull_request);
    }
    SUBCASE("NO_COLOR counts when set at all")
    {
        CHECK(environment({{"NO_COLOR", ""}}).no_color);
        CHECK(environment({{"NO_COLOR", "1"}}).no_color);
    }
    SUBCASE("a run URL needs a server and a repository")
    {
        CHECK(environment({{"GITHUB_SERVER_URL", "https://github.com"}}).run_url.empty());
    }
}

TEST_CASE("trigger::Environment, tokens are secrets from the moment they are read")
{
    const auto env = environment({{"GITHUB_TOKEN", "ghs_masked_at_read_3"},
                                  {"AZURE_DEVOPS_EXT_PAT", "pat_masked_at_read_4"},
                                  {"OPENAI_API_KEY", "sk-masked-at-read-5"},
                                  {"DRAFTSMITH_GIT_AUTHORIZATION", "Bearer hdr_masked_at_read_6"},
                                  {"MY_KEY", "named-by-config-7"}});
    // Every variable the tool knows to hold a secret, used by this run or not.
    CHECK(redacted("a ghs_masked_at_read_3 b") == "a *** b");
    CHECK(redacted("pat_masked_at_read_4") == "***");
    CHECK(redacted("sk-masked-at-read-5") == "***");
    CHECK(redacted("hdr_masked_at_read_6") == "***");
    CHECK(fmt::format("{}", env.github.token) == "***");
    CHECK(env.git_authorization->reveal() == "Bearer hdr_masked_at_read_6");
    CHECK(env.azure_devops.personal_access_token.reveal() == "pat_masked_at_read_4");
    // A variable only the configuration names (api_key_env) is the caller's to register.
    CHECK(redacted("named-by-config-7") == "named-by-config-7");
    CHECK(env.variable("MY_KEY") == "named-by-config-7");
    CHECK(env.lookup()("MY_KEY") == "named-by-config-7");
}

TEST_CASE("trigger::Environment, the variables others are given")
{
    const auto env = environment({{"DRAFTSMITH_MODEL", "m"},
                                  {"DRAFTSMITH_TEST_CRASH_AT", "publish"},
                                  {"SSL_CERT_FILE", "/etc/ssl/own.pem"},
                                  {"PATH", "/usr/bin"}});
    const auto ours = env.draftsmith_variables();
    CHECK(ours.size() == 2);
    CHECK(ours.at("DRAFTSMITH_MODEL") == "m");
    CHECK_FALSE(ours.contains("PATH"));
    CHECK(env.test_crash_at == "publish");
    CHECK(env.ssl_cert_file == "/etc/ssl/own.pem");
}

TEST_CASE("trigger::process_variables, a copy of this process's environment")
{
    const auto variables = trigger::process_variables();
    // ctest and every shell set PATH; its value has no '=' cut off.
    REQUIRE(variables.contains("PATH"));
    CHECK(variables.at("PATH").find('/') != std::string::npos);
}
