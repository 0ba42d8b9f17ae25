#pragma once
// report/: what a run did, told to people (comments, pull request bodies, the
// CI log, a terminal) and to machines (JSON, Prometheus).
//
// RunRecord (run::RunResult) is the value run/ returns; everything in
// report/ only reads it, so every output tells the same story.

#include "draftsmith/run/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace draftsmith::report {

// The run's result types live in run/ (run/result.hpp); report/ sits above
// run/ and reads them under the names it always used.
using VariantState = run::VariantState;
using run::to_string;
using Phases = run::Phases;
using VariantRecord = run::VariantResult;
using RunRecord = run::RunResult;

// "850ms", "12.3s", "4m 05s", "1h 02m".
std::string format_duration(std::chrono::milliseconds duration);

// "950", "12.3k", "4.56M": token counts for people.
std::string format_tokens(std::int64_t tokens);

// A cost with the prompt cache's part of the input: "$0.0123 (cache: 12.3k
// written, 45.6k read)", or only the cost when the calls neither wrote nor
// read the cache.
std::string format_cost_with_cache(double usd, const llm::Usage& usage);

} // namespace draftsmith::report
