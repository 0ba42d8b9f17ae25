// draftsmith run --local under the checked-out commit's .draftsmith.yml: the
// file's rules apply as on a hosting service, the run's retry budget included
// (it used to come from the flags and the environment only).
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include "git_cli.hpp"
#include "world.hpp"

using namespace draftsmith::test;
using nlohmann::json;

TEST_CASE("run --local: retries.budget from .draftsmith.yml bounds the model's retries")
{
    World world;
    FakeLlm llm(world.root() / "llm.log");
    llm.script({{"default", {{"error", "overloaded"}}}}); // 529, which is retried
    const auto run = [&] {
        return world.draftsmith({"run", "--local", "--comment", "/edit /1 make the buttons red",
                                 "--provider", "anthropic", "--base-url", llm.base()},
                                {{"ANTHROPIC_API_KEY", "sk-ant-local-config-key-0001"},
                                 {"DRAFTSMITH_RETRIES_MAX_ATTEMPTS", "2"}});
    };
    SUBCASE("without the key, the default budget lets the one retry happen")
    {
        const auto result = run();
        INFO(result.err);
        CHECK(result.exit_code == 3);
        CHECK(llm.requests() == 2);
    }
    SUBCASE("budget: 0 in the file: no retry")
    {
        draftsmith::file::write_atomically(world.checkout() / ".draftsmith.yml",
                                           "retries:\n  budget: 0\n");
        git(world.checkout(), {"add", ".draftsmith.yml"});
        git(world.checkout(), {"commit", "-q", "-m", "rules"});
        const auto result = run();
        INFO(result.err);
        CHECK(result.exit_code == 3);
        CHECK(llm.requests() == 1);
    }
}
