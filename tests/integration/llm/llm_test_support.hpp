#pragma once
// Helpers of the llm/ integration tests: the fake LLM service and
// real-shaped conversations.
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

namespace llm_test_support {

inline const std::string k_key = "sk-ant-fake-KEY-for-tests-0123456789";

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

inline llm::Tools tools()
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

inline llm::Conversation conversation(const std::string& request = "make the buttons red")
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

inline llm::Options at(int variant, int turn)
{
    llm::Options options;
    options.variant = variant;
    options.turn = turn;
    return options;
}

inline json reply(json value)
{
    return {{"reply", std::move(value)}};
}

inline const json k_two_calls =
    reply({{"text", "I will read both files."},
           {"tool_calls",
            json::array({{{"name", "read_file"}, {"input", {{"path", "src/app.css"}}}},
                         {{"name", "read_file"}, {"input", {{"path", "src/index.html"}}}}})}});

} // namespace llm_test_support
