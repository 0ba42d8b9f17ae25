#include "draftsmith/agent/agent.hpp"

#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include "prompt.hpp"
#include "workspace.hpp"

// One variant is a loop of model calls. Limits are checked before each call,
// so a variant never starts a call it may not pay for. A stop request
// (SIGTERM) and the time limits also end a long tool call (a search) and a
// model call in flight (llm::Options::deadline); the variant then ends at
// the next turn boundary.
// Whatever goes wrong with the model or the provider becomes the Outcome's
// status and reason; only internal errors escape.

namespace draftsmith::agent {
namespace {

using Clock = std::chrono::steady_clock;

// Timers cut a call a little before its deadline (libcurl counts whole
// milliseconds); a call that fails within this of it was cut by the time limit.
constexpr std::chrono::seconds k_deadline_slack{1};

constexpr std::string_view k_answer_cut =
    "Your answer was cut at the output token limit before you called a tool. Continue with smaller "
    "steps: one tool call at a time, and short texts in edits.";
constexpr std::string_view k_oneshot_cut =
    "Your answer was cut at the output token limit, so none of it was applied. Answer again with "
    "fewer, smaller SEARCH/REPLACE blocks.";

struct Stop {
    Status status;
    std::string reason;
    Limit limit = Limit::none;
};

class Session {
public:
    Session(llm::Provider& provider, const Task& task, const Settings& settings, Outcome& outcome)
        : m_provider(provider)
        , m_task(task)
        , m_settings(settings)
        , m_outcome(outcome)
        , m_started(Clock::now())
    {
    }

    // Why the variant must stop now whatever it is doing (a stop request,
    // the run's time budget, the variant's time limit), or nullopt.
    std::optional<Stop> check_clock() const
    {
        if (m_settings.should_stop && m_settings.should_stop()) {
            return Stop{Status::interrupted,
                        fmt::format("stopped on request after {} model turns", m_outcome.turns),
                        Limit::stop};
        }
        const auto now = Clock::now();
        if (m_settings.deadline && now >= *m_settings.deadline) {
            return Stop{Status::limit_reached, "the run's time budget is spent", Limit::budget};
        }
        if (now - m_started >= m_settings.limits.time) {
            return out_of_time();
        }
        return std::nullopt;
    }

    // The Stop of a call cut at its deadline: which time limit it was.
    Stop out_of_time() const
    {
        if (m_settings.deadline && *m_settings.deadline < m_started + m_settings.limits.time) {
            return Stop{Status::limit_reached, "the run's time budget is spent", Limit::budget};
        }
        return Stop{Status::limit_reached,
                    fmt::format("time limit of {} s reached", m_settings.limits.time.count()),
                    Limit::time};
    }

    // Why the next call may not be made, or nullopt.
    std::optional<Stop> check_limits() const
    {
        const auto& limits = m_settings.limits;
        if (auto stop = check_clock()) {
            return stop;
        }
        if (m_outcome.turns >= limits.turns) {
            return Stop{Status::limit_reached,
                        fmt::format("turn limit of {} reached", limits.turns), Limit::turns};
        }
        if (m_outcome.usage.total() >= limits.tokens) {
            return Stop{Status::limit_reached,
                        fmt::format("token limit of {} reached ({} tokens used)", limits.tokens,
                                    m_outcome.usage.total()),
                        Limit::tokens};
        }
        if (m_outcome.cost_usd >= limits.cost_usd) {
            return Stop{Status::limit_reached,
                        fmt::format("cost limit of ${:.2f} reached (${:.2f} spent)",
                                    limits.cost_usd, m_outcome.cost_usd),
                        Limit::cost};
        }
        return std::nullopt;
    }

    // One call; a Stop when it failed. Counts turns, tokens and cost.
    std::variant<llm::Response, Stop> call(const llm::Conversation& conversation,
                                           const llm::Tools& tools)
    {
        auto options = m_settings.call;
        options.variant = m_task.variant;
        options.turn = m_outcome.turns;
        options.deadline = m_started + m_settings.limits.time;
        if (m_settings.deadline) {
            options.deadline = std::min(*options.deadline, *m_settings.deadline);
        }
        try {
            auto response = m_provider.complete(conversation, tools, options);
            ++m_outcome.turns;
            m_outcome.usage += response.usage;
            m_outcome.cost_usd += response.cost_usd;
            if (auto text = std::string(text::trim(response.text())); !text.empty()) {
                m_last_text = std::move(text);
            }
            response.message.role = llm::Role::assistant;
            return response;
        } catch (const llm::ProviderError& error) {
            log::debug("variant {}: provider error: {}", m_task.variant, error.what());
            if (auto stop = check_clock()) {
                return *stop; // interrupted, or a time limit passed
            }
            if (Clock::now() + k_deadline_slack >= *options.deadline) {
                return out_of_time(); // cut at (a few ms before) the deadline
            }
            if (error.kind() == llm::FailureKind::budget) {
                return Stop{Status::limit_reached, error.what(), Limit::budget};
            }
            return Stop{Status::failed, error.what()};
        } catch (const Error& error) {
            // A transfer cut by a stop request (net::interrupt_all) is how a
            // signal ends a call in flight: the variant keeps what it has.
            if (auto stop = check_clock(); stop && error.category() == ErrorCategory::interrupted) {
                return *stop;
            }
            throw;
        }
    }

