// cache_warmup (issue 14): whole `draftsmith run --local` runs through the
// real Anthropic and OpenAI clients against the fake LLM, whose prompt cache
// follows the documented rules: an entry written by a request is readable
// only once that request's answer has begun (Anthropic: "a cache entry only
// becomes available after the first response begins"); OpenAI reports
// cached_tokens for a repeated prefix of 1,024 tokens or more, in blocks of
// 128. Each step's "delay" stands for the model's time to first token.
#include "draftsmith/net/http.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "world.hpp"

using namespace draftsmith::test;
using nlohmann::json;

namespace {

// Every answer: create a file (the same in every variant: they end as
// duplicates, which is fine here) and finish, after `delay` seconds.
json finish_answer(double delay)
{
    const auto calls = json::array(
        {{{"name", "create_file"}, {"input", {{"path", "notes/warmup.md"}, {"content", "warm\n"}}}},
         {{"name", "finish"}, {"input", {{"summary", "added a note"}}}}});
    return {{"delay", delay}, {"reply", {{"stop_reason", "tool_use"}, {"tool_calls", calls}}}};
}

struct CacheRun {
    World world;
    FakeLlm llm{world.root() / "llm.log"};

    ProcessResult run(const std::string& provider, int variants, const std::string& warmup)
    {
        const auto key = provider == "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
        return world.draftsmith({"run", "--local", "--comment",
                                 "/edit /" + std::to_string(variants) + " add a warm-up note",
                                 "--provider", provider, "--base-url", llm.base()},
                                {{key, "sk-cache-test-key-0001"},
                                 {"DRAFTSMITH_CACHE_WARMUP", warmup},
                                 {"DRAFTSMITH_RETRIES_MAX_ATTEMPTS", "1"}});
    }

    // The fake's prompt-cache entries (GET /__cache).
    json cache_book()
    {
        auto client = draftsmith::net::make_http_client({});
        draftsmith::net::Request request;
        request.url = llm.base() + "/__cache";
        const auto response = client->send(request);
        REQUIRE(response.ok());
        return json::parse(response.body);
    }

    // The model requests in arrival order, each with the usage the fake reported.
    std::vector<json> model_requests()
    {
        std::vector<json> seen;
        for (const auto& request : llm.requests_seen()) {
            if (request.contains("arrived")) {
                seen.push_back(request);
            }
        }
        std::sort(seen.begin(), seen.end(), [](const json& a, const json& b) {
            return a["arrived"].get<double>() < b["arrived"].get<double>();
        });
        return seen;
    }
};

std::int64_t usage_of(const json& request, const char* field)
{
    return request["usage"].value(field, std::int64_t{0});
}

std::int64_t openai_cached(const json& request)
{
    return request["usage"]["prompt_tokens_details"].value("cached_tokens", std::int64_t{0});
}

} // namespace

TEST_CASE("cache_warmup: Anthropic, N=5 writes the shared prefix once and 4 variants read it")
{
    CacheRun f;
    f.llm.script({{"default", finish_answer(0.3)}});
    const auto result = f.run("anthropic", 5, "auto");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto requests = f.model_requests();
    REQUIRE(requests.size() == 5);
    const auto& leader = requests.front();
    CHECK(usage_of(leader, "cache_read_input_tokens") == 0);
    const auto written = usage_of(leader, "cache_creation_input_tokens");
    CHECK(written > 1000);
    std::int64_t shared = 0;
    for (std::size_t i = 1; i < requests.size(); ++i) {
        CAPTURE(i);
        // Sent only once the leader's answer had begun ...
        CHECK(requests[i]["arrived"].get<double>() >= leader["answer_began"].get<double>());
        // ... so each reads the shared prefix and writes only its own hint.
        const auto read = usage_of(requests[i], "cache_read_input_tokens");
        CHECK(read > 500);
        CHECK(usage_of(requests[i], "cache_creation_input_tokens") < read / 4);
        shared = shared == 0 ? read : shared;
        CHECK(read == shared);
    }
    // The fake's book: the shared prefix was created once and read four times.
    int shared_entries = 0;
    for (const auto& entry : f.cache_book()) {
        if (entry["tokens"].get<std::int64_t>() == shared) {
            ++shared_entries;
            CHECK(entry["created"] == 1);
            CHECK(entry["read"] == 4);
        }
    }
    CHECK(shared_entries == 1);
    // The overview's cost says what the cache did, per variant and in total.
    CHECK(result.out.find(" read)") != std::string::npos);
    CHECK(result.out.find("(cache: ") != std::string::npos);
}

TEST_CASE("cache_warmup: Anthropic with cache_warmup off, every variant writes the prefix")
{
    CacheRun f;
    // Each answer begins 2 s after its request: all five arrive before any
    // answer began, as they do when variants start at once.
    f.llm.script({{"default", finish_answer(2.0)}});
    const auto result = f.run("anthropic", 5, "off");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto requests = f.model_requests();
    REQUIRE(requests.size() == 5);
    for (const auto& request : requests) {
        CHECK(usage_of(request, "cache_read_input_tokens") == 0);
        CHECK(usage_of(request, "cache_creation_input_tokens") > 1000);
        CHECK(request["arrived"].get<double>() < requests.front()["answer_began"].get<double>());
    }
    // The shared prefix (tools, system prompt, request and file list) was
    // written five times and never read.
    bool found = false;
    for (const auto& entry : f.cache_book()) {
        if (entry["created"] == 5) {
            found = true;
            CHECK(entry["read"] == 0);
        }
    }
    CHECK(found);
}

TEST_CASE("cache_warmup: a first variant that fails releases the others")
{
    CacheRun f;
    // The first request (variant 1's, the only one sent before its answer)
    // is refused (HTTP 400, never retried); the others then go and succeed.
    f.llm.script({{"steps", json::array({{{"delay", 0.3}, {"error", "invalid_request"}}})},
                  {"default", finish_answer(0)}});
    const auto result = f.run("anthropic", 3, "auto");
    INFO(result.err);
    CHECK(result.exit_code == 1);
    const auto requests = f.model_requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0]["step"] == 0);
    for (std::size_t i = 1; i < requests.size(); ++i) {
        CHECK(requests[i]["step"] == "default");
        CHECK(requests[i]["arrived"].get<double>() >= requests[0]["arrived"].get<double>() + 0.3);
    }
    CHECK(result.out.find("messages: field required") != std::string::npos);
}

TEST_CASE("cache_warmup: OpenAI reports cached tokens for the repeated prefix")
{
    CacheRun f;
    SUBCASE("auto: variants 2..3 read at least 1,024 tokens, in blocks of 128")
    {
        f.llm.script({{"default", finish_answer(0.3)}});
        const auto result = f.run("openai", 3, "auto");
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        const auto requests = f.model_requests();
        REQUIRE(requests.size() == 3);
        CHECK(openai_cached(requests[0]) == 0);
        for (std::size_t i = 1; i < requests.size(); ++i) {
            const auto cached = openai_cached(requests[i]);
            CHECK(cached >= 1024);
            CHECK((cached - 1024) % 128 == 0);
            CHECK(cached <= requests[i]["usage"]["prompt_tokens"].get<std::int64_t>());
        }
    }
    SUBCASE("off: all at once, nothing cached")
    {
        f.llm.script({{"default", finish_answer(2.0)}});
        const auto result = f.run("openai", 3, "off");
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        for (const auto& request : f.model_requests()) {
            CHECK(openai_cached(request) == 0);
        }
    }
}
