// draftsmith run on GitHub Actions, end to end: the binary, the fake GitHub,
// git http-backend, a depth-1 checkout, and recorded model answers.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <set>
#include <thread>

#include "host/fixture.hpp"
#include "world.hpp"

namespace {

using namespace draftsmith::test;
using nlohmann::json;

const std::string k_token = "ghs_e2e_secret_token_0003";
const std::string k_request = "/edit /3 make the submit buttons red";

class GitHubRun {
public:
    World world;
    FakeHost fake{"fake_github.py", k_token, {"--git-dir", world.bare().string()}};

    explicit GitHubRun(const std::map<std::string, std::string>& feature_files = {})
        : world(feature_files)
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
        fake.seed({{"users",
                    {{"alice", {{"id", 1}, {"permission", "write"}, {"role_name", "write"}}},
                     {"bob", {{"id", 2}, {"permission", "read"}, {"role_name", "read"}}}}},
                   {"pulls", json::array({pr})},
                   {"comments", json::array({comment(100, "alice", k_request)})}});
    }

    static json comment(int id, const std::string& user, const std::string& body,
                        const std::string& updated = "2026-11-01T00:01:00Z")
    {
        return {{"id", id},
                {"issue_number", 7},
                {"body", body},
                {"user", user},
                {"created_at", "2026-11-01T00:01:00Z"},
                {"updated_at", updated}};
    }

    // The issue_comment event GitHub would deliver for comment `id` on PR 7.
    std::filesystem::path event(int id)
    {
        auto payload = json::parse(draftsmith::file::read_all(source_path(
            "tests/specs/github/webhooks/issue_comment.created.on-pull-request.DERIVED.json")));
        payload["issue"]["number"] = 7;
        payload["comment"]["id"] = id;
        const auto path = world.root() / fmt::format("event-{}.json", id);
        write_file(path, payload.dump());
        return path;
    }

    ProcessResult run(const std::filesystem::path& recording, int comment_id = 100,
                      std::vector<std::string> more = {})
    {
        std::vector<std::string> args{"--provider", "replay", "--replay", recording.string()};
        args.insert(args.end(), more.begin(), more.end());
        return run_with(args, {}, comment_id);
    }

    // Runs with these flags and variables; `comment`, when given, is comment
    // `comment_id`'s text (by alice).
    ProcessResult run_with(std::vector<std::string> flags, std::map<std::string, std::string> more,
                           int comment_id, const std::string& comment = "",
                           std::function<void(int)> on_start = {})
    {
        if (!comment.empty()) {
            fake.seed({{"comments", json::array({GitHubRun::comment(comment_id, "alice", comment)})}});
        }
        std::vector<std::string> args{"run", "--report", (world.root() / "report.json").string()};
        args.insert(args.end(), flags.begin(), flags.end());
        std::map<std::string, std::string> environment{{"GITHUB_ACTIONS", "true"},
                   {"GITHUB_API_URL", fake.base()},
                   {"GITHUB_TOKEN", k_token},
                   {"GITHUB_REPOSITORY", "octo-org/app"},
                   {"GITHUB_EVENT_NAME", "issue_comment"},
                   {"GITHUB_EVENT_PATH", event(comment_id).string()},
                   {"GITHUB_OUTPUT", (world.root() / "output").string()},
                   {"GITHUB_STEP_SUMMARY", (world.root() / "summary.md").string()},
                   {"GITHUB_SERVER_URL", "https://github.com"},
                   {"GITHUB_RUN_ID", "4242"}};
        environment.insert(more.begin(), more.end());
        return world.draftsmith(args, environment, std::move(on_start));
    }

    std::vector<json> drafts()
    {
        std::vector<json> out;
        const auto state = fake.state(); // kept: a range-for would not extend its life
        for (const auto& pr : state["pulls"]) {
            if (pr["number"] != 7) {
                out.push_back(pr);
            }
        }
        return out;
    }

    std::vector<json> comments_by_bot()
    {
        std::vector<json> out;
        const auto state = fake.state();
        for (const auto& c : state["comments"]) {
            if (c["id"] != 100 && c["id"] != 101) {
                out.push_back(c);
            }
        }
        return out;
    }

    json report() { return json::parse(draftsmith::file::read_all(world.root() / "report.json")); }
};

// What GitHub (and the fake) call a pull request's page.
std::string url_of(const json& pull)
{
    return fmt::format("https://github.com/octo-org/app/pull/{}", pull["number"].get<int>());
}

