#include <doctest/doctest.h>

#include <string>

#include "support/process.hpp"

using draftsmith::test::run_process;
using draftsmith::test::source_path;

namespace {

std::size_t count(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

// The README's first command ends in examples/run-demo.sh: `draftsmith run
// --local` on examples/demo-site with the recorded answers. Its output must
// show the three variants' branches, their diffs and the overview.
TEST_CASE("cli::demo, examples/run-demo.sh makes three variant branches")
{
    const auto result = run_process({source_path("examples/run-demo.sh"), DRAFTSMITH_BINARY});
    INFO(result.out);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    // Three branches, listed once after the first run and once after the re-run.
    const std::string branch = "draftsmith/pr-local/";
    CHECK(count(result.out, "== " + branch) == 3);
    // Variant 1 changed the background only; 2 the hover too; 3 through variables.
    CHECK(result.out.find("+  background: #d93025;") != std::string::npos);
    CHECK(result.out.find("+  background: #a50e0e;") != std::string::npos);
    CHECK(result.out.find("+  background: var(--submit-background);") != std::string::npos);
    // The commits carry the request's trailers.
    CHECK(count(result.out, "Draftsmith-Variant: ") == 3);
    // The overview, printed by the local host.
    CHECK(result.out.find("| Variant") != std::string::npos);
    // The working tree is untouched: `git status --short` printed nothing.
    CHECK(result.out.find("$ git status --short\n\n== 4.") != std::string::npos);
}
