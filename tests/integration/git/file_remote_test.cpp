// Pushes to file:// and local-path remotes, and the ownership rules.

#include "draftsmith/git/repository.hpp"

#include <doctest/doctest.h>

#include "git_cli.hpp"

using namespace draftsmith::git;
using draftsmith::test::git;
using draftsmith::test::make_repository;
using draftsmith::test::TempDir;

namespace {

// The request every branch of this suite belongs to.
RequestId request_id()
{
    return RequestId{"local", "demo", "1", "9"};
}

CommitSpec variant_spec(int index, const RequestId& request = request_id())
{
    CommitSpec spec;
    spec.message = "Variant " + std::to_string(index);
    spec.request = request;
    spec.variant = VariantNumber{index, 3};
    return spec;
}

std::string remote_tip(const std::filesystem::path& bare, const std::string& branch)
{
    return git(bare, {"for-each-ref", "--format=%(objectname)", "refs/heads/" + branch});
}

} // namespace

TEST_CASE("git::Repository::push_branches, file:// remote")
{
    const TempDir temp;
    make_repository(temp / "source", {{"a.txt", "A\n"}, {"src/b.txt", "B\n"}});
    git(temp.path(),
        {"clone", "-q", "--bare", (temp / "source").string(), (temp / "server.git").string()});
    git(temp.path(), {"clone", "-q", (temp / "server.git").string(), (temp / "work").string()});
    const auto server = temp / "server.git";

    auto repo = Repository::open(temp / "work");
    const std::string base = *repo.find_commit("HEAD");
    std::vector<BranchPush> branches;
    for (int i = 1; i <= 3; ++i) {
        branches.push_back({"draftsmith/1-9/v" + std::to_string(i),
                            repo.commit_overlay(base, {{"a.txt", "A" + std::to_string(i) + "\n"}},
                                                variant_spec(i))});
    }
    RemoteAccess access;
    access.remote = "file://" + server.string();

    SUBCASE("N branches in one push; a re-run replaces only its own")
    {
        const auto report = repo.push_branches(access, branches, request_id());
        REQUIRE(report.branches.size() == 3);
        CHECK(report.all_pushed());
        for (int i = 0; i < 3; ++i) {
            CHECK(report.branches[i].status == BranchPushStatus::created);
            CHECK(remote_tip(server, branches[i].branch) == branches[i].commit);
            CHECK(repo.branch_tip(branches[i].branch) == branches[i].commit);
        }

        const std::string again =
            repo.commit_overlay(base, {{"a.txt", "again\n"}}, variant_spec(1));
        const auto rerun =
            repo.push_branches(access, {{branches[0].branch, again}, branches[1]}, request_id());
        CHECK(rerun.branches[0].status == BranchPushStatus::updated);
        CHECK(rerun.branches[1].status == BranchPushStatus::up_to_date);
        CHECK(remote_tip(server, branches[0].branch) == again);
        CHECK(git(server, {"show", branches[0].branch + ":a.txt"}) == "again");
    }
    SUBCASE("a branch someone else made is left alone, the others are pushed")
    {
        git(server, {"branch", branches[1].branch, "main"});
        const std::string other_request = repo.commit_overlay(
            base, {{"a.txt", "theirs\n"}}, variant_spec(3, RequestId{"local", "demo", "1", "10"}));
        git(temp / "work",
            {"push", "-q", "origin", other_request + ":refs/heads/" + branches[2].branch});
        git(temp / "work", {"update-ref", "-d", "refs/heads/" + branches[2].branch});

        const auto report = repo.push_branches(access, branches, request_id());
        CHECK_FALSE(report.all_pushed());
        CHECK(report.branches[0].status == BranchPushStatus::created);
        CHECK(report.branches[1].status == BranchPushStatus::foreign);
        CHECK(report.branches[1].message ==
              "branch 'draftsmith/1-9/v2' exists on " + access.remote + " and its tip " +
                  base.substr(0, 12) + " was not made by request local/demo/1/9; left alone");
        CHECK(report.branches[2].status == BranchPushStatus::foreign);
        CHECK(remote_tip(server, branches[1].branch) == base);
        CHECK(remote_tip(server, branches[2].branch) == other_request);
        CHECK(remote_tip(server, branches[0].branch) == branches[0].commit);
    }
    SUBCASE("a local branch that is not ours is left alone")
    {
        git(temp / "work", {"branch", branches[0].branch, "main"});
        const auto report = repo.push_branches(access, {branches[0]}, request_id());
        CHECK(report.branches[0].status == BranchPushStatus::foreign);
        CHECK(report.branches[0].message ==
              "local branch 'draftsmith/1-9/v1' exists and was not made by request "
              "local/demo/1/9; left alone");
        CHECK(remote_tip(server, branches[0].branch).empty());
        CHECK(repo.branch_tip(branches[0].branch) == base);
    }
    SUBCASE("a remote by name, and a plain path")
    {
        access.remote = "origin";
        CHECK(repo.push_branches(access, {branches[0]}, request_id()).all_pushed());
        access.remote = server.string();
        CHECK(repo.push_branches(access, {branches[1]}, request_id()).all_pushed());
        CHECK(remote_tip(server, branches[0].branch) == branches[0].commit);
        CHECK(remote_tip(server, branches[1].branch) == branches[1].commit);
    }
    SUBCASE("an unknown remote name is a clear error")
    {
        access.remote = "upstream";
        CHECK_THROWS_WITH(repo.push_branches(access, {branches[0]}, request_id()),
                          "use remote 'upstream': no such remote in this repository (give its name "
                          "or a URL)");
    }
}

