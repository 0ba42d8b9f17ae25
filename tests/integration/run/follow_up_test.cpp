// Issue 15: a follow-up on a variant, end to end on GitHub: `/edit intent` on
// the draft pull request of variant 2 commits onto its branch (no new pull
// request), updates that pull request's body and the source's overview, the
// model reads the variant's history, and running the comment again commits
// nothing more.
#include "github_run_support.hpp"

using namespace github_run_support;

namespace {

// The draft pull request of variant `index`.
json draft_of(GitHubRun& f, int index)
{
    for (const auto& pr : f.drafts()) {
        const auto ref = pr["head"]["ref"].get<std::string>();
        if (ref.size() > 3 && ref.substr(ref.size() - 3) == fmt::format("/v{}", index)) {
            return pr;
        }
    }
    FAIL("no draft pull request of variant " << index);
    return {};
}

// Adds comment `id` by alice on issue/pull request `number`, keeping the others.
void add_comment(GitHubRun& f, int id, int number, const std::string& text)
{
    auto comments = f.fake.state()["comments"];
    auto comment = GitHubRun::comment(id, "alice", text);
    comment["issue_number"] = number;
    comments.push_back(comment);
    f.fake.seed({{"comments", comments}});
}

// The issue_comment event for comment `id` on pull request `number`.
std::filesystem::path event_on(GitHubRun& f, int id, int number)
{
    const auto path = f.event(id);
    auto payload = json::parse(draftsmith::file::read_all(path));
    payload["issue"]["number"] = number;
    write_file(path, payload.dump());
    return path;
}

ProcessResult run_on(GitHubRun& f, const std::filesystem::path& event,
                     std::vector<std::string> flags)
{
    std::vector<std::string> args{"run", "--report", (f.world.root() / "follow-up.json").string()};
    args.insert(args.end(), flags.begin(), flags.end());
    return f.world.draftsmith(args, {{"GITHUB_ACTIONS", "true"},
                                     {"GITHUB_API_URL", f.fake.base()},
                                     {"GITHUB_TOKEN", k_token},
                                     {"GITHUB_REPOSITORY", "octo-org/app"},
                                     {"GITHUB_EVENT_NAME", "issue_comment"},
                                     {"GITHUB_EVENT_PATH", event.string()},
                                     {"GITHUB_SERVER_URL", "https://github.com"},
                                     {"GITHUB_RUN_ID", "4243"},
                                     {"ANTHROPIC_API_KEY", "sk-ant-e2e-secret-key-0005"}});
}

ProcessResult run_follow_up(GitHubRun& f, FakeLlm& llm, const std::filesystem::path& event)
{
    return run_on(f, event, {"--provider", "anthropic", "--base-url", llm.base()});
}

// Variant i of new drafts on the variant's branch: another hover colour.
std::vector<Turn> rehover(const std::string& colour)
{
    return {
        {{tool_call("str_replace", {{"path", "css/style.css"},
                                    {"old_str", "  background: #8c1d18;"},
                                    {"new_str", "  background: " + colour + ";"}})}},
        {{tool_call("finish", {{"summary", "Hover " + colour + "."}})}},
    };
}

json call(const std::string& name, json input)
{
    return json{{"reply",
                 {{"stop_reason", "tool_use"},
                  {"tool_calls", json::array({{{"name", name}, {"input", input}}})}}}};
}

std::string comment_body_with(GitHubRun& f, int number, const std::string& needle)
{
    const auto state = f.fake.state();
    for (const auto& c : state["comments"]) {
        const auto body = c["body"].get<std::string>();
        if (c["issue_number"] == number && body.find(needle) != std::string::npos) {
            return body;
        }
    }
    return {};
}

} // namespace

