// draftsmith checks end to end (issue 15): a real `draftsmith run` opens three
// drafts and the overview on the fake GitHub; CI results are seeded as the
// service would report them; `draftsmith checks` (the binary) rewrites the
// overview with the Checks column.
#include "github_run_support.hpp"

using namespace github_run_support;

namespace {

json check_run(int id, const std::string& sha, const std::string& name, const std::string& status,
               const json& conclusion)
{
    return {{"id", id},
            {"head_sha", sha},
            {"name", name},
            {"status", status},
            {"conclusion", conclusion}};
}

// A workflow_run completed event for `branch` (the fields draftsmith reads;
// docs.github.com "Webhook events and payloads: workflow_run").
std::filesystem::path workflow_run_event(World& world, const std::string& branch)
{
    const json payload = {{"action", "completed"},
                          {"workflow_run",
                           {{"id", 30433642},
                            {"name", "CI"},
                            {"head_branch", branch},
                            {"event", "workflow_dispatch"},
                            {"status", "completed"},
                            {"conclusion", "failure"}}}};
    const auto path = world.root() / "workflow_run.json";
    write_file(path, payload.dump());
    return path;
}

std::map<std::string, std::string> actions_environment(GitHubRun& f,
                                                       const std::filesystem::path& event)
{
    return {{"GITHUB_ACTIONS", "true"},
            {"GITHUB_API_URL", f.fake.base()},
            {"GITHUB_TOKEN", k_token},
            {"GITHUB_REPOSITORY", "octo-org/app"},
            {"GITHUB_EVENT_NAME", "workflow_run"},
            {"GITHUB_EVENT_PATH", event.string()}};
}

// The drafts by variant number (their request marker's vN).
std::map<int, json> drafts_by_variant(GitHubRun& f)
{
    std::map<int, json> out;
    for (const auto& draft : f.drafts()) {
        const auto body = draft["body"].get<std::string>();
        const auto at = body.find("<!-- draftsmith-request: pr7-c100 v");
        REQUIRE(at != std::string::npos);
        out[body[at + std::string("<!-- draftsmith-request: pr7-c100 v").size()] - '0'] = draft;
    }
    return out;
}

} // namespace