std::map<int, std::vector<Turn>> three_colours()
{
    return {{1, recolour("#d93025")}, {2, recolour("#c5221f")}, {3, recolour("#b31412")}};
}

} // namespace

TEST_CASE("run on GitHub: one comment, three draft pull requests")
{
    GitHubRun f;
    const auto result = f.run(f.world.recording(three_colours()));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);

    // Three branches on the server, each one commit on the PR's head.
    const auto branches = f.world.server_variant_branches();
    REQUIRE(branches.size() == 3);
    for (const auto& branch : branches) {
        CHECK(f.world.server_git({"rev-parse", branch + "^"}) == f.world.head_sha());
        const auto message = f.world.server_git({"log", "-1", "--format=%B", branch});
        CHECK(message.find("Draftsmith-Request: github/octo-org/app/7/100") != std::string::npos);
    }
    // Three drafts onto the PR's head branch, with the request and the marker.
    const auto drafts = f.drafts();
    REQUIRE(drafts.size() == 3);
    for (const auto& draft : drafts) {
        CHECK(draft["draft"] == true);
        CHECK(draft["base"]["ref"] == "feature");
        CHECK(draft["body"].get<std::string>().find("make the submit buttons red") !=
              std::string::npos);
        CHECK(draft["body"].get<std::string>().find("<!-- draftsmith-request: pr7-c100 v") !=
              std::string::npos);
        CHECK(draft["title"].get<std::string>().find("AI Edit v") != std::string::npos);
    }
    // One overview comment with every PR's link; reactions and statuses.
    const auto comments = f.comments_by_bot();
    REQUIRE(comments.size() == 1);
    const auto overview = comments[0]["body"].get<std::string>();
    for (const auto& draft : drafts) {
        CHECK(overview.find(url_of(draft)) != std::string::npos);
    }
    const auto state = f.fake.state();
    std::set<std::string> reactions;
    for (const auto& r : state["reactions"]) {
        reactions.insert(r["content"].get<std::string>());
    }
    CHECK(reactions == std::set<std::string>{"eyes", "rocket"});
    REQUIRE(state["statuses"].size() >= 2);
    CHECK(state["statuses"].front()["state"] == "pending");
    CHECK(state["statuses"].back()["state"] == "success");
    CHECK(state["statuses"].back()["sha"] == f.world.head_sha());
    // Step outputs, job summary and report.
    const auto output = draftsmith::file::read_all(f.world.root() / "output");
    CHECK(output.find("pr-urls<<") == 0);
    for (const auto& draft : drafts) {
        CHECK(output.find(url_of(draft)) != std::string::npos);
    }
    CHECK(draftsmith::file::read_all(f.world.root() / "summary.md").find("| Variant") !=
          std::string::npos);
    CHECK(result.out.find("::group::") != std::string::npos);
    CHECK(f.report()["variants"].size() == 3);
    // The token never reaches the log, the report or the comments.
    CHECK(result.err.find(k_token) == std::string::npos);
    CHECK(draftsmith::file::read_all(f.world.root() / "report.json").find(k_token) ==
          std::string::npos);
    CHECK(overview.find(k_token) == std::string::npos);

    SUBCASE("running the same comment again makes nothing twice")
    {
        const auto again = f.run(f.world.recording({}));
        CHECK(again.exit_code == 0);
        CHECK(f.drafts().size() == 3);
        CHECK(f.world.server_variant_branches() == branches);
        CHECK(f.comments_by_bot().size() == 1);
    }
    SUBCASE("--force makes them again and updates the same pull requests")
    {
        auto recolour_all = three_colours();
        recolour_all[1] = recolour("#ff0000");
        const auto again = f.run(f.world.recording(recolour_all), 100, {"--force"});
        CHECK(again.exit_code == 0);
        CHECK(f.drafts().size() == 3);
        const auto tip = f.world.server_git({"show", branches[0] + ":css/style.css"});
        CHECK(tip.find("#ff0000") != std::string::npos);
        CHECK(f.comments_by_bot().size() == 1);
    }
}