TEST_CASE("follow_up: /edit on a variant's pull request commits onto its branch")
{
    GitHubRun f;
    REQUIRE(f.run(f.world.recording(three_colours())).exit_code == 0);
    const auto draft = draft_of(f, 2);
    const int number = draft["number"].get<int>();
    const auto branch = draft["head"]["ref"].get<std::string>();
    const auto before = f.world.server_git({"rev-parse", "refs/heads/" + branch});

    FakeLlm llm(f.world.root() / "llm.log");
    llm.script({{"steps", json::array({call("str_replace", {{"path", "css/style.css"},
                                                            {"old_str", "  background: #1f4fa8;"},
                                                            {"new_str", "  background: #8c1d18;"}}),
                                       call("finish", {{"summary", "The hover is dark red."}})})}});
    add_comment(f, 300, number, "/edit make the hover colour dark red too");
    const auto event = event_on(f, 300, number);
    const auto result = run_follow_up(f, llm, event);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);

    SUBCASE("one commit on the variant's branch, with the follow-up's trailer; no new PR")
    {
        CHECK(f.drafts().size() == 3);
        const auto tip = f.world.server_git({"rev-parse", "refs/heads/" + branch});
        CHECK(tip != before);
        CHECK(f.world.server_git({"rev-parse", tip + "^"}) == before);
        const auto message = f.world.server_git({"log", "-1", "--format=%B", tip});
        CHECK(message.find(fmt::format("Draftsmith-Follow-Up: pr{}-c300", number)) !=
              std::string::npos);
        CHECK(message.find("Draftsmith-Request: github/octo-org/app/7/100") != std::string::npos);
        CHECK(message.find("Draftsmith-Variant: 2/3") != std::string::npos);
        CHECK(f.world.server_git({"show", tip + ":css/style.css"}).find("#8c1d18") !=
              std::string::npos);
    }
    SUBCASE("the PR body lists it, the overview's row counts it, a reply says so")
    {
        const auto body = draft_of(f, 2)["body"].get<std::string>();
        CHECK(body.find("### Follow-ups") != std::string::npos);
        CHECK(body.find("make the hover colour dark red too") != std::string::npos);
        CHECK(body.find("<!-- draftsmith-request: pr7-c100 v2 -->") != std::string::npos);
        const auto overview = comment_body_with(f, 7, "draftsmith-overview: pr7-c100");
        CHECK(overview.find("\xC2\xB7 1 follow-up |") != std::string::npos);
        CHECK(overview.find("| 1 | \xE2\x9C\x85 ready | [#") != std::string::npos);
        const auto reply = comment_body_with(f, number, "Follow-up committed as");
        CHECK(reply.find("The hover is dark red.") != std::string::npos);
        CHECK(f.fake.state()["statuses"].back()["state"] == "success");
    }
    SUBCASE("the model reads the variant's history, not only the new comment")
    {
        const auto bodies = llm.request_bodies();
        REQUIRE_FALSE(bodies.empty());
        CHECK(bodies[0].find("# Earlier requests on this variant") != std::string::npos);
        CHECK(bodies[0].find("The first request: make the submit buttons red (variant 2/3)") !=
              std::string::npos);
        CHECK(bodies[0].find("The submit buttons are now #c5221f.") != std::string::npos);
        CHECK(bodies[0].find("make the hover colour dark red too") != std::string::npos);
    }
    SUBCASE("the same comment again: nothing committed, nothing asked, nothing doubled")
    {
        const auto tip = f.world.server_git({"rev-parse", "refs/heads/" + branch});
        const auto asked = llm.requests();
        const auto comments = f.fake.state()["comments"].size();
        const auto again = run_follow_up(f, llm, event);
        INFO(again.err);
        CHECK(again.exit_code == 0);
        CHECK(llm.requests() == asked);
        CHECK(f.world.server_git({"rev-parse", "refs/heads/" + branch}) == tip);
        CHECK(f.fake.state()["comments"].size() == comments);
        CHECK(comment_body_with(f, number, "Done by an earlier run").size() > 0);
        CHECK(comment_body_with(f, 7, "draftsmith-overview").find("1 follow-up") !=
              std::string::npos);
        CHECK(f.drafts().size() == 3);
    }
    SUBCASE("a second follow-up goes on top and the overview counts two")
    {
        llm.script(
            {{"steps", json::array({call("str_replace", {{"path", "css/style.css"},
                                                         {"old_str", "  background: #8c1d18;"},
                                                         {"new_str", "  background: #601410;"}}),
                                    call("finish", {{"summary", "Darker still."}})})}});
        add_comment(f, 301, number, "/edit /1 darker still");
        const auto second = run_follow_up(f, llm, event_on(f, 301, number));
        INFO(second.err);
        CHECK(second.exit_code == 0);
        const auto bodies = llm.request_bodies();
        CHECK(bodies.back().find("A follow-up: make the hover colour dark red too") !=
              std::string::npos);
        CHECK(comment_body_with(f, 7, "draftsmith-overview").find("2 follow-ups") !=
              std::string::npos);
        CHECK(f.world.server_git({"rev-list", "--count", before + "..refs/heads/" + branch}) ==
              "2");
    }
    SUBCASE("a copied marker on a branch without the variant's commit is refused, exit 4")
    {
        auto pulls = f.fake.state()["pulls"];
        for (auto& pr : pulls) {
            if (pr["number"] == 7) {
                pr["body"] = "Adds an about page\n<!-- draftsmith-request: pr7-c100 v2 -->";
            }
        }
        f.fake.seed({{"pulls", pulls}});
        const auto feature = f.world.server_git({"rev-parse", "refs/heads/feature"});
        add_comment(f, 303, 7, "/edit make it blue");
        const auto refused = run_follow_up(f, llm, event_on(f, 303, 7));
        CHECK(refused.exit_code == 4);
        CHECK(refused.err.find("holds no commit of variant 2 of request pr7-c100") !=
              std::string::npos);
        CHECK(f.world.server_git({"rev-parse", "refs/heads/feature"}) == feature);
        CHECK_FALSE(comment_body_with(f, 7, "holds no commit of variant 2").empty());
    }
    SUBCASE("/edit /2 on the variant's pull request still makes new drafts of it")
    {
        add_comment(f, 302, number, "/edit /2 try two other hovers");
        const auto recording =
            f.world.recording({{1, rehover("#111111")}, {2, rehover("#222222")}});
        const auto drafts = run_on(f, event_on(f, 302, number),
                                   {"--provider", "replay", "--replay", recording.string()});
        INFO(drafts.err);
        CHECK(drafts.exit_code == 0);
        CHECK(f.world.server_git({"rev-parse", "refs/heads/" + branch}) != before);
        CHECK(f.drafts().size() == 5);
    }
}

