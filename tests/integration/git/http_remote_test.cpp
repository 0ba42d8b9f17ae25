// Fetch and push against git http-backend behind lighttpd, with basic auth
// and with TLS from a CA made for the run.

#include "draftsmith/git/repository.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "git_cli.hpp"
#include "git_server.hpp"

using namespace draftsmith::git;
using draftsmith::Secret;
using draftsmith::test::git;
using draftsmith::test::GitHttpServer;
using draftsmith::test::make_repository;
using draftsmith::test::TempDir;
using draftsmith::test::Tls;
using draftsmith::test::write_file;

namespace {

// The request every branch of this suite belongs to.
RequestId request_id()
{
    return RequestId{"github", "octo/app", "42", "1001"};
}

std::vector<BranchPush> make_variants(Repository& repo, const std::string& base, int count)
{
    std::vector<BranchPush> branches;
    for (int i = 1; i <= count; ++i) {
        CommitSpec spec;
        spec.message = "Variant " + std::to_string(i);
        spec.request = request_id();
        spec.variant = VariantNumber{i, count};
        branches.push_back(
            {"draftsmith/42-1001/v" + std::to_string(i),
             repo.commit_overlay(
                 base, {{"src/style.css", "button { color: red" + std::to_string(i) + " }\n"}},
                 spec)});
    }
    return branches;
}

std::string server_branches(const std::filesystem::path& bare)
{
    return git(bare, {"for-each-ref", "--format=%(refname)", "refs/heads/draftsmith"});
}

// A source repository with three commits on main (so a depth-1 clone really
// lacks history) and a branch `feature`.
std::filesystem::path make_source(const TempDir& temp)
{
    auto source = temp / "source";
    make_repository(source, {{"README.md", "app\n"}, {"src/style.css", "button {}\n"}});
    for (const char* text : {"two\n", "three\n"}) {
        write_file(source / "README.md", text);
        git(source, {"commit", "-q", "-am", text});
    }
    git(source, {"branch", "feature", "HEAD~1"});
    git(source, {"checkout", "-q", "feature"});
    write_file(source / "FEATURE.md", "feature\n");
    git(source, {"add", "FEATURE.md"});
    git(source, {"commit", "-q", "-m", "feature"});
    git(source, {"checkout", "-q", "main"});
    return source;
}

} // namespace

