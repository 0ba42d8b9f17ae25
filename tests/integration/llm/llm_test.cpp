// llm/ providers against the fake LLM service (tests/fakes/llm/fake_llm.py),
// a real process on 127.0.0.1, through the real libcurl client: wire
// formats, streaming, stop reasons, errors, retries, prompt caching across
// variants, recording and replay, budgets, and that no key is ever shown.
#include "llm_test_support.hpp"

using namespace llm_test_support;

TEST_CASE("llm::openai, OpenAI, Azure OpenAI and compatible servers")
{
    FakeLlm fake;
    for (bool stream : {false, true}) {
        CAPTURE(stream);
        SUBCASE("tool calls, bearer key, usage with cached tokens")
        {
            auto provider = fake.provider(llm::ProviderKind::openai, stream);
            fake.script(json::array({k_two_calls, k_two_calls}));
            const auto response = provider->complete(conversation(), tools(), {});
            CHECK(response.stop_reason == llm::StopReason::tool_use);
            CHECK(response.stop_detail == "tool_calls");
            CHECK(response.text() == "I will read both files.");
            REQUIRE(response.tool_calls().size() == 2);
            CHECK(response.tool_calls()[1].input == json{{"path", "src/index.html"}});
            CHECK(response.usage.input_tokens > 0);
            CHECK(response.usage.cache_read_input_tokens == 0);
            // The same prefix again: the fake reports it as cached.
            const auto again = provider->complete(conversation("other"), tools(), {});
            CHECK(again.usage.cache_read_input_tokens > 0);

            const auto request = fake.requests().at(0);
            CHECK(request["path"] == "/v1/chat/completions");
            CHECK(request["headers"]["authorization"] == "Bearer " + k_key);
            const auto body = json::parse(request["body"].get<std::string>());
            CHECK(body["messages"][0] ==
                  json{{"role", "system"}, {"content", conversation().system}});
            CHECK(body["tools"][0]["type"] == "function");
            CHECK(body["tools"][0]["function"]["name"] == "read_file");
            CHECK(body["tool_choice"] == "auto");
            if (stream) {
                CHECK(body["stream_options"] == json{{"include_usage", true}});
            }
        }
        SUBCASE("finish_reason mapping")
        {
            auto provider = fake.provider(llm::ProviderKind::openai, stream);
            const std::vector<std::pair<std::string, llm::StopReason>> reasons = {
                {"stop", llm::StopReason::end_turn},
                {"length", llm::StopReason::max_tokens},
                {"content_filter", llm::StopReason::refusal},
                {"tool_calls", llm::StopReason::tool_use}};
            json steps = json::array();
            for (const auto& [name, reason] : reasons) {
                steps.push_back(reply({{"text", "x"}, {"finish_reason", name}}));
            }
            steps.push_back(
                reply({{"refusal", "I can't help with that."}, {"finish_reason", "stop"}}));
            fake.script(steps);
            for (const auto& [name, reason] : reasons) {
                const std::string& stop =
                    name; // Clang 14: no structured binding in CAPTURE's lambda
                CAPTURE(stop);
                CHECK(provider->complete(conversation(), tools(), {}).stop_reason == reason);
            }
            const auto refused = provider->complete(conversation(), tools(), {});
            CHECK(refused.stop_reason == llm::StopReason::refusal);
            CHECK(refused.text() == "I can't help with that.");
        }
    }
    SUBCASE("Azure OpenAI: deployment URL, api-version, api-key header")
    {
        auto options = fake.options(llm::ProviderKind::azure_openai, true);
        options.base_url = fake.base;
        options.azure_deployment = "my-gpt";
        options.api_key_variable = "AZURE_OPENAI_API_KEY";
        auto provider = llm::make_provider(options, fake.http);
        fake.script(json::array({reply({{"text", "hello"}})}));
        CHECK(provider->complete(conversation(), tools(), {}).text() == "hello");
        const auto request = fake.requests().at(0);
        CHECK(request["path"] == "/openai/deployments/my-gpt/chat/completions");
        CHECK(request["query"] == "api-version=2024-10-21");
        CHECK(request["headers"]["api-key"] == k_key);
        CHECK_FALSE(request["headers"].contains("authorization"));
        CHECK(provider->name() == "azure-openai");
    }
    SUBCASE("a compatible server without a key gets no Authorization header")
    {
        auto options = fake.options(llm::ProviderKind::openai, false);
        options.api_key = draftsmith::Secret();
        auto provider = llm::make_provider(options, fake.http);
        fake.script(json::array({reply({{"text", "local"}})}), nullptr, {{"open", true}});
        CHECK(provider->complete(conversation(), tools(), {}).text() == "local");
        const auto request = fake.requests().at(0);
        CHECK_FALSE(request["headers"].contains("authorization"));
        CHECK(json::parse(request["body"].get<std::string>())["max_tokens"] == 1024);
    }
    SUBCASE("errors: rate limit retried, a wrong key explained")
    {
        auto provider = fake.provider(llm::ProviderKind::openai, true);
        fake.script(json::array({{{"error", "rate_limit"}, {"headers", {{"Retry-After", "1"}}}},
                                 reply({{"text", "ok"}})}));
        CHECK(provider->complete(conversation(), tools(), {}).text() == "ok");
        CHECK(fake.waits == std::vector<std::chrono::milliseconds>{1000ms});
        fake.script(json::array({reply({{"text", "ok"}})}), nullptr, {{"key", "other"}});
        CHECK_THROWS_WITH_AS(provider->complete(conversation(), tools(), {}),
                             "openai: invalid_api_key (HTTP 401): Incorrect API key provided.; "
                             "check the API key in OPENAI_API_KEY",
                             llm::ProviderError);
    }
    SUBCASE("stream faults: an error chunk and a cut stream are sent again")
    {
        auto provider = fake.provider(llm::ProviderKind::openai, true);
        fake.script(json::array({{{"fault", "error_event"}},
                                 {{"fault", "cut_stream"}},
                                 reply({{"text", "third time"}})}));
        CHECK(provider->complete(conversation(), tools(), {}).text() == "third time");
        CHECK(fake.requests().size() == 3);
    }
}

