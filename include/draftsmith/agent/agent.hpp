#pragma once
// agent/: one variant's conversation with a model, from the request to an
// Overlay of changes over the pull request's head.
//
// Tools mode (the default): the model explores and edits through tools —
// list_files, read_file, search, str_replace, create_file, delete_file,
// rename_file, finish — and there is no shell. Every edit goes through
// edit::apply onto the variant's overlay; a failed edit is answered with the
// engine's failure report and the conversation goes on, until the model calls
// finish(summary), stops on its own, or a limit is reached.
//
// Oneshot mode (endpoints without tool calling): the model gets the file list
// and the contents of the files most likely concerned, answers with
// SEARCH/REPLACE blocks, and gets failed blocks back up to
// Settings::oneshot_reflections times.
//
// Prompt caching: the system prompt and the first user message (the request,
// the pull request and the repository's file list) are byte-identical for all
// variants of a request; the variant's approach hint comes in a second
// message, so variants 2..N read the shared prefix from the provider's cache.
//
// Files a SecretFilter withholds never reach the model (see secrets.hpp).

#include "draftsmith/agent/base_files.hpp"
#include "draftsmith/agent/secrets.hpp"
#include "draftsmith/config/config.hpp"
#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/tree.hpp"
#include "draftsmith/llm/llm.hpp"
#include "draftsmith/util/overlay.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::agent {

// The built-in approach hint of variant i (1-based), cycling through five:
//   1 the smallest change that does what is asked
//   2 a more thorough change: also update related code, tests and documentation
//   3 a different approach than the obvious one
//   4 the change easiest to read and maintain, following the code's conventions
//   5 a robust change that handles the edge cases and errors the request implies
// Variant 6 gets hint 1 again, and so on; variants below 1 get hint 1.
std::string approach_hint(int variant);

// A re-run continuing a variant an earlier run left incomplete (issue 17):
// what that run's model said and changed, so this one goes on from there
// instead of starting over.
struct EarlierWork {
    std::string why;     // "time limit", "turn limit", ... (why it stopped)
    std::string summary; // its own summary (or last words), maybe empty
    std::string diff;    // unified diff from the pull request's head to its branch
};

struct Task {
    std::string intent;   // what the reviewer asked for (the comment's intent)
    std::string hint;     // this variant's approach (approach_hint or config override)
    int variant = 1;      // 1-based
    int variants = 1;     // N
    std::string pr_title; // context for the model; may be empty
    std::string pr_body;  // idem (cut to a few KB by the agent)
    // Set when continuing an incomplete variant; run_variant's `base` is then
    // that variant's branch, so the model sees its own edits in the files.
    std::optional<EarlierWork> earlier;
    // Issue 15: a follow-up on a variant -- what was asked of this variant
    // before and what the model said each time, oldest first (run/follow_up.hpp
    // writes it); shown under "# Earlier requests on this variant". Empty otherwise.
    std::string history;
};

struct Settings {
    config::Mode mode = config::Mode::tools;
    config::Limits limits; // turns, tokens, cost_usd, time per variant
    llm::Options call;     // model / temperature / max_output_tokens; variant and turn are set here
    edit::ApplyOptions apply;              // edit limits and refuse_path (protected paths)
    const SecretFilter* secrets = nullptr; // null: SecretFilter{} defaults
    // The base's files read and checked once for all variants of a run; it
    // must be built over run_variant's `base` with `secrets` (else, and when
    // null, the variant builds its own).
    std::shared_ptr<const BaseFiles> base_files;
    std::function<bool()> should_stop; // true -> stop at the next turn boundary (SIGTERM)
    std::optional<std::chrono::steady_clock::time_point> deadline; // run-wide time budget
    // 64 KiB: read/search/list results are cut to this, saying so.
    std::size_t max_tool_output_bytes = 65'536;
    int oneshot_reflections = 3;
};

enum class Status {
    finished,      // the model called finish (or, oneshot / no tools, ended its answer)
    limit_reached, // turns / tokens / cost / time of this variant, or the run's budget
    refused,       // the model declined (StopReason::refusal)
    failed,        // provider error, invalid answer, oneshot edits never applied, ...
    interrupted,   // should_stop() became true
};

// "finished", "limit-reached", "refused", "failed", "interrupted".
const char* to_string(Status status) noexcept;

// Which limit ended a variant (Status limit_reached or interrupted).
enum class Limit {
    none,   // it was not a limit
    turns,  // Settings::limits.turns
    tokens, // limits.tokens
    cost,   // limits.cost_usd
    time,   // limits.time
    budget, // the run's budget: time, tokens or cost over all variants
    stop,   // should_stop(): SIGINT/SIGTERM
};

// "turn limit", "token limit", "cost limit", "time limit", "run budget",
// "cancelled"; "" for none. The words the overview and the commit trailer use.
const char* to_string(Limit limit) noexcept;

struct Outcome {
    Status status = Status::failed;
    Overlay overlay;     // the variant's changes over the base (may be empty)
    std::string summary; // finish(summary), else the model's last text, trimmed
    std::string reason;  // every status but finished: one sentence ("turn limit of 40 reached")
    Limit limit = Limit::none;           // limit_reached / interrupted: which limit
    llm::Usage usage;                    // summed over calls
    double cost_usd = 0;                 // summed Response::cost_usd
    int turns = 0;                       // calls made
    int failed_edits = 0;                // edit tool calls (oneshot: answers) that did not apply
    std::vector<std::string> files_read; // in the order first read, for the report
};

// Runs one variant's conversation to its end. `files` is the base tree's file
// list (TreeReader::list_files()); `base` reads the PR head. Never throws for
// model or provider trouble (that is an Outcome); throws only for internal
// errors. Variants may run on parallel threads sharing the provider and the
// SecretFilter; `base` must then allow concurrent reads.
Outcome run_variant(llm::Provider& provider, const edit::BaseTree& base,
                    const std::vector<std::string>& files, const Task& task,
                    const Settings& settings);

// The tool definitions sent in tools mode (for tests, docs and the fake LLM).
const llm::Tools& tool_definitions();

} // namespace draftsmith::agent
