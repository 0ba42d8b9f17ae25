#include <doctest/doctest.h>

#include "support/process.hpp"

using draftsmith::test::run_process;
using draftsmith::test::source_path;

// The README's first command ends in examples/run-demo.sh; it must work with
// this build and must say that `run` is not built rather than pretend.
TEST_CASE("cli::demo, examples/run-demo.sh is honest and works") {
    const auto result = run_process({source_path("examples/run-demo.sh"), DRAFTSMITH_BINARY});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("'draftsmith run' is not built yet") != std::string::npos);
    CHECK(result.out.find(R"({"command":"edit","variants":3,)") != std::string::npos);
    CHECK(result.out.find(R"({"command":null})") != std::string::npos);
    CHECK(result.out.find(R"({"error":"'/9' asks for 9 variants)") != std::string::npos);
    CHECK(result.out.find(R"("max_variants": 3)") != std::string::npos); // examples/.draftsmith.yml
    CHECK(result.err.find("broken.draftsmith.yml:6:3: unknown key 'cost' (did you mean "
                          "'cost_usd'?)") != std::string::npos);
    CHECK(result.err.find("'run' is not built yet") != std::string::npos);
}
