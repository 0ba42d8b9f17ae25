// llm/ against the fake LLM service: the Anthropic Messages API (wire format, errors and retries,
// prompt caching).
#include "llm_test_support.hpp"

using namespace llm_test_support;

TEST_CASE("llm::anthropic, wire format, tool use and stop reasons")
{
    FakeLlm fake;
    for (bool stream : {false, true}) {
        CAPTURE(stream);
        auto provider = fake.provider(llm::ProviderKind::anthropic, stream);
        SUBCASE("parallel tool calls come back in order, with usage")
        {
            fake.script(json::array({k_two_calls}));
            const auto response = provider->complete(conversation(), tools(), {});
            CHECK(response.stop_reason == llm::StopReason::tool_use);
            CHECK(response.text() == "I will read both files.");
            const auto calls = response.tool_calls();
            REQUIRE(calls.size() == 2);
            CHECK(calls[0].name == "read_file");
            CHECK(calls[0].input == json{{"path", "src/app.css"}});
            CHECK(calls[1].input == json{{"path", "src/index.html"}});
            CHECK(calls[0].id != calls[1].id);
            CHECK(response.usage.output_tokens > 0);
            CHECK(response.usage.cache_creation_input_tokens > 0);
            CHECK(response.model == "claude-sonnet-4-5");

            const auto request = fake.requests().at(0);
            CHECK(request["path"] == "/v1/messages");
            CHECK(request["headers"]["x-api-key"] == k_key);
            CHECK(request["headers"]["anthropic-version"] == "2023-06-01");
            const auto body = json::parse(request["body"].get<std::string>());
            CHECK(body["model"] == "claude-sonnet-4-5");
            CHECK(body["max_tokens"] == 1024);
            CHECK(body.value("stream", false) == stream);
            CHECK(body["system"][0]["cache_control"] == json{{"type", "ephemeral"}});
            CHECK(body["tools"][1]["cache_control"] == json{{"type", "ephemeral"}});
            CHECK_FALSE(body["tools"][0].contains("cache_control"));
            CHECK(body["messages"][0]["content"][0]["cache_control"] ==
                  json{{"type", "ephemeral"}});
            CHECK(body["messages"][1]["content"][0]["cache_control"] ==
                  json{{"type", "ephemeral"}});
            CHECK(body["tool_choice"] == json{{"type", "auto"}});
        }
        SUBCASE("tool results go back as tool_result blocks after the tool_use turn")
        {
            fake.script(json::array({k_two_calls, reply({{"text", "Done."}})}));
            auto c = conversation();
            const auto first = provider->complete(c, tools(), {});
            c.messages.push_back(first.message);
            llm::Message results;
            results.role = llm::Role::user;
            results.content.emplace_back(
                llm::ToolResult{first.tool_calls()[0].id, "body { }", false});
            results.content.emplace_back(
                llm::ToolResult{first.tool_calls()[1].id, "no such file", true});
            c.messages.push_back(results);
            const auto second = provider->complete(c, tools(), at(1, 1));
            CHECK(second.stop_reason == llm::StopReason::end_turn);
            CHECK(second.text() == "Done.");
            const auto body = json::parse(fake.requests().at(1)["body"].get<std::string>());
            const auto& assistant = body["messages"][2];
            CHECK(assistant["role"] == "assistant");
            CHECK(assistant["content"][1]["type"] == "tool_use");
            CHECK(assistant["content"][1]["id"] == first.tool_calls()[0].id);
            const auto& user = body["messages"][3];
            CHECK(user["content"][0] == json{{"type", "tool_result"},
                                             {"tool_use_id", first.tool_calls()[0].id},
                                             {"content", "body { }"}});
            CHECK(user["content"][1]["is_error"] == true);
            // Only the shared prefix and the conversation's end are marked.
            CHECK(user["content"][1]["cache_control"] == json{{"type", "ephemeral"}});
            CHECK_FALSE(body["messages"][1]["content"][0].contains("cache_control"));
        }
        SUBCASE("every stop reason is mapped")
        {
            const std::vector<std::pair<std::string, llm::StopReason>> reasons = {
                {"end_turn", llm::StopReason::end_turn},
                {"tool_use", llm::StopReason::tool_use},
                {"max_tokens", llm::StopReason::max_tokens},
                {"refusal", llm::StopReason::refusal},
                {"pause_turn", llm::StopReason::pause_turn},
                {"stop_sequence", llm::StopReason::stop_sequence},
                {"something_new", llm::StopReason::other}};
            json steps = json::array();
            for (const auto& [name, reason] : reasons) {
                steps.push_back(reply({{"text", "x"}, {"stop_reason", name}}));
            }
            fake.script(steps);
            for (const auto& [name, reason] : reasons) {
                const std::string& stop =
                    name; // Clang 14: no structured binding in CAPTURE's lambda
                CAPTURE(stop);
                const auto response = provider->complete(conversation(), tools(), {});
                CHECK(response.stop_reason == reason);
                CHECK(response.stop_detail == name);
            }
        }
    }
}

