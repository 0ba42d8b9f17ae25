#include "draftsmith/host/host.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include <map>
#include <sstream>

#include "support/temp_dir.hpp"

namespace host = draftsmith::host;

TEST_CASE("host::local, overview printed and written")
{
    draftsmith::test::TempDir dir;
    std::ostringstream out;
    host::Options options;
    options.kind = host::Kind::local;
    options.overview_file = dir / "overview.md";
    options.out = &out;
    options.local_pr.head_branch = "feature";
    options.local_pr.head_sha = "abc";
    auto local = host::make_host(options, nullptr);

    SUBCASE("comments are printed; the file holds all of them, updated in place")
    {
        const auto first = local->comment(0, "Working on 3 variants");
        const auto second = local->comment(0, "| variant | status |");
        local->update_comment(0, second, "| variant | status |\n| 1 | done |");
        CHECK(out.str() ==
              "Working on 3 variants\n| variant | status |\n| variant | status |\n| 1 | done |\n");
        CHECK(draftsmith::file::read_all(dir / "overview.md") ==
              "Working on 3 variants\n\n| variant | status |\n| 1 | done |\n");
        CHECK(local->list_comments(0).size() == 2);
        CHECK(local->get_comment(0, first)->body == "Working on 3 variants");
    }

    SUBCASE("pull requests are the branches; everyone may trigger; nothing to find")
    {
        const auto pr = local->create_pull_request({"draftsmith/pr0-c1/v1", "feature", "t", "b"});
        CHECK(pr.url == "branch draftsmith/pr0-c1/v1");
        CHECK(pr.base_branch == "feature");
        CHECK(local->find_pull_requests("draftsmith/pr0-c1/v1").empty());
        CHECK(local->permission({"anyone", "", "", false}, {}).allowed);
        CHECK(local->get_pull_request(0).head_branch == "feature");
        REQUIRE_THROWS_WITH(local->update_comment(0, {9, 0}, "x"),
                            "local: update of comment 9 that was never made");
    }
}

TEST_CASE("host::parse_kind, names")
{
    CHECK(host::parse_kind("github") == host::Kind::github);
    CHECK(host::parse_kind("Azure-DevOps") == host::Kind::azure_devops);
    CHECK(host::parse_kind("local") == host::Kind::local);
    CHECK_FALSE(host::parse_kind("gitlab"));
    CHECK(std::string(host::to_string(host::Kind::azure_devops)) == "azure-devops");
}
