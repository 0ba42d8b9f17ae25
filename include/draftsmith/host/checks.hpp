#pragma once
// The CI checks of a variant branch (issue 15), read from the hosting
// service, and starting CI on a branch where the service will not.
//
//   GitHub        check runs of the branch head (GET .../commits/{sha}/check-runs,
//                 all pages) and the combined commit status (GET
//                 .../commits/{sha}/status); CI is started with a
//                 workflow_dispatch (POST .../actions/workflows/{id}/dispatches),
//                 the one event a push made with GITHUB_TOKEN may still start;
//                 a job's log through GET .../actions/jobs/{id}/logs, which
//                 answers 302 to a short-lived URL fetched without our token.
//   Azure DevOps  the newest build of each pipeline for the branch (Builds -
//                 List, branchName=refs/heads/...) and the pull request's
//                 statuses (Pull Request Statuses - List); CI is queued with
//                 Builds - Queue; a failed job's log through Timeline - Get and
//                 Builds - Get Build Log (startLine: only the tail is read).
//   local         no service: nothing to read, nothing to start.
//
// Every call goes through net::HttpClient like host/'s others; a non-2xx
// answer becomes Error(host) naming the service, the operation and its
// message (tokens never in it).

#include "draftsmith/host/host.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::host {

enum class CheckState { passed, failed, running };

// One check: a GitHub check run or commit status context; an Azure DevOps
// pipeline's newest build or a pull request status.
struct CheckRun {
    std::string name;
    CheckState state = CheckState::running;
    std::string url; // where a person sees it; may be empty
    // What log_tail() needs: GitHub's check run id (an Actions job's id), an
    // Azure DevOps build id; empty for statuses (they have no log).
    std::string log_id;
};

// What the Checks column shows for one variant.
struct CheckSummary {
    int total = 0;
    int passed = 0;
    int running = 0;
    std::vector<std::string> failed; // names, in the order the service listed them
    std::string link;                // the first failed run, else a running one, else any
    std::vector<CheckRun> runs;
};

// Counts `runs` into a summary. Pure.
CheckSummary summarize(std::vector<CheckRun> runs);

// The last lines of a failed check's log, for the repair turn.
struct LogTail {
    std::string name; // the job's name
    std::string text; // at most max_lines lines and max_bytes bytes, secrets masked
};

struct LogLimits {
    std::size_t max_lines = 200;
    std::size_t max_bytes = std::size_t{32} * 1024;
};

// The last `limits.max_lines` lines of `text`, cut further to the last
// `limits.max_bytes` bytes (at a line start when one is in reach), with every
// registered secret masked (util/secret.hpp). Pure but for the secret registry.
std::string tail_of_log(std::string_view text, const LogLimits& limits);

class Checks {
public:
    virtual ~Checks() = default;

    // The checks of the variant's head commit (GitHub) / branch (Azure DevOps),
    // our own status context (Options::status_name) left out.
    virtual CheckSummary read(const PullRequest& variant) = 0;

    // Starts CI on `branch`: GitHub dispatches workflow `what` (a file name
    // such as "ci.yml" or an id); Azure DevOps queues pipeline `what` (a
    // definition id, or a name looked up with Definitions - List). Throws
    // Error(host) when the service refuses (GitHub 422: the workflow has no
    // workflow_dispatch trigger; 404: no such workflow) or Error(config)
    // when no pipeline has that name.
    virtual void start(std::string_view branch, std::string_view what) = 0;

    // The tails of the failed jobs of `run`: GitHub one (the job itself),
    // Azure DevOps one per failed job of the build. Empty when the service
    // has no log for it (a status).
    virtual std::vector<LogTail> log_tails(const CheckRun& run, const LogLimits& limits) = 0;
};

// The Checks of options.kind (github, azure-devops; local: one that reads
// nothing and starts nothing), talking through `client`. Throws
// Error(config) like make_host.
std::unique_ptr<Checks> make_checks(const Options& options,
                                    std::shared_ptr<net::HttpClient> client);

// The same with its own libcurl client (net::make_http_client with options.http).
std::unique_ptr<Checks> make_checks(const Options& options);

} // namespace draftsmith::host
