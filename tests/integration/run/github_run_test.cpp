// draftsmith run on GitHub Actions, end to end: the binary, the fake GitHub,
// git http-backend, a depth-1 checkout, and recorded model answers.
#include "github_run_support.hpp"

using namespace github_run_support;

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
            CHECK(f.world.server_git({"ls-tree", "-r", "--name-only", branch}).find(".github") ==
                  std::string::npos);
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
        f.fake.seed(
            {{"comments", json::array({GitHubRun::comment(
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
