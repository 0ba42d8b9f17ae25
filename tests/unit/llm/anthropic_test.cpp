#include "draftsmith/llm/provider.hpp"

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

const std::string k_specs = "tests/specs/llm/anthropic/";

llm::ProviderOptions anthropic_options(bool stream)
{
    llm::ProviderOptions options;
    options.kind = llm::ProviderKind::anthropic;
    options.model = "claude-sonnet-4-5";
    options.api_key = draftsmith::Secret("sk-ant-unit-test-key-000");
    options.api_key_variable = "ANTHROPIC_API_KEY";
    options.stream = stream;
    options.stream_retries = 0;
    options.sleep = [](std::chrono::milliseconds) {};
    return options;
}

llm::Conversation hello()
{
    llm::Conversation conversation;
    conversation.system = "Be brief.";
    conversation.messages.push_back(llm::Message::user_text("What is the weather in Paris?"));
    return conversation;
}

// The recorded/SDK body of an official example file: {"status_code", "headers", "body"}.
FakeHttp::Answer recorded(const std::string& file)
{
    const auto value = json::parse(read_text(source_path(k_specs + "examples/" + file)));
    FakeHttp::Answer answer;
    answer.status = value["status_code"].get<long>();
    answer.body = value["body"].dump();
    for (const auto& [name, header] : value["headers"].items()) {
        answer.headers.emplace_back(name, header.get<std::string>());
    }
    return answer;
}

} // namespace

TEST_CASE("llm::anthropic, streams of the official SDKs and a live recording")
{
    for (std::size_t chunk :
         {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
        CAPTURE(chunk);
        auto http = std::make_shared<FakeHttp>();
        http->chunk_size = chunk;
        auto provider = llm::make_provider(anthropic_options(true), http);
        const auto play = [&](const std::string& file) {
            http->answers.push_back({200, read_text(source_path(k_specs + file)), {}, 1});
            return provider->complete(hello(), {}, {});
        };
        SUBCASE("text, ping, no final blank line")
        {
            const auto response = play("sdk-fixtures/python/basic_response.txt.sse");
            CHECK(response.text() == "Hello there!");
            CHECK(response.stop_reason == llm::StopReason::end_turn);
            CHECK(response.usage.input_tokens == 11);
            CHECK(response.usage.output_tokens == 6);
            CHECK(response.id == "msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK");
        }
        SUBCASE("text then a tool call whose input arrives in pieces")
        {
            const auto response = play("sdk-fixtures/python/tool_use_response.txt.sse");
            CHECK(response.text() == "I'll check the current weather in Paris for you.");
            CHECK(response.stop_reason == llm::StopReason::tool_use);
            REQUIRE(response.tool_calls().size() == 1);
            CHECK(response.tool_calls()[0].id == "toolu_01NRLabsLyVHZPKxbKvkfSMn");
            CHECK(response.tool_calls()[0].name == "get_weather");
            CHECK(response.tool_calls()[0].input == json{{"location", "Paris"}});
            CHECK(response.usage.output_tokens == 65);
        }
        SUBCASE("padding inside data lines (live recording)")
        {
            const auto response = play("examples/messages.stream.tool_use.recorded.sse");
            REQUIRE(response.tool_calls().size() == 1);
            CHECK(response.tool_calls()[0].input ==
                  json{{"location", "San Francisco, CA"}, {"units", "f"}});
            CHECK(response.usage.input_tokens == 656);
            CHECK(response.usage.output_tokens == 74);
            CHECK(response.model == "claude-haiku-4-5-20251001");
        }
        SUBCASE("max_tokens in the middle of a tool call: the half call is dropped")
        {
            const auto response =
                play("sdk-fixtures/python/incomplete_partial_json_response.txt.sse");
            CHECK(response.stop_reason == llm::StopReason::max_tokens);
            CHECK(response.tool_calls().empty());
            CHECK(response.text().find("comprehensive tax guide") != std::string::npos);
        }
        SUBCASE("refusal")
        {
            const auto response = play("sdk-fixtures/python/refusal_response.txt.sse");
            CHECK(response.stop_reason == llm::StopReason::refusal);
            CHECK(response.stop_detail == "refusal");
        }
        SUBCASE("the TypeScript copies parse the same")
        {
            CHECK(play("sdk-fixtures/typescript/basic_response.txt.sse").text() == "Hello there!");
            CHECK(play("sdk-fixtures/typescript/tool_use_response.txt.sse").tool_calls().size() ==
                  1);
        }
    }
}

TEST_CASE("llm::anthropic, broken streams")
{
    auto http = std::make_shared<FakeHttp>();
    auto provider = llm::make_provider(anthropic_options(true), http);
    SUBCASE("an error event after HTTP 200")
    {
        http->answers.push_back(
            {200,
             "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\","
             "\"usage\":{}}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
             "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
             {},
             1});
        try {
            provider->complete(hello(), {}, {});
            FAIL("no error");
        } catch (const llm::ProviderError& e) {
            CHECK(e.kind() == llm::FailureKind::overloaded);
            CHECK(std::string(e.what()) ==
                  "anthropic: the answer stream reported overloaded_error: Overloaded");
        }
    }
    SUBCASE("a stream that ends before message_stop")
    {
        auto text = read_text(source_path(k_specs + "sdk-fixtures/python/basic_response.txt.sse"));
        text = text.substr(0, text.find("event: message_delta"));
        http->answers.push_back({200, text, {}, 1});
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             "anthropic: the answer stream ended before message_stop",
                             llm::ProviderError);
    }
    SUBCASE("an event cut in the middle of its JSON")
    {
        http->answers.push_back(
            {200, "event: message_start\ndata: {\"type\":\"message_start\",\"mess", {}, 1});
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             doctest::Contains("anthropic: the answer stream is not valid"),
                             llm::ProviderError);
    }
}

