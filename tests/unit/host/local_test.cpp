#include "draftsmith/host/host.hpp"
#include "draftsmith/util/file.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <map>
#include <sstream>

namespace host = draftsmith::host;

TEST_CASE("host::local, overview printed and written")
{
    draftsmith::test::TempDir dir;
    std::ostringstream out;
    host::Options options;
    options.kind = host::Kind::local;
    options.overview_file = dir / "overview.md";
    options.out = &out;
    options.local_pr.head_branch = "feature";
    options.local_pr.head_sha = "abc";
    auto local = host::make_host(options, nullptr);

    SUBCASE("comments are printed; the file holds all of them, updated in place")
    {
        const auto first = local->comment(0, "Working on 3 variants");
        const auto second = local->comment(0, "| variant | status |");
        local->update_comment(0, second, "| variant | status |\n| 1 | done |");
        CHECK(out.str()
              == "Working on 3 variants\n| variant | status |\n| variant | status |\n| 1 | done |\n");
        CHECK(draftsmith::file::read_all(dir / "overview.md")
              == "Working on 3 variants\n\n| variant | status |\n| 1 | done |\n");
        CHECK(local->list_comments(0).size() == 2);
        CHECK(local->get_comment(0, first)->body == "Working on 3 variants");
    }

    SUBCASE("pull requests are the branches; everyone may trigger; nothing to find")
    {
        const auto pr = local->create_pull_request({"draftsmith/pr0-c1/v1", "feature", "t", "b"});
        CHECK(pr.url == "branch draftsmith/pr0-c1/v1");
        CHECK(pr.base_branch == "feature");
        CHECK(local->find_pull_requests("draftsmith/pr0-c1/v1").empty());
        CHECK(local->permission({"anyone", "", "", false}).allowed);
        CHECK(local->get_pull_request(0).head_branch == "feature");
        REQUIRE_THROWS_WITH(local->update_comment(0, {9, 0}, "x"),
                            "local: update of comment 9 that was never made");
    }
}

TEST_CASE("host::options_from_environment, CI variables")
{
    std::map<std::string, std::string> env;
    const host::Getenv getenv = [&](const char* name) -> std::optional<std::string> {
        auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional(it->second);
    };

    SUBCASE("GitHub Actions")
    {
        env = {{"GITHUB_REPOSITORY", "octo-org/app"}, {"GITHUB_TOKEN", "ghs_env_token_1"}};
        host::Options base;
        base.kind = host::Kind::github;
        auto options = host::options_from_environment(base, getenv);
        CHECK(options.api_url == "https://api.github.com");
        CHECK(options.owner == "octo-org");
        CHECK(options.repository == "app");
        CHECK(options.token.reveal() == "ghs_env_token_1");
        env["GITHUB_API_URL"] = "https://ghe.corp/api/v3";
        base.repository = "from-flag";
        options = host::options_from_environment(base, getenv);
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
        auto options = host::options_from_environment(base, getenv);
        CHECK(options.api_url == "https://dev.azure.com/fabrikam/");
        CHECK(options.project == "Fabrikam");
        CHECK(options.repository == "3411ebc1");
        CHECK(options.auth == host::AuthScheme::basic_pat);
        env["SYSTEM_ACCESSTOKEN"] = "ado_env_token_3";
        options = host::options_from_environment(base, getenv);
        CHECK(options.auth == host::AuthScheme::bearer);
        CHECK(options.token.reveal() == "ado_env_token_3");
    }
}

TEST_CASE("host::parse_kind, names")
{
    CHECK(host::parse_kind("github") == host::Kind::github);
    CHECK(host::parse_kind("Azure-DevOps") == host::Kind::azure_devops);
    CHECK(host::parse_kind("local") == host::Kind::local);
    CHECK_FALSE(host::parse_kind("gitlab"));
    CHECK(std::string(host::to_string(host::Kind::azure_devops)) == "azure-devops");
}
