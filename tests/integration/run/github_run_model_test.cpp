// draftsmith run on GitHub Actions, end to end, with a real provider client
// against the fake LLM, and a model that tries to hang the job.
#include "github_run_support.hpp"

using namespace github_run_support;

TEST_CASE("run on GitHub through a real provider client and the fake LLM")
{
    GitHubRun f;
    FakeLlm llm(f.world.root() / "llm.log");
    const auto call = [](const std::string& name, json input) {
        return json{{"reply",
                     {{"stop_reason", "tool_use"},
                      {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
    };
    SUBCASE("one variant's model is overloaded: exit 1, one PR, the overview says why")
    {
        // --jobs 1: variant 1's calls come first, then variant 2's.
        llm.script(
            {{"steps", json::array({call("str_replace", {{"path", "css/style.css"},
                                                         {"old_str", "  background: #2d6cdf;"},
                                                         {"new_str", "  background: #d93025;"}}),
                                    call("finish", {{"summary", "red"}})})},
             {"default", {{"error", "overloaded"}}}});
        const auto result =
            f.run_with({"--provider", "anthropic", "--base-url", llm.base(), "--jobs", "1"},
                       {{"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"},
                        {"DRAFTSMITH_RETRIES_MAX_ATTEMPTS", "1"}},
                       101, "/edit /2 make the submit buttons red");
        CHECK(result.exit_code == 1);
        CHECK(f.drafts().size() == 1);
        const auto overview = f.comments_by_bot().at(0)["body"].get<std::string>();
        CHECK(overview.find("verloaded") != std::string::npos);
        CHECK(result.err.find("sk-ant-e2e-secret-key-0005") == std::string::npos);
    }
    SUBCASE("SIGTERM mid-run stops cleanly (exit 130); running again completes it")
    {
        llm.script({{"default", {{"delay", 60}, {"reply", {{"text", "too late"}}}}}});
        std::atomic<int> pid{0};
        std::thread sender([&] {
            // Wait until variant 1 is talking to the model (the others wait
            // for its answer to begin: cache_warmup), then cancel.
            // (Bounded, so a run that never gets there fails the checks below
            // instead of hanging the suite.)
            const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while ((pid.load() == 0 || llm.requests() < 1) &&
                   std::chrono::steady_clock::now() < give_up) {
                std::this_thread::yield();
            }
            ::kill(pid.load(), SIGTERM);
        });
        const auto started = std::chrono::steady_clock::now();
        const auto result = f.run_with({"--provider", "anthropic", "--base-url", llm.base()},
                                       {{"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}}, 100,
                                       "", [&](int child) { pid = child; });
        sender.join();
        CHECK(result.exit_code == 130);
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
        CHECK(f.drafts().empty());
        CHECK(f.world.server_variant_branches().empty());
        const auto comments = f.comments_by_bot();
        REQUIRE(comments.size() == 1);
        CHECK(comments[0]["body"].get<std::string>().find("nterrupted") != std::string::npos);
        CHECK(f.fake.state()["statuses"].back()["state"] == "failure");

        const auto again = f.run(f.world.recording(three_colours()));
        CHECK(again.exit_code == 0);
        CHECK(f.drafts().size() == 3);
        CHECK(f.comments_by_bot().size() == 1);
    }
}

TEST_CASE("run on GitHub: a hostile model cannot hang the job")
{
    // One long line of words that ends in a character `^(\w+\s?)*$` cannot
    // match: a backtracking engine tries exponentially many splits of it.
    std::string words;
    for (int i = 0; i < 700; ++i) {
        words += "word ";
    }
    GitHubRun f(std::map<std::string, std::string>{{"hostile/words.txt", words + "!\n"}});
    FakeLlm llm(f.world.root() / "llm.log");
    const auto call = [](const std::string& name, json input) {
        return json{{"reply",
                     {{"stop_reason", "tool_use"},
                      {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
    };
    const std::map<std::string, std::string> key{
        {"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}};
    SUBCASE("a pathological regex: the search answers and the run completes")
    {
        llm.script(
            {{"steps", json::array({call("search", {{"query", "^(\\w+\\s?)*$"},
                                                    {"regex", true},
                                                    {"path_prefix", "hostile"}}),
                                    call("str_replace", {{"path", "css/style.css"},
                                                         {"old_str", "  background: #2d6cdf;"},
                                                         {"new_str", "  background: #d93025;"}}),
                                    call("finish", {{"summary", "red"}})})}});
        const auto result = f.run_with({"--provider", "anthropic", "--base-url", llm.base()}, key,
                                       101, "/edit make the submit buttons red");
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(f.drafts().size() == 1);
        const auto bodies = llm.request_bodies();
        REQUIRE(bodies.size() == 3);
        CHECK(bodies[1].find("no matches") != std::string::npos); // the search's answer
        CHECK(f.fake.state()["statuses"].back()["state"] == "success");
    }
    SUBCASE("a model that streams pings forever: the variant ends at its time limit")
    {
        llm.script({{"default", {{"fault", "pings"}, {"interval", 0.2}, {"seconds", 120}}}});
        const auto started = std::chrono::steady_clock::now();
        const auto result = f.run_with(
            {"--provider", "anthropic", "--base-url", llm.base()},
            {{"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}, {"DRAFTSMITH_LIMITS_TIME", "3s"}},
            101, "/edit make the submit buttons red");
        INFO(result.err);
        CHECK(result.exit_code == 3); // the only variant made nothing
        // Generous: a hang would take the fake's 120 s (or forever).
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(60));
        CHECK(llm.requests() == 1); // cut, not sent again past the limit
        const auto overview = f.comments_by_bot().at(0)["body"].get<std::string>();
        CHECK(overview.find("time limit of 3 s reached") != std::string::npos);
        const auto statuses = f.fake.state()["statuses"];
        REQUIRE_FALSE(statuses.empty());
        CHECK(statuses.back()["state"] != "pending");
    }
}
