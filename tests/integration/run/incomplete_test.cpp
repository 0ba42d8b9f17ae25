// Issue 17 end to end: a variant that a limit or a signal ends after it made
// edits keeps them — committed with Draftsmith-Incomplete, pushed to the real
// git http-backend server, opened as a draft marked incomplete — and a re-run
// of the same comment continues it. The binary runs against the fake LLM,
// the fake GitHub and Azure DevOps. Signals are sent once the fake LLM has
// the model request they must interrupt in hand (POST /__wait), never after
// a sleep.
#include "draftsmith/net/http.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <thread>

#include "host/fixture.hpp"
#include "incomplete_steps.hpp"
#include "world.hpp"

namespace {

using namespace draftsmith::test;
using namespace draftsmith::test::incomplete;
using nlohmann::json;

const std::string k_token = "ghs_e2e_secret_token_0017";

class Run {
public:
    World world;
    FakeHost fake{"fake_github.py", k_token, {"--git-dir", world.bare().string()}};
    FakeLlm llm{world.root() / "llm.log"};

    explicit Run(const std::string& request = "/edit make the submit buttons red")
    {
        json pr = {{"id", 70},
                   {"number", 7},
                   {"state", "open"},
                   {"title", "About page"},
                   {"body", "Adds an about page"},
                   {"draft", false},
                   {"user", "alice"},
                   {"created_at", "2026-11-01T00:00:00Z"},
                   {"updated_at", "2026-11-01T00:00:00Z"},
                   {"head", {{"ref", "feature"}, {"sha", world.head_sha()}}},
                   {"base", {{"ref", "main"}, {"sha", world.base_sha()}}}};
        json comment = {{"id", 100},
                        {"issue_number", 7},
                        {"body", request},
                        {"user", "alice"},
                        {"created_at", "2026-11-01T00:01:00Z"},
                        {"updated_at", "2026-11-01T00:01:00Z"}};
        fake.seed(
            {{"users", {{"alice", {{"id", 1}, {"permission", "write"}, {"role_name", "write"}}}}},
             {"pulls", json::array({pr})},
             {"comments", json::array({comment})}});
        auto payload = json::parse(draftsmith::file::read_all(source_path(
            "tests/specs/github/webhooks/issue_comment.created.on-pull-request.DERIVED.json")));
        payload["issue"]["number"] = 7;
        payload["comment"]["id"] = 100;
        write_file(world.root() / "event.json", payload.dump());
    }

    ProcessResult run(std::map<std::string, std::string> more = {},
                      std::vector<std::string> flags = {}, std::function<void(int)> on_start = {})
    {
        std::vector<std::string> args{
            "run",        "--report",  (world.root() / "report.json").string(),
            "--provider", "anthropic", "--base-url",
            llm.base()};
        args.insert(args.end(), flags.begin(), flags.end());
        std::map<std::string, std::string> environment{
            {"GITHUB_ACTIONS", "true"},
            {"GITHUB_API_URL", fake.base()},
            {"GITHUB_TOKEN", k_token},
            {"GITHUB_REPOSITORY", "octo-org/app"},
            {"GITHUB_EVENT_NAME", "issue_comment"},
            {"GITHUB_EVENT_PATH", (world.root() / "event.json").string()},
            {"GITHUB_SERVER_URL", "https://github.com"},
            {"GITHUB_RUN_ID", "4242"},
            {"ANTHROPIC_API_KEY", k_key}};
        for (auto& [name, value] : more) {
            environment[name] = value;
        }
        auto result = world.draftsmith(args, environment, std::move(on_start));
        CHECK(result.err.find(k_key) == std::string::npos);
        CHECK(result.err.find(k_token) == std::string::npos);
        return result;
    }

    std::vector<json> drafts()
    {
        std::vector<json> out;
        const auto state = fake.state();
        for (const auto& pr : state["pulls"]) {
            if (pr["number"] != 7) {
                out.push_back(pr);
            }
        }
        return out;
    }

    std::string overview()
    {
        const auto state = fake.state();
        for (const auto& comment : state["comments"]) {
            const auto body = comment["body"].get<std::string>();
            if (comment["id"] != 100 && body.find("draftsmith-overview") != std::string::npos) {
                return body;
            }
        }
        return {};
    }

    json report() { return json::parse(draftsmith::file::read_all(world.root() / "report.json")); }