namespace {

// Issue 12 "Newsletter colours" and comment `id` on it by `user`; the
// issue_comment event GitHub delivers for a comment on an issue (octokit's
// example: no issue.pull_request).
std::filesystem::path comment_on_issue(GitHubRun& f, int id, const std::string& user,
                                       const std::string& text)
{
    auto comments = f.fake.state()["comments"];
    auto comment = GitHubRun::comment(id, user, text);
    comment["issue_number"] = 12;
    comments.push_back(comment);
    f.fake.seed({{"comments", comments},
                 {"issues", json::array({{{"number", 12},
                                          {"title", "Newsletter colours"},
                                          {"body", "The buttons should be red."},
                                          {"user", "alice"},
                                          {"state", "open"}}})}});
    auto payload = json::parse(draftsmith::file::read_all(
        source_path("tests/specs/github/webhooks/issue_comment.created.payload.json")));
    REQUIRE_FALSE(payload["issue"].contains("pull_request"));
    payload["issue"]["number"] = 12;
    payload["comment"]["id"] = id;
    const auto path = f.world.root() / fmt::format("issue-event-{}.json", id);
    write_file(path, payload.dump());
    return path;
}

} // namespace

TEST_CASE("follow_up: /edit /N on a GitHub issue makes N drafts against the default branch")
{
    GitHubRun f;
    const auto recording = f.world.recording({{1, recolour("#d93025")}, {2, recolour("#c5221f")}});
    SUBCASE("two drafts on main, one overview comment on the issue")
    {
        const auto event =
            comment_on_issue(f, 400, "alice", "/edit /2 make the submit buttons red");
        const auto result =
            run_on(f, event, {"--provider", "replay", "--replay", recording.string()});
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        const auto drafts = f.drafts();
        REQUIRE(drafts.size() == 2);
        for (const auto& draft : drafts) {
            CHECK(draft["base"]["ref"] == "main");
            CHECK(draft["draft"] == true);
            CHECK(draft["body"].get<std::string>().find("draftsmith-request: pr12-c400 v") !=
                  std::string::npos);
        }
        const auto overview = comment_body_with(f, 12, "draftsmith-overview: pr12-c400");
        CHECK(overview.find("2 of 2 variants ready") != std::string::npos);
        CHECK(f.world.server_variant_branches().size() == 2);
        // No commit status on main's tip: an issue has no head commit of its own.
        CHECK(f.fake.state()["statuses"].empty());

        const auto again =
            run_on(f, event, {"--provider", "replay", "--replay", recording.string()});
        CHECK(again.exit_code == 0);
        CHECK(f.drafts().size() == 2);
    }
    SUBCASE("a commenter with read access only is refused on the issue, exit 4")
    {
        const auto event = comment_on_issue(f, 401, "bob", "/edit /2 make the submit buttons red");
        const auto result =
            run_on(f, event, {"--provider", "replay", "--replay", recording.string()});
        CHECK(result.exit_code == 4);
        CHECK(f.drafts().empty());
        CHECK_FALSE(comment_body_with(f, 12, "bob").empty());
    }
}