    const std::string& last_text() const noexcept { return m_last_text; }

private:
    llm::Provider& m_provider;
    const Task& m_task;
    const Settings& m_settings;
    Outcome& m_outcome;
    Clock::time_point m_started;
    std::string m_last_text;
};

void end(Outcome& outcome, Stop stop)
{
    outcome.status = stop.status;
    outcome.reason = std::move(stop.reason);
    outcome.limit = stop.limit;
}

// Adds a block to the conversation's last user message, or a new one, so
// user and assistant messages keep alternating.
void add_user_block(llm::Conversation& conversation, llm::ContentBlock block)
{
    if (auto* text = std::get_if<llm::Text>(&block)) {
        text->text = detail::valid_utf8(text->text);
    } else if (auto* result = std::get_if<llm::ToolResult>(&block)) {
        result->content = detail::valid_utf8(result->content);
    }
    if (conversation.messages.empty() || conversation.messages.back().role != llm::Role::user) {
        conversation.messages.push_back(llm::Message{llm::Role::user, {}, false});
    }
    conversation.messages.back().content.push_back(std::move(block));
}

void add_assistant(llm::Conversation& conversation, const llm::Response& response)
{
    if (!response.message.content.empty()) {
        conversation.messages.push_back(response.message);
    }
}

std::string refusal_reason(const llm::Response& response)
{
    const auto text = std::string(text::trim(response.text()));
    if (text.empty()) {
        return "the model declined the request";
    }
    return fmt::format("the model declined the request: {}", text.substr(0, 300));
}

llm::Conversation opening(const Task& task, config::Mode mode, const detail::Workspace& workspace)
{
    return llm::Conversation{
        detail::system_prompt(mode),
        {llm::Message::user_text(detail::valid_utf8(detail::context_message(task, mode, workspace)),
                                 true),
         llm::Message::user_text(detail::valid_utf8(detail::variant_message(task, mode)))}};
}

enum class Turn {
    answered, // `response` holds the model's answer to act on
    again,    // a paused turn: send the conversation again
    ended,    // a limit, a failure or a refusal ended the variant (outcome says which)
};

// The part of a turn both modes share: limits, the call, refusal and pause.
Turn next_turn(Session& session, llm::Conversation& conversation, const llm::Tools& tools,
               Outcome& outcome, llm::Response& response)
{
    if (auto stop = session.check_limits()) {
        end(outcome, std::move(*stop));
        return Turn::ended;
    }
    auto answer = session.call(conversation, tools);
    if (auto* stop = std::get_if<Stop>(&answer)) {
        end(outcome, std::move(*stop));
        return Turn::ended;
    }
    response = std::move(std::get<llm::Response>(answer));
    add_assistant(conversation, response);
    if (response.stop_reason == llm::StopReason::refusal) {
        end(outcome, {Status::refused, refusal_reason(response)});
        return Turn::ended;
    }
    return response.stop_reason == llm::StopReason::pause_turn ? Turn::again : Turn::answered;
}

void run_tools(Session& session, detail::Workspace& workspace, const Task& task, Outcome& outcome)
{
    auto conversation = opening(task, config::Mode::tools, workspace);
    for (;;) {
        llm::Response response;
        const auto turn = next_turn(session, conversation, tool_definitions(), outcome, response);
        if (turn == Turn::ended) {
            return;
        }
        if (turn == Turn::again) {
            continue;
        }
        const auto calls = response.tool_calls();
        if (!calls.empty()) {
            for (const auto& call : calls) {
                auto result = workspace.run(call);
                log::debug("variant {} turn {}: {}{}", task.variant, outcome.turns, call.name,
                           result.is_error ? " failed" : "");
                add_user_block(conversation, std::move(result));
            }
            if (workspace.finished()) {
                outcome.status = Status::finished;
                return;
            }
            continue;
        }
        if (response.stop_reason == llm::StopReason::max_tokens) {
            add_user_block(conversation, llm::Text{std::string(k_answer_cut)});
            continue;
        }
        if (response.stop_reason == llm::StopReason::other) {
            return end(outcome, {Status::failed,
                                 fmt::format("the model stopped unexpectedly ({})",
                                             response.stop_detail.empty() ? "no reason given"
                                                                          : response.stop_detail)});
        }
        outcome.status = Status::finished; // it ended its answer without calling finish
        return;
    }
}

// Applies one one-shot answer's edits. True when all applied; otherwise
// `feedback` says what to send again. The summary is the first answer's prose.
bool apply_answer(detail::Workspace& workspace, const std::string& text, std::string& summary,
                  std::string& feedback)
{
    try {
        // A path line naming a file of the tree is a path, extension or not.
        const edit::FileExists exists = [&workspace](std::string_view path) {
            return workspace.has_visible_file(path);
        };
        const auto result = workspace.apply(edit::parse(text, edit::Format::automatic, exists));
        if (summary.empty()) {
            summary = detail::prose_outside_blocks(text);
        }
        if (result.ok()) {
            return true;
        }
        feedback = fmt::format(
            "These edits did not apply (the others did, do not send them again):\n\n{}\n"
            "Send corrected blocks for these only, against the files as they are now.",
            result.failure_report());
    } catch (const Error& error) {
        feedback = fmt::format(
            "Your edits could not be read: {}\nSend them again as SEARCH/REPLACE blocks, "
            "each under its file's path.",
            error.what());
    }
    return false;
}

void run_oneshot(Session& session, detail::Workspace& workspace, const Task& task,
                 const Settings& settings, Outcome& outcome, std::string& summary)
{
    auto conversation = opening(task, config::Mode::oneshot, workspace);
    int reflections = 0;
    bool pending_failure = false; // the last answer's edits did not all apply
    for (;;) {
        llm::Response response;
        const auto turn = next_turn(session, conversation, {}, outcome, response);
        if (turn == Turn::ended) {
            return;
        }
        if (turn == Turn::again) {
            continue;
        }
        const auto text = response.text();
        std::string feedback;
        if (response.stop_reason == llm::StopReason::max_tokens) {
            feedback = std::string(k_oneshot_cut);
        } else if (!detail::looks_like_edits(text)) {
            if (summary.empty()) {
                summary = detail::prose_outside_blocks(text);
            }
            if (pending_failure) {
                return end(outcome,
                           {Status::failed, "the model gave up on edits that did not apply"});
            }
            outcome.status = Status::finished;
            return;
        } else if (apply_answer(workspace, text, summary, feedback)) {
            outcome.status = Status::finished;
            return;
        }
        ++outcome.failed_edits;
        pending_failure = true;
        if (reflections >= settings.oneshot_reflections) {
            return end(outcome,
                       {Status::failed,
                        fmt::format("the edits did not apply after {} corrections", reflections)});
        }
        ++reflections;
        add_user_block(conversation, llm::Text{std::move(feedback)});
    }
}

} // namespace

const char* to_string(Limit limit) noexcept
{
    switch (limit) {
    case Limit::none:
        return "";
    case Limit::turns:
        return "turn limit";
    case Limit::tokens:
        return "token limit";
    case Limit::cost:
        return "cost limit";
    case Limit::time:
        return "time limit";
    case Limit::budget:
        return "run budget";
    case Limit::stop:
        return "cancelled";
    }
    return "";
}

const char* to_string(Status status) noexcept
{
    switch (status) {
    case Status::finished:
        return "finished";
    case Status::limit_reached:
        return "limit-reached";
    case Status::refused:
        return "refused";
    case Status::failed:
        return "failed";
    case Status::interrupted:
        return "interrupted";
    }
    return "failed";
}

Outcome run_variant(llm::Provider& provider, const edit::BaseTree& base,
                    const std::vector<std::string>& files, const Task& task,
                    const Settings& settings)
{
    const SecretFilter default_secrets;
    const auto& secrets = settings.secrets != nullptr ? *settings.secrets : default_secrets;
    auto shared = settings.base_files;
    if (!shared || &shared->base() != &base || &shared->secrets() != &secrets) {
        shared = std::make_shared<const BaseFiles>(base, files, secrets);
    }
    detail::Workspace workspace(std::move(shared), files, secrets, settings.apply,
                                settings.max_tool_output_bytes);
    Outcome outcome;
    Session session(provider, task, settings, outcome);
    workspace.set_stop_check([&session]() -> std::optional<std::string> {
        auto stop = session.check_clock();
        return stop ? std::optional<std::string>(std::move(stop->reason)) : std::nullopt;
    });
    std::string summary;
    if (settings.mode == config::Mode::oneshot) {
        run_oneshot(session, workspace, task, settings, outcome, summary);
    } else {
        run_tools(session, workspace, task, outcome);
        summary = workspace.finished() ? workspace.summary() : session.last_text();
    }
    outcome.summary = std::move(summary);
    outcome.overlay = workspace.overlay();
    outcome.failed_edits += workspace.failed_edits();
    outcome.files_read = workspace.files_read();
    if (outcome.status == Status::finished) {
        outcome.reason.clear();
    }
    log::debug("variant {}: {} after {} turns ({} tokens, ${:.4f}){}{}", task.variant,
               to_string(outcome.status), outcome.turns, outcome.usage.total(), outcome.cost_usd,
               outcome.reason.empty() ? "" : ": ", outcome.reason);
    return outcome;
}

} // namespace draftsmith::agent
