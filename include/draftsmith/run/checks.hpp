#pragma once
// `draftsmith checks` (issue 15): reads every variant's CI checks from the
// host and rewrites the request's overview comment with a Checks column.
//
// Stateless like `run`: started by the CI service when a variant's checks
// finish (GitHub workflow_run / check_suite completed on a variant branch;
// an Azure Pipelines pipeline-completion trigger), it finds what it needs on
// the host and leaves; nothing waits in a running job.
//
//   which request  --branch B (a variant branch: its pull request's
//                  request marker names the request, whose id names the
//                  source pull request), the event's head branch
//                  (workflow_run.head_branch, check_suite.head_branch), or
//                  --pr N (every request on pull request N)
//   which variants the rows of the overview comment (variant, pull request),
//                  each confirmed by its pull request's request marker
//   what it shows  host::Checks::read per variant, rendered by the caller
//                  (report/checks_column.hpp) into the overview
//
// With config `repair` > 0, a variant whose checks failed and whose commits
// carry fewer `Draftsmith-Repair:` trailers than that gets one repair turn
// (src/run/repair.cpp) before the overview is written.

#include "draftsmith/host/checks.hpp"
#include "draftsmith/trigger/environment.hpp"
#include "draftsmith/util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::run {

struct ChecksOptions {
    std::map<std::string, std::string> config_flags; // host, provider, model, repair, ...
    std::optional<std::int64_t> pr;                  // --pr N
    std::optional<std::string> branch;               // --branch B (refs/heads/ allowed)
    std::optional<std::filesystem::path> event;      // --event FILE (else GITHUB_EVENT_PATH)
    std::filesystem::path repo = ".";                // .draftsmith.yml and, to repair, git
    std::string remote = "origin";
    bool dry_run = false; // read and render, post nothing, repair nothing
    trigger::Environment environment;
};

// One variant as its Checks cell shows it.
struct VariantChecks {
    int variant = 0;
    std::int64_t pr = 0;
    host::CheckSummary summary;
    int repairs = 0;         // Draftsmith-Repair trailers on the branch
    std::string repair_note; // "" or why this run's repair did not land
    std::string read_error;  // the checks could not be read (the cell says so)
};

// The overview's own knowledge, from report/: which pull request each
// variant row names, and the overview with the Checks column.
struct OverviewFormat {
    std::function<std::map<int, std::int64_t>(std::string_view overview)> variant_prs;
    std::function<std::string(std::string_view overview, const std::vector<VariantChecks>&)>
        with_checks;
};

// Reads, (repairs,) renders and updates. Exit status: 0 the overviews were
// updated, or there was nothing to do (no draftsmith branch, no overview);
// 1 some variant's checks could not be read or its repair failed; 2 bad
// input or configuration (thrown as Error(usage/config)). Host failures
// before any overview was read throw Error(host).
ExitCode check_variants(const ChecksOptions& options, const OverviewFormat& format);

// The source pull request a request id names ("pr12-c345", "pr12-t5-c2" -> 12).
std::optional<std::int64_t> source_pr_of(std::string_view request_id);

// The head branch a GitHub workflow_run or check_suite payload names;
// nullopt for any other payload. Throws Error(usage) for text that is not JSON.
std::optional<std::string> event_head_branch(std::string_view payload);

} // namespace draftsmith::run