    // The tip commit's message of a branch on the server.
    std::string tip_message(const std::string& branch)
    {
        return world.server_git({"log", "-1", "--format=%B", "refs/heads/" + branch});
    }
    std::string tip(const std::string& branch)
    {
        return world.server_git({"rev-parse", "refs/heads/" + branch});
    }
    std::string file_at(const std::string& branch, const std::string& path)
    {
        return world.server_git({"show", "refs/heads/" + branch + ":" + path});
    }
};

// Everything one incomplete variant must leave behind: branch + trailer,
// draft pull request (title, body), overview row with the link, the report.
void check_kept(Run& f, const std::string& why, int variant = 1)
{
    const auto branches = f.world.server_variant_branches();
    REQUIRE(branches.size() >= static_cast<std::size_t>(variant));
    const auto& branch = branches[static_cast<std::size_t>(variant) - 1];
    CHECK(f.tip_message(branch).find("Draftsmith-Incomplete: " + why) != std::string::npos);
    CHECK(f.file_at(branch, "css/style.css").find(k_red) != std::string::npos);
    CHECK(f.world.server_git({"rev-parse", "refs/heads/" + branch + "^"}) == f.world.head_sha());

    const auto drafts = f.drafts();
    REQUIRE(drafts.size() == 1);
    const auto& draft = drafts[0];
    CHECK(draft["draft"] == true);
    CHECK(draft["head"]["ref"] == branch);
    const auto title = draft["title"].get<std::string>();
    CHECK(title.rfind("[incomplete: " + why + "] ", 0) == 0);
    const auto body = draft["body"].get<std::string>();
    CHECK(body.find("**Incomplete (" + why + "):** this variant stopped before it finished") !=
          std::string::npos);
    CHECK(body.find("It cost ") != std::string::npos); // tokens, dollars, turns, time
    CHECK(body.find("continue it") != std::string::npos);

    const auto overview = f.overview();
    const auto url =
        fmt::format("https://github.com/octo-org/app/pull/{}", draft["number"].get<int>());
    CHECK(overview.find(fmt::format("| {} | \xE2\x9A\xA0 incomplete ({}) | [#{}]({}) |", variant,
                                    why, draft["number"].get<int>(), url)) != std::string::npos);
    CHECK(overview.find(fmt::format("**Variant {}** is incomplete", variant)) != std::string::npos);

    const auto report = f.report();
    CHECK(report["variants"][variant - 1]["state"] == "incomplete");
    CHECK(report["variants"][variant - 1]["incomplete"] == why);
}

} // namespace

TEST_CASE("incomplete: each limit keeps the edits as a draft pull request marked incomplete")
{
    Run f;
    std::map<std::string, std::string> limit;
    std::string why;
    std::string reason;
    SUBCASE("turns")
    {
        f.llm.script({{"steps", json::array({recolour_step("#d93025")})}});
        limit = {{"DRAFTSMITH_LIMITS_TURNS", "1"}};
        why = "turn limit";
        reason = "turn limit of 1 reached";
    }
    SUBCASE("tokens")
    {
        f.llm.script({{"steps", json::array({recolour_step("#d93025")})}});
        limit = {{"DRAFTSMITH_LIMITS_TOKENS", "100"}};
        why = "token limit";
        reason = "token limit of 100 reached";
    }
    SUBCASE("cost")
    {
        // 200k output tokens of Claude Sonnet: $3, past the variant's $1.
        f.llm.script({{"steps", json::array({recolour_step("#d93025", 200000)})}});
        limit = {{"DRAFTSMITH_LIMITS_COST_USD", "1"}};
        why = "cost limit";
        reason = "cost limit of $1.00 reached";
    }
    SUBCASE("time")
    {
        f.llm.script(
            {{"steps", json::array({recolour_step("#d93025")})}, {"default", hanging_step()}});
        limit = {{"DRAFTSMITH_LIMITS_TIME", "2s"}};
        why = "time limit";
        reason = "time limit of 2 s reached";
    }
    SUBCASE("the run's budget")
    {
        f.llm.script(
            {{"steps", json::array({recolour_step("#d93025")})}, {"default", hanging_step()}});
        limit = {{"DRAFTSMITH_BUDGET_TOKENS", "100"}};
        why = "run budget";
        reason = "token budget of 100 tokens is spent";
    }
    const auto result = f.run(limit);
    INFO(result.err);
    CHECK(result.exit_code == 1); // every variant incomplete: 1, not 0 and not 3
    check_kept(f, why);
    CHECK(f.overview().find(reason) != std::string::npos);
    CHECK(f.drafts()[0]["body"].get<std::string>().find(reason) != std::string::npos);
    CHECK(f.fake.state()["statuses"].back()["state"] == "failure");
}

