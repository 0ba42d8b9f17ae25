// What GitHub and Azure DevOps checks share: counting runs into a summary,
// cutting a log to its tail, and the local host's checks (there are none).
#include "draftsmith/host/checks.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/secret.hpp"

#include "checks_impl.hpp"

namespace draftsmith::host {

CheckSummary summarize(std::vector<CheckRun> runs)
{
    CheckSummary summary;
    const CheckRun* first_running = nullptr;
    const CheckRun* first_failed = nullptr;
    for (const auto& run : runs) {
        ++summary.total;
        switch (run.state) {
        case CheckState::passed:
            ++summary.passed;
            break;
        case CheckState::failed:
            summary.failed.push_back(run.name);
            if (first_failed == nullptr) {
                first_failed = &run;
            }
            break;
        case CheckState::running:
            ++summary.running;
            if (first_running == nullptr) {
                first_running = &run;
            }
            break;
        }
    }
    const CheckRun* shown = first_failed != nullptr    ? first_failed
                            : first_running != nullptr ? first_running
                            : runs.empty()             ? nullptr
                                                       : &runs.front();
    if (shown != nullptr) {
        summary.link = shown->url;
    }
    summary.runs = std::move(runs);
    return summary;
}

std::string tail_of_log(std::string_view text, const LogLimits& limits)
{
    // Lines are counted from the end; a final newline ends the last line
    // rather than starting an empty one.
    std::size_t end = text.size();
    if (end > 0 && text[end - 1] == '\n') {
        --end;
    }
    std::size_t start = 0;
    std::size_t lines = 0;
    for (std::size_t pos = end; pos > 0;) {
        const auto newline = text.rfind('\n', pos - 1);
        if (newline == std::string_view::npos) {
            break;
        }
        if (++lines >= limits.max_lines) {
            start = newline + 1;
            break;
        }
        pos = newline;
    }
    auto tail = text.substr(start, end - start);
    if (tail.size() > limits.max_bytes) {
        tail = tail.substr(tail.size() - limits.max_bytes);
        // Start at a whole line when one begins within the kept bytes.
        if (const auto newline = tail.find('\n'); newline != std::string_view::npos) {
            tail = tail.substr(newline + 1);
        }
    }
    return redacted(tail);
}

namespace {

// No service: no checks, nothing to start.
class LocalChecks final : public Checks {
public:
    CheckSummary read(const PullRequest&) override { return {}; }
    void start(std::string_view, std::string_view) override {}
    std::vector<LogTail> log_tails(const CheckRun&, const LogLimits&) override { return {}; }
};

} // namespace

std::unique_ptr<Checks> make_checks(const Options& options, std::shared_ptr<net::HttpClient> client)
{
    switch (options.kind) {
    case Kind::github:
        return make_github_checks(options, std::move(client));
    case Kind::azure_devops:
        return make_azure_devops_checks(options, std::move(client));
    case Kind::local:
        break;
    }
    return std::make_unique<LocalChecks>();
}

} // namespace draftsmith::host