TEST_CASE("run on GitHub: failing variants")
{
    GitHubRun f;
    SUBCASE("one variant's model fails: exit 1, two PRs, the overview says why")
    {
        auto variants = three_colours();
        variants.erase(2); // no recorded answer: the replay provider fails variant 2
        const auto result = f.run(f.world.recording(variants));
        CHECK(result.exit_code == 1);
        CHECK(f.drafts().size() == 2);
        const auto overview = f.comments_by_bot().at(0)["body"].get<std::string>();
        CHECK(overview.find("has no answer for variant 2") != std::string::npos);
        CHECK(result.out.find("::error::") != std::string::npos);
        CHECK(f.fake.state()["statuses"].back()["state"] == "failure");

        // Running it again makes only the missing variant; the overview is updated.
        const auto again = f.run(f.world.recording(three_colours()));
        CHECK(again.exit_code == 0);
        CHECK(f.drafts().size() == 3);
        CHECK(f.comments_by_bot().size() == 1);
        CHECK(f.report()["variants"][0]["pr_reused"] == true);
        CHECK(f.report()["variants"][1]["pr_reused"] == false);
    }
    SUBCASE("the pull request's head cannot be fetched: exit 1, the overview says why")
    {
        f.world.server_git({"update-ref", "-d", "refs/pull/7/head"});
        auto pulls = f.fake.state()["pulls"];
        pulls[0]["head"]["sha"] = std::string(40, 'f');
        f.fake.seed({{"pulls", pulls}});
        const auto result = f.run(f.world.recording(three_colours()));
        CHECK(result.exit_code == 1);
        CHECK(f.drafts().empty());
        const auto comments = f.comments_by_bot();
        REQUIRE(comments.size() == 1);
        CHECK(comments[0]["body"].get<std::string>().find("refs/pull/7/head") != std::string::npos);
        CHECK(f.fake.state()["statuses"].back()["state"] == "failure");
    }
    SUBCASE("every variant fails: exit 3, no PR")
    {
        const auto result = f.run(f.world.recording({}));
        CHECK(result.exit_code == 3);
        CHECK(f.drafts().empty());
        CHECK(f.world.server_variant_branches().empty());
    }
    SUBCASE("two variants make the same change: one PR, a duplicate")
    {
        auto variants = three_colours();
        variants[2] = recolour("#d93025");
        const auto result = f.run(f.world.recording(variants));
        CHECK(result.exit_code == 0);
        CHECK(f.drafts().size() == 2);
        CHECK(f.report()["variants"][1]["state"] == "duplicate");
    }
    SUBCASE("an edit of a protected path is refused and the model is told")
    {
        auto variants = three_colours();
        variants[3] = {{{tool_call("create_file", {{"path", ".github/workflows/evil.yml"},
                                                    {"content", "on: push\n"}})}},
                       {{tool_call("finish", {{"summary", "tried"}})}}};
        const auto result = f.run(f.world.recording(variants));
        CHECK(result.exit_code == 1);
        CHECK(f.drafts().size() == 2);
        CHECK(f.report()["variants"][2]["state"] == "no-changes");
        for (const auto& branch : f.world.server_variant_branches()) {
            CHECK(f.world.server_git({"ls-tree", "-r", "--name-only", branch})
                      .find(".github") == std::string::npos);
        }
    }
}

TEST_CASE("run on GitHub: who may trigger")
{
    GitHubRun f;
    const auto recording = f.world.recording(three_colours());
    SUBCASE("a commenter with read access only is refused politely: exit 4")
    {
        f.fake.seed({{"comments", json::array({GitHubRun::comment(100, "alice", k_request),
                                               GitHubRun::comment(101, "bob", k_request)})}});
        const auto result = f.run(recording, 101);
        CHECK(result.exit_code == 4);
        CHECK(f.drafts().empty());
        const auto replies = f.comments_by_bot();
        REQUIRE(replies.size() == 1);
        CHECK(replies[0]["body"].get<std::string>().find("bob") != std::string::npos);
    }
    SUBCASE("an edited comment is refused: exit 4 and a reply")
    {
        f.fake.seed({{"comments", json::array({GitHubRun::comment(100, "alice", k_request,
                                                                  "2026-11-01T00:09:00Z")})}});
        const auto result = f.run(recording);
        CHECK(result.exit_code == 4);
        CHECK(f.drafts().empty());
        REQUIRE(f.comments_by_bot().size() == 1);
        CHECK(f.comments_by_bot()[0]["body"].get<std::string>().find("edited") !=
              std::string::npos);
    }
    SUBCASE("a pull request from a fork is refused: exit 4")
    {
        auto pulls = f.fake.state()["pulls"];
        pulls[0]["head"]["repo_full_name"] = "mallory/app";
        f.fake.seed({{"pulls", pulls}});
        const auto result = f.run(recording);
        CHECK(result.exit_code == 4);
        CHECK(f.drafts().empty());
        CHECK(f.comments_by_bot().at(0)["body"].get<std::string>().find("fork") !=
              std::string::npos);
    }
    SUBCASE("a deleted comment: exit 4, nothing written")
    {
        const auto result = f.run(recording, 999);
        CHECK(result.exit_code == 4);
        CHECK(f.comments_by_bot().empty());
    }
    SUBCASE("a comment that is no command: exit 0, nothing written")
    {
        f.fake.seed({{"comments", json::array({GitHubRun::comment(100, "alice", "LGTM")})}});
        const auto result = f.run(recording);
        CHECK(result.exit_code == 0);
        CHECK(f.comments_by_bot().empty());
        CHECK(f.fake.state()["reactions"].empty());
    }
    SUBCASE("an /edit hidden in an HTML comment: exit 0, nothing written (issue 12, item 7)")
    {
        f.fake.seed({{"comments",
                      json::array({GitHubRun::comment(
                          100, "alice", "LGTM\n<!--\n/edit /3 make the buttons red\n-->")})}});
        const auto result = f.run(recording);
        CHECK(result.exit_code == 0);
        CHECK(f.comments_by_bot().empty());
        CHECK(f.fake.state()["reactions"].empty());
        CHECK(f.drafts().empty());
    }
}