TEST_CASE("llm::anthropic, recorded answers and errors")
{
    auto http = std::make_shared<FakeHttp>();
    auto provider = llm::make_provider(anthropic_options(false), http);
    SUBCASE("a recorded tool_use answer")
    {
        http->answers.push_back(recorded("messages.tool_use.response.json"));
        const auto response = provider->complete(hello(), {}, {});
        CHECK(response.stop_reason == llm::StopReason::tool_use);
        REQUIRE(response.tool_calls().size() == 1);
        CHECK(response.tool_calls()[0].id == "toolu_011bpynHqFZ9P4u5rSaXsTJQ");
        CHECK(response.usage.input_tokens == 656);
    }
    SUBCASE("the recorded 429 after retries")
    {
        auto answer = recorded("messages.429.rate_limit_error.response.json");
        answer.attempts = 4;
        http->answers.push_back(answer);
        try {
            provider->complete(hello(), {}, {});
            FAIL("no error");
        } catch (const llm::ProviderError& e) {
            CHECK(e.kind() == llm::FailureKind::rate_limited);
            const std::string message = e.what();
            CHECK(message.find("anthropic: rate_limit_error (HTTP 429, after 4 attempts): This "
                               "request would exceed your organization's rate limit") == 0);
            CHECK(message.find("; the rate limit was hit; try again later or run fewer variants "
                               "at once") != std::string::npos);
        }
    }
    SUBCASE("the recorded 400 invalid_request_error")
    {
        http->answers.push_back(recorded("messages.400.invalid_request_error.response.json"));
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             doctest::Contains("anthropic: invalid_request_error (HTTP 400): "
                                               "messages.0.content.1: unexpected `tool_use_id`"),
                             llm::ProviderError);
    }
    SUBCASE("an error body that is not JSON")
    {
        http->answers.push_back({502, "<html>Bad Gateway</html>", {}, 4});
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             "anthropic: (HTTP 502, after 4 attempts): <html>Bad Gateway</html>; "
                             "the service failed; try again later",
                             llm::ProviderError);
    }
}

