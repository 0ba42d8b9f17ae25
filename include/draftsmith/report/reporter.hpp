#pragma once
// The one reporter of a run: run::Observer told in report/'s words. It owns
// the overview comment (the progress while variants run, the overview at the
// end), the terminal's progress lines, the CI log's groups, errors and
// outputs, --report and metrics.
//
// Progress comments are posted by the reporter's own thread (a
// std::jthread between begin_updates() and end_updates()), from a copy of
// the latest state taken under a short lock: no host call ever happens
// under a lock a variant worker waits on, and a slow host call only delays
// the next progress comment, which then shows the state as it is by then.

#include "draftsmith/report/ci_log.hpp"
#include "draftsmith/report/progress.hpp"
#include "draftsmith/run/ports.hpp"

#include <condition_variable>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace draftsmith::report {

class Reporter final : public run::Observer {
public:
    // `out` gets the CI log (stdout), `err` the progress lines (stderr, redrawn
    // when `terminal`); `environment` says which CI service this is.
    Reporter(const trigger::Environment& environment, std::ostream& out, std::ostream& err,
             bool terminal);
    ~Reporter() override;
    Reporter(const Reporter&) = delete;
    Reporter& operator=(const Reporter&) = delete;

    std::string commit_message(const run::RunResult& run,
                               const run::VariantResult& variant) const override;
    std::string pull_request_title(std::string_view title_template, const run::RunResult& run,
                                   int variant) const override;
    std::string pull_request_body(const run::RunResult& run, const run::VariantResult& variant,
                                  std::string_view marker) const override;
    std::string refusal_comment(std::string_view user, std::string_view reason) const override;
    std::string usage_comment(std::string_view message) const override;

    void phase_begins(std::string_view name) override;
    void phase_ends() override;

    void attach(const run::Audience& audience) override;
    void progress(const run::RunResult& run) override;
    void variant_changed(const run::VariantResult& variant) override;
    void begin_updates() override;
    void end_updates() override;

    std::optional<std::string> post_outcome(const run::RunResult& run) override;
    void write_outputs(const run::RunResult& run, const run::Outputs& outputs) override;

private:
    void post_progress(const run::RunResult& run);
    void post_overview(const std::string& body);
    void update_loop(const std::stop_token& stop);

    CiLog m_ci;
    Progress m_progress;
    run::Audience m_audience;
    std::optional<host::CommentRef> m_overview; // the comment, once found or posted

    std::mutex m_mutex; // guards the three below; never held across a host call
    std::condition_variable_any m_changed;
    std::optional<run::RunResult> m_latest; // the run as progress() last said
    bool m_pending = false;                 // m_latest not posted yet
    std::jthread m_updater;
};

} // namespace draftsmith::report
