// draftsmith run: intake -> prepare -> N x variant -> publish -> report, each
// phase a function from the values before it to a new value (run/phases.hpp).
// This file only calls them in order, closes the loop when one throws, and
// turns the variants' results into the exit status.
#include "draftsmith/run/run.hpp"

#include "draftsmith/run/environment.hpp"
#include "draftsmith/run/variants.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include "follow_up_run.hpp"
#include "request.hpp"
#include "settings.hpp"
#include "start_ci.hpp"
#include "supervise.hpp"

namespace draftsmith::run {
namespace {

using Clock = std::chrono::steady_clock;

Audience audience_of(const Setting& setting, const Admitted& admitted)
{
    Audience audience;
    audience.host = admitted.doors.host.get();
    audience.pr = admitted.request.pr;
    audience.comment = admitted.request.comment.ref;
    audience.marker = host::overview_marker(admitted.request.key);
    audience.post = !setting.options.dry_run;
    audience.progress_comments = setting.venue.posts_comments && !setting.options.dry_run;
    audience.out = setting.options.out;
    return audience;
}

// The reaction, the pending status and the first progress comment, at once.
void acknowledge(const Setting& setting, const Admitted& admitted)
{
    const auto& request = admitted.request;
    if (!setting.options.dry_run) {
        // Neither is needed to do the work, and the end sets both again.
        try {
            admitted.doors.host->react(request.pr.number, request.comment.ref,
                                       host::Reaction::eyes);
            admitted.doors.host->set_status(
                request.pr, {host::StatusState::pending,
                             fmt::format("working on {} variant(s)", request.command.variants),
                             request.result.run_url});
        } catch (const std::exception& error) {
            log::warning("could not acknowledge the comment: {}", error.what());
        }
    }
    setting.observer.attach(audience_of(setting, admitted));
    setting.observer.progress(request.result);
}

// The report phase: the exit status from the results, the overview and
// status posted, the outputs written. `result` is the run as it ends.
ExitCode finish(const Setting& setting, const config::Config& config, RunResult result,
                const llm::Meter* meter, bool crashed)
{
    const auto started = Clock::now();
    // Let the last comment and status through after a signal stopped the transfers.
    net::clear_interrupt();
    result.variant_records =
        end_unfinished(std::move(result.variant_records), VariantState::interrupted,
                       "interrupted (SIGINT/SIGTERM) before it finished");
    auto code = exit_code_of(result.variant_records, stop_requested(), crashed);
    result.exit_code = static_cast<int>(code);
    if (meter) {
        const auto total = meter->run_total();
        result.usage = total.usage;
        result.cost_usd = total.cost_usd;
    }
    result.duration = since(setting.started); // as the overview shows it
    if (const auto error = setting.observer.post_outcome(result)) {
        if (result.error.empty()) {
            result.error = *error;
        }
        if (code == ExitCode::success) {
            code = ExitCode::some_failed; // done, but not said where it is read
            result.exit_code = static_cast<int>(code);
        }
    }
    result.phases.emplace_back("overview", since(started));
    result.duration = since(setting.started); // the report's: posting included
    Outputs outputs;
    outputs.report = config.report;
    outputs.metrics_file = config.metrics_file;
    outputs.pushgateway = config.pushgateway;
    std::shared_ptr<net::HttpClient> http;
    if (!outputs.pushgateway.empty()) {
        http = net::make_http_client(http_options(config, setting.retry_budget));
        outputs.http = http.get();
    }
    setting.observer.write_outputs(result, outputs);
    return code;
}

// Ends the run after `what` went wrong; `code` (else the variants' outcome) is the exit status.
ExitCode fail(const Setting& setting, const config::Config& config, RunResult result,
              const std::string& what, std::optional<ExitCode> code, bool crashed)
{
    log::error("{}", what);
    result.error = what;
    const auto reason = fmt::format("the run failed: {}", what);
    result.variant_records =
        end_unfinished(std::move(result.variant_records), VariantState::failed, reason);
    for (auto& variant : result.variant_records) {
        // Made, but its pull request never opened: not done.
        if (variant.state == VariantState::succeeded && variant.pr_url.empty() &&
            setting.venue.opens_pull_requests) {
            variant.state = VariantState::failed;
            variant.reason = reason;
        }
    }
    ExitCode finished = ExitCode::some_failed;
    try {
        finished = finish(setting, config, std::move(result), nullptr, crashed);
    } catch (const std::exception& error) {
        log::error("could not post the overview: {}", error.what());
    }
    return stop_requested() ? ExitCode::interrupted : code.value_or(finished);
}

// The prepare phase: the pull request's head commit, fetched when the
// checkout lacks it.
Context prepare(const Setting& setting, const Request& request, Repo& repo, host::Host& host)
{
    auto context = context_at(
        setting, request, repo,
        repo.find_or_fetch_commit(request.pr.head_sha, request.access, host.head_ref(request.pr)));
    log::info("request {}: {} variant(s) of \"{}\" on {} ({} files)", request.result.request_id,
              request.command.variants, request.command.slug, context.base_commit.substr(0, 12),
              context.files.size());
    return context;
}

// Which variants an earlier run of this comment made already.
Plan plan(const Setting& setting, const Request& request, const Doors& doors)
{
    if (!setting.venue.opens_pull_requests) {
        return plan_local(request.result.variant_records,
                          doors.repo->find_local_request_branches(request.id),
                          setting.options.force);
    }
    std::vector<std::string> branches;
    for (const auto& variant : request.result.variant_records) {
        branches.push_back(variant.branch);
    }
    return plan_on_host(request.result.variant_records,
                        find_existing(*doors.host, request.key, branches), setting.options.force);
}

// Issue 17: the variants an earlier run left incomplete go on from their
// commits (not with --force or `incomplete: drop`).
Plan with_continuations(const Setting& setting, const Request& request, const Doors& doors,
                        const Context& context, Plan planned)
{
    if (setting.options.force || request.config.incomplete == config::IncompletePolicy::drop) {
        return planned;
    }
    auto& repo = *doors.repo;
    const auto find = [&]() {
        return setting.venue.branches_on_remote
                   ? repo.find_request_branches(request.access, request.id)
                   : repo.find_local_request_branches(request.id);
    };
    return continue_incomplete(std::move(planned), find, repo, context.base_commit);
}

// A phase between CI log group lines, its time in `result`.
template <typename Phase>
auto in_group(const Setting& setting, RunResult& result, const char* name, const char* group,
              Phase&& phase)
{
    const auto started = Clock::now();
    setting.observer.phase_begins(group);
    struct End {
        Observer& observer;
        ~End() { observer.phase_ends(); }
    } end{setting.observer};
    auto value = phase();
    result.phases.emplace_back(name, since(started));
    return value;
}

// Context, variants and pull requests. Whatever goes wrong here, the
// acknowledgement is out: end with an overview that says why, rather than
// leave "working on it" and a pending status behind.
ExitCode work(const Setting& setting, const Admitted& admitted)
{
    const auto& request = admitted.request;
    auto result = request.result;
    std::shared_ptr<llm::Meter> meter;
    try {
        crash_for_test(setting.environment.test_crash_at, "context");
        const auto prepared = in_group(setting, result, "context", "draftsmith: context", [&] {
            auto context = prepare(setting, request, *admitted.doors.repo, *admitted.doors.host);
            auto planned = with_continuations(setting, request, admitted.doors, context,
                                              plan(setting, request, admitted.doors));
            return std::pair{std::move(context), std::move(planned)};
        });
        const Context& context = prepared.first;
        const Plan& planned = prepared.second;
        meter = context.meter;
        result.variant_records = planned.variants;
        const Job job{request,
                      context,
                      *admitted.doors.repo,
                      setting.observer,
                      setting.options.record,
                      setting.environment,
                      &planned.continuations};
        result.variant_records = in_group(setting, result, "variants", "draftsmith: variants", [&] {
            return planned.which.empty() ? planned.variants
                                         : run_variants(job, planned.variants, planned.which);
        });
        PublishSettings publishing;
        publishing.dry_run = setting.options.dry_run;
        publishing.on_host = setting.venue.opens_pull_requests;
        publishing.push = setting.options.push;
        publishing.checkpoint = [&](std::string_view where) {
            crash_for_test(setting.environment.test_crash_at, where);
        };
        const PublishDoors doors{*admitted.doors.repo, *admitted.doors.host, setting.observer};
        result.variant_records =
            in_group(setting, result, "publish", "draftsmith: pull requests", [&] {
                return publish(request, doors, result.variant_records, planned.existing,
                               publishing);
            });
        start_variant_ci(setting, request.config, result.variant_records); // issue 15
        crash_for_test(setting.environment.test_crash_at, "overview");
    } catch (const Error& error) {
        return fail(setting, request.config, result, error.what(), exit_code_for(error.category()),
                    false);
    } catch (const std::exception& error) {
        // std::bad_alloc, a JSON library's exception, std::out_of_range: a bug,
        // but the loop is closed all the same.
        return fail(setting, request.config, result,
                    fmt::format("internal error: {}", error.what()), ExitCode::some_failed, false);
    } catch (...) {
        return fail(setting, request.config, result, "internal error: an unknown exception",
                    ExitCode::some_failed, false);
    }
    return finish(setting, request.config, std::move(result), meter.get(), false);
}

// The rest of the run in a worker process (run/supervise.hpp). When it dies
// of a signal, this process finds what it made and closes the loop.
ExitCode supervised(const Setting& setting, Admitted& admitted)
{
    const auto end = run_supervised([&] { return static_cast<int>(work(setting, admitted)); });
    if (end.exited) {
        return static_cast<ExitCode>(end.code);
    }
    const auto what = fmt::format("the run crashed ({}); run the same comment again to "
                                  "finish it",
                                  describe_signal(end.signal));
    auto result = admitted.request.result;
    try {
        // The worker shared our connections: talk to the host on new ones.
        if (admitted.doors.http) {
            admitted.doors.http->renew(http_options(admitted.request.config, setting.retry_budget));
        }
        setting.observer.attach(audience_of(setting, admitted));
        result.variant_records = plan(setting, admitted.request, admitted.doors).variants;
    } catch (const std::exception& error) {
        log::warning("could not look for the pull requests it opened: {}", error.what());
    }
    return fail(setting, admitted.request.config, result, what, std::nullopt, true);
}

ExitCode execute(const Setting& setting)
{
    setting.observer.phase_begins("draftsmith: request");
    auto in = intake(setting);
    setting.observer.phase_ends();
    if (const auto* ended = std::get_if<ExitCode>(&in)) {
        return *ended;
    }
    auto& admitted = std::get<Admitted>(in);
    // Issue 15: `/edit intent` on a variant's own pull request goes onto its branch.
    if (const auto target = follow_up_target(admitted.request.pr, admitted.request.command);
        target && setting.kind != host::Kind::local && !admitted.request.pr.issue) {
        return follow_up(setting, admitted, *target);
    }
    admitted.request.result.phases.emplace_back("intake", since(setting.started));
    acknowledge(setting, admitted);
    if (!setting.venue.supervised || setting.options.dry_run) {
        return work(setting, admitted); // nothing on a host to leave pending
    }
    return supervised(setting, admitted);
}

} // namespace

ExitCode run(const Options& options, Observer& observer)
{
    const auto started = Clock::now();
    auto config = load_run_config(options, std::nullopt, ".draftsmith.yml");
    register_run_secrets(options.environment, config);
    const auto kind = to_host_kind(config.host, options.environment.host);
    auto budget = std::make_shared<net::RetryBudget>(config.retries.budget);
    const Setting setting{
        options,
        options.environment,
        std::move(config),
        kind,
        venue_of(kind),
        std::move(budget),
        observer,
        started,
        [](const host::Options& host_options, std::shared_ptr<net::HttpClient> client) {
            return host::make_host(host_options, std::move(client));
        },
        open_repo};
    return execute(setting);
}

Context context_at(const Setting& setting, const Request& request, Repo& repo,
                   const std::string& commit)
{
    Context context;
    context.base_commit = commit;
    context.base_tree = repo.tree(commit);
    context.files = repo.list_files(commit);
    context.secrets = std::make_shared<const agent::SecretFilter>(request.config.secrets);
    context.base_files = std::make_shared<const agent::BaseFiles>(*context.base_tree, context.files,
                                                                  *context.secrets);
    llm::BudgetLimits budget;
    budget.max_tokens = request.config.budget.tokens;
    budget.max_cost_usd = request.config.budget.cost_usd;
    context.meter = std::make_shared<llm::Meter>(price_table(request.config), budget);
    context.http = net::make_http_client(http_options(request.config, setting.retry_budget));
    context.retry_budget = setting.retry_budget;
    return context;
}

} // namespace draftsmith::run
