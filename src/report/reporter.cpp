// report::Reporter: see reporter.hpp for why progress is posted from its own thread.
#include "draftsmith/report/reporter.hpp"

#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/report/comments.hpp"
#include "draftsmith/report/outputs.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include <iostream>

namespace draftsmith::report {

Reporter::Reporter(const trigger::Environment& environment, std::ostream& out, std::ostream& err,
                   bool terminal)
    : m_ci(environment.ci, environment, out)
    , m_progress(err, terminal)
{
}

Reporter::~Reporter()
{
    end_updates();
}

std::string Reporter::commit_message(const run::RunResult& run,
                                     const run::VariantResult& variant) const
{
    return report::commit_message(run, variant);
}

std::string Reporter::pull_request_title(std::string_view title_template, const run::RunResult& run,
                                         int variant) const
{
    return report::pull_request_title(title_template, run, variant);
}

std::string Reporter::pull_request_body(const run::RunResult& run,
                                        const run::VariantResult& variant,
                                        std::string_view marker) const
{
    return report::pull_request_body(run, variant, marker);
}

std::string Reporter::refusal_comment(std::string_view user, std::string_view reason) const
{
    return report::refusal_comment(user, reason);
}

std::string Reporter::usage_comment(std::string_view message) const
{
    return report::usage_comment(message);
}

void Reporter::phase_begins(std::string_view name)
{
    m_ci.begin_group(name);
}

void Reporter::phase_ends()
{
    m_ci.end_group();
}

void Reporter::attach(const run::Audience& audience)
{
    m_audience = audience;
}

void Reporter::progress(const run::RunResult& run)
{
    {
        std::lock_guard lock(m_mutex);
        m_latest = run;
        m_pending = true;
        if (m_updater.joinable()) {
            m_changed.notify_one();
            return;
        }
        m_pending = false;
    }
    post_progress(run); // no updater: at once, on the caller's thread
}

void Reporter::variant_changed(const run::VariantResult& variant)
{
    m_progress.update(variant);
    std::lock_guard lock(m_mutex);
    if (!m_latest || !m_updater.joinable()) {
        return;
    }
    for (auto& known : m_latest->variant_records) {
        if (known.index == variant.index) {
            known = variant;
        }
    }
    m_pending = true;
    m_changed.notify_one();
}

void Reporter::begin_updates()
{
    std::lock_guard lock(m_mutex);
    if (!m_updater.joinable()) {
        m_updater = std::jthread([this](const std::stop_token& stop) { update_loop(stop); });
    }
}

void Reporter::end_updates()
{
    if (!m_updater.joinable()) {
        return;
    }
    m_updater.request_stop();
    m_updater.join(); // the loop posts what is pending before it returns
    m_updater = std::jthread();
}

void Reporter::update_loop(const std::stop_token& stop)
{
    for (;;) {
        std::optional<run::RunResult> snapshot;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, stop, [this] { return m_pending; });
            if (!m_pending) {
                return; // stopped with nothing left to say
            }
            snapshot = m_latest;
            m_pending = false;
        }
        post_progress(*snapshot); // the lock is released: workers go on meanwhile
    }
}

void Reporter::post_progress(const run::RunResult& run)
{
    if (!m_audience.progress_comments || !m_audience.host) {
        return;
    }
    const auto body = progress_comment(run, m_audience.marker);
    try {
        if (!m_overview) {
            if (const auto found = host::find_comment_with_marker(
                    *m_audience.host, m_audience.pr.number, m_audience.marker)) {
                m_overview = found->ref;
            }
        }
        if (m_overview) {
            m_audience.host->update_comment(m_audience.pr.number, *m_overview, body);
        } else {
            m_overview = m_audience.host->comment(m_audience.pr.number, body, m_audience.comment);
        }
    } catch (const std::exception& error) {
        log::warning("could not update the progress comment: {}", error.what());
    }
}

} // namespace draftsmith::report
