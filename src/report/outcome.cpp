// The end of a run as report::Reporter tells it: the overview, the reaction
// and the status (each on its own: one the host refuses must not keep the
// others from happening), then the CI log's outputs, --report and metrics.
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/report/comments.hpp"
#include "draftsmith/report/outputs.hpp"
#include "draftsmith/report/reporter.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include <iostream>

namespace draftsmith::report {
namespace {

bool succeeded(const run::RunResult& run)
{
    return run.exit_code == static_cast<int>(ExitCode::success);
}

} // namespace

void Reporter::post_overview(const std::string& body)
{
    auto& host = *m_audience.host;
    if (m_overview) {
        try {
            host.update_comment(m_audience.pr.number, *m_overview, body);
            return;
        } catch (const std::exception& error) {
            log::warning("could not update the overview comment ({}); posting it anew",
                         error.what());
        }
    }
    m_overview = host.comment(m_audience.pr.number, body, m_audience.comment);
}

std::optional<std::string> Reporter::post_outcome(const run::RunResult& run)
{
    end_updates();
    m_progress.finish();
    const auto overview = overview_comment(run, m_audience.marker);
    if (!m_audience.post || !m_audience.host) {
        std::ostream& out = m_audience.out ? *m_audience.out : std::cout;
        out << redacted(overview) << '\n';
        return std::nullopt;
    }
    std::optional<std::string> failed;
    const auto attempt = [&](const char* what, const auto& call) {
        try {
            call();
        } catch (const std::exception& error) {
            log::error("could not {}: {}", what, error.what());
            if (!failed) {
                failed = fmt::format("could not {}: {}", what, error.what());
            }
        }
    };
    attempt("post the overview", [&] { post_overview(overview); });
    auto& host = *m_audience.host;
    const bool success = succeeded(run);
    try { // a reaction is a courtesy: its failure changes nothing
        host.react(m_audience.pr.number, m_audience.comment,
                   success ? host::Reaction::rocket : host::Reaction::confused);
    } catch (const std::exception& error) {
        log::warning("could not react to the comment: {}", error.what());
    }
    attempt("set the pull request's status", [&] {
        host.set_status(m_audience.pr,
                        {success ? host::StatusState::succeeded : host::StatusState::failed,
                         success ? "every variant has its draft pull request"
                                 : "some variants failed: see the overview comment",
                         run.run_url});
    });
    return failed;
}

void Reporter::write_outputs(const run::RunResult& run, const run::Outputs& outputs)
{
    for (const auto& variant : run.variant_records) {
        if (variant.state != run::VariantState::failed) {
            continue;
        }
        const auto message = fmt::format("variant {}: {}", variant.index, variant.reason);
        if (m_ci.service() == CiService::none) {
            log::warning("{}", message); // the CI log says it otherwise
        } else {
            m_ci.error(message);
        }
    }
    std::string urls;
    for (const auto& variant : run.variant_records) {
        if (!variant.pr_url.empty() && run.host != "local") {
            urls += variant.pr_url + "\n";
        }
    }
    m_ci.output("pr-urls", urls);
    m_ci.summary(overview_comment(run, ""));
    if (run.exit_code == static_cast<int>(ExitCode::some_failed)) {
        m_ci.partial_success("some variants failed");
    }
    // The run's outcome is what counts: an output that cannot be written is a warning.
    const auto attempt = [](const char* what, const auto& write) {
        try {
            write();
        } catch (const std::exception& error) {
            log::warning("could not write the {}: {}", what, error.what());
        }
    };
    if (!outputs.report.empty()) {
        attempt("report", [&] { write_json_report(run, outputs.report); });
    }
    if (!outputs.metrics_file.empty()) {
        attempt("metrics", [&] { write_metrics_file(run, outputs.metrics_file); });
    }
    if (!outputs.pushgateway.empty() && outputs.http) {
        attempt("metrics to the Pushgateway",
                [&] { push_metrics(*outputs.http, outputs.pushgateway, run); });
    }
}

} // namespace draftsmith::report
