// config::load_config and what reads the keys: precedence, protected paths, names, JSON, the
// manual, hostile files.
#include "config_test_support.hpp"

using namespace config_test_support;

TEST_CASE("config::load_config, precedence: flags > environment > file > defaults")
{
    Sources sources;
    sources.file_text = "model: from-file\njobs: 2\nmax_variants: 3\nallowed_users: [a]\n";
    SUBCASE("file over defaults")
    {
        const auto c = load_config(sources);
        CHECK(c.model == "from-file");
        CHECK(c.jobs == 2);
        CHECK(c.max_variants == 3);
    }
    SUBCASE("environment over file")
    {
        sources.environment = {
            {"DRAFTSMITH_MODEL", "from-env"},        {"DRAFTSMITH_MAX_VARIANTS", "7"},
            {"DRAFTSMITH_ALLOWED_USERS", "x, y,,z"}, {"DRAFTSMITH_LIMITS_COST_USD", "0.25"},
            {"DRAFTSMITH_ALLOW_PROTECTED", "1"},     {"DRAFTSMITH_TIMEOUTS_IDLE", "2m"},
            {"DRAFTSMITH_LOG_LEVEL", "debug"},       {"OTHER", "ignored"}};
        const auto c = load_config(sources);
        CHECK(c.model == "from-env");
        CHECK(c.max_variants == 7);
        CHECK(c.jobs == 2);
        CHECK(c.allowed_users == std::vector<std::string>{"x", "y", "z"});
        CHECK(c.limits.cost_usd == doctest::Approx(0.25));
        CHECK(c.allow_protected);
        CHECK(c.timeouts.idle == Seconds{120});
    }
    SUBCASE("flags over environment")
    {
        sources.environment = {{"DRAFTSMITH_MODEL", "from-env"}};
        sources.flags = {{"model", "from-flag"}, {"max-variants", "9"}, {"limits.turns", "3"}};
        const auto c = load_config(sources);
        CHECK(c.model == "from-flag");
        CHECK(c.max_variants == 9);
        CHECK(c.limits.turns == 3);
    }
    SUBCASE("the provider's defaults follow the winning provider")
    {
        sources.file_text = "provider: anthropic\n";
        sources.environment = {{"DRAFTSMITH_PROVIDER", "openai"}};
        const auto c = load_config(sources);
        CHECK(c.model == "gpt-4.1");
        CHECK(c.api_key_env == "OPENAI_API_KEY");
    }
    SUBCASE("an empty temperature variable unsets it")
    {
        sources.file_text = "temperature: 1\n";
        sources.environment = {{"DRAFTSMITH_TEMPERATURE", ""}};
        CHECK_FALSE(load_config(sources).temperature.has_value());
    }
    SUBCASE("errors name the variable or the flag")
    {
        sources.environment = {{"DRAFTSMITH_MAX_VARIANTS", "11"}};
        CHECK(error_of(sources) == "DRAFTSMITH_MAX_VARIANTS: max_variants: 11 is out of range: "
                                   "use an integer from 1 to 10");
        sources.environment = {{"DRAFTSMITH_ALLOW_PROTECTED", "maybe"}};
        CHECK(error_of(sources) ==
              "DRAFTSMITH_ALLOW_PROTECTED: allow_protected: expected true or false, got 'maybe'");
        sources.environment.clear();
        sources.flags = {{"jobs", "x"}};
        CHECK(error_of(sources) == "--jobs: jobs: expected an integer from 0 to 64, got 'x'");
        sources.flags = {{"nope", "x"}};
        CHECK(error_of(sources) == "--nope: not a configuration key");
    }
    SUBCASE("a file error names the file given")
    {
        sources.file_name = "main:.draftsmith.yml";
        sources.file_text = "jobs: x\n";
        CHECK(error_of(sources).rfind("main:.draftsmith.yml:1:7: jobs:", 0) == 0);
    }
}

