// Hardening (issue 12), end to end against the fake GitHub, the fake Azure
// DevOps, git http-backend and the fake LLM: Azure DevOps re-runs that make
// nothing twice, a crash after the acknowledgement that still closes the
// loop, and each host failing at each step. (No planted secret in any
// output: hardening_secrets_test.cpp.)
#include "hardening_support.hpp"

using namespace hardening_support;

// ---- Azure DevOps re-runs -------------------------------------------------

TEST_CASE("hardening: an Azure DevOps re-run makes nothing twice and calls no model")
{
    HostRun f(Service::azure, k_request, "About page", "Adds an about page");
    FakeLlm llm(f.world.root() / "llm.log");
    const auto finish = tool_step("finish", {{"summary", "The submit buttons are red."}});
    const auto steps =
        json::array({recolour_step("#d93025"), finish, recolour_step("#b31412"), finish});
    const std::vector<std::string> flags{"--provider", "anthropic", "--base-url",
                                         llm.base(),   "--jobs",    "1"};
    const std::map<std::string, std::string> key{{"ANTHROPIC_API_KEY", "sk-ant-e2e-key-9"}};
    llm.script({{"steps", steps}});
    const auto first = f.run(flags, key);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    const auto drafts = f.drafts();
    REQUIRE(drafts.size() == 2);
    for (const auto& draft : drafts) {
        // Longer than the 400 characters a pull request list keeps: the
        // request marker at its end is not in the list's answer.
        CHECK(draft.body.size() > 400);
    }
    const auto comments = f.bot_comments().size();

    llm.script({{"steps", steps}}); // also forgets the requests seen
    const auto again = f.run(flags, key);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(llm.requests() == 0);
    CHECK(f.drafts().size() == 2);
    CHECK(f.world.server_variant_branches().size() == 2);
    CHECK(f.bot_comments().size() == comments);
    CHECK(f.last_status() == "succeeded");

    SUBCASE("a pull request whose marker is gone is found by the 409 and reused")
    {
        auto state = f.fake.state();
        auto pulls = state["pulls"];
        for (auto& pr : pulls) {
            if (pr["pullRequestId"] != 7) {
                pr["description"] = "edited by hand";
                break;
            }
        }
        f.fake.seed({{"pulls", pulls}});
        f.fake.forget_requests();
        llm.script({{"steps", steps}});
        const auto third = f.run(flags, key);
        INFO(third.err);
        CHECK(third.exit_code == 0);
        CHECK(llm.requests() == 2); // the one variant whose pull request was not recognised
        CHECK(f.drafts().size() == 2);
        int conflicts = 0;
        const auto seen = f.fake.state(); // kept: a range-for would not extend its life
        for (const auto& request : seen["requests"]) {
            conflicts += request["method"] == "POST" && request["path"].get<std::string>().find(
                                                            "/pullrequests") != std::string::npos;
        }
        CHECK(conflicts == 1);
        for (const auto& draft : f.drafts()) {
            CHECK(draft.body.find("draftsmith-request") != std::string::npos);
        }
    }
}

// ---- a crash after the acknowledgement ------------------------------------

std::map<int, std::vector<Turn>> two_colours()
{
    return {{1, recolour("#d93025")}, {2, recolour("#b31412")}};
}

struct Failure {
    const char* hook; // DRAFTSMITH_TEST_CRASH_AT
    const char* says; // in the overview and on stderr
};

// The run fails after its first draft pull request (`failure.hook`), then
// the same comment runs again.
void fail_then_converge(Service service, const Failure& failure)
{
    INFO(name_of(service), ": ", failure.hook);
    HostRun f(service, k_request, "About page", "Adds an about page");
    const std::vector<std::string> flags{"--provider", "replay",
                                         "--replay",   f.world.recording(two_colours()).string(),
                                         "--jobs",     "1"};
    const auto failed = f.run(flags, {{"DRAFTSMITH_TEST_CRASH_AT", failure.hook}});
    INFO(failed.err);
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find(failure.says) != std::string::npos);
    REQUIRE(f.drafts().size() == 1);
    const auto comments = f.bot_comments();
    REQUIRE(comments.size() == 1);
    CHECK(comments[0].find(failure.says) != std::string::npos);
    CHECK(f.last_status() == (service == Service::github ? "failure" : "failed"));

    const auto again = f.run(flags);
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(f.drafts().size() == 2);
    CHECK(f.world.server_variant_branches().size() == 2);
    CHECK(f.bot_comments().size() == 1);
    CHECK(f.last_status() == (service == Service::github ? "success" : "succeeded"));
}

