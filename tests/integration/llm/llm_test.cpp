// llm/ providers against the fake LLM service (tests/fakes/llm/fake_llm.py),
// a real process on 127.0.0.1, through the real libcurl client: wire
// formats, streaming, stop reasons, errors, retries, prompt caching across
// variants, recording and replay, budgets, and that no key is ever shown.

#include "draftsmith/llm/cost.hpp"
#include "draftsmith/llm/llm.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/llm/replay.hpp"
#include "draftsmith/net/http.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
namespace llm = draftsmith::llm;
namespace net = draftsmith::net;
namespace dlog = draftsmith::log;
using draftsmith::test::ServerProcess;
using draftsmith::test::TempDir;

namespace {

const std::string k_key = "sk-ant-fake-KEY-for-tests-0123456789";

struct FakeLlm {
    TempDir dir;
    ServerProcess server;
    std::string base;
    std::mutex mutex;
    std::vector<std::chrono::milliseconds> waits;
    std::shared_ptr<net::HttpClient> http;

    FakeLlm()
        : server(ServerProcess::reporting_port(
              {"python3", draftsmith::test::source_path("tests/fakes/llm/fake_llm.py")},
              dir / "fake_llm.log"))
        , base("http://127.0.0.1:" + std::to_string(server.port()))
    {
        net::ClientOptions options;
        options.connect_timeout = 5000ms;
        options.total_timeout = 20000ms;
        options.idle_timeout = 1000ms;
        options.sleep = [this](std::chrono::milliseconds wait) { record_wait(wait); };
        http = net::make_http_client(options);
    }

    void record_wait(std::chrono::milliseconds wait)
    {
        std::lock_guard lock(mutex);
        waits.push_back(wait);
    }

    void script(json steps, json fallback = nullptr, json extra = json::object())
    {
        extra["steps"] = std::move(steps);
        if (!fallback.is_null()) {
            extra["default"] = std::move(fallback);
        }
        const auto response =
            http->send({net::Method::post, base + "/__script", {}, extra.dump(), {}, {}, {}});
        REQUIRE(response.status == 200);
    }

    json get(const std::string& path)
    {
        const auto response = http->send({net::Method::get, base + path, {}, {}, {}, {}, {}});
        REQUIRE(response.status == 200);
        return json::parse(response.body);
    }

    json requests() { return get("/__requests"); }

    llm::ProviderOptions options(llm::ProviderKind kind, bool stream)
    {
        llm::ProviderOptions o;
        o.kind = kind;
        o.model = kind == llm::ProviderKind::anthropic ? "claude-sonnet-4-5" : "gpt-4.1";
        o.base_url = kind == llm::ProviderKind::anthropic ? base : base + "/v1";
        o.api_key = draftsmith::Secret(k_key);
        o.api_key_variable = llm::default_api_key_variable(kind);
        o.stream = stream;
        o.max_output_tokens = 1024;
        o.sleep = [this](std::chrono::milliseconds wait) { record_wait(wait); };
        return o;
    }

    std::unique_ptr<llm::Provider> provider(llm::ProviderKind kind, bool stream)
    {
        return llm::make_provider(options(kind, stream), http);
    }
};

llm::Tools tools()
{
    return {
        {"read_file",
         "Read a file of the repository",
         {{"type", "object"},
          {"properties", {{"path", {{"type", "string"}}}}},
          {"required", json::array({"path"})}}},
        {"finish",
         "Say what was changed",
         {{"type", "object"}, {"properties", {{"summary", {{"type", "string"}}}}}}},
    };
}

llm::Conversation conversation(const std::string& request = "make the buttons red")
{
    llm::Conversation c;
    c.system = "You are draftsmith. Edit the repository with the tools.";
    c.messages.push_back(llm::Message::user_text(
        // Long enough for OpenAI's automatic caching (1,024 tokens or more).
        "Repository context: src/app.css (40 lines), src/index.html (120 lines). " +
            std::string(5000, 'x'),
        true));
    c.messages.push_back(llm::Message::user_text(request));
    return c;
}

llm::Options at(int variant, int turn)
{
    llm::Options options;
    options.variant = variant;
    options.turn = turn;
    return options;
}

json reply(json value)
{
    return {{"reply", std::move(value)}};
}

const json k_two_calls =
    reply({{"text", "I will read both files."},
           {"tool_calls",
            json::array({{{"name", "read_file"}, {"input", {{"path", "src/app.css"}}}},
                         {{"name", "read_file"}, {"input", {{"path", "src/index.html"}}}}})}});

} // namespace

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
                const std::string& stop = name; // Clang 14: no structured binding in CAPTURE's lambda
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
                const std::string& stop = name; // Clang 14: no structured binding in CAPTURE's lambda
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
