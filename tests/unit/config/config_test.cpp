// config::parse_config: defaults, every key, and each kind of wrong input.
#include "config_test_support.hpp"

using namespace config_test_support;

TEST_CASE("config::parse_config, defaults")
{
    SUBCASE("no file, an empty file and a comment-only file give the defaults")
    {
        const auto expected = to_json(load_config({})).dump();
        CHECK(to_json(parse("")).dump() == expected);
        CHECK(to_json(parse("# nothing yet\n")).dump() == expected);
    }
    SUBCASE("the documented values")
    {
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
        CHECK(c.protected_paths ==
              std::vector<std::string>{".github/workflows/**", "azure-pipelines*.yml",
                                       "azure-pipelines*.yaml", ".azure-pipelines/**",
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

TEST_CASE("config::parse_config, every key")
{
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

    SUBCASE("variant settings inherit or bring their provider's defaults")
    {
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

TEST_CASE("config::parse_config, provider defaults follow the provider")
{
    SUBCASE("openai")
    {
        const auto c = parse("provider: openai\n");
        CHECK(c.model == "gpt-4.1");
        CHECK(c.base_url == "https://api.openai.com/v1");
        CHECK(c.api_key_env == "OPENAI_API_KEY");
    }
    SUBCASE("azure-openai")
    {
        const auto c = parse("provider: azure-openai\n");
        CHECK(c.model.empty());
        CHECK(c.api_key_env == "AZURE_OPENAI_API_KEY");
    }
    SUBCASE("replay sends no key")
    {
        CHECK(parse("provider: replay\n").api_key_env.empty());
    }
    SUBCASE("an explicit empty key variable stays empty (a local server without a key)")
    {
        CHECK(parse("provider: openai\napi_key_env: ''\n").api_key_env.empty());
    }
}

TEST_CASE("config::parse_config, unknown keys")
{
    SUBCASE("near miss at the top")
    {
        CHECK(error_of("provider: openai\nmodle: x\n") ==
              ".draftsmith.yml:2:1: unknown key 'modle' (did you mean 'model'?)");
    }
    SUBCASE("no near miss lists the known keys")
    {
        CHECK(error_of("colour: red\n")
                  .rfind(".draftsmith.yml:1:1: unknown key 'colour'; known keys here: provider, "
                         "model, base_url,",
                         0) == 0);
    }
    SUBCASE("inside a section")
    {
        CHECK(error_of("limits:\n  turn: 3\n") ==
              ".draftsmith.yml:2:3: unknown key 'turn' (did you mean 'turns'?)");
        CHECK(error_of("timeouts:\n  total: 3\n") ==
              ".draftsmith.yml:2:3: unknown key 'total'; known keys here: connect, request, idle");
    }
    SUBCASE("inside a variant")
    {
        CHECK(error_of("variants:\n  - modell: x\n") ==
              ".draftsmith.yml:2:5: unknown key 'modell' (did you mean 'model'?)");
    }
    SUBCASE("inside a price")
    {
        CHECK(error_of("prices:\n  m: {input: 1, output: 2, cached: 3}\n") ==
              ".draftsmith.yml:2:28: unknown key 'cached'; known keys here: input, output, "
              "cache_write, cache_read");
    }
    SUBCASE("a dotted key is not a shortcut")
    {
        CHECK(error_of("limits.turns: 3\n")
                  .rfind(".draftsmith.yml:1:1: unknown key 'limits.turns'", 0) == 0);
    }
}

TEST_CASE("config::parse_config, the document's shape")
{
    SUBCASE("not a mapping")
    {
        CHECK(error_of("- model\n") == ".draftsmith.yml:1:1: the configuration must be a mapping "
                                       "of keys to values, not a list");
        CHECK(error_of("just text\n") == ".draftsmith.yml:1:1: the configuration must be a "
                                         "mapping of keys to values, not 'just text'");
    }
    SUBCASE("invalid YAML")
    {
        CHECK(error_of("model: [a\nmode: tools\n")
                  .rfind(".draftsmith.yml:2:5: invalid YAML: end of sequence flow not found", 0) ==
              0);
        CHECK(error_of("model: x\n  bad: indentation\n").find("invalid YAML") != std::string::npos);
    }
    SUBCASE("duplicate keys")
    {
        CHECK(error_of("model: a\njobs: 1\nmodel: b\n") ==
              ".draftsmith.yml:3:1: duplicate key 'model' (first at line 1)");
        CHECK(error_of("limits:\n  turns: 1\n  turns: 2\n") ==
              ".draftsmith.yml:3:3: duplicate key 'turns' (first at line 2)");
    }
    SUBCASE("a section that is not a mapping")
    {
        CHECK(error_of("limits: 5\n") == ".draftsmith.yml:1:9: limits: expected a mapping of "
                                         "turns, tokens, cost_usd, time, got '5'");
        CHECK(error_of("commit:\n") == ".draftsmith.yml:1:1: commit: expected a mapping of name, "
                                       "email, got no value");
    }
    SUBCASE("keys that are not names")
    {
        CHECK(error_of("? [a, b]\n: 1\n") == ".draftsmith.yml:1:3: keys must be plain names");
    }
}

TEST_CASE("config::parse_config, wrong types")
{
    SUBCASE("string")
    {
        CHECK(error_of("model:\n") ==
              ".draftsmith.yml:1:1: model: expected a string, got no value");
        CHECK(error_of("model: [a]\n") ==
              ".draftsmith.yml:1:8: model: expected a string, got a list");
    }
    SUBCASE("integer")
    {
        CHECK(error_of("max_variants: five\n") == ".draftsmith.yml:1:15: max_variants: expected "
                                                  "an integer from 1 to 10, got 'five'");
        CHECK(error_of("max_variants: 2.5\n").find("expected an integer") != std::string::npos);
        CHECK(error_of("max_variants: '3'\n").find("expected an integer") != std::string::npos);
        CHECK(error_of("limits: {tokens: -1}\n") ==
              ".draftsmith.yml:1:18: limits.tokens: -1 is out of range: use an integer at least 1");
    }
    SUBCASE("number")
    {
        CHECK(error_of("temperature: hot\n") == ".draftsmith.yml:1:14: temperature: expected a "
                                                "number from 0 to 2, got 'hot'");
        CHECK(error_of("temperature: .nan\n").find("expected a number") != std::string::npos);
        CHECK_FALSE(parse("temperature: null\n").temperature.has_value());
    }
    SUBCASE("boolean")
    {
        CHECK(error_of("allow_protected: maybe\n") ==
              ".draftsmith.yml:1:18: allow_protected: expected true or false, got 'maybe'");
        CHECK(error_of("allow_protected: 'true'\n").find("expected true or false") !=
              std::string::npos);
        CHECK(error_of("allow_protected: 1\n").find("expected true or false") != std::string::npos);
        CHECK(parse("allow_protected: yes\n").allow_protected);
    }
    SUBCASE("choice")
    {
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
    SUBCASE("list")
    {
        CHECK(error_of("allowed_users: alice\n") == ".draftsmith.yml:1:16: allowed_users: "
                                                    "expected a list, e.g. [a, b], got 'alice'");
        CHECK(error_of("allowed_users: [alice, [bob]]\n") ==
              ".draftsmith.yml:1:24: allowed_users: expected a string, got a list");
    }
    SUBCASE("regular expressions")
    {
        CHECK(error_of("secrets:\n  extra_patterns: ['ok', '(unclosed']\n")
                  .rfind(".draftsmith.yml:2:26: secrets.extra_patterns: '(unclosed' is not a "
                         "valid regular expression",
                         0) == 0);
    }
    SUBCASE("variants and prices")
    {
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

TEST_CASE("config::parse_config, out-of-range values")
{
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

TEST_CASE("config::parse_config, durations")
{
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

TEST_CASE("config::parse_config, templates")
{
    SUBCASE("unknown placeholder")
    {
        CHECK(error_of("title_template: 'v{index}'\n") ==
              ".draftsmith.yml:1:17: title_template: unknown placeholder '{index}'; use {pr}, "
              "{comment}, {slug}, {i} or {n}");
        CHECK(error_of("branch_template: 'a/{slugg}/{i}'\n").find("(did you mean '{slug}'?)") !=
              std::string::npos);
    }
    SUBCASE("unbalanced braces")
    {
        CHECK(error_of("title_template: 'v{i'\n").find("unmatched '{' in 'v{i'") !=
              std::string::npos);
        CHECK(error_of("title_template: 'v}'\n").find("unmatched '}' in 'v}'") !=
              std::string::npos);
    }
    SUBCASE("a branch template needs {i}")
    {
        CHECK(error_of("branch_template: 'ai/{slug}'\n") ==
              ".draftsmith.yml:1:18: branch_template: 'ai/{slug}' has no {i}: every variant needs "
              "its own branch");
        CHECK(parse("title_template: 'no index'\n").title_template == "no index");
    }
    SUBCASE("a branch template must make a valid branch name")
    {
        CHECK(error_of("branch_template: 'a b/{i}'\n").find("is not a valid git branch name") !=
              std::string::npos);
        CHECK(error_of("branch_template: 'a..b/{i}'\n").find("is not a valid git branch name") !=
              std::string::npos);
    }
}