TEST_CASE("git over smart HTTP with basic auth")
{
    const TempDir temp;
    const GitHttpServer server(temp / "server", Tls::off);
    const auto source = make_source(temp);
    const auto bare = server.create_repo("app", source);
    const std::string feature = git(source, {"rev-parse", "feature"});

    RemoteAccess access;
    access.remote = server.url("app");
    access.authorization =
        basic_authorization(GitHttpServer::k_user, Secret(GitHttpServer::k_password));

    // What CI has: a depth-1 clone of main only.
    git(temp.path(),
        {"clone", "-q", "--depth", "1", "file://" + bare.string(), (temp / "work").string()});
    auto repo = Repository::open(temp / "work");
    REQUIRE(repo.is_shallow());
    const std::string base = *repo.find_commit("HEAD");

    SUBCASE("N branches pushed from a depth-1 clone")
    {
        const auto branches = make_variants(repo, base, 3);
        const auto report = repo.push_branches(access, branches, request_id());
        CHECK(report.all_pushed());
        for (const auto& branch : branches) {
            CHECK(git(bare, {"rev-parse", "refs/heads/" + branch.branch}) == branch.commit);
            CHECK(git(bare, {"rev-parse", branch.branch + "^"}) == base);
        }
        CHECK(git(bare, {"fsck", "--no-progress"}).empty());
        // A re-run replaces them.
        const auto rerun = make_variants(repo, base, 1);
        CHECK(repo.push_branches(access, rerun, request_id()).branches[0].status ==
              BranchPushStatus::updated);
    }
    SUBCASE("a re-run in a fresh depth-1 clone finds the branches of its request")
    {
        const auto branches = make_variants(repo, base, 3);
        REQUIRE(repo.push_branches(access, branches, request_id()).all_pushed());
        git(bare, {"branch", "draftsmith/someone-else", "main"});
        git(bare, {"branch", "unrelated", "main"});

        git(temp.path(),
            {"clone", "-q", "--depth", "1", "file://" + bare.string(), (temp / "rerun").string()});
        auto rerun = Repository::open(temp / "rerun");
        const auto found = rerun.find_request_branches(access, request_id(), "draftsmith/");
        REQUIRE(found.size() == 3);
        for (int i = 0; i < 3; ++i) {
            CHECK(found[i].branch == branches[i].branch);
            CHECK(found[i].commit == branches[i].commit);
            CHECK(found[i].variant == VariantNumber{i + 1, 3});
        }
        CHECK(rerun.find_request_branches(access, RequestId{"github", "octo/app", "42", "1002"})
                  .empty());
        CHECK(repo.find_local_request_branches(request_id(), "draftsmith/").size() == 3);
        CHECK(repo.find_local_request_branches(request_id(), "other/").empty());
    }
    SUBCASE("a depth-1 clone whose base is no longer a tip on the server")
    {
        git(temp.path(), {"clone", "-q", "file://" + bare.string(), (temp / "other").string()});
        write_file(temp / "other" / "README.md", "moved on\n");
        git(temp / "other", {"commit", "-q", "-am", "moved on"});
        git(temp / "other", {"push", "-q", "origin", "main"});
        const auto branches = make_variants(repo, base, 2);
        CHECK(repo.push_branches(access, branches, request_id()).all_pushed());
        CHECK(git(bare, {"rev-parse", branches[1].branch + "^"}) == base);
        git(bare, {"fsck", "--no-progress", "--connectivity-only"});
    }
    SUBCASE("the missing PR head is fetched, edited and pushed")
    {
        REQUIRE_FALSE(repo.find_commit(feature));
        std::vector<std::string> log_lines;
        draftsmith::log::configure(draftsmith::log::Level::debug, draftsmith::log::Format::text,
                                   draftsmith::log::Color::never);
        draftsmith::log::set_sink(
            [&log_lines](std::string_view line) { log_lines.emplace_back(line); });
        SUBCASE("by ref")
        {
            CHECK(repo.fetch_commit(access, "refs/heads/feature") == feature);
        }
        SUBCASE("by id")
        {
            CHECK(repo.fetch_commit(access, feature) == feature);
        }
        draftsmith::log::set_sink({});
        draftsmith::log::configure(draftsmith::log::Level::info, draftsmith::log::Format::text,
                                   draftsmith::log::Color::never);
        // The cheap way worked: only README.md's old version was fetched by
        // id, not the branch's whole history.
        const std::string log_text = fmt::format("{}", fmt::join(log_lines, "\n"));
        CHECK(log_text.find("1 object(s) the server assumed we had; fetching them by id") !=
              std::string::npos);
        CHECK(log_text.find("whole history") == std::string::npos);
        CHECK(repo.tree(feature).read("FEATURE.md") == "feature\n");
        // main changed README.md after feature forked: the old version must come too.
        CHECK(repo.tree(feature).read("README.md") == "two\n");
        CHECK(git(temp / "work", {"cat-file", "-p", feature + ":README.md"}) == "two");
        const auto branches = make_variants(repo, feature, 1);
        CHECK(repo.push_branches(access, branches, request_id()).all_pushed());
        CHECK(git(bare, {"show", branches[0].branch + ":FEATURE.md"}) == "feature");
    }
    SUBCASE("a server that refuses fetching by id: the branch's whole history instead")
    {
        git(bare, {"config", "uploadpack.allowReachableSHA1InWant", "false"});
        CHECK(repo.fetch_commit(access, "feature") == feature);
        CHECK(repo.tree(feature).read("README.md") == "two\n");
        CHECK(git(temp / "work", {"rev-list", "--count", feature}) == "3");
    }
    SUBCASE("a remote branch not here is fetched to check whose it is")
    {
        const auto theirs = make_variants(repo, base, 1);
        git(temp / "work", {"push", "-q", "file://" + bare.string(),
                            theirs[0].commit + ":refs/heads/" + theirs[0].branch});
        git(temp / "work", {"update-ref", "-d", "refs/heads/" + theirs[0].branch});
        // A fresh depth-1 clone does not have that tip.
        git(temp.path(),
            {"clone", "-q", "--depth", "1", "file://" + bare.string(), (temp / "fresh").string()});
        auto fresh = Repository::open(temp / "fresh");
        REQUIRE_FALSE(fresh.find_commit(theirs[0].commit));
        CommitSpec spec;
        spec.request = request_id();
        const std::vector<BranchPush> mine{
            {theirs[0].branch, fresh.commit_overlay(base, {{"NEW.md", "new\n"}}, spec)}};
        const auto report = fresh.push_branches(access, mine, request_id());
        CHECK(report.branches[0].status == BranchPushStatus::updated);
        CHECK(git(bare, {"rev-parse", "refs/heads/" + mine[0].branch}) == mine[0].commit);
    }
    SUBCASE("a wrong password is a clear error and nothing is pushed")
    {
        access.authorization =
            basic_authorization(GitHttpServer::k_user, Secret("wrong-password-123"));
        const auto branches = make_variants(repo, base, 2);
        try {
            repo.push_branches(access, branches, request_id());
            FAIL("push succeeded with a wrong password");
        } catch (const GitError& e) {
            CHECK(std::string(e.what()) ==
                  "connect to " + server.url("app") + ": authentication failed for " +
                      server.url("app") +
                      ": the server refused the credentials (HTTP 401); check the token and that "
                      "it may write to this repository");
            CHECK(std::string(e.error_class_name()) == "net");
            CHECK(std::string(e.what()).find("wrong-password-123") == std::string::npos);
        }
        CHECK(server_branches(bare).empty());
    }
    SUBCASE("stopped (SIGTERM) or past the deadline: aborted, nothing pushed")
    {
        const auto branches = make_variants(repo, base, 2);
        SUBCASE("stopped")
        {
            access.should_stop = [] { return true; };
            try {
                repo.push_branches(access, branches, request_id());
                FAIL("not stopped");
            } catch (const draftsmith::Error& e) {
                CHECK(e.category() == draftsmith::ErrorCategory::interrupted);
                const std::string message = e.what();
                CHECK(message.starts_with("push refs/heads/draftsmith/42-1001/v1:"));
                CHECK(message.ends_with(server.url("app") + ": stopped"));
            }
        }
        SUBCASE("deadline")
        {
            access.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            CHECK_THROWS_WITH(repo.fetch_commit(access, "feature"),
                              doctest::Contains("timed out (the deadline passed)"));
        }
        CHECK(server_branches(bare).empty());
    }
    SUBCASE("credentials that may read but not write (HTTP 403)")
    {
        git(bare, {"config", "http.receivepack", "false"});
        try {
            repo.push_branches(access, make_variants(repo, base, 1), request_id());
            FAIL("pushed without permission");
        } catch (const GitError& e) {
            CHECK(std::string(e.what()).ends_with(
                server.url("app") +
                ": the server refused access (HTTP 403): the credentials may not read or write "
                "this repository, or pushing is turned off there"));
        }
        CHECK(server_branches(bare).empty());
    }
    SUBCASE("no such repository (HTTP 404)")
    {
        access.remote = server.url("nothing-here");
        CHECK_THROWS_WITH(repo.fetch_commit(access, "main"),
                          doctest::Contains("no repository at this URL (HTTP 404)"));
    }
    SUBCASE("no credentials at all")
    {
        access.authorization.reset();
        CHECK_THROWS_WITH(repo.push_branches(access, make_variants(repo, base, 1), request_id()),
                          doctest::Contains("no credentials were given"));
        CHECK(server_branches(bare).empty());
    }
    SUBCASE("an update hook refusing one branch: no atomic push in libgit2 1.5, per-branch results")
    {
        server.refuse_refs("app", "/v2");
        const auto report = repo.push_branches(access, make_variants(repo, base, 3), request_id());
        CHECK_FALSE(report.all_pushed());
        CHECK(report.branches[0].status == BranchPushStatus::created);
        CHECK(report.branches[1].status == BranchPushStatus::rejected);
        CHECK(report.branches[1].message == "hook declined");
        CHECK(report.branches[2].status == BranchPushStatus::created);
        CHECK(report.server_output.find("no pushes to refs/heads/draftsmith/42-1001/v2") !=
              std::string::npos);
        CHECK(server_branches(bare) ==
              "refs/heads/draftsmith/42-1001/v1\nrefs/heads/draftsmith/42-1001/v3");
    }
    SUBCASE("a pre-receive hook refusing the push: its message, nothing pushed")
    {
        server.refuse_pushes("app", "policy: robots may not push here");
        const auto report = repo.push_branches(access, make_variants(repo, base, 3), request_id());
        CHECK_FALSE(report.all_pushed());
        for (const auto& branch : report.branches) {
            CHECK(branch.status == BranchPushStatus::rejected);
            CHECK(branch.message == "pre-receive hook declined");
        }
        CHECK(report.server_output.find("policy: robots may not push here") != std::string::npos);
        CHECK(server_branches(bare).empty());
    }
}