TEST_CASE("checks: the overview gains a Checks column from each variant's check runs")
{
    GitHubRun f;
    REQUIRE(f.run(f.world.recording(three_colours())).exit_code == 0);
    auto drafts = drafts_by_variant(f);
    REQUIRE(drafts.size() == 3);
    const auto sha = [&](int v) { return drafts[v]["head"]["sha"].get<std::string>(); };
    f.fake.seed(
        {{"check_runs", json::array({check_run(9001, sha(1), "build", "completed", "success"),
                                     check_run(9002, sha(1), "test", "completed", "success"),
                                     check_run(9003, sha(2), "build", "completed", "failure"),
                                     check_run(9004, sha(2), "test", "completed", "success"),
                                     check_run(9005, sha(3), "build", "in_progress", nullptr)})}});
    const auto branch = drafts[2]["head"]["ref"].get<std::string>();
    const auto event = workflow_run_event(f.world, branch);

    const auto result = f.world.draftsmith({"checks"}, actions_environment(f, event));
    INFO(result.err);
    CHECK(result.exit_code == 0);
    auto comments = f.comments_by_bot();
    REQUIRE(comments.size() == 1);
    const auto overview = comments[0]["body"].get<std::string>();
    INFO(overview);
    CHECK(overview.find("| Time | Checks |") != std::string::npos);
    CHECK(overview.find("\xE2\x9C\x85 2/2") != std::string::npos);
    CHECK(overview.find("[\xE2\x9D\x8C 1 of 2 failed: build](https://github.com/octo-org/app/"
                        "actions/runs/9003/job/9003)") != std::string::npos);
    CHECK(overview.find("\xE2\x8F\xB3 1 of 1 running") != std::string::npos);
    CHECK(result.err.find(k_token) == std::string::npos);

    SUBCASE("a second update with nothing new changes nothing")
    {
        f.fake.forget_requests();
        const auto again = f.world.draftsmith({"checks"}, actions_environment(f, event));
        CHECK(again.exit_code == 0);
        const auto state = f.fake.state();
        for (const auto& request : state["requests"]) {
            CHECK(request["method"] != "PATCH");
        }
    }
    SUBCASE("a later comment copying the overview's marker is left alone")
    {
        auto state = f.fake.state();
        auto all = state["comments"];
        const std::string forged = "| Variant | Status | Pull request |\n|---|---|---|\n"
                                   "| 1 | ok | [#7](https://example.com) |\n\n"
                                   "<!-- draftsmith-overview: pr7-c100 -->\n";
        all.push_back(GitHubRun::comment(500, "bob", forged));
        f.fake.seed({{"comments", all}});
        const auto again =
            f.world.draftsmith({"checks", "--pr", "7"}, actions_environment(f, event));
        CHECK(again.exit_code == 0);
        const auto after = f.fake.state();
        for (const auto& comment : after["comments"]) {
            if (comment["id"] == 500) {
                CHECK(comment["body"] == forged);
            }
        }
    }
    SUBCASE("by --pr, after the last variant finished")
    {
        f.fake.seed({{"check_runs",
                      json::array({check_run(9001, sha(1), "build", "completed", "success"),
                                   check_run(9005, sha(3), "build", "completed", "success")})}});
        const auto by_pr =
            f.world.draftsmith({"checks", "--pr", "7"}, actions_environment(f, event));
        CHECK(by_pr.exit_code == 0);
        const auto text = f.comments_by_bot()[0]["body"].get<std::string>();
        CHECK(text.find("Checks | Checks") == std::string::npos);
        CHECK(text.find("\xE2\x8F\xB3") == std::string::npos);
        CHECK(text.find("\xE2\x80\x94 no checks") != std::string::npos); // variant 2: none now
    }
    SUBCASE("a branch that is no variant's is nothing to do; bad input is exit 2")
    {
        const auto other = f.world.draftsmith({"checks", "--branch", "refs/heads/main"},
                                              actions_environment(f, event));
        CHECK(other.exit_code == 0);
        CHECK(other.err.find("nothing to do") != std::string::npos);
        const auto env = actions_environment(f, f.event(100)); // an issue_comment event
        const auto wrong = f.world.draftsmith({"checks"}, env);
        CHECK(wrong.exit_code == 2);
        CHECK(wrong.err.find("is neither a workflow_run nor a check_suite event; give --branch B "
                             "or --pr N") != std::string::npos);
    }
}

TEST_CASE("checks: with GITHUB_TOKEN only, run dispatches checks.workflow on each variant branch")
{
    GitHubRun f;
    f.fake.seed({{"workflows", {{"ci.yml", {{"jobs", {"build", "test"}}}}}}});
    const auto made = f.run_with(
        {"--provider", "replay", "--replay", f.world.recording(three_colours()).string()},
        {{"DRAFTSMITH_CHECKS_WORKFLOW", "ci.yml"}}, 100);
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    auto state = f.fake.state();
    REQUIRE(state["dispatches"].size() == 3);
    std::set<std::string> dispatched;
    for (const auto& dispatch : state["dispatches"]) {
        CHECK(dispatch["workflow"] == "ci.yml");
        dispatched.insert(dispatch["ref"].get<std::string>());
    }
    std::set<std::string> branches;
    for (const auto& draft : f.drafts()) {
        branches.insert(draft["head"]["ref"].get<std::string>());
    }
    CHECK(dispatched == branches);

    // The dispatched runs are queued: the overview says so.
    const auto event = workflow_run_event(f.world, *branches.begin());
    const auto result = f.world.draftsmith({"checks", "--pr", "7"}, actions_environment(f, event));
    CHECK(result.exit_code == 0);
    const auto overview = f.comments_by_bot()[0]["body"].get<std::string>();
    std::size_t running = 0;
    for (auto at = overview.find("\xE2\x8F\xB3 2 of 2 running"); at != std::string::npos;
         at = overview.find("\xE2\x8F\xB3 2 of 2 running", at + 1)) {
        ++running;
    }
    CHECK(running == 3);

    SUBCASE("a workflow without workflow_dispatch: the drafts stand, a warning says why")
    {
        GitHubRun g;
        g.fake.seed({{"workflows", {{"ci.yml", {{"dispatch", false}}}}}});
        const auto refused = g.run_with(
            {"--provider", "replay", "--replay", g.world.recording(three_colours()).string()},
            {{"DRAFTSMITH_CHECKS_WORKFLOW", "ci.yml"}}, 100);
        CHECK(refused.exit_code == 0);
        CHECK(g.drafts().size() == 3);
        CHECK(refused.err.find("could not start ci.yml on") != std::string::npos);
        CHECK(refused.err.find("Workflow does not have 'workflow_dispatch' trigger") !=
              std::string::npos);
    }
}

