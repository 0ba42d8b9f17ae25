#include <doctest/doctest.h>

#include "support/process.hpp"

using draftsmith::test::ProcessOptions;
using draftsmith::test::run_draftsmith;

TEST_CASE("cli::parse, a command")
{
    const auto result = run_draftsmith({"parse", "/edit /3 make buttons red"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == R"({"command":"edit","variants":3,"intent":"make buttons red",)"
                        R"("options":{},"slug":"make-buttons-red"})"
                        "\n");
    CHECK(result.err.empty());
}

TEST_CASE("cli::parse, not a command")
{
    const auto result = run_draftsmith({"parse", "Looks good to me!"});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "{\"command\":null}\n");
}

TEST_CASE("cli::parse, a malformed command exits 2 with the message as JSON")
{
    const auto result = run_draftsmith({"parse", "/edit /9 too many"});
    CHECK(result.exit_code == 2);
    CHECK(result.out == R"({"error":"'/9' asks for 9 variants, but 1 to 5 are allowed: )"
                        R"(write /1 to /5, e.g. '/edit /3 make the buttons red'"})"
                        "\n");
}

TEST_CASE("cli::parse, --max-variants")
{
    SUBCASE("raises the bound")
    {
        const auto result = run_draftsmith({"parse", "--max-variants", "9", "/edit /9 go"});
        CHECK(result.exit_code == 0);
        CHECK(result.out.find(R"("variants":9)") != std::string::npos);
    }
    SUBCASE("lowers the bound")
    {
        const auto result = run_draftsmith({"parse", "--max-variants", "2", "/edit /3 go"});
        CHECK(result.exit_code == 2);
        CHECK(result.out.find("1 to 2 are allowed") != std::string::npos);
    }
    SUBCASE("out of range is a usage error")
    {
        const auto result = run_draftsmith({"parse", "--max-variants", "11", "/edit go"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("--max-variants") != std::string::npos);
        CHECK(result.out.empty());
    }
}

TEST_CASE("cli::parse, - reads standard input")
{
    ProcessOptions options;
    options.stdin_text = "Thanks!\r\n/edit /2 model=m first line\r\n```\n  code  \n```\r\n";
    const auto result = run_draftsmith({"parse", "-"}, options);
    CHECK(result.exit_code == 0);
    CHECK(result.out ==
          R"({"command":"edit","variants":2,"intent":"first line\n```\n  code  \n```",)"
          R"("options":{"model":"m"},"slug":"first-line"})"
          "\n");
}

TEST_CASE("cli::parse, UTF-8 in and out")
{
    SUBCASE("kept")
    {
        const auto result = run_draftsmith({"parse", "/edit Größe ändern"});
        CHECK(result.exit_code == 0);
        CHECK(result.out.find(R"("intent":"Größe ändern")") != std::string::npos);
        CHECK(result.out.find(R"("slug":"grosse-andern")") != std::string::npos);
    }
    SUBCASE("invalid bytes still give valid JSON")
    {
        const auto result = run_draftsmith({"parse", "/edit fix \xff here"});
        CHECK(result.exit_code == 0);
        CHECK(result.out.find("\"intent\":\"fix \xef\xbf\xbd here\"") != std::string::npos);
    }
}

TEST_CASE("cli::parse, usage errors")
{
    SUBCASE("no text")
    {
        const auto result = run_draftsmith({"parse"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("text is required") != std::string::npos);
    }
}

TEST_CASE("cli::parse, standard input is read up to the comment limit")
{
    SUBCASE("an endless input: a clear error at once, exit 2")
    {
        const auto result = draftsmith::test::run_process(
            {"/bin/sh", "-c", std::string("exec '") + DRAFTSMITH_BINARY + "' parse - </dev/zero"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: standard input: larger than 256 KiB, the most "
                            "draftsmith reads from it (see LIMITS in man draftsmith)\n");
    }
}
