#include "draftsmith/llm/provider.hpp"
#include "draftsmith/util/text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "fake_http.hpp"
#include "support/process.hpp"

using nlohmann::json;
namespace llm = draftsmith::llm;
using draftsmith::test::FakeHttp;
using draftsmith::test::read_text;
using draftsmith::test::source_path;

namespace {

const std::string k_examples = "tests/specs/llm/openai/examples/";

llm::ProviderOptions openai_options(bool stream)
{
    llm::ProviderOptions options;
    options.kind = llm::ProviderKind::openai;
    options.model = "gpt-4.1";
    options.api_key = draftsmith::Secret("sk-openai-unit-test-key");
    options.api_key_variable = "OPENAI_API_KEY";
    options.stream = stream;
    options.stream_retries = 0;
    return options;
}

// The JSON of a curl example's -d '...' argument.
json curl_body(const std::string& file)
{
    const auto text = read_text(source_path(k_examples + file));
    const auto start = text.find("-d '") + 4;
    return json::parse(text.substr(start, text.rfind('\'') - start));
}

FakeHttp::Answer ok(const std::string& body)
{
    return {200, body, {}, 1};
}

} // namespace

TEST_CASE("llm::openai, answers shaped like the official examples")
{
    auto http = std::make_shared<FakeHttp>();
    auto provider = llm::make_provider(openai_options(false), http);
    SUBCASE("a function call")
    {
        http->answers.push_back(
            ok(read_text(source_path(k_examples + "chat-completions.functions.response.json"))));
        const auto response = provider->complete({}, {}, {});
        CHECK(response.stop_reason == llm::StopReason::tool_use);
        CHECK(response.stop_detail == "tool_calls");
        REQUIRE(response.tool_calls().size() == 1);
        CHECK(response.tool_calls()[0].id == "call_abc123");
        CHECK(response.tool_calls()[0].name == "get_current_weather");
        CHECK(response.tool_calls()[0].input == json{{"location", "Boston, MA"}});
        CHECK(response.text().empty());
        CHECK(response.usage.input_tokens == 82);
        CHECK(response.usage.output_tokens == 17);
    }
    SUBCASE("text with usage details")
    {
        http->answers.push_back(
            ok(read_text(source_path(k_examples + "chat-completions.default.response.json"))));
        const auto response = provider->complete({}, {}, {});
        CHECK(response.text() == "Hello! How can I assist you today?");
        CHECK(response.stop_reason == llm::StopReason::end_turn);
        CHECK(response.usage.input_tokens == 19);
        CHECK(response.usage.cache_read_input_tokens == 0);
    }
    SUBCASE("cached tokens are split out of prompt_tokens")
    {
        auto body = json::parse(
            read_text(source_path(k_examples + "chat-completions.default.response.json")));
        body["usage"]["prompt_tokens"] = 2000;
        body["usage"]["prompt_tokens_details"]["cached_tokens"] = 1536;
        http->answers.push_back(ok(body.dump()));
        const auto response = provider->complete({}, {}, {});
        CHECK(response.usage.input_tokens == 464);
        CHECK(response.usage.cache_read_input_tokens == 1536);
    }
    SUBCASE("arguments that are not JSON are kept as text for the agent to report")
    {
        auto body = json::parse(
            read_text(source_path(k_examples + "chat-completions.functions.response.json")));
        body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = "{\"location\": ";
        http->answers.push_back(ok(body.dump()));
        CHECK(provider->complete({}, {}, {}).tool_calls()[0].input == "{\"location\": ");
    }
    SUBCASE("the error envelope")
    {
        http->answers.push_back(
            {429,
             R"({"error":{"message":"Rate limit reached for gpt-4.1","type":"requests","param":null,"code":"rate_limit_exceeded"}})",
             {},
             4});
        try {
            provider->complete({}, {}, {});
            FAIL("no error");
        } catch (const llm::ProviderError& e) {
            CHECK(e.kind() == llm::FailureKind::rate_limited);
            CHECK(std::string(e.what()) ==
                  "openai: requests (HTTP 429, after 4 attempts): Rate limit reached for gpt-4.1; "
                  "the rate limit was hit; try again later or run fewer variants at once");
        }
    }
}

TEST_CASE("llm::openai, streamed answers")
{
    auto http = std::make_shared<FakeHttp>();
    for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{1} << 20}) {
        CAPTURE(chunk);
        http->chunk_size = chunk;
        auto provider = llm::make_provider(openai_options(true), http);
        SUBCASE("the example stream, with the usage chunk of include_usage")
        {
            // The spec's sample lines, as the service frames them.
            std::string stream;
            const auto sample =
                read_text(source_path(k_examples + "chat-completions.streaming.sse-data.txt"));
            for (const auto& line : draftsmith::text::split_lines(sample)) {
                if (!line.empty() && line != "....") {
                    stream += "data: " + std::string(line) + "\r\n\r\n";
                }
            }
            stream +=
                R"(data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0}}})"
                "\n\ndata: [DONE]\n\n";
            http->answers.push_back(ok(stream));
            const auto response = provider->complete({}, {}, {});
            CHECK(response.text() == "Hello");
            CHECK(response.stop_reason == llm::StopReason::end_turn);
            CHECK(response.usage.input_tokens == 19);
            CHECK(response.usage.output_tokens == 10);
            CHECK(response.model == "gpt-4o-mini");
        }
        SUBCASE("parallel tool calls assembled from pieces")
        {
            const std::string stream =
                R"(data: {"id":"c","model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read_file","arguments":""}}]},"finish_reason":null}]})"
                "\n\n"
                R"(data: {"id":"c","model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\": \"a\"}"}},{"index":1,"id":"call_2","type":"function","function":{"name":"read_file","arguments":"{\"pa"}}]},"finish_reason":null}]})"
                "\n\n"
                R"(data: {"id":"c","model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"th\": \"b\"}"}}]},"finish_reason":null}]})"
                "\n\n"
                R"(data: {"id":"c","model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"
                "\n\ndata: [DONE]\n\n";
            http->answers.push_back(ok(stream));
            const auto calls = provider->complete({}, {}, {}).tool_calls();
            REQUIRE(calls.size() == 2);
            CHECK(calls[0].id == "call_1");
            CHECK(calls[0].input == json{{"path", "a"}});
            CHECK(calls[1].id == "call_2");
            CHECK(calls[1].input == json{{"path", "b"}});
        }
        SUBCASE("a stream without finish_reason is incomplete")
        {
            http->answers.push_back(
                ok(R"(data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]})"
                   "\n\n"));
            CHECK_THROWS_WITH_AS(provider->complete({}, {}, {}),
                                 "openai: the answer stream ended before a finish_reason",
                                 llm::ProviderError);
        }
    }
}