TEST_CASE("llm::anthropic, request bodies")
{
    auto http = std::make_shared<FakeHttp>();
    const auto body_of = [&](const llm::ProviderOptions& options, const llm::Conversation& c,
                             const llm::Tools& tools, const llm::Options& call) {
        http->answers.push_back(recorded("messages.end_turn.response.json"));
        llm::make_provider(options, http)->complete(c, tools, call);
        return json::parse(http->requests.back().body);
    };
    const llm::Tools tools = {{"read_file", "Read a file", {{"type", "object"}}}};
    SUBCASE("the example request of the spec, field for field")
    {
        auto options = anthropic_options(false);
        options.model = "claude-haiku-4-5";
        options.max_output_tokens = 1024;
        options.prompt_caching = false;
        llm::Conversation c;
        c.messages.push_back(llm::Message::user_text("What is the weather in SF?"));
        const auto example = json::parse(
            read_text(source_path(k_specs + "examples/messages.tool_use.request.json")));
        llm::Tool weather{example["tools"][0]["name"], example["tools"][0]["description"],
                          example["tools"][0]["input_schema"]};
        llm::Options call;
        call.cache_conversation = false;
        auto body = body_of(options, c, {weather}, call);
        body.erase("tool_choice");
        // Our text messages are block arrays; the example uses the string shorthand.
        CHECK(body["messages"][0]["content"] ==
              json::array({{{"type", "text"}, {"text", "What is the weather in SF?"}}}));
        body["messages"][0]["content"] = "What is the weather in SF?";
        CHECK(body == example);
        const auto& headers = http->requests.back().headers;
        CHECK(draftsmith::net::find_header(headers, "anthropic-version") == "2023-06-01");
        CHECK(draftsmith::net::find_header(headers, "x-api-key") == "sk-ant-unit-test-key-000");
        CHECK(http->requests.back().url == "https://api.anthropic.com/v1/messages");
    }
    SUBCASE("options: temperature, stop sequences, tool choice, empty text dropped")
    {
        auto options = anthropic_options(false);
        options.temperature = 0.3;
        options.base_url = "http://127.0.0.1:9/";
        llm::Options call;
        call.temperature = 0.7;
        call.stop_sequences = {"END"};
        call.tool_choice = llm::ToolChoice::any;
        call.max_output_tokens = 99;
        call.model = "claude-opus-4-1";
        auto c = hello();
        c.messages[0].content.insert(c.messages[0].content.begin(), llm::Text{""});
        const auto body = body_of(options, c, tools, call);
        CHECK(body["temperature"] == 0.7);
        CHECK(body["stop_sequences"] == json::array({"END"}));
        CHECK(body["tool_choice"] == json{{"type", "any"}});
        CHECK(body["max_tokens"] == 99);
        CHECK(body["model"] == "claude-opus-4-1");
        CHECK(body["messages"][0]["content"].size() == 1);
        CHECK(http->requests.back().url == "http://127.0.0.1:9/v1/messages");
    }
    SUBCASE("no tools: no tool_choice; caching off: no cache_control anywhere")
    {
        auto options = anthropic_options(false);
        options.prompt_caching = false;
        auto c = hello();
        c.messages[0].cache_prefix = true;
        const auto body = body_of(options, c, {}, {});
        CHECK_FALSE(body.contains("tool_choice"));
        CHECK_FALSE(body.contains("tools"));
        CHECK(body.dump().find("cache_control") == std::string::npos);
        CHECK_FALSE(body.contains("stream"));
    }
}

TEST_CASE("llm::anthropic, hostile answers are refused, not parsed")
{
    auto http = std::make_shared<FakeHttp>();
    const std::string deep = std::string(50'000, '[') + std::string(50'000, ']');
    SUBCASE("a streamed tool input nested 50,000 levels deep")
    {
        auto provider = llm::make_provider(anthropic_options(true), http);
        const json delta = {{"type", "content_block_delta"},
                            {"index", 0},
                            {"delta", {{"type", "input_json_delta"}, {"partial_json", deep}}}};
        http->answers.push_back(
            {200,
             "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\","
             "\"usage\":{}}}\n\nevent: content_block_start\ndata: "
             "{\"type\":\"content_block_start\","
             "\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t\",\"name\":"
             "\"search\","
             "\"input\":{}}}\n\nevent: content_block_delta\ndata: " +
                 delta.dump() +
                 "\n\nevent: content_block_stop\ndata: "
                 "{\"type\":\"content_block_stop\",\"index\":0}"
                 "\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{"
                 "\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":5}}\n\n"
                 "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
             {},
             1});
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             "anthropic: a tool input nests deeper than 256 levels; refused",
                             llm::ProviderError);
    }
    SUBCASE("a whole answer nested 50,000 levels deep")
    {
        auto provider = llm::make_provider(anthropic_options(false), http);
        http->answers.push_back({200, "{\"content\":" + deep + "}", {}, 1});
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             "anthropic: the answer nests deeper than 256 levels; refused",
                             llm::ProviderError);
    }
    SUBCASE("a stream event larger than the limit")
    {
        auto provider = llm::make_provider(anthropic_options(true), http);
        http->answers.push_back({200, "data: " + std::string(17 << 20, 'x'), {}, 1});
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             "the answer stream sent an event larger than 16 MiB; refused",
                             llm::ProviderError);
    }
}

TEST_CASE("llm::anthropic, a call's deadline")
{
    auto http = std::make_shared<FakeHttp>();
    auto options = anthropic_options(true);
    options.stream_retries = 3;
    auto provider = llm::make_provider(options, http);
    auto text = read_text(source_path(k_specs + "sdk-fixtures/python/basic_response.txt.sse"));
    text = text.substr(0, text.find("event: message_delta")); // broken off: worth a retry
    http->answers.push_back({200, text, {}, 1});
    http->answers.push_back({200, text, {}, 1});
    llm::Options call;
    call.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);

    // The request carries the deadline to the HTTP client (which cuts the
    // transfer there), and no retry starts that could not finish before it.
    try {
        provider->complete(hello(), {}, call);
        FAIL("no error");
    } catch (const llm::ProviderError& e) {
        CHECK(e.kind() == llm::FailureKind::budget);
        CHECK(std::string(e.what()) == "anthropic: the time allowed for this call is spent");
    }
    REQUIRE(http->requests.size() == 1);
    CHECK(http->requests[0].deadline == call.deadline);
}
