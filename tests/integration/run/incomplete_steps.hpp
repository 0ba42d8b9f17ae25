#pragma once
// Issue 17's end-to-end tests: model answers for the fake LLM and the wait
// that tells a test a model request is in flight (incomplete_*_test.cpp).

#include "draftsmith/net/http.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "world.hpp"

namespace draftsmith::test::incomplete {

using nlohmann::json;

inline const std::string k_key = "sk-ant-e2e-secret-key-0017";
inline const std::string k_red = "  background: #d93025;";

inline json call(const std::string& name, const json& input, int output_tokens = 0)
{
    json reply = {{"stop_reason", "tool_use"},
                  {"tool_calls", json::array({{{"name", name}, {"input", input}}})}};
    if (output_tokens > 0) {
        reply["output_tokens"] = output_tokens;
    }
    return {{"reply", reply}};
}

inline json recolour_step(const std::string& colour, int output_tokens = 0)
{
    return call("str_replace",
                {{"path", "css/style.css"},
                 {"old_str", "  background: #2d6cdf;"},
                 {"new_str", "  background: " + colour + ";"}},
                output_tokens);
}

inline json finish_step(const std::string& summary)
{
    return call("finish", {{"summary", summary}});
}

// A model call that never answers (Anthropic keep-alive pings) until the
// client goes away: where a limit or a signal finds the variant.
inline json hanging_step()
{
    return {{"fault", "pings"}, {"interval", 0.2}, {"seconds", 60}};
}

// Blocks until the fake LLM has recorded `count` requests (scripted_server's
// POST /__wait), so the test knows the run is inside that model call.
inline void wait_for_requests(const FakeLlm& llm, std::size_t count)
{
    auto client = net::make_http_client({});
    net::Request request;
    request.method = net::Method::post;
    request.url = llm.base() + "/__wait";
    request.body = json{{"requests", count}, {"timeout", 60}}.dump();
    const auto response = client->send(request);
    REQUIRE(response.status == 200);
}

} // namespace draftsmith::test::incomplete