TEST_CASE("llm::openai, request bodies for OpenAI, Azure and compatible servers")
{
    auto http = std::make_shared<FakeHttp>();
    const auto answer =
        read_text(source_path(k_examples + "chat-completions.default.response.json"));
    const auto send = [&](const llm::ProviderOptions& options, const llm::Conversation& c,
                          const llm::Tools& tools, const llm::Options& call = {}) {
        http->answers.push_back(ok(answer));
        try {
            llm::make_provider(options, http)->complete(c, tools, call);
        } catch (const llm::ProviderError&) {
            // A streamed request gets a plain answer here; only the request matters.
        }
        return json::parse(http->requests.back().body);
    };
    const llm::Tools weather_tool = {
        {"get_current_weather", "Get the current weather in a given location",
         curl_body(
             "chat-completions.functions.request.curl.sh")["tools"][0]["function"]["parameters"]}};
    SUBCASE("the functions example, field for field")
    {
        auto options = openai_options(false);
        options.model = "gpt-5.4";
        llm::Conversation c;
        c.messages.push_back(llm::Message::user_text("What is the weather like in Boston today?"));
        auto body = send(options, c, weather_tool);
        CHECK(body["max_completion_tokens"] == 8192);
        body.erase("max_completion_tokens");
        CHECK(body == curl_body("chat-completions.functions.request.curl.sh"));
        const auto& request = http->requests.back();
        CHECK(request.url == "https://api.openai.com/v1/chat/completions");
        CHECK(draftsmith::net::find_header(request.headers, "authorization") ==
              "Bearer sk-openai-unit-test-key");
    }
    SUBCASE("a tool round trip: assistant tool_calls, then tool messages, then user text")
    {
        llm::Conversation c;
        c.system = "sys";
        c.messages.push_back(llm::Message::user_text("go"));
        llm::Message assistant;
        assistant.role = llm::Role::assistant;
        assistant.content = {llm::ToolCall{"call_1", "read_file", {{"path", "a"}}},
                             llm::ToolCall{"call_2", "read_file", {{"path", "b"}}}};
        c.messages.push_back(assistant);
        llm::Message results;
        results.content = {llm::ToolResult{"call_1", "A", false},
                           llm::ToolResult{"call_2", "no such file", true}, llm::Text{"continue"}};
        c.messages.push_back(results);
        const auto body = send(openai_options(true), c, weather_tool);
        const auto& messages = body["messages"];
        REQUIRE(messages.size() == 6);
        CHECK(messages[0] == json{{"role", "system"}, {"content", "sys"}});
        CHECK(messages[2]["content"].is_null());
        CHECK(messages[2]["tool_calls"][1] ==
              json{{"id", "call_2"},
                   {"type", "function"},
                   {"function", {{"name", "read_file"}, {"arguments", "{\"path\":\"b\"}"}}}});
        CHECK(messages[3] == json{{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "A"}});
        CHECK(messages[4]["content"] == "Error: no such file");
        CHECK(messages[5] == json{{"role", "user"}, {"content", "continue"}});
        CHECK(body["stream"] == true);
        CHECK(body["stream_options"] == json{{"include_usage", true}});
    }
    SUBCASE("Azure OpenAI")
    {
        auto options = openai_options(false);
        options.kind = llm::ProviderKind::azure_openai;
        options.base_url = "https://contoso.openai.azure.com/";
        options.azure_deployment = "gpt4-prod";
        options.api_version = "2025-01-01-preview";
        send(options, {}, {});
        const auto& request = http->requests.back();
        CHECK(request.url == "https://contoso.openai.azure.com/openai/deployments/gpt4-prod/chat/"
                             "completions?api-version=2025-01-01-preview");
        CHECK(draftsmith::net::find_header(request.headers, "api-key") ==
              "sk-openai-unit-test-key");
        CHECK_FALSE(draftsmith::net::find_header(request.headers, "authorization"));
    }
    SUBCASE("a compatible server (Ollama) by base URL, no key")
    {
        auto options = openai_options(false);
        options.base_url = "http://localhost:11434/v1";
        options.api_key = draftsmith::Secret();
        llm::Options call;
        call.tool_choice = llm::ToolChoice::any;
        call.stop_sequences = {"###"};
        const auto body = send(options, {}, weather_tool, call);
        const auto& request = http->requests.back();
        CHECK(request.url == "http://localhost:11434/v1/chat/completions");
        CHECK_FALSE(draftsmith::net::find_header(request.headers, "authorization"));
        CHECK(body["max_tokens"] == 8192);
        CHECK_FALSE(body.contains("max_completion_tokens"));
        CHECK(body["tool_choice"] == "required");
        CHECK(body["stop"] == json::array({"###"}));
    }
}
