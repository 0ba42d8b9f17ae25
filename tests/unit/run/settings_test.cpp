// run/'s settings are internal (src/run/settings.hpp); tested through their header.
#include "draftsmith/util/error.hpp"

#include <doctest/doctest.h>

#include "../../../src/run/settings.hpp"

using namespace draftsmith;

TEST_CASE("run::settings, templates name the variant's branch and title")
{
    run::TemplateValues values{"12", "345", "make-buttons-red", 2, 3};
    CHECK(run::render_template("draftsmith/pr-{pr}/{comment}-{slug}/v{i}", values) ==
          "draftsmith/pr-12/345-make-buttons-red/v2");
    CHECK(run::render_template("v{i} of {n}: {slug} {unknown}", values) ==
          "v2 of 3: make-buttons-red {unknown}");
    config::Config config;
    CHECK(run::variant_branch_name(config, values) == "draftsmith/pr-12/345-make-buttons-red/v2");
}

TEST_CASE("run::settings, a branch template must tell variants apart and make branch names")
{
    run::TemplateValues values{"12", "345", "slug", 1, 2};
    config::Config config;
    config.branch_template = "draftsmith/{pr}";
    CHECK_THROWS_WITH_AS(run::variant_branch_name(config, values), doctest::Contains("has no {i}"),
                         Error);
    for (const char* bad : {"draftsmith/{i}..x", "draftsmith /{i}", "-x/{i}", "x/{i}.lock",
                            "x/{i}/", "x:{i}", "x/.{i}"}) {
        config.branch_template = bad;
        CAPTURE(bad);
        CHECK_THROWS_WITH_AS(run::variant_branch_name(config, values),
                             doctest::Contains("not a valid git branch name"), Error);
    }
}

TEST_CASE("run::settings, the configuration reaches the provider and the HTTP client")
{
    config::Config config;
    config.provider = config::Provider::replay;
    config.replay = "answers.jsonl";
    config.max_output_tokens = 1234;
    config.timeouts.connect = std::chrono::seconds(3);
    config.retries.max_attempts = 2;
    auto variant = config.variant(1);
    variant.temperature = 0.5;
    const auto provider = run::provider_options(config, variant, trigger::Environment{});
    CHECK(provider.kind == llm::ProviderKind::replay);
    CHECK(provider.replay_file == "answers.jsonl");
    CHECK(provider.max_output_tokens == 1234);
    CHECK(provider.temperature == doctest::Approx(0.5));
    CHECK(provider.api_key.empty());
    CHECK(provider.stream_retries == 1); // retries.max_attempts bounds broken streams too

    auto budget = std::make_shared<net::RetryBudget>(7);
    const auto http = run::http_options(config, budget);
    CHECK(http.connect_timeout == std::chrono::seconds(3));
    CHECK(http.retry.max_attempts == 2);
    CHECK(http.retry.budget == budget);
}

TEST_CASE("run::settings, configured prices override the built-in table")
{
    config::Config config;
    config.prices["my-finetune"] = config::Price{3, 15, std::nullopt, 0.3};
    const auto table = run::price_table(config);
    const auto price = table.find("my-finetune-v2");
    REQUIRE(price);
    CHECK(price->input == doctest::Approx(3));
    CHECK(price->cache_read == doctest::Approx(0.3));
    CHECK(price->cache_write == doctest::Approx(3.75));
    CHECK(table.find("claude-sonnet-4-5"));
}