TEST_CASE("llm::replay, recorded answers and the recorder")
{
    FakeLlm fake;
    const auto recording = fake.dir / "recording.jsonl";
    auto options = fake.options(llm::ProviderKind::anthropic, true);
    options.record_file = recording;
    auto recorder = llm::make_provider(options, fake.http);
    fake.script(json::array({k_two_calls, reply({{"text", "Done."}})}));
    const auto turn0 = recorder->complete(conversation(), tools(), at(2, 0));
    const auto turn1 = recorder->complete(conversation(), tools(), at(2, 1));

    std::ifstream in(recording);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().find(k_key) == std::string::npos);
    CHECK(text.str().find("\"variant\":2") != std::string::npos);

    llm::ProviderOptions replay_options;
    replay_options.kind = llm::ProviderKind::replay;
    replay_options.replay_file = recording;
    auto replay = llm::make_provider(replay_options, nullptr);
    const auto again0 = replay->complete({}, {}, at(2, 0));
    CHECK(again0.tool_calls().size() == 2);
    CHECK(again0.tool_calls()[0].id == turn0.tool_calls()[0].id);
    CHECK(again0.usage.cache_creation_input_tokens == turn0.usage.cache_creation_input_tokens);
    CHECK(replay->complete({}, {}, at(2, 1)).text() == turn1.text());
    try {
        replay->complete({}, {}, at(1, 0));
        FAIL("no error");
    } catch (const llm::ProviderError& e) {
        CHECK(e.kind() == llm::FailureKind::no_recording);
        CHECK(std::string(e.what()) == "replay: " + recording.string() +
                                           " has no answer for variant 1, turn 0 (it has "
                                           "variants: 2); record one with --record");
    }
}

TEST_CASE("llm::metered, costs and the run's budgets")
{
    FakeLlm fake;
    auto meter = std::make_shared<llm::Meter>(llm::PriceTable::defaults(),
                                              llm::BudgetLimits{std::int64_t{1}, std::nullopt});
    auto provider = llm::metered(fake.provider(llm::ProviderKind::anthropic, true), meter);
    fake.script(json::array(), reply({{"text", "ok"}}));
    const auto first = provider->complete(conversation(), tools(), at(3, 0));
    CHECK(first.cost_usd > 0);
    CHECK(meter->variant_total(3).calls == 1);
    CHECK(meter->run_total().cost_usd == doctest::Approx(first.cost_usd));
    const auto used = meter->run_total().usage.total();
    CHECK_THROWS_WITH_AS(
        provider->complete(conversation(), tools(), at(4, 0)),
        ("the run's token budget of 1 tokens is spent (" + std::to_string(used) + " used)").c_str(),
        llm::ProviderError);
    CHECK(fake.requests().size() == 1);
}

TEST_CASE("llm, the key never appears in errors or logs")
{
    FakeLlm fake;
    std::vector<std::string> lines;
    std::mutex lines_mutex;
    dlog::set_sink([&](std::string_view line) {
        std::lock_guard lock(lines_mutex);
        lines.emplace_back(line);
    });
    dlog::configure(dlog::Level::trace, dlog::Format::text, dlog::Color::never);
    std::vector<std::string> messages;
    for (auto kind : {llm::ProviderKind::anthropic, llm::ProviderKind::openai}) {
        auto provider = fake.provider(kind, true);
        fake.script(json::array({{{"error", "overloaded"}},
                                 {{"fault", "error_event"}},
                                 {{"fault", "cut_stream"}},
                                 reply({{"text", "ok"}})}),
                    json{{"error", "authentication"}, {"message", "bad key " + k_key}});
        CHECK(provider->complete(conversation(), tools(), {}).text() == "ok");
        try {
            provider->complete(conversation(), tools(), {});
        } catch (const std::exception& e) {
            messages.emplace_back(e.what());
        }
    }
    dlog::set_sink({});
    dlog::configure(dlog::Level::info, dlog::Format::text, dlog::Color::never);
    REQUIRE(messages.size() == 2);
    CHECK(messages[0].find("bad key ***") != std::string::npos);
    for (const auto& text : messages) {
        CHECK(text.find(k_key) == std::string::npos);
    }
    CHECK(lines.size() > 10);
    for (const auto& line : lines) {
        CAPTURE(line);
        CHECK(line.find(k_key) == std::string::npos);
    }
}
