#pragma once
// Internal to edit/: why a hunk was not applied, worded for the model.

#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/edit_set.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "file_text.hpp"
#include "match.hpp"

namespace draftsmith::edit::detail {

// The message for a hunk whose expected lines `old` were not located: the
// places they matched when ambiguous, else what was expected (near the
// claimed line) and the nearest text in `file`. `where` names the edit.
std::string not_applied_message(std::string_view where, const Hunk& hunk,
                                const std::vector<std::string_view>& old, const Query& query,
                                const Located& located, const FileText& file,
                                const ApplyOptions& options);

} // namespace draftsmith::edit::detail