namespace {

// Three drafts; variant 2's "build" failed with a log holding a secret.
struct RepairWorld {
    GitHubRun f;
    std::map<int, json> drafts;
    std::string branch; // variant 2's
    std::string head;   // its head before any repair

    RepairWorld()
    {
        REQUIRE(f.run(f.world.recording(three_colours())).exit_code == 0);
        drafts = drafts_by_variant(f);
        REQUIRE(drafts.size() == 3);
        branch = drafts[2]["head"]["ref"].get<std::string>();
        head = drafts[2]["head"]["sha"].get<std::string>();
        std::string log;
        for (int i = 1; i <= 400; ++i) {
            log += fmt::format("2026-12-03T10:00:{:02}Z step {} ok\n", i % 60, i);
        }
        log += "css/style.css: the submit button's contrast is too low with #c5221f\n";
        log += "token=" + k_token + "\nError: Process completed with exit code 1.\n";
        auto failed = check_run(9103, head, "build", "completed", "failure");
        failed["log"] = log;
        f.fake.seed(
            {{"check_runs",
              json::array(
                  {check_run(9101, drafts[1]["head"]["sha"], "build", "completed", "success"),
                   failed,
                   check_run(9105, drafts[3]["head"]["sha"], "build", "completed", "success")})}});
    }

    ProcessResult checks(std::vector<std::string> more, std::map<std::string, std::string> env = {})
    {
        std::vector<std::string> args{"checks", "--branch", branch};
        args.insert(args.end(), more.begin(), more.end());
        auto environment = actions_environment(f, workflow_run_event(f.world, branch));
        environment.insert(env.begin(), env.end());
        return f.world.draftsmith(args, environment);
    }

    std::string overview() { return f.comments_by_bot().at(0)["body"].get<std::string>(); }
};

std::vector<Turn> darker_red()
{
    return {
        {{tool_call("str_replace", {{"path", "css/style.css"},
                                    {"old_str", "  background: #c5221f;"},
                                    {"new_str", "  background: #8b0000;"}})}},
        {{tool_call("finish", {{"summary", "A darker red passes the contrast check."}})}},
    };
}

} // namespace

