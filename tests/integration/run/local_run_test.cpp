// draftsmith run --local, end to end: local branches in a depth-1 checkout,
// pushed over http with --push, metrics and the overview file written.
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include "git_cli.hpp"
#include "world.hpp"

using namespace draftsmith::test;

TEST_CASE("run --local: local branches, pushed with --push, and the outputs")
{
    World world;
    const auto recording = world.recording({{1, recolour("#d93025")}, {2, recolour("#b31412")}});
    const auto metrics = world.root() / "metrics.prom";
    const auto result =
        world.draftsmith({"run", "--local", "--comment", "/edit /2 make the submit buttons red",
                          "--user", "ann", "--provider", "replay", "--replay", recording.string(),
                          "--push", "origin", "--metrics-file", metrics.string()},
                         {});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    // Two local branches on main's commit, pushed to the server as they are.
    const auto local =
        git(world.checkout(),
            {"for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/draftsmith/"});
    const auto server = world.server_git(
        {"for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/draftsmith/"});
    CHECK(local == server);
    CHECK(world.server_variant_branches().size() == 2);
    for (const auto& branch : world.server_variant_branches()) {
        CHECK(world.server_git({"rev-parse", branch + "^"}) == world.base_sha());
        CHECK(branch.find("draftsmith/pr-local/") == 0);
    }
    // The working tree and index are untouched; the overview is in .git.
    CHECK(git(world.checkout(), {"status", "--porcelain"}).empty());
    const auto overview =
        draftsmith::file::read_all(world.checkout() / ".git" / "draftsmith-overview.md");
    CHECK(overview.find("| Variant") != std::string::npos);
    CHECK(result.out.find("| Variant") != std::string::npos);
    // Metrics in Prometheus text format.
    const auto text = draftsmith::file::read_all(metrics);
    CHECK(text.find("# TYPE draftsmith_run_duration_seconds gauge") != std::string::npos);
    CHECK(text.find("draftsmith_variants{state=\"succeeded\"} 2") != std::string::npos);

    SUBCASE("the same request again keeps the branches")
    {
        const auto again =
            world.draftsmith({"run", "--local", "--comment", "/edit /2 make the submit buttons red",
                              "--provider", "replay", "--replay", world.recording({}).string()},
                             {});
        CHECK(again.exit_code == 0);
        CHECK(git(world.checkout(), {"for-each-ref", "--format=%(refname:short) %(objectname)",
                                     "refs/heads/draftsmith/"}) == local);
    }
}
