#include "draftsmith/git/repository.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "git_cli.hpp"

using draftsmith::Overlay;
using draftsmith::git::CommitSpec;
using draftsmith::git::Repository;
using draftsmith::test::git;
using draftsmith::test::make_repository;
using draftsmith::test::TempDir;

namespace {

std::string ls_tree(const std::filesystem::path& dir, const std::string& commit)
{
    return git(dir, {"ls-tree", "-r", "--full-tree", commit});
}

std::string mode_of(const std::filesystem::path& dir, const std::string& commit,
                    const std::string& path)
{
    return git(dir, {"ls-tree", "--format=%(objectmode)", commit, "--", path});
}

} // namespace

TEST_CASE("git::Repository::commit_overlay, writes only the changed paths")
{
    const TempDir temp;
    const auto dir = temp / "repo";
    const std::string base = make_repository(dir, {{"README.md", "hello\n"},
                                                   {"bin/run.sh", "#!/bin/sh\necho run\n"},
                                                   {"src/app/main.cpp", "int main() {}\n"},
                                                   {"src/app/util.cpp", "// util\n"},
                                                   {"src/lib/a.cpp", "// a\n"},
                                                   {"docs/only.txt", "alone\n"}});
    git(dir, {"update-index", "--chmod=+x", "bin/run.sh"});
    git(dir, {"commit", "-q", "-m", "exec"});
    const std::string exec_base = git(dir, {"rev-parse", "HEAD"});
    REQUIRE(mode_of(dir, exec_base, "bin/run.sh") == "100755");
    (void)base;

    auto repo = Repository::open(dir);
    CommitSpec spec;
    spec.message = "Make it red";

    SUBCASE("an edit keeps the executable bit; a new file is 100644")
    {
        const Overlay overlay{{"bin/run.sh", "#!/bin/sh\necho red\n"},
                              {"bin/new.sh", "echo new\n"}};
        const std::string commit = repo.commit_overlay(exec_base, overlay, spec);
        CHECK(mode_of(dir, commit, "bin/run.sh") == "100755");
        CHECK(mode_of(dir, commit, "bin/new.sh") == "100644");
        CHECK(git(dir, {"show", commit + ":bin/run.sh"}) == "#!/bin/sh\necho red");
        CHECK(git(dir, {"rev-parse", commit + "^"}) == exec_base);
    }
    SUBCASE("new nested folders are created")
    {
        const std::string commit =
            repo.commit_overlay(exec_base, {{"a/b/c/deep.txt", "deep\n"}}, spec);
        CHECK(git(dir, {"show", commit + ":a/b/c/deep.txt"}) == "deep");
        CHECK(git(dir, {"diff", "--name-status", exec_base, commit}) == "A\ta/b/c/deep.txt");
    }
    SUBCASE("unchanged subtrees keep their ids")
    {
        const std::string commit = repo.commit_overlay(
            exec_base, {{"src/app/main.cpp", "int main() { return 1; }\n"}}, spec);
        CHECK(git(dir, {"rev-parse", commit + ":src/lib"}) ==
              git(dir, {"rev-parse", exec_base + ":src/lib"}));
        CHECK(git(dir, {"rev-parse", commit + ":docs"}) ==
              git(dir, {"rev-parse", exec_base + ":docs"}));
        CHECK(git(dir, {"rev-parse", commit + ":src/app"}) !=
              git(dir, {"rev-parse", exec_base + ":src/app"}));
        CHECK(git(dir, {"diff", "--name-only", exec_base, commit}) == "src/app/main.cpp");
    }
    SUBCASE("deleting the last file of a folder removes the folder")
    {
        const std::string commit =
            repo.commit_overlay(exec_base, {{"docs/only.txt", std::nullopt}}, spec);
        CHECK(ls_tree(dir, commit).find("docs") == std::string::npos);
        CHECK(git(dir, {"diff", "--name-status", exec_base, commit}) == "D\tdocs/only.txt");
    }
    SUBCASE("a rename is a delete plus a create; deleting an absent path changes nothing")
    {
        const std::string commit = repo.commit_overlay(exec_base,
                                                       {{"src/lib/a.cpp", std::nullopt},
                                                        {"src/lib/b.cpp", "// a\n"},
                                                        {"ghost.txt", std::nullopt}},
                                                       spec);
        CHECK(git(dir, {"diff", "--name-status", "-M", exec_base, commit}) ==
              "R100\tsrc/lib/a.cpp\tsrc/lib/b.cpp");
    }
    SUBCASE("an empty overlay gives the same tree")
    {
        const std::string commit = repo.commit_overlay(exec_base, {}, spec);
        CHECK(repo.tree_id(commit) == repo.tree_id(exec_base));
        CHECK(commit != exec_base);
    }
    SUBCASE("the working tree, the index and the refs are untouched")
    {
        const std::string status_before = git(dir, {"status", "--porcelain"});
        const std::string refs_before = git(dir, {"for-each-ref"});
        repo.commit_overlay(exec_base, {{"README.md", "changed\n"}, {"src/x.cpp", "x\n"}}, spec);
        CHECK(git(dir, {"status", "--porcelain"}) == status_before);
        CHECK(git(dir, {"for-each-ref"}) == refs_before);
        CHECK(draftsmith::test::run_process({"cat", (dir / "README.md").string()}).out ==
              "hello\n");
    }
    SUBCASE("bad paths are refused with the path in the message")
    {
        CHECK_THROWS_WITH(
            repo.commit_overlay(exec_base, {{"a/../b", "x"}}, spec),
            doctest::Contains("cannot commit 'a/../b': not a normalised repository path"));
        CHECK_THROWS_WITH(repo.commit_overlay(exec_base, {{".git/config", "x"}}, spec),
                          doctest::Contains("paths inside .git cannot be committed"));
        // Whatever the caller checked: no spelling git refuses enters a tree.
        CHECK_THROWS_WITH(repo.commit_overlay(exec_base, {{".g\u200cit/config", "x"}}, spec),
                          doctest::Contains("cannot commit '.g\u200cit/config': '.g\u200cit' "
                                            "cannot be committed: it names .git"));
        CHECK_THROWS_WITH(repo.commit_overlay(exec_base, {{"GIT~1/hooks/x", "x"}}, spec),
                          doctest::Contains("it names .git"));
        CHECK_THROWS_WITH(repo.commit_overlay(exec_base, {{"sub/.gitmodules ", "x"}}, spec),
                          doctest::Contains("it is read as .gitmodules"));
        CHECK_THROWS_WITH(
            repo.commit_overlay(exec_base, {{"src", "x"}}, spec),
            doctest::Contains("cannot commit 'src': it is a folder in the base commit"));
        CHECK_THROWS_WITH(repo.commit_overlay(exec_base, {{"README.md/x", "x"}}, spec),
                          doctest::Contains("'README.md' is a file in the base commit"));
        CHECK_THROWS_WITH(repo.commit_overlay(exec_base, {{"/abs", "x"}}, spec),
                          doctest::Contains("not a normalised repository path"));
    }
    SUBCASE("an unknown base commit is a git error naming it")
    {
        CHECK_THROWS_WITH(
            repo.commit_overlay(std::string(40, 'a'), {}, spec),
            doctest::Contains("read commit aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    }
}

TEST_CASE("git::TreeReader, reads a commit's files")
{
    const TempDir temp;
    const auto dir = temp / "repo";
    make_repository(dir, {{"a.txt", "A\n"}, {"sub/b.bin", std::string("B\0B", 3)}});
    std::filesystem::create_symlink("a.txt", dir / "link");
    std::filesystem::create_symlink("sub", dir / "linked-folder");
    git(dir, {"add", "link", "linked-folder"});
    git(dir, {"commit", "-q", "-m", "link"});

    auto repo = Repository::open(dir / "sub", draftsmith::git::Discover::upwards);
    const auto head = repo.find_commit("HEAD");
    REQUIRE(head);
    const auto tree = repo.tree(*head);

    CHECK(tree.list_files() ==
          std::vector<std::string>{"a.txt", "link", "linked-folder", "sub/b.bin"});
    CHECK(tree.read("a.txt") == "A\n");
    CHECK(tree.read("sub/b.bin") == std::string("B\0B", 3));
    CHECK(tree.read("sub") == std::nullopt);
    CHECK(tree.read("missing") == std::nullopt);
    CHECK(tree.is_symlink("link"));
    CHECK(tree.read("link") == std::nullopt);
    CHECK(tree.link_target("link") == "a.txt");
    CHECK(tree.link_target("a.txt") == std::nullopt);
    CHECK_FALSE(tree.is_symlink("a.txt"));
    CHECK(tree.is_symlink("linked-folder/b.bin"));
    CHECK_FALSE(tree.is_symlink("sub/b.bin"));
    CHECK_FALSE(tree.is_symlink("missing/x"));
    CHECK(tree.exists("sub"));
    CHECK(tree.exists("sub/b.bin"));
    CHECK(tree.exists("link"));
    CHECK_FALSE(tree.exists("sub/nope"));
    CHECK_FALSE(tree.is_executable("a.txt"));
}

TEST_CASE("git::Repository, open and find_commit")
{
    const TempDir temp;
    const auto dir = temp / "repo";
    const std::string head = make_repository(dir, {{"a.txt", "A\n"}});
    git(dir, {"tag", "-a", "v1", "-m", "tag"});

    SUBCASE("revs of every kind")
    {
        auto repo = Repository::open(dir);
        CHECK(repo.find_commit("HEAD") == head);
        CHECK(repo.find_commit("main") == head);
        CHECK(repo.find_commit("refs/heads/main") == head);
        CHECK(repo.find_commit(head.substr(0, 10)) == head);
        CHECK(repo.find_commit("v1") == head);
        CHECK(repo.find_commit("nope") == std::nullopt);
        CHECK(repo.find_commit(std::string(40, 'b')) == std::nullopt);
        CHECK_FALSE(repo.is_shallow());
        CHECK(repo.checked_out_branch() == "main");
        git(dir, {"checkout", "-q", "--detach"});
        CHECK(repo.checked_out_branch() == std::nullopt);
    }
    SUBCASE("no repository: the error names the path")
    {
        const std::string expected = "open the git repository at " + (temp / "nowhere").string();
        CHECK_THROWS_WITH(Repository::open(temp / "nowhere", draftsmith::git::Discover::exact),
                          doctest::Contains(expected.c_str()));
    }
}

TEST_CASE("git::Repository::diff_stat and diff_text")
{
    const TempDir temp;
    const auto dir = temp / "repo";
    const std::string base = make_repository(
        dir, {{"a.txt", "one\ntwo\nthree\n"}, {"old/name.txt", "same content here\n"}});
    auto repo = Repository::open(dir);
    const std::string commit = repo.commit_overlay(base,
                                                   {{"a.txt", "one\n2\nthree\nfour\n"},
                                                    {"old/name.txt", std::nullopt},
                                                    {"new/name.txt", "same content here\n"}},
                                                   CommitSpec{});

    const auto stat = repo.diff_stat(base, commit);
    CHECK(stat.files == 2);
    CHECK(stat.insertions == 2);
    CHECK(stat.deletions == 1);
    CHECK(stat.text.find("a.txt") != std::string::npos);
    CHECK(stat.text.find("2 files changed, 2 insertions(+), 1 deletion(-)") != std::string::npos);
    CHECK(repo.diff_text(base, commit) == git(dir, {"diff", "-M", base, commit}) + "\n");
}

TEST_CASE("git::Repository, variants commit from several threads")
{
    const TempDir temp;
    const auto dir = temp / "repo";
    const std::string base = make_repository(dir, {{"a.txt", "A\n"}, {"b/c.txt", "C\n"}});
    auto repo = Repository::open(dir);
    const auto reader = repo.tree(base);
    std::vector<std::string> commits(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            for (int round = 0; round < 10; ++round) {
                CHECK(reader.read("b/c.txt") == "C\n");
                commits[static_cast<std::size_t>(i)] = repo.commit_overlay(
                    base, {{"b/c.txt", "variant " + std::to_string(i) + "\n"}}, CommitSpec{});
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (int i = 0; i < 4; ++i) {
        CHECK(git(dir, {"show", commits[static_cast<std::size_t>(i)] + ":b/c.txt"}) ==
              "variant " + std::to_string(i));
    }
}
