#include "draftsmith/llm/cost.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/llm/replay.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <thread>

#include "support/temp_dir.hpp"

using nlohmann::json;
namespace llm = draftsmith::llm;
using draftsmith::test::TempDir;
using draftsmith::test::write_file;

namespace {

llm::Usage usage(std::int64_t input, std::int64_t output, std::int64_t write = 0,
                 std::int64_t read = 0)
{
    llm::Usage u;
    u.input_tokens = input;
    u.output_tokens = output;
    u.cache_creation_input_tokens = write;
    u.cache_read_input_tokens = read;
    return u;
}

// A provider that answers every call with the same usage.
class Constant final : public llm::Provider {
public:
    explicit Constant(llm::Usage u)
        : m_usage(u)
    {
    }
    llm::Response complete(const llm::Conversation&, const llm::Tools&,
                           const llm::Options& options) override
    {
        llm::Response response;
        response.usage = m_usage;
        response.model = options.model;
        return response;
    }
    std::string name() const override { return "constant"; }

private:
    llm::Usage m_usage;
};

llm::Options call(int variant, const std::string& model = "claude-sonnet-4-5-20250929")
{
    llm::Options options;
    options.variant = variant;
    options.model = model;
    return options;
}

} // namespace

TEST_CASE("llm::PriceTable, longest prefix and cost")
{
    auto table = llm::PriceTable::defaults();
    SUBCASE("dated model names use their family's row")
    {
        REQUIRE(table.find("claude-sonnet-4-5-20250929"));
        CHECK(table.find("claude-sonnet-4-5-20250929")->input == 3.0);
        CHECK(table.find("claude-opus-4-5-20251101")->input == 5.0);
        CHECK(table.find("claude-opus-4-1-20250805")->input == 15.0);
        CHECK(table.find("gpt-4o-mini-2024-07-18")->input == 0.15);
        CHECK(table.find("gpt-4o-2024-08-06")->input == 2.50);
        CHECK_FALSE(table.find("llama3.1:8b"));
    }
    SUBCASE("cost counts every kind of token at its price")
    {
        // 1M input at $3, 0.1M output at $15, 1M cache write at $3.75, 1M read at $0.30
        CHECK(
            table.cost_usd("claude-sonnet-4-5", usage(1'000'000, 100'000, 1'000'000, 1'000'000)) ==
            doctest::Approx(3.0 + 1.5 + 3.75 + 0.30));
        CHECK(table.cost_usd("unknown-model", usage(1'000'000, 1'000'000)) == 0);
    }
    SUBCASE("configuration overrides and adds rows")
    {
        table.set("claude-sonnet-4", {1, 2, 3, 4});
        table.set("llama", {0.1, 0.1, 0, 0});
        CHECK(table.cost_usd("claude-sonnet-4-5", usage(1'000'000, 0)) == doctest::Approx(1.0));
        CHECK(table.cost_usd("llama3.1:8b", usage(1'000'000, 0)) == doctest::Approx(0.1));
    }
    CHECK(llm::format_cost(0.01234) == "$0.0123");
    CHECK(llm::format_cost(12.5) == "$12.50");
}

TEST_CASE("llm::Meter, totals per variant and run, budgets")
{
    SUBCASE("totals")
    {
        auto meter = std::make_shared<llm::Meter>(llm::PriceTable::defaults(), llm::BudgetLimits{});
        auto provider = llm::metered(std::make_unique<Constant>(usage(1000, 100)), meter);
        const auto response = provider->complete({}, {}, call(1));
        CHECK(response.cost_usd == doctest::Approx((1000 * 3.0 + 100 * 15.0) / 1e6));
        provider->complete({}, {}, call(1));
        provider->complete({}, {}, call(2));
        CHECK(meter->variant_total(1).calls == 2);
        CHECK(meter->variant_total(1).usage.input_tokens == 2000);
        CHECK(meter->variant_total(2).calls == 1);
        CHECK(meter->variant_total(7).calls == 0);
        CHECK(meter->run_total().calls == 3);
        CHECK(meter->run_total().cost_usd == doctest::Approx(3 * response.cost_usd));
    }
    SUBCASE("the token budget ends the next call, naming the budget")
    {
        auto meter = std::make_shared<llm::Meter>(
            llm::PriceTable::defaults(), llm::BudgetLimits{std::int64_t{2000}, std::nullopt});
        auto provider = llm::metered(std::make_unique<Constant>(usage(1000, 100)), meter);
        provider->complete({}, {}, call(1));
        provider->complete({}, {}, call(2));
        try {
            provider->complete({}, {}, call(3));
            FAIL("no error");
        } catch (const llm::ProviderError& e) {
            CHECK(e.kind() == llm::FailureKind::budget);
            CHECK(std::string(e.what()) ==
                  "the run's token budget of 2000 tokens is spent (2200 used)");
        }
    }
    SUBCASE("the money budget")
    {
        auto meter = std::make_shared<llm::Meter>(llm::PriceTable::defaults(),
                                                  llm::BudgetLimits{std::nullopt, 0.01});
        auto provider = llm::metered(std::make_unique<Constant>(usage(10'000, 0)), meter);
        provider->complete({}, {}, call(1)); // $0.03
        CHECK_THROWS_WITH_AS(provider->complete({}, {}, call(1)),
                             "the run's cost budget of $0.0100 is spent ($0.0300 used)",
                             llm::ProviderError);
    }
    SUBCASE("shared by parallel variants")
    {
        auto meter = std::make_shared<llm::Meter>(llm::PriceTable::defaults(), llm::BudgetLimits{});
        auto provider = llm::metered(std::make_unique<Constant>(usage(10, 1)), meter);
        std::vector<std::thread> threads;
        for (int variant = 1; variant <= 4; ++variant) {
            threads.emplace_back([&, variant] {
                for (int i = 0; i < 250; ++i) {
                    provider->complete({}, {}, call(variant));
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        CHECK(meter->run_total().calls == 1000);
        CHECK(meter->run_total().usage.total() == 11'000);
        CHECK(meter->variant_total(3).calls == 250);
    }
}

TEST_CASE("llm::replay, reading recordings")
{
    TempDir dir;
    SUBCASE("answers by variant and turn")
    {
        llm::Response response;
        response.message.role = llm::Role::assistant;
        response.message.content = {llm::Text{"I'll edit it."},
                                    llm::ToolCall{"t1", "str_replace", {{"path", "a.css"}}}};
        response.stop_reason = llm::StopReason::tool_use;
        response.usage = usage(5, 6, 7, 8);
        response.model = "claude-sonnet-4-5";
        const json line = {{"variant", 1}, {"turn", 0}, {"response", llm::to_json(response)}};
        write_file(dir / "r.jsonl", line.dump() + "\n\n");
        auto replay = llm::make_replay_provider(dir / "r.jsonl");
        llm::Options first;
        const auto again = replay->complete({}, {}, first);
        CHECK(llm::to_json(again) == llm::to_json(response));
        CHECK(again.tool_calls()[0].input == json{{"path", "a.css"}});
    }
    SUBCASE("a broken line is an input error with its line number")
    {
        write_file(dir / "bad.jsonl", "{\"variant\":1,\"turn\":0,\"response\":{\"content\":[],"
                                      "\"stop_reason\":\"end_turn\"}}\n{oops\n");
        CHECK_THROWS_WITH_AS(
            llm::make_replay_provider(dir / "bad.jsonl"),
            doctest::Contains(((dir / "bad.jsonl").string() + ":2: not a recorded answer").c_str()),
            draftsmith::Error);
    }
    SUBCASE("a missing file")
    {
        CHECK_THROWS_WITH_AS(
            llm::make_replay_provider(dir / "none.jsonl"),
            ((dir / "none.jsonl").string() + ": cannot read the recording").c_str(),
            draftsmith::Error);
    }
    SUBCASE("a folder, an endless file, a line nested too deep")
    {
        CHECK_THROWS_WITH_AS(
            llm::make_replay_provider(dir.path()),
            (dir.path().string() + ": cannot read the recording: it is a folder").c_str(),
            draftsmith::Error);
        CHECK_THROWS_WITH_AS(llm::make_replay_provider("/dev/zero"),
                             "/dev/zero:1: the line is larger than 16 MiB, the most one recorded "
                             "answer may hold (see LIMITS in man draftsmith)",
                             draftsmith::Error);
        write_file(dir / "deep.jsonl", std::string(50'000, '[') + "\n");
        CHECK_THROWS_WITH_AS(llm::make_replay_provider(dir / "deep.jsonl"),
                             ((dir / "deep.jsonl").string() +
                              ":1: not a recorded answer: nested deeper than 256 levels")
                                 .c_str(),
                             draftsmith::Error);
    }
}

TEST_CASE("llm::make_provider, configuration")
{
    llm::ProviderOptions options;
    SUBCASE("keys come from the provider's variable or a named one")
    {
        std::map<std::string, std::string> env = {
            {"DRAFTSMITH_TEST_KEY", "sk-from-a-named-variable"}};
        const llm::VariableLookup lookup = [&env](const char* name) -> std::optional<std::string> {
            const auto found = env.find(name);
            return found == env.end() ? std::nullopt : std::optional<std::string>(found->second);
        };
        options.kind = llm::ProviderKind::anthropic;
        CHECK(llm::api_key_from_environment(options, "DRAFTSMITH_TEST_KEY", lookup).reveal() ==
              "sk-from-a-named-variable");
        CHECK(draftsmith::redacted("x sk-from-a-named-variable") == "x ***");
        env.clear();
        options.kind = llm::ProviderKind::azure_openai;
        CHECK_THROWS_WITH_AS(llm::api_key_from_environment(options, {}, lookup),
                             "no API key for azure-openai: set the environment variable "
                             "AZURE_OPENAI_API_KEY (or name another variable holding the key in "
                             "the configuration)",
                             draftsmith::Error);
    }
    SUBCASE("a compatible server needs no key")
    {
        options.kind = llm::ProviderKind::openai;
        options.base_url = "http://localhost:8000/v1";
        CHECK(llm::api_key_from_environment(options, {}, [](const char*) {
                  return std::optional<std::string>();
              }).empty());
    }
    SUBCASE("impossible combinations are config errors")
    {
        options.kind = llm::ProviderKind::azure_openai;
        options.model = "gpt-4.1";
        CHECK_THROWS_WITH_AS(llm::make_provider(options, nullptr),
                             doctest::Contains("azure-openai needs the resource's base URL"),
                             draftsmith::Error);
        options.kind = llm::ProviderKind::replay;
        CHECK_THROWS_WITH_AS(llm::make_provider(options, nullptr),
                             "the replay provider needs a recording: give --replay FILE",
                             draftsmith::Error);
        options.kind = llm::ProviderKind::anthropic;
        options.model.clear();
        CHECK_THROWS_WITH_AS(llm::make_provider(options, nullptr),
                             "no model given for anthropic: set one with --model",
                             draftsmith::Error);
    }
    SUBCASE("names")
    {
        CHECK(llm::parse_provider_kind("azure") == llm::ProviderKind::azure_openai);
        CHECK_FALSE(llm::parse_provider_kind("gemini"));
        CHECK(std::string(llm::to_string(llm::ProviderKind::azure_openai)) == "azure-openai");
        CHECK(llm::default_api_key_variable(llm::ProviderKind::openai) == "OPENAI_API_KEY");
    }
}
