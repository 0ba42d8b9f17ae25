#include "draftsmith/util/glob.hpp"

#include <doctest/doctest.h>

using draftsmith::glob::matches;
using draftsmith::glob::matches_any;

TEST_CASE("util::glob, the default protected paths")
{
    const std::vector<std::string> defaults{".github/workflows/**",  "azure-pipelines*.yml",
                                            "azure-pipelines*.yaml", ".azure-pipelines/**",
                                            ".draftsmith.yml",       ".git*"};
    SUBCASE("protected")
    {
        for (const char* path :
             {".github/workflows/ci.yml", ".github/workflows/sub/x.yml", "azure-pipelines.yml",
              "azure-pipelines-release.yml", "ci/azure-pipelines.yml", "azure-pipelines.yaml",
              ".azure-pipelines/build.yml", ".azure-pipelines/templates/steps.yaml",
              ".draftsmith.yml", ".gitignore", "src/.gitattributes", ".gitmodules",
              ".github/CODEOWNERS"}) {
            CHECK_MESSAGE(matches_any(defaults, path), path);
        }
    }
    SUBCASE("not protected")
    {
        for (const char* path :
             {"src/app.css", "README.md", "docs/.draftsmith.yml.example",
              "docs/.azure-pipelines/x.yml", "my.gitignore", "workflows/ci.yml"}) {
            CHECK_FALSE_MESSAGE(matches_any(defaults, path), path);
        }
    }
}

TEST_CASE("util::glob, rules")
{
    SUBCASE("* stays within a component")
    {
        CHECK(matches("src/*.css", "src/app.css"));
        CHECK_FALSE(matches("src/*.css", "src/deep/app.css"));
        CHECK(matches("*.css", "src/deep/app.css")); // no '/': any depth
    }
    SUBCASE("? is one character")
    {
        CHECK(matches("v?.txt", "v1.txt"));
        CHECK_FALSE(matches("v?.txt", "v10.txt"));
    }
    SUBCASE("** is any number of components, none included")
    {
        CHECK(matches("deploy/**/secret.yml", "deploy/secret.yml"));
        CHECK(matches("deploy/**/secret.yml", "deploy/a/b/secret.yml"));
        CHECK(matches("**/secret.yml", "secret.yml"));
        CHECK_FALSE(matches("deploy/**/secret.yml", "other/deploy/secret.yml"));
    }
    SUBCASE("a pattern with '/' is anchored; a directory covers its contents")
    {
        CHECK(matches("config/prod", "config/prod/db.yml"));
        CHECK_FALSE(matches("config/prod", "app/config/prod/db.yml"));
        CHECK(matches("/config/prod", "config/prod/db.yml"));
    }
    SUBCASE("case-sensitive, and empty never matches")
    {
        CHECK_FALSE(matches("*.CSS", "app.css"));
        CHECK_FALSE(matches("", "app.css"));
        CHECK_FALSE(matches("*", ""));
    }
}
