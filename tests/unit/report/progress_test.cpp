#include "draftsmith/report/progress.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace report = draftsmith::report;
using report::VariantState;
using namespace std::chrono_literals;

namespace {

report::VariantRecord record(int index, VariantState state, std::string phase = {})
{
    report::VariantRecord variant;
    variant.index = index;
    variant.state = state;
    variant.phase = std::move(phase);
    return variant;
}

} // namespace

TEST_CASE("report::progress_line")
{
    auto variant = record(2, VariantState::running, "model");
    CHECK(report::progress_line(variant) == "variant 2: running (model)");
    variant.state = VariantState::succeeded;
    variant.usage.output_tokens = 1500;
    variant.cost_usd = 0.25;
    variant.duration = 65s;
    variant.pr_url = "https://github.com/o/r/pull/3";
    CHECK(report::progress_line(variant) ==
          "variant 2: succeeded, 1.5k tokens, $0.2500, 1m 05s, https://github.com/o/r/pull/3");
    auto failed = record(3, VariantState::failed);
    failed.reason = "the provider said:\n429 too many requests";
    CHECK(report::progress_line(failed) ==
          "variant 3: failed: the provider said: 429 too many requests");
}

TEST_CASE("report::Progress, plain lines")
{
    std::ostringstream out;
    report::Progress progress(out, false);
    progress.update(record(1, VariantState::queued));
    progress.update(record(1, VariantState::running, "model"));
    progress.update(record(1, VariantState::running, "model")); // no change, no line
    progress.update(record(2, VariantState::running, "push"));
    progress.finish();
    CHECK(out.str() ==
          "variant 1: queued\nvariant 1: running (model)\nvariant 2: running (push)\n");
}

TEST_CASE("report::Progress, redrawn on a terminal")
{
    std::ostringstream out;
    report::Progress progress(out, true);
    progress.update(record(1, VariantState::running, "model"));
    progress.update(record(2, VariantState::running, "model"));
    progress.update(record(1, VariantState::running, "commit"));
    CHECK(out.str() ==
          "\r\x1b[2Kvariant 1: running (model)\n"
          "\x1b[1A\r\x1b[2Kvariant 1: running (model)\n\r\x1b[2Kvariant 2: running (model)\n"
          "\x1b[2A\r\x1b[2Kvariant 1: running (commit)\n\r\x1b[2Kvariant 2: running (model)\n");
    progress.finish();
    out.str("");
    progress.update(record(2, VariantState::succeeded));
    CHECK(out.str() == "variant 2: succeeded\n");
}

TEST_CASE("report::Progress, updates from many threads stay whole lines")
{
    std::ostringstream out;
    report::Progress progress(out, false);
    std::vector<std::thread> threads;
    for (int index = 1; index <= 4; ++index) {
        threads.emplace_back([&progress, index] {
            for (int turn = 0; turn < 50; ++turn) {
                progress.update(
                    record(index, VariantState::running, "turn " + std::to_string(turn)));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto text = out.str();
    std::size_t lines = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end - start);
        CAPTURE(line);
        CHECK(line.rfind("variant ", 0) == 0);
        CHECK(line.find(": running (turn ") == 9);
        ++lines;
        start = end + 1;
    }
    CHECK(lines == 200);
}
