#pragma once
// report/: what a run did, told to people (comments, pull request bodies, the
// CI log, a terminal) and to machines (JSON, Prometheus).
//
// RunRecord is the one record run/ fills as the run goes; everything in
// report/ only reads it, so every output tells the same story.

#include "draftsmith/llm/llm.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace draftsmith::report {

enum class VariantState { queued, running, succeeded, failed, duplicate, no_changes, interrupted, dry_run };

// "queued", "running", "succeeded", "failed", "duplicate", "no-changes",
// "interrupted", "dry-run".
const char* to_string(VariantState state) noexcept;

// Named durations in the order they happened ("model", "commit", ...).
using Phases = std::vector<std::pair<std::string, std::chrono::milliseconds>>;

struct VariantRecord {
    int index = 1;
    VariantState state = VariantState::queued;
    std::string phase; // what it is doing now: "model", "commit", "push", "pull request"
    std::string provider, model;
    std::string hint;
    std::string branch;  // "" when none
    std::string commit;  // full id, "" when none
    std::string pr_url;  // "" when none
    std::int64_t pr_number = 0;
    bool pr_reused = false; // an earlier run's PR was found and kept/updated
    int duplicate_of = 0;   // duplicate: the variant with the same tree
    std::size_t files = 0, insertions = 0, deletions = 0;
    std::string diffstat; // git diff --stat text
    std::string summary;  // the model's own summary
    std::string reason;   // failed/no_changes/duplicate/interrupted: why, one sentence
    llm::Usage usage;
    double cost_usd = 0;
    int turns = 0;
    std::chrono::milliseconds duration{0};
    Phases phases; // "model", "commit", "push", "pull_request"
};

struct RunRecord {
    std::string host;        // "github", "azure-devops", "local"
    std::string repository;  // "octo/app", "org/project/repo", or the local path
    std::int64_t pr = 0;
    std::string pr_url;
    std::string comment_url; // link back to the triggering comment ("" when unknown)
    std::string requester;   // login / display name
    std::string intent;
    std::string slug;
    int variants = 0;        // N asked for
    std::string request_id;  // host::request_id(...)
    std::string run_url;     // the pipeline run ("" when unknown)
    bool dry_run = false;
    std::vector<VariantRecord> variant_records; // index i-1 = variant i
    std::chrono::system_clock::time_point started;
    std::chrono::milliseconds duration{0};
    Phases phases; // "intake", "context", "variants", "overview"
    int exit_code = 0;
    std::string error; // a run-level failure (not a variant's), "" when none
    llm::Usage usage;  // run totals
    double cost_usd = 0;
};

// "850ms", "12.3s", "4m 05s", "1h 02m".
std::string format_duration(std::chrono::milliseconds duration);

// "950", "12.3k", "4.56M": token counts for people.
std::string format_tokens(std::int64_t tokens);

// A cost with the prompt cache's part of the input: "$0.0123 (cache: 12.3k
// written, 45.6k read)", or only the cost when the calls neither wrote nor
// read the cache.
std::string format_cost_with_cache(double usd, const llm::Usage& usage);

} // namespace draftsmith::report
