// Azure DevOps: a variant's builds and pull request statuses, queueing a
// pipeline, and failed jobs' logs. Build REST 7.1
// (MicrosoftDocs/vsts-rest-api-specs specification/build/7.1/build.json:
// Builds_List, Builds_Queue, Definitions_List, Timeline_Get, Builds_Get Build
// Logs, Builds_Get Build Log) and Git REST 7.1 Pull Request Statuses - List.
//
// A build that is not `completed` runs; completed with result `succeeded`
// passes, any other result (partiallySucceeded, failed, canceled) fails. Only
// the newest build of each pipeline counts (queueTimeDescending, first per
// definition id): a re-queued build replaces the one before. Statuses: the
// newest per context (highest id); succeeded and notApplicable pass, pending
// and notSet run, failed and error fail; genre "draftsmith" is ours and left out.
#include "draftsmith/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "azure_devops_membership.hpp"
#include "checks_impl.hpp"
#include "rest.hpp"

namespace draftsmith::host {
namespace {

using detail::child;
using detail::int64;
using detail::str;
using nlohmann::json;

constexpr std::string_view k_api_version = "api-version=7.1";

CheckState build_state(const json& build)
{
    if (str(build, "status") != "completed") {
        return CheckState::running;
    }
    return str(build, "result") == "succeeded" ? CheckState::passed : CheckState::failed;
}

CheckState pr_status_state(std::string_view state)
{
    if (state == "succeeded" || state == "notApplicable") {
        return CheckState::passed;
    }
    if (state == "failed" || state == "error") {
        return CheckState::failed;
    }
    return CheckState::running;
}

std::string authorization(const Options& options)
{
    if (options.auth == AuthScheme::basic_pat) {
        auto encoded = detail::base64(":" + options.token.reveal());
        register_secret(encoded);
        return "Basic " + encoded;
    }
    return "Bearer " + options.token.reveal();
}

class AzureDevOpsChecks final : public Checks {
public:
    AzureDevOpsChecks(const Options& options, std::shared_ptr<net::HttpClient> client)
        : m_options(options)
        , m_client(client)
        , m_authorization(authorization(options))
        , m_rest(std::move(client), "Azure DevOps",
                 {{"Accept", "application/json"}, {"Authorization", m_authorization}})
        , m_project_url(detail::join_url(options.api_url,
                                         "/" + detail::percent_encode(options.project) + "/_apis"))
    {
    }

    CheckSummary read(const PullRequest& variant) override
    {
        std::vector<CheckRun> runs = builds(variant.head_branch);
        for (auto& run : pull_request_statuses(variant.number)) {
            runs.push_back(std::move(run));
        }
        return summarize(std::move(runs));
    }

    void start(std::string_view branch, std::string_view pipeline) override
    {
        const json payload = {{"definition", {{"id", definition_id(pipeline)}}},
                              {"sourceBranch", "refs/heads/" + std::string(branch)}};
        m_rest.send_json(fmt::format("queue pipeline {} for {}", pipeline, branch),
                         net::Method::post,
                         fmt::format("{}/build/builds?{}", m_project_url, k_api_version), &payload);
    }

    std::vector<LogTail> log_tails(const CheckRun& run, const LogLimits& limits) override
    {
        if (run.log_id.empty()) {
            return {};
        }
        const auto builds_url = fmt::format("{}/build/builds/{}", m_project_url, run.log_id);
        const auto timeline =
            m_rest.send_json(fmt::format("timeline of build {}", run.log_id), net::Method::get,
                             fmt::format("{}/timeline?{}", builds_url, k_api_version));
        const auto lines = line_counts(run.log_id, builds_url);
        std::vector<LogTail> tails;
        const auto& records = child(timeline, "records");
        for (const auto& record : records.is_array() ? records : json::array()) {
            if (str(record, "type") != "Job" || str(record, "result") != "failed") {
                continue;
            }
            const auto log_id = int64(child(record, "log"), "id");
            if (log_id == 0) {
                continue;
            }
            const auto count = lines.count(log_id) != 0 ? lines.at(log_id) : 0;
            const auto text = log_text(builds_url, log_id, count, limits);
            tails.push_back({str(record, "name"), tail_of_log(text, limits)});
        }
        return tails;
    }

private:
    std::vector<CheckRun> builds(const std::string& branch)
    {
        const auto answer = m_rest.send_json(
            fmt::format("builds of {}", branch), net::Method::get,
            fmt::format("{}/build/builds?branchName={}&queryOrder=queueTimeDescending&$top=100&{}",
                        m_project_url, detail::percent_encode("refs/heads/" + branch),
                        k_api_version));
        std::vector<CheckRun> runs;
        std::set<std::int64_t> seen;
        for (const auto& build : detail::azure_list_items(answer)) {
            const auto& definition = child(build, "definition");
            if (!seen.insert(int64(definition, "id")).second) {
                continue; // an older build of the same pipeline
            }
            runs.push_back({str(definition, "name"), build_state(build),
                            str(child(child(build, "_links"), "web"), "href"), str(build, "id")});
        }
        return runs;
    }