TEST_CASE("git::Repository::fetch_commit, file:// remote")
{
    const TempDir temp;
    make_repository(temp / "source", {{"a.txt", "A\n"}});
    git(temp / "source", {"checkout", "-q", "-b", "feature"});
    draftsmith::test::write_file(temp / "source" / "a.txt", "feature\n");
    git(temp / "source", {"commit", "-q", "-am", "feature"});
    const std::string feature = git(temp / "source", {"rev-parse", "HEAD"});
    git(temp / "source", {"checkout", "-q", "main"});
    git(temp.path(), {"clone", "-q", "--single-branch", "--branch", "main",
                      "file://" + (temp / "source").string(), (temp / "work").string()});

    auto repo = Repository::open(temp / "work");
    REQUIRE_FALSE(repo.find_commit(feature));
    RemoteAccess access; // origin
    SUBCASE("by branch name")
    {
        CHECK(repo.fetch_commit(access, "feature") == feature);
        CHECK(repo.tree(feature).read("a.txt") == "feature\n");
        CHECK(git(temp / "work", {"for-each-ref", "refs/remotes"}).find("feature") ==
              std::string::npos);
    }
    SUBCASE("find_or_fetch_commit: here already, or fetched")
    {
        CHECK(repo.find_or_fetch_commit("main", access, "main") == *repo.find_commit("main"));
        CHECK(repo.find_or_fetch_commit(feature, access, "refs/heads/feature") == feature);
    }
    SUBCASE("a ref the remote does not have")
    {
        CHECK_THROWS_WITH(repo.fetch_commit(access, "refs/pull/7/head"),
                          "fetch refs/pull/7/head from origin: the remote has no such ref");
    }
}

TEST_CASE("git::Repository::push_branches_fast_forward and move_branch")
{
    const TempDir temp;
    make_repository(temp / "source", {{"a.txt", "A\n"}});
    git(temp.path(),
        {"clone", "-q", "--bare", (temp / "source").string(), (temp / "server.git").string()});
    git(temp.path(), {"clone", "-q", (temp / "server.git").string(), (temp / "work").string()});
    const auto server = temp / "server.git";
    auto repo = Repository::open(temp / "work");
    const std::string base = *repo.find_commit("HEAD");
    CommitSpec spec;
    spec.message = "apply";
    const std::string first = repo.commit_overlay(base, {{"a.txt", "1\n"}}, spec);
    const std::string second = repo.commit_overlay(first, {{"a.txt", "2\n"}}, spec);
    const std::string sideways = repo.commit_overlay(base, {{"a.txt", "x\n"}}, spec);

    SUBCASE("move_branch is a compare-and-swap")
    {
        CHECK(repo.move_branch("topic", first, std::nullopt));
        CHECK_FALSE(repo.move_branch("topic", second, std::nullopt));
        CHECK_FALSE(repo.move_branch("topic", second, base));
        CHECK(repo.move_branch("topic", second, first));
        CHECK(repo.branch_tip("topic") == second);
        CHECK_THROWS_WITH(repo.move_branch("bad..name", first, std::nullopt),
                          "create branch 'bad..name': not a valid branch name");
    }
    SUBCASE("created, fast-forwarded, and a sideways commit refused")
    {
        RemoteAccess access;
        auto report = repo.push_branches_fast_forward(access, {{"topic", first}});
        CHECK(report.branches[0].status == BranchPushStatus::created);
        REQUIRE(repo.move_branch("topic", second, first));
        report = repo.push_branches_fast_forward(access, {{"topic", second}});
        CHECK(report.branches[0].status == BranchPushStatus::updated);
        CHECK(remote_tip(server, "topic") == second);

        REQUIRE(repo.move_branch("topic", sideways, second));
        report = repo.push_branches_fast_forward(access, {{"topic", sideways}});
        CHECK(report.branches[0].status == BranchPushStatus::rejected);
        CHECK(report.branches[0].message ==
              "non-fast-forward: branch 'topic' on origin is at " + second.substr(0, 12) +
                  ", which " + sideways.substr(0, 12) + " is not built on; left alone");
        CHECK(remote_tip(server, "topic") == second);
    }
}