TEST_CASE("config::Config::is_protected")
{
    auto config = load_config({});
    CHECK(config.is_protected(".github/workflows/ci.yml"));
    CHECK(config.is_protected("azure-pipelines.yml"));
    CHECK(config.is_protected(".draftsmith.yml"));
    CHECK(config.is_protected(".gitignore"));
    CHECK_FALSE(config.is_protected("src/app.css"));
    SUBCASE("allow_protected lifts it")
    {
        config = parse("allow_protected: true\n");
        CHECK_FALSE(config.is_protected(".github/workflows/ci.yml"));
    }
    SUBCASE("setting the key replaces the list")
    {
        config = parse("protected_paths: [deploy/**]\n");
        CHECK(config.is_protected("deploy/prod.yml"));
        CHECK_FALSE(config.is_protected(".gitignore"));
    }
}

TEST_CASE("config::environment_name")
{
    CHECK(environment_name("model") == "DRAFTSMITH_MODEL");
    CHECK(environment_name("max_variants") == "DRAFTSMITH_MAX_VARIANTS");
    CHECK(environment_name("limits.cost_usd") == "DRAFTSMITH_LIMITS_COST_USD");
    CHECK(environment_name("variants").empty());
    CHECK(environment_name("prices").empty());
    CHECK(environment_name("nope").empty());
}

TEST_CASE("config::to_json, every key appears once")
{
    const auto json = to_json(load_config({}));
    for (const auto& key : known_keys()) {
        const auto dot = key.find('.');
        const bool present = dot == std::string::npos
                                 ? json.contains(key)
                                 : json.contains(key.substr(0, dot)) &&
                                       json[key.substr(0, dot)].contains(key.substr(dot + 1));
        CHECK_MESSAGE(present, key);
    }
    CHECK(json["limits"]["time"] == 900);
    CHECK(json["temperature"].is_null());
    CHECK(json["provider"] == "anthropic");
}

TEST_CASE("config, the manual documents every key and variable")
{
    const auto manual =
        draftsmith::file::read_all(draftsmith::test::source_path("man/draftsmith.1"));
    for (const auto& key : known_keys()) {
        const auto dot = key.find('.');
        const auto leaf = dot == std::string::npos ? key : key.substr(dot + 1);
        // mdoc escapes nothing in these names; a key is listed as ".It Cm name".
        CHECK_MESSAGE(manual.find("Cm " + leaf) != std::string::npos, key);
        const auto variable = environment_name(key);
        if (!variable.empty()) {
            CHECK_MESSAGE(manual.find(variable) != std::string::npos, variable);
        }
    }
}