TEST_CASE("llm::anthropic, errors and retries")
{
    FakeLlm fake;
    const json overloaded = {{"error", "overloaded"}};
    SUBCASE("a 529 storm of 3 then success costs exactly 4 requests and no failure")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array({overloaded, overloaded, overloaded, reply({{"text", "ok"}})}));
        const auto response = provider->complete(conversation(), tools(), {});
        CHECK(response.text() == "ok");
        CHECK(fake.requests().size() == 4);
        CHECK(fake.waits.size() == 3);
    }
    SUBCASE("429 with retry-after is waited for as asked")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, false);
        fake.script(json::array({{{"error", "rate_limit"}, {"headers", {{"retry-after", "3"}}}},
                                 reply({{"text", "ok"}})}));
        CHECK(provider->complete(conversation(), tools(), {}).text() == "ok");
        CHECK(fake.waits == std::vector<std::chrono::milliseconds>{3000ms});
    }
    SUBCASE("overloaded after every attempt is a clear error")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array(), overloaded);
        try {
            provider->complete(conversation(), tools(), {});
            FAIL("no error");
        } catch (const llm::ProviderError& e) {
            CHECK(e.kind() == llm::FailureKind::overloaded);
            CHECK(std::string(e.what()) ==
                  "anthropic: overloaded_error (HTTP 529, after 4 attempts): Overloaded; the "
                  "service is overloaded; try again later");
        }
        CHECK(fake.requests().size() == 4);
    }
    SUBCASE("a connection reset is retried")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array({{{"fault", "reset"}}, reply({{"text", "ok"}})}));
        CHECK(provider->complete(conversation(), tools(), {}).text() == "ok");
        CHECK(fake.requests().size() == 2);
    }
    SUBCASE("500 is retried like 529")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array({{{"error", "server"}}, reply({{"text", "ok"}})}));
        CHECK(provider->complete(conversation(), tools(), {}).text() == "ok");
        CHECK(fake.requests().size() == 2);
    }
    SUBCASE("invalid_request_error is not retried and says what is wrong")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array({{{"error", "invalid_request"},
                                  {"message", "messages.0.content.1: unexpected `tool_use_id`"}}}));
        CHECK_THROWS_WITH_AS(provider->complete(conversation(), tools(), {}),
                             "anthropic: invalid_request_error (HTTP 400): messages.0.content.1: "
                             "unexpected `tool_use_id`",
                             llm::ProviderError);
        CHECK(fake.requests().size() == 1);
    }
    SUBCASE("a wrong key is an authentication error naming the variable, never the key")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array({reply({{"text", "ok"}})}), nullptr, {{"key", "another-key"}});
        CHECK_THROWS_WITH_AS(provider->complete(conversation(), tools(), {}),
                             "anthropic: authentication_error (HTTP 401): invalid x-api-key; "
                             "check the API key in ANTHROPIC_API_KEY",
                             llm::ProviderError);
    }
    SUBCASE("an error event after HTTP 200 is sent again, then reported")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        SUBCASE("once: the second try succeeds")
        {
            fake.script(json::array({{{"fault", "error_event"}}, reply({{"text", "ok"}})}));
            CHECK(provider->complete(conversation(), tools(), {}).text() == "ok");
            CHECK(fake.requests().size() == 2);
        }
        SUBCASE("always: a clear error after 3 tries")
        {
            fake.script(json::array(), {{"fault", "error_event"}});
            CHECK_THROWS_WITH_AS(provider->complete(conversation(), tools(), {}),
                                 "anthropic: the answer stream reported overloaded_error: "
                                 "Overloaded (after 3 tries)",
                                 llm::ProviderError);
            CHECK(fake.requests().size() == 3);
        }
    }
    SUBCASE("a stream cut mid-event is sent again")
    {
        auto provider = fake.provider(llm::ProviderKind::anthropic, true);
        fake.script(json::array({{{"fault", "cut_stream"}}, k_two_calls}));
        CHECK(provider->complete(conversation(), tools(), {}).tool_calls().size() == 2);
        CHECK(fake.requests().size() == 2);
    }
    SUBCASE("an answer that is not JSON is an invalid_response error")
    {
        auto options = fake.options(llm::ProviderKind::anthropic, false);
        options.stream_retries = 1;
        auto provider = llm::make_provider(options, fake.http);
        fake.script(json::array(), {{"fault", "invalid_json"}});
        try {
            provider->complete(conversation(), tools(), {});
            FAIL("no error");
        } catch (const llm::ProviderError& e) {
            CHECK(e.kind() == llm::FailureKind::invalid_response);
            CHECK(std::string(e.what()) ==
                  "anthropic: the answer is not valid JSON (HTTP 200): "
                  "'{\"id\": \"msg_fake\", \"content\": [' (after 2 tries)");
        }
        CHECK(fake.requests().size() == 2);
    }
    SUBCASE("a stalled answer ends with the idle timeout")
    {
        auto options = fake.options(llm::ProviderKind::anthropic, false);
        auto provider = llm::make_provider(options, fake.http);
        fake.script(json::array({{{"fault", "stall"}, {"body", "{\"id\":"}, {"seconds", 3}}}),
                    reply({{"text", "late"}}));
        // The first attempt stalls; net/ retries it and the second answers.
        CHECK(provider->complete(conversation(), tools(), {}).text() == "late");
        CHECK(fake.requests().size() == 2);
    }
}

