#pragma once
// Issue 15: follow-ups on a variant. A `/edit intent` (no /N, or /1) on a pull
// request draftsmith opened does not make new drafts: the change goes onto
// that variant's own branch as one more commit, and the variant's pull
// request body and the source pull request's overview say so.
//
//   recognise   the pull request's body carries a request marker
//               (host/idempotency.hpp) and its branch's tip history holds a
//               commit with the matching Draftsmith-Request trailer
//   history     the branch walked back (as far as the clone has it) to the
//               variant's own commit: every earlier request on it and what
//               the model said, for the model (agent::Task::history)
//   idempotent  the commit carries `Draftsmith-Follow-Up: <id>` (the
//               follow-up comment's request id); a re-run that finds it
//               commits nothing and only brings the texts up to date
//   publish     fast-forward push only (a branch that moved meanwhile is not
//               overwritten: the run fails and a re-run starts from the new
//               tip), then the PR body's "Follow-ups" list, the overview's row
//               ("1 follow-up") and a reply under the comment
//
// This header holds the pure parts (tested in tests/unit/run/follow_up_test.cpp);
// src/run/follow_up.cpp runs them against the host and the repository.

#include "draftsmith/git/commit_message.hpp"
#include "draftsmith/host/host.hpp"
#include "draftsmith/run/ports.hpp"
#include "draftsmith/trigger/command.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::run {

// The variant a follow-up goes onto, from its pull request's body marker.
struct FollowUpTarget {
    std::string request_id;          // the original request: "pr12-c345", "pr12-t5-c2"
    int variant = 1;                 // which of its variants this pull request is
    std::int64_t source_pr = 0;      // where the overview is: 12
    host::CommentRef source_comment; // the original comment: {345, 0} / {2, 5}
};

// A follow-up when `command` asks for one variant (no /N, or /1) and the
// body holds a well-formed request marker; nullopt otherwise (new drafts, as
// on any pull request).
std::optional<FollowUpTarget> follow_up_target(const host::PullRequest& pr,
                                               const trigger::Command& command);

// True when the trailers' request is `target`'s (same pull request and comment).
bool made_by(const git::DraftsmithTrailers& trailers, const FollowUpTarget& target);

// One commit of the variant's branch, oldest first in VariantHistory.
struct HistoryStep {
    std::string commit;
    std::string subject;   // the request (the commit's first line)
    std::string summary;   // the model's summary (the body without trailers)
    std::string follow_up; // its Draftsmith-Follow-Up ("" for the variant's own commit)
    bool ours = true;      // false: a commit someone else pushed onto the branch
};

struct VariantHistory {
    std::vector<HistoryStep> steps; // from the variant's own commit (when reached) to the tip
    bool found_variant = false;     // a commit with the original request's trailers is there
    int variants = 1;               // N of the original request (Draftsmith-Variant: i/N)
    std::optional<git::RequestId> request; // the variant commit's Draftsmith-Request
    std::optional<std::string> done;       // the commit that already answers this follow-up
    int follow_ups() const;                // steps with a follow-up trailer
};

// Walks `tip` back by first parents (at most `limit` commits, and only as far
// as the repository has them) to the variant's own commit. Throws GitError
// when `tip` is not here.
VariantHistory read_history(const Repo& repo, const std::string& tip, const FollowUpTarget& target,
                            std::string_view follow_up_id, int limit = 100);

// The history as the model reads it: one numbered entry per earlier request
// with what the model said, cut to a few KB; "" when there is nothing.
std::string history_text(const VariantHistory& history);

// `body` (the variant's pull request) with this follow-up in its
// "### Follow-ups" list, before the request marker: added, or replaced when
// the list already names `follow_up_id`. At most `max_chars` (Azure DevOps
// takes 4000): the oldest entries go first.
std::string body_with_follow_up(std::string_view body, std::string_view follow_up_id,
                                std::string_view entry, std::size_t max_chars = 4000);

// How many follow-ups the body's list names.
int follow_ups_in_body(std::string_view body);

// One entry of that list: "`abc1234` make the header sticky -- Made it sticky."
std::string follow_up_entry(std::string_view commit, std::string_view intent,
                            std::string_view summary);

// The overview comment with variant `variant`'s status cell saying
// "· N follow-up(s)" (replacing an earlier count); unchanged when the table
// has no such row.
std::string overview_with_follow_ups(std::string_view overview, int variant, int count);

// The reply under the follow-up comment, ending in `marker` so a re-run
// updates it instead of posting another.
struct FollowUpReply {
    bool done = false;    // committed (or found committed)
    bool earlier = false; // an earlier run committed it
    std::string branch, commit, summary, reason;
    std::size_t files = 0, insertions = 0, deletions = 0;
};
std::string follow_up_reply(const FollowUpReply& reply, std::string_view marker);

// "<!-- draftsmith-follow-up: ID -->": the reply's marker, and each body entry's.
std::string follow_up_marker(std::string_view follow_up_id);

} // namespace draftsmith::run