TEST_CASE("config::parse_config, hostile and broken files")
{
    SUBCASE("bytes that are not UTF-8: the file, line and column")
    {
        CHECK(error_of("model: gpt-4.1\ncommit:\n  name: caf\xE9\n") ==
              ".draftsmith.yml:3:12: not valid UTF-8: the configuration must be UTF-8 text");
    }
    SUBCASE("a second YAML document is refused, not ignored")
    {
        CHECK(error_of("model: a\n---\nallow_protected: true\n") ==
              ".draftsmith.yml:3:1: a second YAML document ('---'): the configuration is one "
              "document; merge them or remove the '---' line");
        CHECK(error_of("model: a\n---\n").find("a second YAML document") != std::string::npos);
        CHECK(parse("---\nmodel: a\n").model == "a"); // one document, marked
    }
    SUBCASE("a file larger than the limit")
    {
        CHECK(error_of("# " + std::string(1024 * 1024, 'x') + "\n") ==
              ".draftsmith.yml: larger than 1 MiB, the most a configuration file may hold (see "
              "LIMITS in man draftsmith)");
    }
    SUBCASE("a list longer than the limit")
    {
        std::string users = "allowed_users: [";
        for (int i = 0; i < 1001; ++i) {
            users += "u" + std::to_string(i) + ",";
        }
        users += "]\n";
        CHECK(error_of(users) ==
              ".draftsmith.yml:1:16: allowed_users: more than 1000 entries, the most a list may "
              "hold (see LIMITS in man draftsmith)");
        Sources sources;
        sources.environment["DRAFTSMITH_ALLOWED_USERS"] = std::string(2000, ',') + "a,b";
        CHECK_NOTHROW(load_config(sources)); // empty items do not count
    }
    SUBCASE("control characters YAML does not allow are refused before yaml-cpp reads them")
    {
        // yaml-cpp 0.7 looped forever on this shape (found by fuzz.config).
        CHECK(error_of("# a config\n  turns: 3\x12\x12\x12"
                       "0\n") ==
              ".draftsmith.yml:2:11: a control character (0x12), which YAML does not allow; "
              "remove it");
        CHECK(error_of(std::string("model: a\0b\n", 12)).find("(0x00)") != std::string::npos);
        CHECK(parse("model: a\t# tab is fine\r\n").model == "a");
    }
    SUBCASE("YAML on which yaml-cpp never finishes is refused, not waited for")
    {
        // yaml-cpp 0.7 loops forever on this (found by fuzz.config).
        CHECK(error_of("# Ato  3\n,imits:\n  turns: 30\n\n") ==
              ".draftsmith.yml: the YAML parser did not finish within 3 s on this file; it is "
              "not valid YAML there (check lines starting with ',' or other indicators)");
    }
    SUBCASE("deeply nested YAML is refused before yaml-cpp reads it")
    {
        // yaml-cpp takes seconds on a few thousand closed levels (found by fuzz.config).
        const std::string expected = ".draftsmith.yml: lists or mappings nested deeper than 64 "
                                     "levels (see LIMITS in man draftsmith)";
        CHECK(error_of("model: " + std::string(50'000, '[') + "\n") == expected);
        CHECK(error_of("allowed_users: " + std::string(5'000, '[') + std::string(5'000, ']') +
                       "\n") == expected);
        CHECK(parse("allowed_users: [a, b]\n").allowed_users.size() == 2);
    }
    SUBCASE("values from the environment and flags must be UTF-8 too")
    {
        Sources sources;
        sources.environment["DRAFTSMITH_MODEL"] = "gpt\xFF";
        CHECK(error_of(sources) == "DRAFTSMITH_MODEL: model: the value is not valid UTF-8");
        Sources flags;
        flags.flags["title-template"] = "v{i} \xC3";
        CHECK(error_of(flags) == "--title-template: title_template: the value is not valid UTF-8");
    }
}

TEST_CASE("config::parse_config, templates are checked as they will be used")
{
    SUBCASE("a title template that gives an empty title")
    {
        CHECK(error_of("title_template: '  '\n") ==
              ".draftsmith.yml:1:17: title_template: '  ' gives an empty title, which hosts "
              "refuse; write some text, e.g. 'AI Edit v{i}: {slug}'");
        CHECK(error_of("title_template: ''\n").find("gives an empty title") != std::string::npos);
    }
    SUBCASE("control characters")
    {
        CHECK(error_of("title_template: \"v{i}\\nsecond line\"\n") ==
              ".draftsmith.yml:1:17: title_template: control characters (a line break, a tab) "
              "are not allowed");
    }
    SUBCASE("a branch template git would refuse once rendered")
    {
        for (const char* bad : {"x/{i}.lock", "x/.{i}", "x/{i}.", "-x/{i}"}) {
            CAPTURE(bad);
            CHECK(error_of(std::string("branch_template: '") + bad + "'\n")
                      .find("which is not a valid git branch name") != std::string::npos);
        }
        CHECK(error_of("branch_template: 'x/{i}.lock'\n") ==
              ".draftsmith.yml:1:18: branch_template: 'x/{i}.lock' gives 'x/1.lock', which is not "
              "a valid git branch name (no part may start with '.', no '@{', no '.lock' or '.' at "
              "the end)");
    }
}
