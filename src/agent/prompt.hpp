#pragma once
// What the agent says to the model: the system prompts, the shared first
// message (request, pull request, repository) and the variant's own message.

#include "draftsmith/agent/agent.hpp"

#include <string>
#include <string_view>

namespace draftsmith::agent::detail {

class Workspace;

std::string system_prompt(config::Mode mode);

// The first user message. The same bytes for every variant of one request
// (it ends the cached prefix), so it holds nothing of the variant's own.
// Oneshot mode adds the contents of the files most likely concerned.
std::string context_message(const Task& task, config::Mode mode, const Workspace& workspace);

// The second user message: the variant's number and approach hint.
std::string variant_message(const Task& task, config::Mode mode);

// A oneshot answer's text outside its edit blocks and fences, trimmed.
std::string prose_outside_blocks(std::string_view answer);

// True when a oneshot answer seems to try an edit (block markers, a fence,
// a diff hunk), so a parse failure is the model's mistake, not "no changes".
bool looks_like_edits(std::string_view answer);

} // namespace draftsmith::agent::detail
