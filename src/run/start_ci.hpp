#pragma once
// Internal to run/: starting CI on the variant branches a run just pushed
// (issue 15). GitHub runs no workflow for pushes and pull requests made with
// GITHUB_TOKEN, except workflow_dispatch: with config checks.workflow set,
// that workflow is dispatched on each branch (a PAT or App token needs none
// of this: pull_request workflows run as usual). Azure DevOps applies build
// validation to the target branch's policies only: with checks.pipeline set,
// that pipeline is queued for each branch.

#include "draftsmith/run/result.hpp"

#include <vector>

#include "request.hpp"

namespace draftsmith::run {

// Starts the configured workflow or pipeline on every variant this run
// pushed (succeeded or incomplete, a commit, not a reused pull request). A
// refusal is logged as a warning and changes no variant's state: the drafts
// are made; only their CI did not start. Nothing on --local, --dry-run, or
// when the host's key (checks.workflow / checks.pipeline) is empty.
void start_variant_ci(const Setting& setting, const config::Config& config,
                      const std::vector<VariantResult>& variants);

} // namespace draftsmith::run
