#include "draftsmith/run/result.hpp"

#include <algorithm>

namespace draftsmith::run {

const char* to_string(VariantState state) noexcept
{
    switch (state) {
    case VariantState::queued:
        return "queued";
    case VariantState::running:
        return "running";
    case VariantState::succeeded:
        return "succeeded";
    case VariantState::failed:
        return "failed";
    case VariantState::duplicate:
        return "duplicate";
    case VariantState::no_changes:
        return "no-changes";
    case VariantState::interrupted:
        return "interrupted";
    case VariantState::dry_run:
        return "dry-run";
    case VariantState::incomplete:
        return "incomplete";
    }
    return "unknown";
}

bool is_good(VariantState state) noexcept
{
    return state == VariantState::succeeded || state == VariantState::duplicate ||
           state == VariantState::dry_run;
}

ExitCode exit_code_of(const std::vector<VariantResult>& variants, bool interrupted, bool crashed)
{
    if (interrupted) {
        return ExitCode::interrupted;
    }
    // Issue 17: an incomplete variant is there to review, but not done.
    if (std::any_of(variants.begin(), variants.end(), [](const VariantResult& variant) {
            return variant.state == VariantState::incomplete;
        })) {
        return ExitCode::some_failed;
    }
    int good = 0;
    int bad = 0;
    for (const auto& variant : variants) {
        (is_good(variant.state) ? good : bad) += 1;
    }
    if (bad == 0) {
        return crashed ? ExitCode::some_failed : ExitCode::success;
    }
    return good == 0 ? ExitCode::all_failed : ExitCode::some_failed;
}

} // namespace draftsmith::run
