#include "draftsmith/config/config.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include "support/process.hpp"

using namespace draftsmith::config;
using draftsmith::Error;

namespace {

Config parse(const std::string& yaml) {
    return parse_config(yaml, ".draftsmith.yml");
}

// The message of the Error(config) that parsing `yaml` throws.
std::string error_of(const std::string& yaml) {
    try {
        parse(yaml);
    } catch (const Error& e) {
        CHECK(e.category() == draftsmith::ErrorCategory::config);
        return e.what();
    }
    FAIL("no error for: " << yaml);
    return "";
}

std::string error_of(const Sources& sources) {
    try {
        load_config(sources);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error");
    return "";
}

} // namespace

TEST_CASE("config::parse_config, defaults") {
    SUBCASE("no file, an empty file and a comment-only file give the defaults") {
        const auto expected = to_json(load_config({})).dump();
        CHECK(to_json(parse("")).dump() == expected);
        CHECK(to_json(parse("# nothing yet\n")).dump() == expected);
    }
    SUBCASE("the documented values") {
        const auto c = load_config({});
        CHECK(c.provider == Provider::anthropic);
        CHECK(c.model == "claude-sonnet-4-5");
        CHECK(c.base_url == "https://api.anthropic.com");
        CHECK(c.api_key_env == "ANTHROPIC_API_KEY");
        CHECK(c.max_variants == 5);
        CHECK(c.jobs == 0);
        CHECK(c.host == HostKind::automatic);
        CHECK(c.report.empty());
        CHECK(c.mode == Mode::tools);
        CHECK_FALSE(c.temperature.has_value());
        CHECK(c.branch_template == "draftsmith/pr-{pr}/{comment}-{slug}/v{i}");
        CHECK(c.title_template == "\xF0\x9F\x94\xA7 AI Edit v{i}: {slug}");
        CHECK(c.protected_paths == std::vector<std::string>{".github/workflows/**",
                                                            "azure-pipelines*.yml",
                                                            "azure-pipelines*.yaml",
                                                            ".azure-pipelines/**",
                                                            ".draftsmith.yml", ".git*"});
        CHECK(c.is_protected("azure-pipelines.yaml"));
        CHECK(c.is_protected(".azure-pipelines/templates/build.yml"));
        CHECK_FALSE(c.allow_protected);
        CHECK(c.forks == ForkPolicy::refuse);
        CHECK(c.commit.name == "draftsmith");
        CHECK(c.commit.email == "draftsmith@localhost");
        CHECK(c.limits.time == Seconds{900});
        CHECK(c.timeouts.connect == Seconds{10});
    }
}

TEST_CASE("config::parse_config, every key") {
    const auto c = parse(R"(
provider: openai
model: gpt-4.1-mini
base_url: http://127.0.0.1:8080/v1
api_key_env: MY_KEY
api_version: 2025-01-01-preview
temperature: 0.7
max_output_tokens: 4096
mode: oneshot
replay: examples/recording.jsonl
max_variants: 8
jobs: 2
variants:
  - hint: the smallest change
  - provider: anthropic
    temperature: 1
  - model: other
    base_url: http://other
    api_key_env: ""
    mode: tools
limits: {turns: 10, tokens: 5000, cost_usd: 0.5, time: 5m}
budget: {tokens: 20000, cost_usd: 3, time: 1h30m}
prices:
  gpt-4.1-mini: {input: 0.4, output: 1.6, cache_read: 0.1}
branch_template: ai/{pr}/{slug}-{i}
title_template: "AI v{i}/{n}: {slug}"
commit: {name: Bot, email: bot@example.com}
protected_paths: [ci/**]
allow_protected: true
allowed_users: [alice, bob]
allowed_groups: ['[Project]\Editors']
forks: allow
timeouts: {connect: 5s, request: 120, idle: 1m}
retries: {max_attempts: 6, budget: 0, max_wait: 2m}
edit: {max_files: 3, max_bytes: 1000}
secrets: {extra_names: ["conf/prod/**"], extra_patterns: ["AKIA[0-9A-Z]{16}"]}
pushgateway: http://127.0.0.1:9091
host: azure-devops
report: out/report.json
metrics_file: out/metrics.prom
)");
    CHECK(c.provider == Provider::openai);
    CHECK(c.model == "gpt-4.1-mini");
    CHECK(c.base_url == "http://127.0.0.1:8080/v1");
    CHECK(c.api_key_env == "MY_KEY");
    CHECK(c.api_version == "2025-01-01-preview");
    CHECK(c.temperature == doctest::Approx(0.7));
    CHECK(c.max_output_tokens == 4096);
    CHECK(c.mode == Mode::oneshot);
    CHECK(c.replay == "examples/recording.jsonl");
    CHECK(c.max_variants == 8);
    CHECK(c.jobs == 2);
    REQUIRE(c.variants.size() == 3);
    CHECK(c.variants[0].hint == "the smallest change");
    CHECK(c.variants[1].provider == Provider::anthropic);
    CHECK(c.limits.turns == 10);
    CHECK(c.limits.tokens == 5000);
    CHECK(c.limits.cost_usd == doctest::Approx(0.5));
    CHECK(c.limits.time == Seconds{300});
    CHECK(c.budget.tokens == 20000);
    CHECK(c.budget.cost_usd == doctest::Approx(3));
    CHECK(c.budget.time == Seconds{5400});
    REQUIRE(c.prices.count("gpt-4.1-mini") == 1);
    CHECK(c.prices.at("gpt-4.1-mini").output == doctest::Approx(1.6));
    CHECK(c.prices.at("gpt-4.1-mini").cache_read == doctest::Approx(0.1));
    CHECK_FALSE(c.prices.at("gpt-4.1-mini").cache_write.has_value());
    CHECK(c.branch_template == "ai/{pr}/{slug}-{i}");
    CHECK(c.title_template == "AI v{i}/{n}: {slug}");
    CHECK(c.commit.name == "Bot");
    CHECK(c.commit.email == "bot@example.com");
    CHECK(c.protected_paths == std::vector<std::string>{"ci/**"});
    CHECK(c.allow_protected);
    CHECK(c.allowed_users == std::vector<std::string>{"alice", "bob"});
    CHECK(c.allowed_groups == std::vector<std::string>{"[Project]\\Editors"});
    CHECK(c.forks == ForkPolicy::allow);
    CHECK(c.timeouts.connect == Seconds{5});
    CHECK(c.timeouts.request == Seconds{120});
    CHECK(c.timeouts.idle == Seconds{60});
    CHECK(c.retries.max_attempts == 6);
    CHECK(c.retries.budget == 0);
    CHECK(c.retries.max_wait == Seconds{120});
    CHECK(c.edit.max_files == 3);
    CHECK(c.edit.max_bytes == 1000);
    CHECK(c.secrets.extra_names == std::vector<std::string>{"conf/prod/**"});
    CHECK(c.secrets.extra_patterns == std::vector<std::string>{"AKIA[0-9A-Z]{16}"});
    CHECK(c.pushgateway == "http://127.0.0.1:9091");
    CHECK(c.host == HostKind::azure_devops);
    CHECK(c.report == "out/report.json");
    CHECK(c.metrics_file == "out/metrics.prom");

    SUBCASE("variant settings inherit or bring their provider's defaults") {
        const auto first = c.variant(1);
        CHECK(first.provider == Provider::openai);
        CHECK(first.model == "gpt-4.1-mini");
        CHECK(first.api_key_env == "MY_KEY");
        CHECK(first.temperature == doctest::Approx(0.7));
        CHECK(first.mode == Mode::oneshot);
        CHECK(first.hint == "the smallest change");
        const auto second = c.variant(2);
        CHECK(second.provider == Provider::anthropic);
        CHECK(second.model == "claude-sonnet-4-5");
        CHECK(second.base_url == "https://api.anthropic.com");
        CHECK(second.api_key_env == "ANTHROPIC_API_KEY");
        CHECK(second.temperature == doctest::Approx(1.0));
        const auto third = c.variant(3);
        CHECK(third.model == "other");
        CHECK(third.base_url == "http://other");
        CHECK(third.api_key_env.empty());
        CHECK(third.mode == Mode::tools);
        const auto fourth = c.variant(4); // no entry: the top level
        CHECK(fourth.index == 4);
        CHECK(fourth.model == "gpt-4.1-mini");
        CHECK_FALSE(fourth.hint.has_value());
    }
}

TEST_CASE("config::parse_config, provider defaults follow the provider") {
    SUBCASE("openai") {
        const auto c = parse("provider: openai\n");
        CHECK(c.model == "gpt-4.1");
        CHECK(c.base_url == "https://api.openai.com/v1");
        CHECK(c.api_key_env == "OPENAI_API_KEY");
    }
    SUBCASE("azure-openai") {
        const auto c = parse("provider: azure-openai\n");
        CHECK(c.model.empty());
        CHECK(c.api_key_env == "AZURE_OPENAI_API_KEY");
    }
    SUBCASE("replay sends no key") {
        CHECK(parse("provider: replay\n").api_key_env.empty());
    }
    SUBCASE("an explicit empty key variable stays empty (a local server without a key)") {
        CHECK(parse("provider: openai\napi_key_env: ''\n").api_key_env.empty());
    }
}

TEST_CASE("config::parse_config, unknown keys") {
    SUBCASE("near miss at the top") {
        CHECK(error_of("provider: openai\nmodle: x\n") ==
              ".draftsmith.yml:2:1: unknown key 'modle' (did you mean 'model'?)");
    }
    SUBCASE("no near miss lists the known keys") {
        CHECK(error_of("colour: red\n")
                  .rfind(".draftsmith.yml:1:1: unknown key 'colour'; known keys here: provider, "
                         "model, base_url,",
                         0) == 0);
    }
    SUBCASE("inside a section") {
        CHECK(error_of("limits:\n  turn: 3\n") ==
              ".draftsmith.yml:2:3: unknown key 'turn' (did you mean 'turns'?)");
        CHECK(error_of("timeouts:\n  total: 3\n") ==
              ".draftsmith.yml:2:3: unknown key 'total'; known keys here: connect, request, idle");
    }
    SUBCASE("inside a variant") {
        CHECK(error_of("variants:\n  - modell: x\n") ==
              ".draftsmith.yml:2:5: unknown key 'modell' (did you mean 'model'?)");
    }
    SUBCASE("inside a price") {
        CHECK(error_of("prices:\n  m: {input: 1, output: 2, cached: 3}\n") ==
              ".draftsmith.yml:2:28: unknown key 'cached'; known keys here: input, output, "
              "cache_write, cache_read");
    }
    SUBCASE("a dotted key is not a shortcut") {
        CHECK(error_of("limits.turns: 3\n")
                  .rfind(".draftsmith.yml:1:1: unknown key 'limits.turns'", 0) == 0);
    }
}

TEST_CASE("config::parse_config, the document's shape") {
    SUBCASE("not a mapping") {
        CHECK(error_of("- model\n") == ".draftsmith.yml:1:1: the configuration must be a mapping "
                                       "of keys to values, not a list");
        CHECK(error_of("just text\n") == ".draftsmith.yml:1:1: the configuration must be a "
                                         "mapping of keys to values, not 'just text'");
    }
    SUBCASE("invalid YAML") {
        CHECK(error_of("model: [a\nmode: tools\n")
                  .rfind(".draftsmith.yml:2:5: invalid YAML: end of sequence flow not found", 0) ==
              0);
        CHECK(error_of("model: x\n  bad: indentation\n").find("invalid YAML") != std::string::npos);
    }
    SUBCASE("duplicate keys") {
        CHECK(error_of("model: a\njobs: 1\nmodel: b\n") ==
              ".draftsmith.yml:3:1: duplicate key 'model' (first at line 1)");
        CHECK(error_of("limits:\n  turns: 1\n  turns: 2\n") ==
              ".draftsmith.yml:3:3: duplicate key 'turns' (first at line 2)");
    }
    SUBCASE("a section that is not a mapping") {
        CHECK(error_of("limits: 5\n") == ".draftsmith.yml:1:9: limits: expected a mapping of "
                                         "turns, tokens, cost_usd, time, got '5'");
        CHECK(error_of("commit:\n") == ".draftsmith.yml:1:1: commit: expected a mapping of name, "
                                       "email, got no value");
    }
    SUBCASE("keys that are not names") {
        CHECK(error_of("? [a, b]\n: 1\n") == ".draftsmith.yml:1:3: keys must be plain names");
    }
}

TEST_CASE("config::parse_config, wrong types") {
    SUBCASE("string") {
        CHECK(error_of("model:\n") ==
              ".draftsmith.yml:1:1: model: expected a string, got no value");
        CHECK(error_of("model: [a]\n") ==
              ".draftsmith.yml:1:8: model: expected a string, got a list");
    }
    SUBCASE("integer") {
        CHECK(error_of("max_variants: five\n") == ".draftsmith.yml:1:15: max_variants: expected "
                                                  "an integer from 1 to 10, got 'five'");
        CHECK(error_of("max_variants: 2.5\n").find("expected an integer") != std::string::npos);
        CHECK(error_of("max_variants: '3'\n").find("expected an integer") != std::string::npos);
        CHECK(error_of("limits: {tokens: -1}\n") ==
              ".draftsmith.yml:1:18: limits.tokens: -1 is out of range: use an integer at least 1");
    }
    SUBCASE("number") {
        CHECK(error_of("temperature: hot\n") == ".draftsmith.yml:1:14: temperature: expected a "
                                                "number from 0 to 2, got 'hot'");
        CHECK(error_of("temperature: .nan\n").find("expected a number") != std::string::npos);
        CHECK_FALSE(parse("temperature: null\n").temperature.has_value());
    }
    SUBCASE("boolean") {
        CHECK(error_of("allow_protected: maybe\n") ==
              ".draftsmith.yml:1:18: allow_protected: expected true or false, got 'maybe'");
        CHECK(error_of("allow_protected: 'true'\n").find("expected true or false") !=
              std::string::npos);
        CHECK(error_of("allow_protected: 1\n").find("expected true or false") != std::string::npos);
        CHECK(parse("allow_protected: yes\n").allow_protected);
    }
    SUBCASE("choice") {
        CHECK(error_of("provider: opnai\n") == ".draftsmith.yml:1:11: provider: unknown value "
                                               "'opnai' (did you mean 'openai'?); use anthropic, "
                                               "openai, azure-openai or replay");
        CHECK(error_of("mode: agent\n") ==
              ".draftsmith.yml:1:7: mode: unknown value 'agent'; use tools or oneshot");
        CHECK(error_of("forks: maybe\n").find("use refuse or allow") != std::string::npos);
        CHECK(error_of("host: bitbucket\n") ==
              ".draftsmith.yml:1:7: host: unknown value 'bitbucket'; "
              "use auto, github, azure-devops or local");
    }
    SUBCASE("list") {
        CHECK(error_of("allowed_users: alice\n") == ".draftsmith.yml:1:16: allowed_users: "
                                                    "expected a list, e.g. [a, b], got 'alice'");
        CHECK(error_of("allowed_users: [alice, [bob]]\n") ==
              ".draftsmith.yml:1:24: allowed_users: expected a string, got a list");
    }
    SUBCASE("regular expressions") {
        CHECK(error_of("secrets:\n  extra_patterns: ['ok', '(unclosed']\n")
                  .rfind(".draftsmith.yml:2:26: secrets.extra_patterns: '(unclosed' is not a "
                         "valid regular expression",
                         0) == 0);
    }
    SUBCASE("variants and prices") {
        CHECK(error_of("variants: {model: x}\n") ==
              ".draftsmith.yml:1:11: variants: expected a list of mappings, one per variant, got "
              "a mapping");
        CHECK(error_of("variants: [x]\n")
                  .rfind(".draftsmith.yml:1:12: variants[1]: expected a "
                         "mapping",
                         0) == 0);
        CHECK(error_of("variants:\n  - temperature: 3\n") ==
              ".draftsmith.yml:2:18: variants[1].temperature: 3 is out of range: use a number "
              "from 0 to 2");
        CHECK(error_of("variants: [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}]\n") ==
              ".draftsmith.yml:1:11: variants: 11 entries, but there are at most 10 variants");
        CHECK(error_of("prices:\n  m: {input: 1}\n") ==
              ".draftsmith.yml:2:3: prices.m: both input and output are required");
        CHECK(error_of("prices:\n  m: 3\n").find("prices.m: expected a mapping") !=
              std::string::npos);
        CHECK(error_of("prices: {m: {input: -1, output: 1}}\n")
                  .find("prices.m.input: -1 is out of range") != std::string::npos);
    }
}

TEST_CASE("config::parse_config, out-of-range values") {
    CHECK(error_of("max_variants: 11\n") ==
          ".draftsmith.yml:1:15: max_variants: 11 is out of range: use an integer from 1 to 10");
    CHECK(error_of("max_variants: 0\n").find("0 is out of range") != std::string::npos);
    CHECK(error_of("jobs: 65\n").find("jobs: 65 is out of range: use an integer from 0 to 64") !=
          std::string::npos);
    CHECK(error_of("temperature: 2.5\n").find("temperature: 2.5 is out of range") !=
          std::string::npos);
    CHECK(error_of("limits: {turns: 1001}\n").find("limits.turns: 1001 is out of range") !=
          std::string::npos);
    CHECK(error_of("budget: {cost_usd: 0}\n").find("budget.cost_usd: 0 is out of range") !=
          std::string::npos);
    CHECK(error_of("retries: {max_attempts: 0}\n").find("retries.max_attempts: 0 is out") !=
          std::string::npos);
    CHECK(error_of("max_variants: 99999999999999999999999\n").find("is out of range") !=
          std::string::npos);
}

TEST_CASE("config::parse_config, durations") {
    auto time_of = [](const std::string& text) {
        return parse("limits: {time: " + text + "}\n").limits.time.count();
    };
    CHECK(time_of("90") == 90);
    CHECK(time_of("30s") == 30);
    CHECK(time_of("5m") == 300);
    CHECK(time_of("1h") == 3600);
    CHECK(time_of("1h30m") == 5400);
    CHECK(time_of("'2m'") == 120);
    CHECK(error_of("limits: {time: 5x}\n") ==
          ".draftsmith.yml:1:16: limits.time: expected a duration such as 30s, 5m, 1h30m or a "
          "number of seconds, got '5x'");
    CHECK(error_of("limits: {time: 1h30}\n").find("expected a duration") != std::string::npos);
    CHECK(error_of("limits: {time: -5s}\n").find("expected a duration") != std::string::npos);
    CHECK(error_of("limits: {time: 0}\n") ==
          ".draftsmith.yml:1:16: limits.time: 0 is out of range: use 1s to 86400s");
    CHECK(error_of("limits: {time: 2d}\n").find("2d is out of range") != std::string::npos);
    CHECK(error_of("timeouts: {connect: 11m}\n").find("use 1s to 600s") != std::string::npos);
}

TEST_CASE("config::parse_config, templates") {
    SUBCASE("unknown placeholder") {
        CHECK(error_of("title_template: 'v{index}'\n") ==
              ".draftsmith.yml:1:17: title_template: unknown placeholder '{index}'; use {pr}, "
              "{comment}, {slug}, {i} or {n}");
        CHECK(error_of("branch_template: 'a/{slugg}/{i}'\n").find("(did you mean '{slug}'?)") !=
              std::string::npos);
    }
    SUBCASE("unbalanced braces") {
        CHECK(error_of("title_template: 'v{i'\n").find("unmatched '{' in 'v{i'") !=
              std::string::npos);
        CHECK(error_of("title_template: 'v}'\n").find("unmatched '}' in 'v}'") !=
              std::string::npos);
    }
    SUBCASE("a branch template needs {i}") {
        CHECK(error_of("branch_template: 'ai/{slug}'\n") ==
              ".draftsmith.yml:1:18: branch_template: 'ai/{slug}' has no {i}: every variant needs "
              "its own branch");
        CHECK(parse("title_template: 'no index'\n").title_template == "no index");
    }
    SUBCASE("a branch template must make a valid branch name") {
        CHECK(error_of("branch_template: 'a b/{i}'\n").find("is not a valid git branch name") !=
              std::string::npos);
        CHECK(error_of("branch_template: 'a..b/{i}'\n").find("is not a valid git branch name") !=
              std::string::npos);
    }
}

TEST_CASE("config::load_config, precedence: flags > environment > file > defaults") {
    Sources sources;
    sources.file_text = "model: from-file\njobs: 2\nmax_variants: 3\nallowed_users: [a]\n";
    SUBCASE("file over defaults") {
        const auto c = load_config(sources);
        CHECK(c.model == "from-file");
        CHECK(c.jobs == 2);
        CHECK(c.max_variants == 3);
    }
    SUBCASE("environment over file") {
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
    SUBCASE("flags over environment") {
        sources.environment = {{"DRAFTSMITH_MODEL", "from-env"}};
        sources.flags = {{"model", "from-flag"}, {"max-variants", "9"}, {"limits.turns", "3"}};
        const auto c = load_config(sources);
        CHECK(c.model == "from-flag");
        CHECK(c.max_variants == 9);
        CHECK(c.limits.turns == 3);
    }
    SUBCASE("the provider's defaults follow the winning provider") {
        sources.file_text = "provider: anthropic\n";
        sources.environment = {{"DRAFTSMITH_PROVIDER", "openai"}};
        const auto c = load_config(sources);
        CHECK(c.model == "gpt-4.1");
        CHECK(c.api_key_env == "OPENAI_API_KEY");
    }
    SUBCASE("an empty temperature variable unsets it") {
        sources.file_text = "temperature: 1\n";
        sources.environment = {{"DRAFTSMITH_TEMPERATURE", ""}};
        CHECK_FALSE(load_config(sources).temperature.has_value());
    }
    SUBCASE("errors name the variable or the flag") {
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
    SUBCASE("a file error names the file given") {
        sources.file_name = "main:.draftsmith.yml";
        sources.file_text = "jobs: x\n";
        CHECK(error_of(sources).rfind("main:.draftsmith.yml:1:7: jobs:", 0) == 0);
    }
}

TEST_CASE("config::Config::is_protected") {
    auto config = load_config({});
    CHECK(config.is_protected(".github/workflows/ci.yml"));
    CHECK(config.is_protected("azure-pipelines.yml"));
    CHECK(config.is_protected(".draftsmith.yml"));
    CHECK(config.is_protected(".gitignore"));
    CHECK_FALSE(config.is_protected("src/app.css"));
    SUBCASE("allow_protected lifts it") {
        config = parse("allow_protected: true\n");
        CHECK_FALSE(config.is_protected(".github/workflows/ci.yml"));
    }
    SUBCASE("setting the key replaces the list") {
        config = parse("protected_paths: [deploy/**]\n");
        CHECK(config.is_protected("deploy/prod.yml"));
        CHECK_FALSE(config.is_protected(".gitignore"));
    }
}

TEST_CASE("config::environment_name") {
    CHECK(environment_name("model") == "DRAFTSMITH_MODEL");
    CHECK(environment_name("max_variants") == "DRAFTSMITH_MAX_VARIANTS");
    CHECK(environment_name("limits.cost_usd") == "DRAFTSMITH_LIMITS_COST_USD");
    CHECK(environment_name("variants").empty());
    CHECK(environment_name("prices").empty());
    CHECK(environment_name("nope").empty());
}

TEST_CASE("config::to_json, every key appears once") {
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

TEST_CASE("config, the manual documents every key and variable") {
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

TEST_CASE("config::parse_config, hostile and broken files") {
    SUBCASE("bytes that are not UTF-8: the file, line and column") {
        CHECK(error_of("model: gpt-4.1\ncommit:\n  name: caf\xE9\n") ==
              ".draftsmith.yml:3:12: not valid UTF-8: the configuration must be UTF-8 text");
    }
    SUBCASE("a second YAML document is refused, not ignored") {
        CHECK(error_of("model: a\n---\nallow_protected: true\n") ==
              ".draftsmith.yml:3:1: a second YAML document ('---'): the configuration is one "
              "document; merge them or remove the '---' line");
        CHECK(error_of("model: a\n---\n").find("a second YAML document") != std::string::npos);
        CHECK(parse("---\nmodel: a\n").model == "a"); // one document, marked
    }
    SUBCASE("a file larger than the limit") {
        CHECK(error_of("# " + std::string(1024 * 1024, 'x') + "\n") ==
              ".draftsmith.yml: larger than 1 MiB, the most a configuration file may hold (see "
              "LIMITS in man draftsmith)");
    }
    SUBCASE("a list longer than the limit") {
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
    SUBCASE("control characters YAML does not allow are refused before yaml-cpp reads them") {
        // yaml-cpp 0.7 looped forever on this shape (found by fuzz.config).
        CHECK(error_of("# a config\n  turns: 3\x12\x12\x12" "0\n") ==
              ".draftsmith.yml:2:11: a control character (0x12), which YAML does not allow; "
              "remove it");
        CHECK(error_of(std::string("model: a\0b\n", 12)).find("(0x00)") != std::string::npos);
        CHECK(parse("model: a\t# tab is fine\r\n").model == "a");
    }
        SUBCASE("YAML on which yaml-cpp never finishes is refused, not waited for") {
        // yaml-cpp 0.7 loops forever on this (found by fuzz.config).
        CHECK(error_of("# Ato  3\n,imits:\n  turns: 30\n\n") ==
              ".draftsmith.yml: the YAML parser did not finish within 3 s on this file; it is "
              "not valid YAML there (check lines starting with ',' or other indicators)");
    }
        SUBCASE("deeply nested YAML is refused before yaml-cpp reads it") {
        // yaml-cpp takes seconds on a few thousand closed levels (found by fuzz.config).
        const std::string expected = ".draftsmith.yml: lists or mappings nested deeper than 64 "
                                     "levels (see LIMITS in man draftsmith)";
        CHECK(error_of("model: " + std::string(50'000, '[') + "\n") == expected);
        CHECK(error_of("allowed_users: " + std::string(5'000, '[') + std::string(5'000, ']') +
                       "\n") == expected);
        CHECK(parse("allowed_users: [a, b]\n").allowed_users.size() == 2);
    }
    SUBCASE("values from the environment and flags must be UTF-8 too") {
        Sources sources;
        sources.environment["DRAFTSMITH_MODEL"] = "gpt\xFF";
        CHECK(error_of(sources) == "DRAFTSMITH_MODEL: model: the value is not valid UTF-8");
        Sources flags;
        flags.flags["title-template"] = "v{i} \xC3";
        CHECK(error_of(flags) == "--title-template: title_template: the value is not valid UTF-8");
    }
}

TEST_CASE("config::parse_config, templates are checked as they will be used") {
    SUBCASE("a title template that gives an empty title") {
        CHECK(error_of("title_template: '  '\n") ==
              ".draftsmith.yml:1:17: title_template: '  ' gives an empty title, which hosts "
              "refuse; write some text, e.g. 'AI Edit v{i}: {slug}'");
        CHECK(error_of("title_template: ''\n").find("gives an empty title") != std::string::npos);
    }
    SUBCASE("control characters") {
        CHECK(error_of("title_template: \"v{i}\\nsecond line\"\n") ==
              ".draftsmith.yml:1:17: title_template: control characters (a line break, a tab) "
              "are not allowed");
    }
    SUBCASE("a branch template git would refuse once rendered") {
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