TEST_CASE("checks: repair 1 commits a fix onto the failing variant's branch, once")
{
    RepairWorld w;
    w.f.fake.seed({{"workflows", {{"ci.yml", {{"jobs", {"build"}}}}}}});
    const auto recording = w.f.world.recording({{2, darker_red()}});
    const auto result =
        w.checks({"--repair", "1", "--provider", "replay", "--replay", recording.string()},
                 {{"DRAFTSMITH_CHECKS_WORKFLOW", "ci.yml"}});
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto tip = w.f.world.server_git({"rev-parse", w.branch});
    CHECK(tip != w.head);
    CHECK(w.f.world.server_git({"rev-parse", w.branch + "^"}) == w.head);
    const auto message = w.f.world.server_git({"log", "-1", "--format=%B", w.branch});
    CHECK(message.find("Repair the failing checks: build") == 0);
    CHECK(message.find("Draftsmith-Repair: 1") != std::string::npos);
    CHECK(message.find("Draftsmith-Request: github/octo-org/app/7/100") != std::string::npos);
    CHECK(w.f.world.server_git({"show", w.branch + ":css/style.css"}).find("#8b0000") !=
          std::string::npos);
    // The cell tells the repaired head's checks: the dispatched run, queued.
    CHECK(w.overview().find("\xE2\x8F\xB3 1 of 1 running](") != std::string::npos);
    CHECK(w.overview().find("\xC2\xB7 repaired once") != std::string::npos);
    CHECK(result.err.find(k_token) == std::string::npos);
    // Pushed with GITHUB_TOKEN: the workflow is dispatched on the repaired branch.
    const auto dispatched = w.f.fake.state()["dispatches"];
    REQUIRE(dispatched.size() == 1);
    CHECK(dispatched[0]["ref"] == w.branch);

    SUBCASE("the cap: repair 1 and a Repair: 1 trailer on the branch do nothing more")
    {
        // CI ran again on the repaired head and failed again.
        auto again = check_run(9203, tip, "build", "completed", "failure");
        again["log"] = std::string("still failing\n");
        w.f.fake.seed({{"check_runs", json::array({again})}});
        const auto capped =
            w.checks({"--repair", "1", "--provider", "replay", "--replay", recording.string()});
        INFO(capped.err);
        CHECK(capped.exit_code == 0);
        CHECK(w.f.world.server_git({"rev-parse", w.branch}) == tip);
        const auto overview = w.overview();
        CHECK(overview.find("failed: build") != std::string::npos);
        CHECK(overview.find("\xC2\xB7 repaired once") != std::string::npos);
        CHECK(capped.err.find("repair turn") == std::string::npos);
    }
}

TEST_CASE("checks: a repair that fails leaves the branch alone and says why (exit 1)")
{
    RepairWorld w;
    FakeLlm llm(w.f.world.root() / "llm.log");
    const std::map<std::string, std::string> key{
        {"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}};

    SUBCASE("the model makes no edit")
    {
        llm.script({{"default", {{"reply", {{"text", "I cannot tell what is wrong."}}}}}});
        const auto result =
            w.checks({"--repair", "1", "--provider", "anthropic", "--base-url", llm.base()}, key);
        INFO(result.err);
        CHECK(result.exit_code == 1);
        CHECK(w.f.world.server_git({"rev-parse", w.branch}) == w.head);
        CHECK(w.overview().find("repair failed: the model made no edit") != std::string::npos);
        // What the model was given: the log's tail, bounded and masked, and the diff.
        const auto bodies = llm.request_bodies();
        REQUIRE(!bodies.empty());
        const auto& prompt = bodies.front();
        CHECK(prompt.find("contrast is too low with #c5221f") != std::string::npos);
        CHECK(prompt.find("step 400 ok") != std::string::npos);
        CHECK(prompt.find("step 150 ok") == std::string::npos); // only the last 200 lines
        CHECK(prompt.find(k_token) == std::string::npos);
        CHECK(prompt.find("token=***") != std::string::npos);
        CHECK(prompt.find("+  background: #c5221f;") != std::string::npos);
    }
    SUBCASE("the model's edit does not apply")
    {
        const auto call = [](const std::string& name, json input) {
            return json{{"reply",
                         {{"stop_reason", "tool_use"},
                          {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
        };
        llm.script({{"steps", json::array({call("str_replace", {{"path", "css/style.css"},
                                                                {"old_str", "no such text"},
                                                                {"new_str", "x"}}),
                                           call("finish", {{"summary", "fixed"}})})},
                    {"default", {{"reply", {{"text", "done"}}}}}});
        const auto result =
            w.checks({"--repair", "2", "--provider", "anthropic", "--base-url", llm.base()}, key);
        INFO(result.err);
        CHECK(result.exit_code == 1);
        CHECK(w.f.world.server_git({"rev-parse", w.branch}) == w.head);
        CHECK(w.overview().find("repair failed: the model made no edit") != std::string::npos);
    }
}