TEST_CASE("incomplete: a re-run continues the variant from its branch; --force starts over")
{
    Run f;
    f.llm.script({{"steps", json::array({recolour_step("#d93025")})}});
    REQUIRE(f.run({{"DRAFTSMITH_LIMITS_TURNS", "1"}}).exit_code == 1);
    const auto branch = f.world.server_variant_branches().at(0);
    const auto incomplete = f.tip(branch);
    const auto number = f.drafts().at(0)["number"];

    // The same comment again: the model is told what it did, and finishes.
    f.llm.script({{"steps", json::array({finish_step("Buttons red; hover kept.")})}});
    const auto again = f.run();
    INFO(again.err);
    CHECK(again.exit_code == 0);
    const auto bodies = f.llm.request_bodies();
    REQUIRE(bodies.size() == 1);
    CHECK(bodies[0].find("An earlier run of this request started this variant and stopped "
                         "before it finished (turn limit)") != std::string::npos);
    CHECK(bodies[0].find("+  background: #d93025;") != std::string::npos); // its diff
    CHECK(f.world.server_git({"rev-parse", "refs/heads/" + branch + "^"}) == incomplete);
    CHECK(f.tip_message(branch).find("Draftsmith-Incomplete") == std::string::npos);
    CHECK(f.file_at(branch, "css/style.css").find(k_red) != std::string::npos);
    auto drafts = f.drafts();
    REQUIRE(drafts.size() == 1); // the same pull request, updated
    CHECK(drafts[0]["number"] == number);
    CHECK(drafts[0]["title"].get<std::string>().find("[incomplete") == std::string::npos);
    CHECK(drafts[0]["body"].get<std::string>().find("Incomplete") == std::string::npos);
    CHECK(f.overview().find("| 1 | \xE2\x9C\x85 ready |") != std::string::npos);
    CHECK(f.report()["variants"][0]["continued"] == true);

    SUBCASE("--force starts over from the pull request's head")
    {
        // Make it incomplete again, then force.
        f.llm.script({{"steps", json::array({recolour_step("#b31412")})}});
        REQUIRE(f.run({{"DRAFTSMITH_LIMITS_TURNS", "1"}}, {"--force"}).exit_code == 1);
        CHECK(f.world.server_git({"rev-parse", "refs/heads/" + branch + "^"}) ==
              f.world.head_sha());
        CHECK(f.tip_message(branch).find("Draftsmith-Incomplete: turn limit") != std::string::npos);
        f.llm.script({{"steps", json::array({recolour_step("#0b8043"), finish_step("green")})}});
        const auto forced = f.run({}, {"--force"});
        CHECK(forced.exit_code == 0);
        const auto forced_bodies = f.llm.request_bodies();
        REQUIRE_FALSE(forced_bodies.empty());
        CHECK(forced_bodies[0].find("An earlier run") == std::string::npos);
        CHECK(f.world.server_git({"rev-parse", "refs/heads/" + branch + "^"}) ==
              f.world.head_sha());
        CHECK(f.file_at(branch, "css/style.css").find("#0b8043") != std::string::npos);
        CHECK(f.drafts().at(0)["number"] == number);
    }
}

TEST_CASE("incomplete: a limit before any edit opens nothing and says why")
{
    Run f;
    f.llm.script({{"steps", json::array({call("read_file", {{"path", "css/style.css"}})})}});
    const auto result = f.run({{"DRAFTSMITH_LIMITS_TURNS", "1"}});
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(f.world.server_variant_branches().empty());
    CHECK(f.drafts().empty());
    CHECK(f.overview().find("turn limit of 1 reached; it made no edits, so there is nothing to "
                            "keep") != std::string::npos);
    CHECK(f.report()["variants"][0]["state"] == "failed");
}

TEST_CASE("incomplete: incomplete: drop discards the edits, as before")
{
    Run f;
    f.llm.script({{"steps", json::array({recolour_step("#d93025")})}});
    const auto result =
        f.run({{"DRAFTSMITH_LIMITS_TURNS", "1"}, {"DRAFTSMITH_INCOMPLETE", "drop"}});
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(f.world.server_variant_branches().empty());
    CHECK(f.drafts().empty());
    const auto overview = f.overview();
    CHECK(overview.find("\xE2\x9D\x8C failed") != std::string::npos);
    CHECK(overview.find("turn limit of 1 reached") != std::string::npos);
    CHECK(overview.find("incomplete") == std::string::npos);
}

