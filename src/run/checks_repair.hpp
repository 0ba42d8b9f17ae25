#pragma once
// Internal to run/: the repair turn of `draftsmith checks` (issue 15, config
// `repair`), kept apart from the reading and rendering in checks.cpp.

#include "draftsmith/config/config.hpp"
#include "draftsmith/host/checks.hpp"
#include "draftsmith/run/checks.hpp"

namespace draftsmith::run {

// When `row`'s checks failed and config.repair allows another turn: the
// failing jobs' log tails and the variant's diff go to the model, its edits
// are committed onto the variant branch with a `Draftsmith-Repair: N`
// trailer and pushed. Sets row.repairs (the trailers on the branch, this
// turn's included) and row.repair_note (why a turn did not land). Never
// throws for a failed repair; Error(interrupted) passes through.
void maybe_repair(const ChecksOptions& options, const config::Config& config, host::Host& host,
                  host::Checks& checks, const host::PullRequest& variant, VariantChecks& row);

} // namespace draftsmith::run
