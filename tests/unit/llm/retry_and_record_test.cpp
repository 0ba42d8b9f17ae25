// Answer retries spend the run's one retry budget with net/'s backoff (no
// backoff of llm/'s own), and --record writes each variant's answers
// through that variant's own provider into one file.
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/llm/replay.hpp"
#include "draftsmith/net/retry.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>

#include "fake_http.hpp"
#include "support/temp_dir.hpp"

using namespace draftsmith;
using draftsmith::test::FakeHttp;

namespace {

llm::ProviderOptions broken_stream_options(std::vector<std::chrono::milliseconds>& waits)
{
    llm::ProviderOptions options;
    options.kind = llm::ProviderKind::anthropic;
    options.model = "claude-sonnet-4-5";
    options.api_key = draftsmith::Secret("sk-ant-unit-test-key-001");
    options.api_key_variable = "ANTHROPIC_API_KEY";
    options.stream = false;
    options.stream_retries = 3;
    options.sleep = [&waits](std::chrono::milliseconds wait) { waits.push_back(wait); };
    options.retry.initial_backoff = std::chrono::milliseconds(200);
    options.retry.max_backoff = std::chrono::milliseconds(400);
    return options;
}

llm::Conversation hello()
{
    llm::Conversation conversation;
    conversation.messages.push_back(llm::Message::user_text("Hello"));
    return conversation;
}

// Answers with a fixed text under its own name.
class NamedProvider final : public llm::Provider {
public:
    explicit NamedProvider(std::string name)
        : m_name(std::move(name))
    {
    }
    llm::Response complete(const llm::Conversation&, const llm::Tools&,
                           const llm::Options&) override
    {
        llm::Response response;
        response.model = m_name + "-model";
        return response;
    }
    std::string name() const override { return m_name; }

private:
    std::string m_name;
};

} // namespace

TEST_CASE("llm answer retries, net/'s backoff and the run's one budget")
{
    std::vector<std::chrono::milliseconds> waits;
    auto options = broken_stream_options(waits);
    auto http = std::make_shared<FakeHttp>();
    for (int i = 0; i < 4; ++i) {
        http->answers.push_back({200, "{\"id\": \"msg\", \"content\": [", {}, 1});
    }
    SUBCASE("within the budget: every try, waits within net/'s backoff")
    {
        options.retry.budget = std::make_shared<net::RetryBudget>(10);
        auto provider = llm::make_provider(options, http);
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             doctest::Contains("is not valid JSON (HTTP 200)"), llm::ProviderError);
        CHECK(http->requests.size() == 4);
        REQUIRE(waits.size() == 3);
        for (const auto wait : waits) {
            CHECK(wait <= std::chrono::milliseconds(400));
        }
        CHECK(options.retry.budget->left() == 7);
    }
    SUBCASE("the budget spent by others: no retry at all")
    {
        options.retry.budget = std::make_shared<net::RetryBudget>(1);
        CHECK(options.retry.budget->take());
        auto provider = llm::make_provider(options, http);
        CHECK_THROWS_WITH_AS(provider->complete(hello(), {}, {}),
                             "anthropic: the answer is not valid JSON (HTTP 200): "
                             "'{\"id\": \"msg\", \"content\": ['",
                             llm::ProviderError);
        CHECK(http->requests.size() == 1);
        CHECK(waits.empty());
    }
}

TEST_CASE("llm::Recording, each variant through its own provider into one file")
{
    draftsmith::test::TempDir dir;
    const auto file = dir.path() / "recording.jsonl";
    auto recording = std::make_shared<llm::Recording>(file);
    auto first =
        llm::make_recording_provider(std::make_unique<NamedProvider>("anthropic"), recording);
    auto second =
        llm::make_recording_provider(std::make_unique<NamedProvider>("openai"), recording);
    llm::Options call;
    call.variant = 1;
    first->complete(hello(), {}, call);
    call.variant = 2;
    second->complete(hello(), {}, call);
    CHECK(second->name() == "openai");

    std::ifstream in(file);
    std::string line;
    std::vector<nlohmann::json> lines;
    while (std::getline(in, line)) {
        lines.push_back(nlohmann::json::parse(line));
    }
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["variant"] == 1);
    CHECK(lines[0]["provider"] == "anthropic");
    CHECK(lines[1]["variant"] == 2);
    CHECK(lines[1]["provider"] == "openai");
    CHECK(lines[1]["model"] == "openai-model");
}
