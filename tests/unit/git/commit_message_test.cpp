#include "draftsmith/git/commit_message.hpp"
#include "draftsmith/git/repository.hpp"

#include <doctest/doctest.h>

#include <map>

#include "git_cli.hpp"

using namespace draftsmith::git;

TEST_CASE("git::RequestId, round trip")
{
    const RequestId id{"azure-devops", "org/project/repo", "42", "7"};
    CHECK(id.to_string() == "azure-devops/org/project/repo/42/7");
    CHECK(RequestId::parse(id.to_string()) == id);
    CHECK(RequestId::parse("github/octo/app/1/2") == RequestId{"github", "octo/app", "1", "2"});
    CHECK(RequestId::parse("  github/octo/app/1/2\n") == RequestId{"github", "octo/app", "1", "2"});
    CHECK_FALSE(RequestId::parse("github/1/2"));
    CHECK_FALSE(RequestId::parse("github//1/2"));
    CHECK_FALSE(RequestId::parse(""));
    SUBCASE("slashes and newlines in parts cannot forge another request")
    {
        const RequestId odd{"git/hub", "octo/app", "1\n2", "3/4"};
        CHECK(odd.to_string() == "git-hub/octo/app/1 2/3-4");
    }
}

TEST_CASE("git::resolve_identity, author and co-author")
{
    CommitSpec spec;
    SUBCASE("no requester: draftsmith is author and committer")
    {
        const auto identity = resolve_identity(spec);
        CHECK(identity.author == Person{"draftsmith", "draftsmith@localhost"});
        CHECK(identity.committer == Person{"draftsmith", "draftsmith@localhost"});
        CHECK_FALSE(identity.co_author);
    }
    SUBCASE("requester with an address is the author")
    {
        spec.requester = Requester{"Ann Lee", "ann@example.com"};
        spec.committer = Person{"bot", "bot@ci"};
        const auto identity = resolve_identity(spec);
        CHECK(identity.author == Person{"Ann Lee", "ann@example.com"});
        CHECK(identity.committer == Person{"bot", "bot@ci"});
        CHECK_FALSE(identity.co_author);
    }
    SUBCASE("requester without an address is a co-author")
    {
        spec.requester = Requester{"ann", std::nullopt};
        const auto identity = resolve_identity(spec);
        CHECK(identity.author == default_committer());
        CHECK(identity.co_author == "Co-authored-by: ann");
    }
    SUBCASE("angle brackets and newlines are removed from names")
    {
        spec.requester = Requester{"Ann <x>\nLee", "<ann@example.com>"};
        const auto identity = resolve_identity(spec);
        CHECK(identity.author == Person{"Ann x Lee", "ann@example.com"});
    }
}

TEST_CASE("git::compose_message and parse_trailers, round trip")
{
    CommitSpec spec;
    spec.message = "Make the buttons red\n\nThe hover colour stays.\n\n";
    spec.request = RequestId{"github", "octo/app", "42", "1234567"};
    spec.variant = VariantNumber{2, 3};
    spec.requester = Requester{"ann", std::nullopt};

    const std::string message = compose_message(spec);
    CHECK(message == "Make the buttons red\n\nThe hover colour stays.\n\n"
                     "Co-authored-by: ann\n"
                     "Draftsmith-Request: github/octo/app/42/1234567\n"
                     "Draftsmith-Variant: 2/3\n");
    const auto trailers = parse_trailers(message);
    CHECK(trailers.request == spec.request);
    CHECK(trailers.variant == VariantNumber{2, 3});
    CHECK(trailers.co_authors == std::vector<std::string>{"ann"});

    SUBCASE("a message without trailers")
    {
        const auto none =
            parse_trailers("Fix it\n\nDraftsmith-Request is mentioned in prose here.\n");
        CHECK_FALSE(none.request);
        CHECK_FALSE(none.variant);
    }
    SUBCASE("malformed values are ignored")
    {
        const auto bad = parse_trailers("x\n\nDraftsmith-Request: nope\nDraftsmith-Variant: 4/3\n");
        CHECK_FALSE(bad.request);
        CHECK_FALSE(bad.variant);
    }
    SUBCASE("trailers only count in the last paragraph")
    {
        const auto earlier =
            parse_trailers("x\n\nDraftsmith-Request: github/a/b/1/2\n\nSigned-off-by: A <a@b>\n");
        CHECK_FALSE(earlier.request);
    }
    SUBCASE("an empty message gets a default subject")
    {
        CHECK(compose_message(CommitSpec{}) == "draftsmith edit\n");
    }
}

TEST_CASE("git::Repository::commit_overlay, identity and trailers in the commit")
{
    using draftsmith::test::git;
    const draftsmith::test::TempDir temp;
    const auto dir = temp / "repo";
    const std::string base = draftsmith::test::make_repository(dir, {{"a.txt", "A\n"}});
    auto repo = Repository::open(dir);

    CommitSpec spec;
    spec.message = "Edit a";
    spec.request = RequestId{"local", "demo", "1", "9"};
    spec.variant = VariantNumber{1, 2};
    spec.requester = Requester{"Ann Lee", "ann@example.com"};
    const std::string commit = repo.commit_overlay(base, {{"a.txt", "B\n"}}, spec);

    CHECK(git(dir, {"log", "-1", "--format=%an <%ae>|%cn <%ce>", commit}) ==
          "Ann Lee <ann@example.com>|draftsmith <draftsmith@localhost>");
    CHECK(git(dir, {"log", "-1", "--format=%(trailers:key=Draftsmith-Request,valueonly)",
                    commit}) == "local/demo/1/9\n");
    CHECK(parse_trailers(repo.message(commit)).variant == VariantNumber{1, 2});
}

TEST_CASE("git::url_for_log, hides credentials in URLs")
{
    CHECK(url_for_log("https://x-access-token:ghs_secret@github.com/o/r.git") ==
          "https://***@github.com/o/r.git");
    CHECK(url_for_log("https://github.com/o/r.git") == "https://github.com/o/r.git");
    CHECK(url_for_log("ssh://git@github.com/o/r.git") == "ssh://git@github.com/o/r.git");
    CHECK(url_for_log("git@github.com:o/r.git") == "git@github.com:o/r.git");
}
