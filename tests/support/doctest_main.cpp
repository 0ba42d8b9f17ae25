// The main() of every test binary, plus a listener that removes a test case's
// temporary directories when it passed and keeps them when it failed.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "temp_dir.hpp"

namespace {

struct TempDirListener : doctest::IReporter {
    explicit TempDirListener(const doctest::ContextOptions&) {}

    void test_case_end(const doctest::CurrentTestCaseStats& stats) override
    {
        draftsmith::test::finish_temp_dirs(stats.testCaseSuccess);
    }

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

} // namespace

REGISTER_LISTENER("temp-dirs", 1, TempDirListener);
