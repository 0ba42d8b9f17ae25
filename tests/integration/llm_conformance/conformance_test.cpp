// Requests of the llm/ providers checked against the official API
// descriptions: Prism mock servers for tests/specs/llm/anthropic/
// anthropic-messages.trimmed.json and llm/openai/openai-chat-completions.
// trimmed.json validate every request and answer 422 to one that does not
// conform. Prism accepts everything when a schema fails to compile, so each
// suite also sends one deliberately invalid request that must be refused.
//
// The Anthropic description is a 2024 copy without prompt caching: its
// schemas forbid unknown fields, so `cache_control` is switched off here (see
// tests/specs/llm/anthropic/NOTES.md); the fake LLM checks caching instead.

#include "draftsmith/llm/llm.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/net/http.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
namespace llm = draftsmith::llm;
namespace net = draftsmith::net;
using draftsmith::test::ServerProcess;
using draftsmith::test::TempDir;

namespace {

const std::string k_violation = "[VALIDATOR] ✖";

struct Prism {
    TempDir dir;
    int port = draftsmith::test::free_port();
    ServerProcess server;

    explicit Prism(const std::string& spec)
        : server({std::string(DRAFTSMITH_SPEC_KIT) + "/node_modules/.bin/prism", "mock", "-h",
                  "127.0.0.1", "-p", std::to_string(port), draftsmith::test::source_path(spec)},
                 dir / "prism.log")
    {
        server.wait_until_accepting(port, 60s);
    }

    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }

    // What Prism's validator said ("[VALIDATOR] ✖  error  Request body ...").
    // Prism writes its log asynchronously, after the answer may have arrived.
    std::string log() const
    {
        std::ifstream in(server.log_file());
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // Polls the log (up to 20 s) for a line Prism writes after answering.
    bool wait_for_log(const std::string& needle) const
    {
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (log().find(needle) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(50ms);
        }
        return true;
    }
};

std::shared_ptr<net::HttpClient> client()
{
    net::ClientOptions options;
    options.retry.max_attempts = 1;
    return net::make_http_client(options);
}

llm::Tools tools()
{
    return {{"read_file",
             "Read a file of the repository",
             {{"type", "object"},
              {"properties", {{"path", {{"type", "string"}}}}},
              {"required", json::array({"path"})}}}};
}

// A whole tool round trip, so every block type is sent.
llm::Conversation round_trip()
{
    llm::Conversation c;
    c.system = "You are draftsmith.";
    c.messages.push_back(llm::Message::user_text("Repository context: src/app.css", true));
    c.messages.push_back(llm::Message::user_text("make the buttons red"));
    llm::Message assistant;
    assistant.role = llm::Role::assistant;
    assistant.content = {llm::Text{"Reading it."},
                         llm::ToolCall{"toolu_01A", "read_file", {{"path", "src/app.css"}}}};
    c.messages.push_back(assistant);
    llm::Message results;
    results.content = {llm::ToolResult{"toolu_01A", "button { color: blue }", false}};
    c.messages.push_back(results);
    return c;
}

llm::ProviderOptions options(llm::ProviderKind kind, const std::string& base)
{
    llm::ProviderOptions o;
    o.kind = kind;
    o.model = kind == llm::ProviderKind::anthropic ? "claude-sonnet-4-5" : "gpt-4.1";
    o.base_url = base;
    o.api_key = draftsmith::Secret("sk-conformance-test-key");
    o.stream = false;
    o.stream_retries = 0;
    o.temperature = 0.5;
    o.max_output_tokens = 2048;
    return o;
}

} // namespace

TEST_CASE("llm conformance, Anthropic Messages requests")
{
    Prism prism("tests/specs/llm/anthropic/anthropic-messages.trimmed.json");
    auto o = options(llm::ProviderKind::anthropic, prism.base());
    o.prompt_caching = false;
    auto provider = llm::make_provider(o, client());
    llm::Options call;
    call.stop_sequences = {"END"};
    SUBCASE("a tool round trip conforms")
    {
        const auto response = provider->complete(round_trip(), tools(), call);
        CHECK(response.message.role == llm::Role::assistant);
        CHECK(prism.log().find(k_violation) == std::string::npos);
    }
    SUBCASE("a streamed request conforms")
    {
        o.stream = true;
        auto streaming = llm::make_provider(o, client());
        try {
            streaming->complete(round_trip(), tools(), call);
        } catch (const llm::ProviderError& e) {
            // Prism has no event-stream answer in the spec (406); only the
            // request's validity matters here.
            CHECK(std::string(e.what()).find("HTTP 422") == std::string::npos);
        }
        CHECK(prism.log().find(k_violation) == std::string::npos);
    }
    SUBCASE("an invalid request is refused (the validator is really on)")
    {
        call.max_output_tokens = 0; // minimum 1
        try {
            provider->complete(round_trip(), tools(), call);
            FAIL("Prism accepted max_tokens 0");
        } catch (const llm::ProviderError& e) {
            CHECK(std::string(e.what()).find("(HTTP 422)") != std::string::npos);
            CHECK(prism.wait_for_log("max_tokens must be >= 1"));
        }
    }
}

TEST_CASE("llm conformance, OpenAI Chat Completions requests")
{
    Prism prism("tests/specs/llm/openai/openai-chat-completions.trimmed.json");
    llm::Options call;
    call.stop_sequences = {"END"};
    SUBCASE("a tool round trip conforms")
    {
        // With a base URL the body carries max_tokens (compatible servers);
        // for api.openai.com it is max_completion_tokens, also in the spec.
        auto provider =
            llm::make_provider(options(llm::ProviderKind::openai, prism.base()), client());
        const auto response = provider->complete(round_trip(), tools(), call);
        CHECK(response.message.role == llm::Role::assistant);
        CHECK(prism.log().find(k_violation) == std::string::npos);
    }
    SUBCASE("streaming options conform")
    {
        auto o = options(llm::ProviderKind::openai, prism.base());
        o.stream = true;
        auto provider = llm::make_provider(o, client());
        try {
            provider->complete(round_trip(), tools(), call);
        } catch (const llm::ProviderError& e) {
            // Prism answers a stream request with JSON, which is no stream;
            // what matters is that the request was not refused.
            CHECK(std::string(e.what()).find("HTTP 422") == std::string::npos);
        }
    }
    SUBCASE("an invalid request is refused (the validator is really on)")
    {
        auto o = options(llm::ProviderKind::openai, prism.base());
        o.temperature = 7.5; // maximum 2
        auto provider = llm::make_provider(o, client());
        try {
            provider->complete(round_trip(), tools(), call);
            FAIL("Prism accepted temperature 7.5");
        } catch (const llm::ProviderError& e) {
            CHECK(std::string(e.what()).find("(HTTP 422)") != std::string::npos);
            CHECK(prism.wait_for_log("temperature must be <= 2"));
        }
    }
}
