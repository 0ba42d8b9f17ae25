#include "draftsmith/report/ci_log.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>

#include <map>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"

namespace report = draftsmith::report;
using draftsmith::test::TempDir;
using report::CiService;

namespace {

draftsmith::trigger::Environment environment(std::map<std::string, std::string> variables)
{
    return draftsmith::trigger::read_environment(std::move(variables));
}

std::size_t count_lines(const std::string& text)
{
    std::size_t lines = 0;
    for (const char c : text) {
        lines += c == '\n' ? 1 : 0;
    }
    return lines;
}

} // namespace

TEST_CASE("report::CiService, as trigger::Environment detects it (was report::detect_ci)")
{
    CHECK(environment({{"GITHUB_ACTIONS", "true"}}).ci == CiService::github);
    CHECK(environment({{"TF_BUILD", "True"}}).ci == CiService::azure_pipelines);
    CHECK(environment({{"TF_BUILD", "true"}}).ci == CiService::azure_pipelines);
    CHECK(environment({{"GITHUB_ACTIONS", "false"}}).ci == CiService::none);
    CHECK(environment({}).ci == CiService::none);
}

TEST_CASE("report::CiLog, GitHub Actions")
{
    const TempDir dir;
    const auto output_file = dir / "output";
    const auto summary_file = dir / "summary";
    std::ostringstream out;
    report::CiLog log(CiService::github,
                      environment({{"GITHUB_OUTPUT", output_file.string()},
                                   {"GITHUB_STEP_SUMMARY", summary_file.string()}}),
                      out);

    SUBCASE("groups and annotations")
    {
        log.begin_group("variant 1");
        log.warning("50% of the budget spent");
        log.end_group();
        CHECK(out.str() ==
              "::group::variant 1\n::warning::50%25 of the budget spent\n::endgroup::\n");
    }

    SUBCASE("a message cannot start a command of its own")
    {
        log.error("model said:\n::error::forged\r\n::set-output name=x::y");
        CHECK(out.str() == "::error::model said:%0A::error::forged%0D%0A::set-output name=x::y\n");
        CHECK(count_lines(out.str()) == 1);
    }

    SUBCASE("outputs: single line and the delimiter form")
    {
        log.output("pull_requests", "3");
        log.output("overview", "line one\nline two\n");
        const auto text = draftsmith::file::read_all(output_file);
        CAPTURE(text);
        REQUIRE(text.rfind("pull_requests=3\noverview<<ghadelimiter_", 0) == 0);
        const auto first_newline = text.find('\n', 16);
        const auto delimiter = text.substr(16 + 10, first_newline - 16 - 10);
        CHECK(delimiter.rfind("ghadelimiter_", 0) == 0);
        CHECK(text.substr(first_newline + 1) == "line one\nline two\n\n" + delimiter + "\n");
        CHECK_THROWS_WITH(log.output("a=b", "c"), "invalid CI output name 'a=b'");
    }

    SUBCASE("the step summary is appended to")
    {
        draftsmith::test::write_file(summary_file, "# earlier step\n");
        log.summary("### draftsmith\n\n| a | b |");
        log.summary("more");
        CHECK(draftsmith::file::read_all(summary_file) ==
              "# earlier step\n### draftsmith\n\n| a | b |\nmore\n");
        CHECK(out.str().empty());
    }

    SUBCASE("secrets are masked everywhere")
    {
        draftsmith::register_secret("sk-test-ci-log-9f8e7d");
        log.error("key sk-test-ci-log-9f8e7d rejected");
        log.output("detail", "sk-test-ci-log-9f8e7d");
        log.summary("sk-test-ci-log-9f8e7d");
        CHECK(out.str() == "::error::key *** rejected\n");
        CHECK(draftsmith::file::read_all(output_file) == "detail=***\n");
        CHECK(draftsmith::file::read_all(summary_file) == "***\n");
    }

    SUBCASE("partial success says nothing on GitHub")
    {
        log.partial_success("2 of 3 variants failed");
        CHECK(out.str().empty());
    }

    SUBCASE("a missing GITHUB_OUTPUT is a warning")
    {
        std::ostringstream other;
        report::CiLog bare(CiService::github, environment({}), other);
        bare.output("x", "y");
        CHECK(other.str() == "::warning::GITHUB_OUTPUT is not set; this output is lost\n");
    }
}

TEST_CASE("report::CiLog, Azure Pipelines")
{
    const TempDir dir;
    std::ostringstream out;
    report::CiLog log(CiService::azure_pipelines,
                      environment({{"AGENT_TEMPDIRECTORY", dir.path().string()}}), out);

    SUBCASE("groups, issues, completion")
    {
        log.begin_group("variant 2");
        log.error("100% broken\nsecond line");
        log.warning("careful");
        log.end_group();
        log.partial_success("1 of 3 variants failed");
        CHECK(out.str() ==
              "##[group]variant 2\n"
              "##vso[task.logissue type=error]100%AZP25 broken%0Asecond line\n"
              "##vso[task.logissue type=warning]careful\n"
              "##[endgroup]\n"
              "##vso[task.complete result=SucceededWithIssues;]1 of 3 variants failed\n");
    }

    SUBCASE("##vso[ inside a text is neutralised")
    {
        log.begin_group("x ##vso[task.setvariable variable=PATH]/tmp/evil");
        log.error("a\n##vso[task.prependpath]/tmp/evil");
        const auto text = out.str();
        CAPTURE(text);
        CHECK(count_lines(text) == 2);
        CHECK(text.find("##vso[task.setvariable") == std::string::npos);
        CHECK(text.find("##vso[task.prependpath") == std::string::npos);
        CHECK(text.find("##vso%5Btask.prependpath") != std::string::npos);
    }

    SUBCASE("output variables")
    {
        log.output("overview_url", "https://dev.azure.com/o/p/_git/r/pullrequest/7");
        log.output("notes", "a;b]\nc");
        CHECK(out.str() == "##vso[task.setvariable variable=overview_url;isOutput=true]"
                           "https://dev.azure.com/o/p/_git/r/pullrequest/7\n"
                           "##vso[task.setvariable variable=notes;isOutput=true]a;b]%0Ac\n");
    }

    SUBCASE("the summary is a file that gets uploaded")
    {
        log.summary("### draftsmith\n");
        const auto text = out.str();
        const std::string prefix = "##vso[task.uploadsummary]";
        REQUIRE(text.rfind(prefix, 0) == 0);
        const std::filesystem::path file =
            text.substr(prefix.size(), text.size() - prefix.size() - 1);
        CHECK(file.parent_path() == dir.path());
        CHECK(draftsmith::file::read_all(file) == "### draftsmith\n");
    }
}

TEST_CASE("report::CiLog, no CI service writes nothing")
{
    std::ostringstream out;
    report::CiLog log(CiService::none, environment({}), out);
    log.begin_group("g");
    log.error("e");
    log.warning("w");
    log.summary("s");
    log.output("o", "v");
    log.partial_success("p");
    log.end_group();
    CHECK(out.str().empty());
}
