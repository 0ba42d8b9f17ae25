#pragma once
// Internal to report/ (issue 17): the words for variants that a limit or a
// signal ended before they finished, kept as drafts marked incomplete.

#include "draftsmith/report/run_record.hpp"

#include <string>

namespace draftsmith::report::detail {

// The first lines of an incomplete variant's pull request: that it is
// incomplete, why, what it cost, and how to go on (a GitHub alert block).
std::string incomplete_notice(const VariantRecord& variant);

// After a cancellation that could not push every variant: which variants'
// edits were kept and which were not. "" when none was lost.
std::string kept_and_lost(const RunRecord& run);

} // namespace draftsmith::report::detail
