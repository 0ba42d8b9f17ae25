#pragma once
// Internal to run/: the follow-up path (issue 15, run/follow_up.hpp), the
// branch point run.cpp takes after intake.

#include "draftsmith/run/follow_up.hpp"

#include "request.hpp"

namespace draftsmith::run {

// Commits the follow-up onto the variant's branch (or finds it committed),
// pushes it fast-forward, and updates the variant's pull request body, the
// source pull request's overview row and a reply under the comment. Returns
// 0 done, 1 committed but a text could not be updated, 3 not committed, 4
// the branch holds no commit of the variant, 130 interrupted. Throws Error
// when the branch cannot be fetched.
ExitCode follow_up(const Setting& setting, Admitted& admitted, const FollowUpTarget& target);

} // namespace draftsmith::run
