// The CI environment turned into what host/ and git/ take (run/environment.hpp).
// These cases lived beside host/ and git/ while those modules read the
// environment themselves; their assertions are unchanged.
#include "draftsmith/run/environment.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

using namespace draftsmith;

TEST_CASE("run::host_options, CI variables (was host::options_from_environment)")
{
    std::map<std::string, std::string> env;
    const auto environment = [&] { return trigger::read_environment(env); };

    SUBCASE("GitHub Actions")
    {
        env = {{"GITHUB_REPOSITORY", "octo-org/app"}, {"GITHUB_TOKEN", "ghs_env_token_1"}};
        host::Options base;
        base.kind = host::Kind::github;
        auto options = run::host_options(base, environment());
        CHECK(options.api_url == "https://api.github.com");
        CHECK(options.owner == "octo-org");
        CHECK(options.repository == "app");
        CHECK(options.token.reveal() == "ghs_env_token_1");
        env["GITHUB_API_URL"] = "https://ghe.corp/api/v3";
        base.repository = "from-flag";
        options = run::host_options(base, environment());
        CHECK(options.api_url == "https://ghe.corp/api/v3");
        CHECK(options.repository == "from-flag");
    }

    SUBCASE("Azure Pipelines: System.AccessToken as bearer, else a PAT as basic")
    {
        env = {{"SYSTEM_COLLECTIONURI", "https://dev.azure.com/fabrikam/"},
               {"SYSTEM_TEAMPROJECT", "Fabrikam"},
               {"BUILD_REPOSITORY_ID", "3411ebc1"},
               {"AZURE_DEVOPS_EXT_PAT", "pat_env_token_2"}};
        host::Options base;
        base.kind = host::Kind::azure_devops;
        auto options = run::host_options(base, environment());
        CHECK(options.api_url == "https://dev.azure.com/fabrikam/");
        CHECK(options.project == "Fabrikam");
        CHECK(options.repository == "3411ebc1");
        CHECK(options.auth == host::AuthScheme::basic_pat);
        env["SYSTEM_ACCESSTOKEN"] = "ado_env_token_3";
        options = run::host_options(base, environment());
        CHECK(options.auth == host::AuthScheme::bearer);
        CHECK(options.token.reveal() == "ado_env_token_3");
    }
}

TEST_CASE("run::git_authorization, per CI service (was git::authorization_from_environment)")
{
    std::map<std::string, std::string> env;
    const auto environment = [&env] { return trigger::read_environment(env); };
    SUBCASE("nothing set")
    {
        CHECK_FALSE(run::git_authorization(environment()));
    }
    SUBCASE("GitHub Actions: basic x-access-token")
    {
        env = {{"GITHUB_ACTIONS", "true"}, {"GITHUB_TOKEN", "ghs_abcdefgh"}};
        const auto header = run::git_authorization(environment());
        REQUIRE(header);
        // base64("x-access-token:ghs_abcdefgh")
        CHECK(header->reveal() == "Basic eC1hY2Nlc3MtdG9rZW46Z2hzX2FiY2RlZmdo");
        CHECK(draftsmith::redacted("Authorization: " + header->reveal()) == "Authorization: ***");
    }
    SUBCASE("Azure Pipelines: System.AccessToken as bearer, else a PAT as basic")
    {
        env = {{"TF_BUILD", "True"}, {"SYSTEM_ACCESSTOKEN", "eyJ0eXAiOi"}};
        CHECK(run::git_authorization(environment())->reveal() == "Bearer eyJ0eXAiOi");
        env = {{"TF_BUILD", "True"}, {"AZURE_DEVOPS_EXT_PAT", "patpatpat"}};
        // base64(":patpatpat")
        CHECK(run::git_authorization(environment())->reveal() == "Basic OnBhdHBhdHBhdA==");
    }
    SUBCASE("an explicit header wins; empty values are unset")
    {
        env = {{"DRAFTSMITH_GIT_AUTHORIZATION", "Bearer xyz123456"},
               {"GITHUB_ACTIONS", "true"},
               {"GITHUB_TOKEN", "ghs_abcdefgh"}};
        CHECK(run::git_authorization(environment())->reveal() == "Bearer xyz123456");
        env = {{"GITHUB_ACTIONS", "true"}, {"GITHUB_TOKEN", ""}};
        CHECK_FALSE(run::git_authorization(environment()));
    }
}