    std::vector<CheckRun> pull_request_statuses(std::int64_t pr)
    {
        const auto answer = m_rest.send_json(
            fmt::format("statuses of !{}", pr), net::Method::get,
            fmt::format("{}/git/repositories/{}/pullRequests/{}/statuses?{}", m_project_url,
                        detail::percent_encode(m_options.repository), pr, k_api_version));
        std::map<std::string, std::pair<std::int64_t, CheckRun>> newest;
        std::vector<std::string> order;
        for (const auto& status : detail::azure_list_items(answer)) {
            const auto& context = child(status, "context");
            const auto genre = str(context, "genre");
            if (genre == "draftsmith") {
                continue;
            }
            const auto name = genre.empty() ? str(context, "name")
                                            : fmt::format("{}/{}", genre, str(context, "name"));
            const auto id = int64(status, "id");
            auto [it, inserted] = newest.try_emplace(name, id, CheckRun{});
            if (inserted) {
                order.push_back(name);
            } else if (id < it->second.first) {
                continue;
            }
            it->second = {
                id, CheckRun{
                        name, pr_status_state(str(status, "state")), str(status, "targetUrl"), {}}};
        }
        std::vector<CheckRun> runs;
        runs.reserve(order.size());
        for (const auto& name : order) {
            runs.push_back(newest.at(name).second);
        }
        return runs;
    }

    std::int64_t definition_id(std::string_view pipeline)
    {
        if (!pipeline.empty() && std::all_of(pipeline.begin(), pipeline.end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
            return std::stoll(std::string(pipeline));
        }
        const auto answer =
            m_rest.send_json(fmt::format("find pipeline {}", pipeline), net::Method::get,
                             fmt::format("{}/build/definitions?name={}&{}", m_project_url,
                                         detail::percent_encode(pipeline), k_api_version));
        const auto& items = detail::azure_list_items(answer);
        if (items.empty()) {
            throw Error(ErrorCategory::config,
                        fmt::format("checks.pipeline: Azure DevOps has no pipeline named '{}' in "
                                    "project {}; give its name or definition id",
                                    pipeline, m_options.project));
        }
        return int64(items.front(), "id");
    }

    std::map<std::int64_t, std::int64_t> line_counts(const std::string& build,
                                                     const std::string& builds_url)
    {
        const auto answer =
            m_rest.send_json(fmt::format("logs of build {}", build), net::Method::get,
                             fmt::format("{}/logs?{}", builds_url, k_api_version));
        std::map<std::int64_t, std::int64_t> counts;
        for (const auto& log : detail::azure_list_items(answer)) {
            counts[int64(log, "id")] = int64(log, "lineCount");
        }
        return counts;
    }

    // Only the tail is asked for (startLine), so a long log is not read whole.
    std::string log_text(const std::string& builds_url, std::int64_t log_id, std::int64_t lines,
                         const LogLimits& limits)
    {
        const auto wanted = static_cast<std::int64_t>(limits.max_lines);
        auto url = fmt::format("{}/logs/{}?{}", builds_url, log_id, k_api_version);
        if (lines > wanted) {
            url += fmt::format("&startLine={}", lines - wanted);
        }
        net::Request request;
        request.url = url;
        request.headers = {{"Accept", "text/plain"}, {"Authorization", m_authorization}};
        const auto response = m_client->send(request);
        if (!response.ok()) {
            throw Error(ErrorCategory::host,
                        detail::failure_message("Azure DevOps", fmt::format("log {}", log_id),
                                                net::Method::get, url, response));
        }
        return response.body;
    }

    Options m_options;
    std::shared_ptr<net::HttpClient> m_client;
    std::string m_authorization;
    detail::RestClient m_rest;
    std::string m_project_url;
};

} // namespace

std::unique_ptr<Checks> make_azure_devops_checks(const Options& options,
                                                 std::shared_ptr<net::HttpClient> client)
{
    if (options.token.empty()) {
        throw Error(ErrorCategory::config,
                    "Azure DevOps: no token: map SYSTEM_ACCESSTOKEN into the step's env "
                    "(env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) or set AZURE_DEVOPS_EXT_PAT");
    }
    if (options.api_url.empty() || options.project.empty() || options.repository.empty()) {
        throw Error(ErrorCategory::config,
                    "Azure DevOps: no collection, project or repository: run in Azure Pipelines "
                    "(SYSTEM_COLLECTIONURI, SYSTEM_TEAMPROJECT, BUILD_REPOSITORY_ID)");
    }
    return std::make_unique<AzureDevOpsChecks>(options, std::move(client));
}

} // namespace draftsmith::host