TEST_CASE("llm::anthropic, the shared prefix is cached once and read by the other variants")
{
    FakeLlm fake;
    auto provider = fake.provider(llm::ProviderKind::anthropic, true);
    fake.script(json::array(), reply({{"text", "ok"}}));
    const auto variant_conversation = [](int variant) {
        return conversation("make the buttons red; approach " + std::to_string(variant));
    };
    // Variant 1 first (it writes the cache), then 2..5 in parallel.
    const auto first = provider->complete(variant_conversation(1), tools(), at(1, 0));
    std::vector<llm::Response> others(4);
    std::vector<std::thread> threads;
    for (int variant = 2; variant <= 5; ++variant) {
        threads.emplace_back([&, variant] {
            llm::Options options;
            options.variant = variant;
            others[static_cast<std::size_t>(variant - 2)] =
                provider->complete(variant_conversation(variant), tools(), options);
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto cache = fake.get("/__cache");
    json shared;
    for (const auto& entry : cache) {
        if (entry["read"].get<int>() > 0) {
            CHECK(shared.is_null()); // one prefix is read, no other
            shared = entry;
        }
    }
    REQUIRE_FALSE(shared.is_null());
    CHECK(shared["created"] == 1);
    CHECK(shared["read"] == 4);
    CHECK(first.usage.cache_creation_input_tokens >= shared["tokens"].get<std::int64_t>());
    CHECK(first.usage.cache_read_input_tokens == 0);
    for (const auto& response : others) {
        CHECK(response.usage.cache_read_input_tokens == shared["tokens"].get<std::int64_t>());
        CHECK(response.text() == "ok");
    }
    // Every request carried cache_control on the shared prefix.
    for (const auto& request : fake.requests()) {
        const auto body = json::parse(request["body"].get<std::string>());
        CHECK(body["messages"][0]["content"][0]["cache_control"] == json{{"type", "ephemeral"}});
    }
}