TEST_CASE("incomplete: a cancelled run pushes what exists in one push and opens it as drafts")
{
    // Two variants one after the other: variant 1 edits, then hangs in a
    // model call; variant 2 is still queued when the signal comes.
    Run f("/edit /2 make the submit buttons red");
    f.llm.script({{"steps", json::array({recolour_step("#d93025")})}, {"default", hanging_step()}});
    std::vector<int> signals;
    std::string why;
    SUBCASE("SIGINT")
    {
        signals = {SIGINT};
        why = "cancelled (SIGINT)";
    }
    SUBCASE("SIGTERM")
    {
        signals = {SIGTERM};
        why = "cancelled (SIGTERM)";
    }
    SUBCASE("SIGINT then SIGTERM, as a CI service cancels: the SIGTERM does not cut the push")
    {
        signals = {SIGINT, SIGTERM};
        why = "cancelled (SIGINT)"; // or SIGTERM: sent back to back, either may come first
    }
    std::atomic<int> pid{0};
    std::thread sender([&] {
        wait_for_requests(f.llm, 2); // variant 1 edited and is waiting for its second answer
        for (const int signal : signals) {
            ::kill(pid.load(), signal);
        }
    });
    const auto result = f.run({{"DRAFTSMITH_JOBS", "1"}}, {}, [&](int child) { pid = child; });
    sender.join();
    INFO(result.err);
    CHECK(result.exit_code == 130);
    CHECK(f.llm.requests() == 2); // no model call after the signal
    if (signals.size() == 2 && f.report()["variants"][0]["incomplete"] == "cancelled (SIGTERM)") {
        why = "cancelled (SIGTERM)";
    }
    check_kept(f, why);
    CHECK(f.world.server_variant_branches().size() == 1); // variant 2 made nothing
    const auto overview = f.overview();
    CHECK(overview.find("**Variant 2** was interrupted") != std::string::npos);
    CHECK(overview.find("it made no edits, so there is nothing to keep") != std::string::npos);
    CHECK(overview.find("Cancelled:") == std::string::npos); // the push made it in time
    CHECK(f.fake.state()["statuses"].back()["state"] == "failure");

    // The re-run continues variant 1 and makes variant 2.
    f.llm.script({{"steps", json::array({finish_step("red"), recolour_step("#b31412"),
                                         finish_step("darker red")})}});
    const auto again = f.run({{"DRAFTSMITH_JOBS", "1"}});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(f.llm.request_bodies().at(0).find("stopped before it finished (" + why + ")") !=
          std::string::npos);
    CHECK(f.drafts().size() == 2);
    CHECK(f.overview().find("incomplete") == std::string::npos);
}

TEST_CASE("incomplete: a cancel whose push fails says which variants were kept and which not")
{
    Run f;
    f.llm.script({{"steps", json::array({recolour_step("#d93025")})}, {"default", hanging_step()}});
    // The server takes no push (as when it cannot take one in time).
    const auto hook = f.world.bare() / "hooks" / "pre-receive";
    write_file(hook, "#!/bin/sh\necho 'repository is read-only' >&2\nexit 1\n");
    std::filesystem::permissions(hook, std::filesystem::perms::owner_all);
    std::atomic<int> pid{0};
    std::thread sender([&] {
        wait_for_requests(f.llm, 2);
        ::kill(pid.load(), SIGINT);
    });
    const auto result = f.run({}, {}, [&](int child) { pid = child; });
    sender.join();
    INFO(result.err);
    CHECK(result.exit_code == 130);
    CHECK(f.world.server_variant_branches().empty());
    CHECK(f.drafts().empty());
    const auto overview = f.overview();
    CHECK(overview.find("**Cancelled:** kept variant(s) none; not kept: variant(s) 1") !=
          std::string::npos);
    CHECK(overview.find("- **Variant 1** failed: not kept: ") != std::string::npos);
    INFO(overview);
    CHECK(overview.find("pre-receive hook declined") != std::string::npos);
    CHECK(f.report()["variants"][0]["incomplete"] == "cancelled (SIGINT)");
}