TEST_CASE("run on GitHub: --dry-run writes nothing anywhere")
{
    GitHubRun f;
    const auto result = f.run(f.world.recording(three_colours()), 100, {"--dry-run"});
    CHECK(result.exit_code == 0);
    CHECK(f.drafts().empty());
    CHECK(f.comments_by_bot().empty());
    CHECK(f.fake.state()["statuses"].empty());
    CHECK(f.world.server_variant_branches().empty());
    CHECK(result.out.find("| Variant") != std::string::npos);
}

TEST_CASE("run on GitHub through a real provider client and the fake LLM")
{
    GitHubRun f;
    FakeLlm llm(f.world.root() / "llm.log");
    const auto call = [](const std::string& name, json input) {
        return json{{"reply", {{"stop_reason", "tool_use"},
                               {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
    };
    SUBCASE("one variant's model is overloaded: exit 1, one PR, the overview says why")
    {
        // --jobs 1: variant 1's calls come first, then variant 2's.
        llm.script({{"steps",
                     json::array({call("str_replace", {{"path", "css/style.css"},
                                                       {"old_str", "  background: #2d6cdf;"},
                                                       {"new_str", "  background: #d93025;"}}),
                                  call("finish", {{"summary", "red"}})})},
                    {"default", {{"error", "overloaded"}}}});
        const auto result = f.run_with(
            {"--provider", "anthropic", "--base-url", llm.base(), "--jobs", "1"},
            {{"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}, {"DRAFTSMITH_RETRIES_MAX_ATTEMPTS", "1"}},
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

TEST_CASE("run on GitHub: the rules come from the target branch, not from the pull request")
{
    // The pull request tries to lift the protection and to cap /N at 1.
    GitHubRun f(std::map<std::string, std::string>{
        {".draftsmith.yml", "max_variants: 1\nallow_protected: true\n"}});
    auto variants = three_colours();
    variants[3] = {{{tool_call("create_file", {{"path", ".github/workflows/evil.yml"},
                                                {"content", "on: push\n"}})}},
                   {{tool_call("finish", {{"summary", "tried"}})}}};
    const auto result = f.run(f.world.recording(variants));
    CHECK(result.exit_code == 1); // /3 accepted (main has no cap); variant 3 changed nothing
    CHECK(f.drafts().size() == 2);
    CHECK(f.report()["variants"][2]["state"] == "no-changes");
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
        return json{{"reply", {{"stop_reason", "tool_use"},
                               {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
    };
    const std::map<std::string, std::string> key{
        {"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}};
    SUBCASE("a pathological regex: the search answers and the run completes")
    {
        llm.script({{"steps",
                     json::array({call("search", {{"query", "^(\\w+\\s?)*$"},
                                                  {"regex", true},
                                                  {"path_prefix", "hostile"}}),
                                  call("str_replace", {{"path", "css/style.css"},
                                                       {"old_str", "  background: #2d6cdf;"},
                                                       {"new_str", "  background: #d93025;"}}),
                                  call("finish", {{"summary", "red"}})})}});
        const auto result =
            f.run_with({"--provider", "anthropic", "--base-url", llm.base()}, key, 101,
                       "/edit make the submit buttons red");
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
        const auto result = f.run_with({"--provider", "anthropic", "--base-url", llm.base()},
                                       {{"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"},
                                        {"DRAFTSMITH_LIMITS_TIME", "3s"}},
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
