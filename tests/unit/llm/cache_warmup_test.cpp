// llm::CacheWarmup (issue 14): the gate that lets the other variants go once
// the first one's answer has begun, and the "answer began" signal of the
// providers' streaming path.
#include "draftsmith/llm/cache_warmup.hpp"
#include "draftsmith/llm/provider.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "fake_http.hpp"
#include "support/process.hpp"

namespace llm = draftsmith::llm;
namespace net = draftsmith::net;
using draftsmith::test::read_text;
using draftsmith::test::source_path;

namespace {

// A provider that runs a function in place of a model.
class ScriptedProvider final : public llm::Provider {
public:
    explicit ScriptedProvider(std::function<llm::Response(const llm::Options&)> answer)
        : m_answer(std::move(answer))
    {
    }
    llm::Response complete(const llm::Conversation&, const llm::Tools&,
                           const llm::Options& options) override
    {
        return m_answer(options);
    }
    std::string name() const override { return "scripted"; }

private:
    std::function<llm::Response(const llm::Options&)> m_answer;
};

// Hands a 200 answer's body over one byte at a time and counts the bytes.
class ByteByByteHttp final : public net::HttpClient {
public:
    ByteByByteHttp(long status, std::string body)
        : m_status(status)
        , m_body(std::move(body))
    {
    }
    net::Response send(const net::Request& request) override
    {
        net::Response response;
        response.status = m_status;
        if (request.on_body_chunk && response.ok()) {
            for (std::size_t at = 0; at < m_body.size(); ++at) {
                delivered = at + 1;
                request.on_body_chunk(std::string_view(m_body).substr(at, 1));
            }
        } else {
            response.body = m_body;
        }
        return response;
    }
    std::size_t delivered = 0;

private:
    long m_status;
    std::string m_body;
};

llm::ProviderOptions anthropic(bool stream)
{
    llm::ProviderOptions options;
    options.kind = llm::ProviderKind::anthropic;
    options.model = "claude-sonnet-4-5";
    options.api_key = draftsmith::Secret("sk-ant-unit-test-key-000");
    options.stream = stream;
    options.stream_retries = 0;
    options.sleep = [](std::chrono::milliseconds) {};
    return options;
}

llm::Conversation hello()
{
    llm::Conversation conversation;
    conversation.messages.push_back(llm::Message::user_text("What is the weather in Paris?"));
    return conversation;
}

} // namespace

TEST_CASE("llm::CacheWarmup, the gate")
{
    llm::CacheWarmup gate;
    SUBCASE("closed: a wait ends at its deadline, saying so")
    {
        CHECK_FALSE(gate.wait(llm::CacheWarmup::Clock::now() + std::chrono::milliseconds(20)));
        CHECK_FALSE(gate.released());
        CHECK_FALSE(gate.released_after().has_value());
    }
    SUBCASE("released: every wait returns at once, release again changes nothing")
    {
        gate.release();
        const auto first = gate.released_after();
        REQUIRE(first.has_value());
        gate.release();
        CHECK(gate.released_after() == first);
        CHECK(gate.wait(std::nullopt));
        CHECK(gate.wait(llm::CacheWarmup::Clock::now() - std::chrono::seconds(1)));
    }
    SUBCASE("an interrupt ends a wait without a deadline")
    {
        net::interrupt_all();
        CHECK_FALSE(gate.wait(std::nullopt));
        net::clear_interrupt();
    }
}

TEST_CASE("llm::warmup_leader and warmup_follower")
{
    auto gate = std::make_shared<llm::CacheWarmup>();
    std::atomic<int> follower_calls{0};
    auto follower = llm::warmup_follower(std::make_unique<ScriptedProvider>([&](const auto&) {
                                             ++follower_calls;
                                             return llm::Response{};
                                         }),
                                         gate);
    SUBCASE("the follower goes once the leader's answer has begun, not when it ends")
    {
        std::promise<void> follower_done;
        auto leader =
            llm::warmup_leader(std::make_unique<ScriptedProvider>([&](const llm::Options& options) {
                                   REQUIRE(options.on_answer_began);
                                   options.on_answer_began(); // the stream's first event
                                   // Still answering: the follower must get through meanwhile.
                                   follower_done.get_future().wait();
                                   return llm::Response{};
                               }),
                               gate);
        std::thread leading([&] { leader->complete({}, {}, {}); });
        follower->complete({}, {}, {});
        CHECK(follower_calls == 1);
        follower_done.set_value();
        leading.join();
    }
    SUBCASE("a leader whose call fails releases the followers")
    {
        auto leader = llm::warmup_leader(
            std::make_unique<ScriptedProvider>([](const llm::Options&) -> llm::Response {
                throw llm::ProviderError(llm::FailureKind::invalid_request, "refused");
            }),
            gate);
        CHECK_THROWS_WITH(leader->complete({}, {}, {}), "refused");
        CHECK(gate->released());
        follower->complete({}, {}, {});
        CHECK(follower_calls == 1);
    }
    SUBCASE("a follower never released goes at its call's deadline")
    {
        llm::Options options;
        options.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
        follower->complete({}, {}, options);
        CHECK(follower_calls == 1);
        CHECK_FALSE(gate->released());
    }
}

TEST_CASE("llm::Options::on_answer_began, from the providers' answers")
{
    int began = 0;
    std::size_t delivered_then = 0;
    llm::Options options;
    SUBCASE("a stream: at its first event, long before its end")
    {
        const auto body = read_text(source_path("tests/specs/llm/anthropic/examples/"
                                                "messages.stream.tool_use.recorded.sse"));
        auto http = std::make_shared<ByteByByteHttp>(200, body);
        options.on_answer_began = [&] {
            ++began;
            delivered_then = http->delivered;
        };
        const auto provider = llm::make_provider(anthropic(true), http);
        const auto response = provider->complete(hello(), {}, options);
        CHECK(began == 1);
        CHECK(delivered_then > 0);
        CHECK(delivered_then < body.size() / 4);
        CHECK(response.stop_reason == llm::StopReason::tool_use);
    }
    SUBCASE("a whole answer: when it arrived")
    {
        const auto recorded = nlohmann::json::parse(read_text(
            source_path("tests/specs/llm/anthropic/examples/messages.tool_use.response.json")));
        auto http = std::make_shared<ByteByByteHttp>(200, recorded["body"].dump());
        options.on_answer_began = [&] { ++began; };
        llm::make_provider(anthropic(false), http)->complete(hello(), {}, options);
        CHECK(began == 1);
    }
    SUBCASE("an error status: never")
    {
        const auto recorded = nlohmann::json::parse(
            read_text(source_path("tests/specs/llm/anthropic/examples/"
                                  "messages.400.invalid_request_error.response.json")));
        auto http = std::make_shared<ByteByByteHttp>(400, recorded["body"].dump());
        options.on_answer_began = [&] { ++began; };
        CHECK_THROWS_AS(llm::make_provider(anthropic(true), http)->complete(hello(), {}, options),
                        llm::ProviderError);
        CHECK(began == 0);
    }
}