TEST_CASE("git over HTTPS with a private CA")
{
    const TempDir temp;
    const GitHttpServer server(temp / "server", Tls::on);
    const auto source = make_source(temp);
    const auto bare = server.create_repo("app", source);
    git(temp.path(),
        {"clone", "-q", "--depth", "1", "file://" + bare.string(), (temp / "work").string()});
    auto repo = Repository::open(temp / "work");
    const std::string base = *repo.find_commit("HEAD");

    RemoteAccess access;
    access.remote = server.url("app");
    access.authorization =
        basic_authorization(GitHttpServer::k_user, Secret(GitHttpServer::k_password));

    SUBCASE("trusted through the CA file: fetch and push")
    {
        access.ca_file = server.ca_file();
        CHECK(repo.fetch_commit(access, "feature") == git(source, {"rev-parse", "feature"}));
        const auto branches = make_variants(repo, base, 2);
        CHECK(repo.push_branches(access, branches, request_id()).all_pushed());
        CHECK(git(bare, {"rev-parse", "refs/heads/" + branches[1].branch}) == branches[1].commit);
    }
    SUBCASE("with only the system CAs the certificate is refused")
    {
        CHECK_THROWS_WITH(repo.push_branches(access, make_variants(repo, base, 1), request_id()),
                          doctest::Contains("certificate"));
        CHECK(server_branches(bare).empty());
    }
}
