#pragma once
// The markdown a person reads: comments on the pull request, the draft pull
// requests' titles and bodies, commit messages. GitHub and Azure DevOps both
// render it.
//
// Text that others wrote (the intent, a model's summary, error messages) is
// made harmless on the way in: table cells keep the table intact, and an
// HTML-comment marker inside such text is neutralised so only the `marker`
// we pass identifies a comment or body.

#include "draftsmith/report/run_record.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace draftsmith::report {

// Azure DevOps refuses pull request descriptions longer than this.
inline constexpr std::size_t k_max_body_chars = 4000;

// "👀 Working on N variants of: <intent>" + a line per variant with its state, + `marker`
// (an HTML comment, host::overview_marker) so the same comment is found and updated later.
std::string progress_comment(const RunRecord& run, std::string_view marker);

// The final overview: heading, the request (quoted), a table
// | Variant | Status | Pull request | Files | +/− | Tokens | Cost | Time |, a line per failed /
// duplicate / no-change / interrupted variant saying why, totals, and `marker`.
std::string overview_comment(const RunRecord& run, std::string_view marker);

// The draft PR's body: the request (quoted) with a link back to the comment, the model's summary,
// the diffstat in a code block, tokens/cost/turns, variant i of N and its hint, and `marker`
// (host::request_marker); an incomplete variant's body opens with a warning saying why it
// stopped and what it cost (issue 17). At most k_max_body_chars bytes, keeping the marker: the
// diffstat, then the request, then the summary are shortened as needed.
std::string pull_request_body(const RunRecord& run, const VariantRecord& variant,
                              std::string_view marker);

// The PR title from a template: {i} {n} {slug} {pr} {intent} (intent on one line, cut to 60
// chars). Unknown placeholders stay as written. An incomplete variant's title starts with
// "[incomplete: <why>] " (issue 17).
std::string pull_request_title(std::string_view title_template, const RunRecord& run, int variant);

// A polite refusal: who, why, what to do (ask someone with write access; the allow-list key).
std::string refusal_comment(std::string_view user, std::string_view reason);

// A reply for a malformed command: the grammar's message and an example.
std::string usage_comment(std::string_view message);

// The commit message of variant i: subject (the intent on one line without emoji, "(variant
// i/N)" when N > 1, at most 72 bytes), blank line, the model's summary. No trailers: git/ adds
// them.
std::string commit_message(const RunRecord& run, const VariantRecord& variant);

} // namespace draftsmith::report
