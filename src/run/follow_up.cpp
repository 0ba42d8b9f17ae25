// Issue 15: a follow-up on a variant, run against the host and the
// repository (run/follow_up.hpp tells the story). One variant's agent runs
// over the branch's tip with the variant's history, its commit goes on top
// (same Request and Variant trailers, plus Draftsmith-Follow-Up), and only a
// fast-forward push is made: work someone pushed meanwhile is never replaced.
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/run/variants.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include "follow_up_run.hpp"
#include "incomplete.hpp"
#include "settings.hpp"

namespace draftsmith::run {
namespace {

// The follow-up as one variant of the original request: its trailers, its
// N, and the history for the model.
Request as_variant_request(const Request& request, const VariantHistory& history,
                           const std::string& follow_up_id)
{
    Request out = request;
    out.command.variants = history.variants;
    out.result.variants = history.variants;
    out.id = *history.request;
    out.follow_up = follow_up_id;
    out.history = history_text(history);
    return out;
}

VariantResult make_follow_up(const Setting& setting, const Request& request, Repo& repo,
                             const FollowUpTarget& target, const std::string& tip)
{
    const auto context = context_at(setting, request, repo, tip);
    const Job job{
        request, context, repo, setting.observer, setting.options.record, setting.environment};
    const auto settings = request.config.variant(target.variant);
    const auto options =
        provider_options(request.config, settings, setting.environment, context.retry_budget);
    std::shared_ptr<llm::Recording> recording;
    if (setting.options.record) {
        recording = std::make_shared<llm::Recording>(*setting.options.record);
    }
    auto provider = make_variant_provider(job, options, recording);
    VariantResult variant;
    variant.index = target.variant;
    variant.branch = request.pr.head_branch;
    variant.provider = config::to_string(settings.provider);
    variant.model = settings.model;
    variant = make_variant(job, *provider, settings, std::move(variant));
    log::info("follow-up {} on {}: {}{}{}", *request.follow_up, variant.branch,
              to_string(variant.state), variant.reason.empty() ? "" : ": ", variant.reason);
    return variant;
}

void fail(VariantResult& variant, std::string reason)
{
    variant.state = VariantState::failed;
    variant.reason = std::move(reason);
}

// Fast-forward only: a branch that moved while the model worked is left
// alone, and running the comment again starts from its new tip.
void push_follow_up(const Request& request, Repo& repo, VariantResult& variant)
{
    try {
        if (!repo.set_branch(variant.branch, variant.commit, request.id)) {
            fail(variant, fmt::format("local branch {} was not made by draftsmith; left alone",
                                      variant.branch));
            return;
        }
        const auto report =
            repo.push_fast_forward(push_access(request.access), {{variant.branch, variant.commit}});
        if (!report.all_pushed() && !report.branches.empty()) {
            fail(variant, fmt::format("branch {} moved while the model worked ({}); run the same "
                                      "comment again to start from its new tip",
                                      variant.branch, report.branches.front().message));
        }
    } catch (const std::exception& error) {
        fail(variant, fmt::format("push failed: {}", error.what()));
    }
}

// What an earlier run of this follow-up committed, as this run's result.
VariantResult found_earlier(const Repo& repo, const VariantHistory& history,
                            const FollowUpTarget& target, const std::string& branch)
{
    VariantResult variant;
    variant.index = target.variant;
    variant.branch = branch;
    variant.state = VariantState::succeeded;
    variant.commit = *history.done;
    for (const auto& step : history.steps) {
        if (step.commit == variant.commit) {
            variant.summary = step.summary;
        }
    }
    if (const auto parent = repo.first_parent(variant.commit)) {
        const auto stat = repo.diff_stat(*parent, variant.commit);
        variant.files = stat.files;
        variant.insertions = stat.insertions;
        variant.deletions = stat.deletions;
        variant.diffstat = stat.text;
    }
    return variant;
}

// The variant's pull request body: the follow-up in its list. Returns how
// many follow-ups the list names now.
int update_body(host::Host& host, const Request& request, const VariantResult& variant)
{
    const auto body = body_with_follow_up(
        request.pr.body, *request.follow_up,
        follow_up_entry(variant.commit, request.command.intent, variant.summary));
    if (body != request.pr.body) {
        host::PullRequestUpdate update;
        update.body = body;
        host.update_pull_request(request.pr.number, update);
    }
    return follow_ups_in_body(body);
}

// The source pull request's overview: this variant's row counts its follow-ups.
void update_overview(host::Host& host, const FollowUpTarget& target, int count)
{
    const auto marker = host::overview_marker({target.source_pr, target.source_comment});
    const auto overview = host::find_comment_with_marker(host, target.source_pr, marker);
    if (!overview) {
        log::warning("the overview of request {} is not on pull request {}; not updated",
                     target.request_id, target.source_pr);
        return;
    }
    const auto body = overview_with_follow_ups(overview->body, target.variant, count);
    if (body != overview->body) {
        host.update_comment(target.source_pr, overview->ref, body);
    }
}

// The reply under the follow-up comment (updated, not doubled, on a re-run).
void reply(host::Host& host, const Request& request, const FollowUpReply& text)
{
    const auto marker = follow_up_marker(*request.follow_up);
    const auto body = follow_up_reply(text, marker);
    if (const auto earlier = host::find_comment_with_marker(host, request.pr.number, marker)) {
        host.update_comment(request.pr.number, earlier->ref, body);
    } else {
        host.comment(request.pr.number, body, request.comment.ref);
    }
}

// Everything the host shows of the follow-up; false when part of it failed (logged).
bool tell_host(host::Host& host, const Request& request, const FollowUpTarget& target,
               const VariantHistory& history, const VariantResult& variant)
{
    const bool done = variant.state == VariantState::succeeded;
    bool told = true;
    const auto attempt = [&told](const char* what, const auto& call) {
        try {
            call();
        } catch (const std::exception& error) {
            log::warning("could not update {}: {}", what, error.what());
            told = false;
        }
    };
    if (done) {
        attempt("the pull request's body", [&] {
            const int in_body = update_body(host, request, variant);
            const int walked = history.follow_ups() + (history.done ? 0 : 1);
            update_overview(host, target, std::max(in_body, walked));
        });
    }
    FollowUpReply text{done,           history.done.has_value(), variant.branch,
                       variant.commit, variant.summary,          variant.reason,
                       variant.files,  variant.insertions,       variant.deletions};
    attempt("the reply", [&] { reply(host, request, text); });
    attempt("the reaction and status", [&] {
        host.react(request.pr.number, request.comment.ref,
                   done ? host::Reaction::rocket : host::Reaction::confused);
        auto pr = request.pr;
        if (done) {
            pr.head_sha = variant.commit;
        }
        host.set_status(pr, {done ? host::StatusState::succeeded : host::StatusState::failed,
                             done ? "follow-up committed" : "follow-up failed",
                             request.result.run_url});
    });
    return told;
}

ExitCode exit_status(const VariantResult& variant, bool told)
{
    if (variant.state == VariantState::interrupted || stop_requested()) {
        return ExitCode::interrupted;
    }
    if (!is_good(variant.state)) {
        return ExitCode::all_failed;
    }
    return told ? ExitCode::success : ExitCode::some_failed;
}

// --report and metrics, as for any run: one variant.
void write_outputs(const Setting& setting, const Request& request, const VariantResult& variant,
                   ExitCode code)
{
    auto result = request.result;
    result.variant_records = {variant};
    result.exit_code = static_cast<int>(code);
    result.usage = variant.usage;
    result.cost_usd = variant.cost_usd;
    result.duration = since(setting.started);
    Outputs outputs;
    outputs.report = request.config.report;
    outputs.metrics_file = request.config.metrics_file;
    outputs.pushgateway = request.config.pushgateway;
    std::shared_ptr<net::HttpClient> http;
    if (!outputs.pushgateway.empty()) {
        http = net::make_http_client(http_options(request.config, setting.retry_budget));
        outputs.http = http.get();
    }
    setting.observer.write_outputs(result, outputs);
}

// The branch's tip and history; nullopt (after a reply) when no commit of the variant is there.
std::optional<std::pair<std::string, VariantHistory>>
read_branch(const Setting& setting, const Admitted& admitted, const FollowUpTarget& target)
{
    const auto& request = admitted.request;
    auto& repo = *admitted.doors.repo;
    const auto tip = repo.fetch_commit(request.access, "refs/heads/" + request.pr.head_branch);
    auto history = read_history(repo, tip, target, host::request_id(request.key));
    if (history.found_variant && history.request) {
        return std::pair{tip, std::move(history)};
    }
    const auto why = fmt::format("branch {} holds no commit of variant {} of request {} (not "
                                 "found within the commits this clone has); nothing committed",
                                 request.pr.head_branch, target.variant, target.request_id);
    log::error("{}", why);
    if (!setting.options.dry_run) {
        try {
            admitted.doors.host->comment(
                request.pr.number,
                setting.observer.refusal_comment(request.comment.author.login, why),
                request.comment.ref);
        } catch (const std::exception& error) {
            log::warning("could not reply on the pull request: {}", error.what());
        }
    }
    return std::nullopt;
}

} // namespace

ExitCode follow_up(const Setting& setting, Admitted& admitted, const FollowUpTarget& target)
{
    const auto& asked = admitted.request;
    auto& host = *admitted.doors.host;
    auto& repo = *admitted.doors.repo;
    log::info("follow-up on variant {} of request {} (pull request {})", target.variant,
              target.request_id, asked.pr.number);
    if (!setting.options.dry_run) {
        try {
            host.react(asked.pr.number, asked.comment.ref, host::Reaction::eyes);
        } catch (const std::exception& error) {
            log::warning("could not acknowledge the comment: {}", error.what());
        }
    }
    const auto branch = read_branch(setting, admitted, target);
    if (!branch) {
        return ExitCode::refused;
    }
    const auto& [tip, history] = *branch;
    const auto request = as_variant_request(asked, history, host::request_id(asked.key));
    VariantResult variant;
    if (history.done) {
        log::info("follow-up {} is commit {} already; nothing to commit", *request.follow_up,
                  history.done->substr(0, 12));
        variant = found_earlier(repo, history, target, asked.pr.head_branch);
    } else {
        variant = make_follow_up(setting, request, repo, target, tip);
        if (variant.state == VariantState::succeeded && setting.options.dry_run) {
            variant.state = VariantState::dry_run;
        } else if (variant.state == VariantState::succeeded) {
            push_follow_up(request, repo, variant);
        }
    }
    bool told = true;
    if (!setting.options.dry_run) {
        net::clear_interrupt(); // the reply goes out after a signal too
        told = tell_host(host, request, target, history, variant);
    }
    const auto code = exit_status(variant, told);
    write_outputs(setting, request, variant, code);
    return code;
}

} // namespace draftsmith::run