TEST_CASE("hardening: a crash mid-run closes the loop, and running again converges")
{
    // SIGABRT in the worker: the supervising parent posts the overview and status.
    for (const auto service : {Service::github, Service::azure}) {
        fail_then_converge(service, {"publish", "the run crashed (signal 6"});
    }
}

TEST_CASE("hardening: an unexpected exception mid-run closes the loop, and running again "
          "converges")
{
    // std::out_of_range, not a draftsmith::Error.
    for (const auto service : {Service::github, Service::azure}) {
        fail_then_converge(
            service, {"publish:exception", "internal error: injected by DRAFTSMITH_TEST_CRASH_AT"});
    }
}

// ---- each host failing at each step ---------------------------------------

struct Step {
    const char* name;
    const char* method;
    const char* github_path;
    const char* azure_path;
    int exit_code;    // what a run with the step failing once ends with (one variant)
    const char* says; // what stderr names
};

const Step k_steps[] = {
    {"get the pull request", "GET", "/pulls/7", "/pullrequests/7", 1, "get pull request"},
    {"post the first comment", "POST", "/issues/7/comments", "/threads/5/comments", 0,
     "could not update the progress comment"},
    {"open a draft pull request", "POST", "/pulls", "/pullrequests", 3,
     "the pull request could not be opened"},
    {"update the overview", "PATCH", "/issues/comments/", "/comments/", 0,
     "could not update the progress comment"},
    {"set the status", "POST", "/statuses", "/statuses", 0, "could not acknowledge"},
};

struct Fault {
    const char* name;
    json rule;
    const char* says;
};

TEST_CASE("hardening: each host answering 409, 5xx or malformed JSON at each step")
{
    const Fault faults[] = {
        {"409", {{"status", 409}}, "HTTP 409"},
        {"503", {{"status", 503}}, "HTTP 503"},
        {"malformed JSON", {{"status", 200}, {"raw", "{\"id\": 12, \"body\": "}}, "not JSON"},
    };
    for (const auto service : {Service::github, Service::azure}) {
        for (const auto& step : k_steps) {
            for (const auto& fault : faults) {
                INFO(name_of(service), ": ", step.name, ": ", fault.name);
                HostRun f(service, "/edit make the submit buttons red", "About page",
                          "Adds an about page");
                const std::vector<std::string> flags{
                    "--provider", "replay", "--replay",
                    f.world.recording({{1, recolour("#d93025")}}).string()};
                auto rule = fault.rule;
                rule["method"] = step.method;
                rule["path"] = service == Service::github ? step.github_path : step.azure_path;
                rule["count"] = 1;
                f.fake.inject(json::array({rule}));
                const auto result = f.run(flags, {{"DRAFTSMITH_RETRIES_MAX_ATTEMPTS", "1"}});
                INFO(result.err);
                CHECK(result.exit_code == step.exit_code);
                const auto said = result.out + result.err; // the CI log is on stdout
                CHECK(said.find(step.says) != std::string::npos);
                CHECK(said.find(fault.says) != std::string::npos);
                CHECK(f.last_status() != "pending");
                // Nothing orphaned: a pull request has its branch, and a branch
                // without one is named in the overview (running again opens it).
                std::set<std::string> with_pr;
                for (const auto& draft : f.drafts()) {
                    with_pr.insert(draft.branch);
                }
                const auto branches = f.world.server_variant_branches();
                for (const auto& branch : with_pr) {
                    CHECK(std::find(branches.begin(), branches.end(), branch) != branches.end());
                }
                for (const auto& branch : branches) {
                    if (with_pr.count(branch) == 0) {
                        const auto comments = f.bot_comments();
                        REQUIRE_FALSE(comments.empty());
                        CHECK(comments.back().find(branch) != std::string::npos);
                    }
                }
                const auto again = f.run(flags);
                INFO(again.err);
                CHECK(again.exit_code == 0);
                CHECK(f.drafts().size() == 1);
                CHECK(f.world.server_variant_branches().size() == 1);
                CHECK(f.last_status() == (service == Service::github ? "success" : "succeeded"));
            }
        }
    }
}
