// GitHub: a variant's check runs and commit statuses, workflow_dispatch, and
// Actions job logs (docs.github.com/rest: "Checks runs - List check runs for a
// Git reference", "Commit statuses - Get the combined status for a specific
// reference", "Workflows - Create a workflow dispatch event", "Workflow jobs -
// Download job logs for a workflow run"; API version 2022-11-28).
//
// Check runs: completed with success, neutral or skipped pass; any other
// conclusion (failure, timed_out, cancelled, action_required, stale,
// startup_failure) fails; not completed (queued, in_progress, waiting,
// requested, pending) runs. Statuses: success passes, pending runs, failure
// and error fail. The list answers {total_count, check_runs} and pages with
// Link like every other list.
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include "checks_impl.hpp"
#include "host_impl.hpp"
#include "rest.hpp"

namespace draftsmith::host {
namespace {

using detail::child;
using detail::str;
using nlohmann::json;

CheckState check_run_state(const json& run)
{
    if (str(run, "status") != "completed") {
        return CheckState::running;
    }
    const auto conclusion = str(run, "conclusion");
    if (conclusion == "success" || conclusion == "neutral" || conclusion == "skipped") {
        return CheckState::passed;
    }
    return CheckState::failed;
}

CheckState status_state(std::string_view state)
{
    if (state == "success") {
        return CheckState::passed;
    }
    if (state == "pending") {
        return CheckState::running;
    }
    return CheckState::failed;
}

class GitHubChecks final : public Checks {
public:
    GitHubChecks(const Options& options, std::shared_ptr<net::HttpClient> client)
        : m_options(options)
        , m_client(client)
        , m_rest(std::move(client), "GitHub", github_headers(options))
        , m_repo_url(github_repo_url(options))
    {
    }

    CheckSummary read(const PullRequest& variant) override
    {
        const auto ref = detail::percent_encode(variant.head_sha.empty() ? variant.head_branch
                                                                         : variant.head_sha);
        std::vector<CheckRun> runs = check_runs(ref);
        const auto what = fmt::format("combined status of {}", variant.head_branch);
        const auto combined =
            m_rest.send_json(what, net::Method::get,
                             fmt::format("{}/commits/{}/status?per_page=100", m_repo_url, ref));
        const auto& statuses = child(combined, "statuses");
        if (statuses.is_array()) {
            for (const auto& status : statuses) {
                const auto context = str(status, "context");
                if (context == m_options.status_name) {
                    continue; // our own status says what we did, not what CI found
                }
                runs.push_back(
                    {context, status_state(str(status, "state")), str(status, "target_url"), {}});
            }
        }
        return summarize(std::move(runs));
    }

    void start(std::string_view branch, std::string_view workflow) override
    {
        const json payload = {{"ref", std::string(branch)}};
        // 204 No Content: dispatched (no run id comes back).
        m_rest.send(fmt::format("dispatch workflow {} on {}", workflow, branch), net::Method::post,
                    fmt::format("{}/actions/workflows/{}/dispatches", m_repo_url,
                                detail::percent_encode(workflow)),
                    &payload);
    }

    std::vector<LogTail> log_tails(const CheckRun& run, const LogLimits& limits) override
    {
        if (run.log_id.empty()) {
            return {};
        }
        const auto what = fmt::format("log of job {} ({})", run.log_id, run.name);
        const auto url = fmt::format("{}/actions/jobs/{}/logs", m_repo_url, run.log_id);
        // A check run that is no Actions job (another app's) has no log here: 404.
        auto answer = m_rest.send(what, net::Method::get, url, nullptr, {302, 404, 410});
        if (answer.status == 404 || answer.status == 410) {
            return {};
        }
        if (answer.status == 302) {
            answer = follow(what, answer);
        }
        return {LogTail{run.name, tail_of_log(answer.body, limits)}};
    }

private:
    std::vector<CheckRun> check_runs(const std::string& ref)
    {
        std::vector<CheckRun> runs;
        auto url = fmt::format("{}/commits/{}/check-runs?per_page=100", m_repo_url, ref);
        const auto what = fmt::format("check runs of {}", ref);
        for (int page = 0; page < k_max_pages; ++page) {
            const auto response = m_rest.send(what, net::Method::get, url);
            const auto answer = detail::parse_json(m_rest.service(), what, response.body);
            const auto& items = child(answer, "check_runs");
            if (!items.is_array()) {
                throw Error(ErrorCategory::host,
                            fmt::format("GitHub: {}: the answer has no check_runs array", what));
            }
            for (const auto& item : items) {
                runs.push_back({str(item, "name"), check_run_state(item), str(item, "html_url"),
                                str(item, "id")});
            }
            const auto link = net::find_header(response.headers, "link");
            const auto next = link ? detail::next_link(*link) : std::nullopt;
            if (!next || detail::origin_of(*next) != detail::origin_of(m_repo_url)) {
                return runs;
            }
            url = *next;
        }
        log::warning("GitHub: {}: stopped after {} pages", what, k_max_pages);
        return runs;
    }

    // The log lives behind a short-lived signed URL on another host: fetched
    // without our headers, so the token never leaves for it.
    net::Response follow(const std::string& what, const net::Response& redirect)
    {
        const auto location = redirect.header("location");
        if (!location || location->empty()) {
            throw Error(ErrorCategory::host,
                        fmt::format("GitHub: {}: 302 without a Location header", what));
        }
        net::Request request;
        request.url = *location;
        auto response = m_client->send(request);
        if (!response.ok()) {
            throw Error(ErrorCategory::host,
                        detail::failure_message("GitHub", what, net::Method::get,
                                                detail::origin_of(*location) + "/...", response));
        }
        return response;
    }

    Options m_options;
    std::shared_ptr<net::HttpClient> m_client;
    detail::RestClient m_rest;
    std::string m_repo_url;
};

} // namespace

std::unique_ptr<Checks> make_github_checks(const Options& options,
                                           std::shared_ptr<net::HttpClient> client)
{
    require_github_target(options);
    return std::make_unique<GitHubChecks>(options, std::move(client));
}

} // namespace draftsmith::host
