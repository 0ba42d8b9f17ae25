#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using draftsmith::Secret;

TEST_CASE("util::Secret, never prints its value")
{
    const Secret token("ghp_abcdefghijklmnop");
    CHECK(fmt::format("{}", token) == "***");
    std::ostringstream out;
    out << token;
    CHECK(out.str() == "***");
    CHECK(token.reveal() == "ghp_abcdefghijklmnop");
}

TEST_CASE("util::redacted, masks every registered value")
{
    const Secret key("sk-ant-0123456789");
    SUBCASE("inside other text, several times")
    {
        CHECK(
            draftsmith::redacted("Authorization: Bearer sk-ant-0123456789 and sk-ant-0123456789") ==
            "Authorization: Bearer *** and ***");
    }
    SUBCASE("a value containing another is masked whole")
    {
        const Secret longer("sk-ant-0123456789-extra");
        CHECK(draftsmith::redacted("x sk-ant-0123456789-extra y") == "x *** y");
    }
    SUBCASE("short values are not registered, so text stays readable")
    {
        draftsmith::register_secret("ab");
        CHECK(draftsmith::redacted("about abc") == "about abc");
    }
}

TEST_CASE("util::register_environment_secrets, every variable the tool knows, whatever the host")
{
    const std::map<std::string, std::string> environment = {
        {"ANTHROPIC_API_KEY", "env-anthropic-key-01"},
        {"OPENAI_API_KEY", "env-openai-key-02"},
        {"AZURE_OPENAI_API_KEY", "env-azure-openai-key-03"},
        {"GITHUB_TOKEN", "env-github-token-04"},
        {"GH_TOKEN", "env-gh-token-05"},
        {"SYSTEM_ACCESSTOKEN", "env-system-accesstoken-06"},
        {"AZURE_DEVOPS_EXT_PAT", "env-azure-devops-pat-07"},
        {"DRAFTSMITH_GIT_AUTHORIZATION", "Bearer env-git-bearer-08"},
        {"MY_KEY", "env-named-by-config-09"},
        {"HOME", "/home/env-not-a-secret-10"}};
    const auto getenv = [&](const char* name) -> std::optional<std::string> {
        const auto found = environment.find(name);
        return found == environment.end() ? std::nullopt : std::optional(found->second);
    };
    const std::vector<std::string> more = {"MY_KEY", ""};
    draftsmith::register_environment_secrets(getenv, more);
    CHECK(draftsmith::secret_variables().size() == 8);
    for (const auto& entry : environment) {
        const auto& [name, value] = entry;
        INFO(entry.first); // a structured binding cannot be captured (Clang 14)
        const auto text = "x " + value + " y";
        if (name == "HOME") {
            CHECK_FALSE(draftsmith::holds_secret(text));
            CHECK(draftsmith::redacted(text) == text);
        } else {
            CHECK(draftsmith::holds_secret(text));
            CHECK(draftsmith::redacted(text) == "x *** y");
        }
    }
    // The credential of an Authorization value alone is masked too.
    CHECK(draftsmith::redacted("token env-git-bearer-08.") == "token ***.");
}

TEST_CASE("util::log, lines are redacted and formatted")
{
    namespace log = draftsmith::log;
    std::vector<std::string> lines;
    log::set_sink([&](std::string_view line) { lines.emplace_back(line); });
    const Secret key("pat-secret-value-42");

    SUBCASE("text")
    {
        log::configure(log::Level::info, log::Format::text, log::Color::never);
        log::info("token is {}", key.reveal());
        log::debug("hidden at info level");
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] == "draftsmith: token is ***");
    }
    SUBCASE("json")
    {
        log::configure(log::Level::debug, log::Format::json, log::Color::never);
        log::warning("x {}", key.reveal());
        REQUIRE(lines.size() == 1);
        CHECK(lines[0].find(R"("level":"warning")") != std::string::npos);
        CHECK(lines[0].find(R"("message":"x ***")") != std::string::npos);
        CHECK(lines[0].find("pat-secret") == std::string::npos);
    }
    log::set_sink({});
    log::configure(log::Level::info, log::Format::text, log::Color::never);
}
