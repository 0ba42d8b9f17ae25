#include "draftsmith/version.hpp"

#include <doctest/doctest.h>

#include "support/process.hpp"

using draftsmith::test::run_draftsmith;

TEST_CASE("cli, version and help")
{
    SUBCASE("--version")
    {
        const auto result = run_draftsmith({"--version"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == std::string("draftsmith ") + draftsmith::k_version + "\n");
    }
    SUBCASE("version subcommand")
    {
        const auto result = run_draftsmith({"version"});
        CHECK(result.exit_code == 0);
        CHECK(result.out.rfind("draftsmith ", 0) == 0);
    }
    SUBCASE("--help lists every subcommand and points to the manual")
    {
        const auto result = run_draftsmith({"--help"});
        CHECK(result.exit_code == 0);
        for (const char* name : {"run", "parse", "apply", "config", "version"}) {
            CHECK_MESSAGE(result.out.find(name) != std::string::npos, name);
        }
        CHECK(result.out.find("man draftsmith") != std::string::npos);
    }
}

TEST_CASE("cli, usage errors exit 2")
{
    SUBCASE("no subcommand")
    {
        CHECK(run_draftsmith({}).exit_code == 2);
    }
    SUBCASE("unknown subcommand")
    {
        CHECK(run_draftsmith({"frobnicate"}).exit_code == 2);
    }
    SUBCASE("bad --log-format value")
    {
        const auto result = run_draftsmith({"--log-format", "xml", "version"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("log-format") != std::string::npos);
    }
}

TEST_CASE("cli, run without a request says what to give and exits 2")
{
    const auto result = run_draftsmith({"run", "--local"});
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find("draftsmith: error: run --local needs the request: --comment TEXT") !=
          std::string::npos);
}

TEST_CASE("cli, run's contradicting flags are usage errors")
{
    auto result = run_draftsmith({"run", "--local", "--host", "github", "--comment", "/edit x"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--local and --host github contradict") != std::string::npos);
    result = run_draftsmith({"run", "--host", "github", "--push", "origin"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--push is for --local runs") != std::string::npos);
}

TEST_CASE("cli, global options")
{
    SUBCASE("accepted before and after the subcommand")
    {
        CHECK(run_draftsmith(
                  {"--log-level", "debug", "--log-format", "json", "--color", "never", "version"})
                  .exit_code == 0);
        CHECK(run_draftsmith({"parse", "--log-level", "trace", "hello"}).exit_code == 0);
    }
    SUBCASE("bad values are usage errors")
    {
        auto result = run_draftsmith({"--log-level", "loud", "version"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("--log-level") != std::string::npos);
        result = run_draftsmith({"--color", "sometimes", "version"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("--color") != std::string::npos);
    }
    SUBCASE("config needs its subcommand")
    {
        CHECK(run_draftsmith({"config"}).exit_code == 2);
    }
}
