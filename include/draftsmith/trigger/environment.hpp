#pragma once
// The process environment, read once into one value.
//
// Every environment variable draftsmith may read is read here, from one
// snapshot taken before any thread starts (process_variables()), and turned
// into named values: which CI service runs the job, what it says about the
// hosting service (API URL, repository, tokens), where its files go. Every
// other module takes these values (or the Environment) from its caller and
// none calls getenv, so every module gives the same answer to "where do I
// run?" and a test describes a whole CI job with one map.
//
//   GitHub Actions   GITHUB_ACTIONS=true (any case); GITHUB_API_URL,
//                    GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_EVENT_PATH, ...
//   Azure Pipelines  TF_BUILD=True (any case, as the agent sets it; "False"
//                    is not Azure Pipelines); SYSTEM_COLLECTIONURI,
//                    SYSTEM_TEAMPROJECT, BUILD_REPOSITORY_ID,
//                    SYSTEM_ACCESSTOKEN or AZURE_DEVOPS_EXT_PAT, ...
//   anywhere         HOME, USER, SSL_CERT_FILE, NO_COLOR, DRAFTSMITH_*
//
// GitHub wins when both services' flags are set. Values are taken as they
// are, surrounding blanks trimmed; an empty value counts as unset.

#include "draftsmith/util/secret.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::trigger {

// Which CI service runs this process (none: a shell, or a CI service we do
// not know).
enum class CiService { github, azure_pipelines, none };

// The hosting service the CI service belongs to: GitHub Actions runs for
// GitHub, Azure Pipelines for Azure DevOps, anything else is local. The
// same as host::Kind, which trigger/ cannot see.
enum class HostKind { github, azure_devops, local };

// What GitHub Actions says about the repository on GitHub. Filled from the
// variables whatever CI service runs (a --host github run from a shell may
// set them).
struct GitHubEnvironment {
    std::string api_url = "https://api.github.com"; // GITHUB_API_URL (Enterprise Server)
    std::string owner;                              // GITHUB_REPOSITORY before the '/'
    std::string repository;                         // GITHUB_REPOSITORY after the '/'
    Secret token;                                   // GITHUB_TOKEN
};

// What Azure Pipelines says about the repository on Azure DevOps.
struct AzureDevOpsEnvironment {
    std::string collection_uri;   // SYSTEM_COLLECTIONURI ("https://dev.azure.com/org/")
    std::string project;          // SYSTEM_TEAMPROJECT
    std::string repository;       // BUILD_REPOSITORY_ID, else BUILD_REPOSITORY_NAME
    Secret access_token;          // SYSTEM_ACCESSTOKEN (the job's token, sent as bearer)
    Secret personal_access_token; // AZURE_DEVOPS_EXT_PAT (sent as basic)
};

// Lookup of one variable by name in a snapshot: nullopt when unset.
using Lookup = std::function<std::optional<std::string>(const char* name)>;

struct Environment {
    CiService ci = CiService::none;
    HostKind host = HostKind::local; // follows `ci`
    GitHubEnvironment github;
    AzureDevOpsEnvironment azure_devops;

    // The repository as the CI service names it: GITHUB_REPOSITORY
    // ("owner/name"), else BUILD_REPOSITORY_NAME; empty when neither is set.
    std::string repository;
    // The pull request the job runs for, when the service says so
    // (SYSTEM_PULLREQUEST_PULLREQUESTID, GITHUB_REF refs/pull/N/...).
    std::optional<std::int64_t> pull_request;
    // GitHub's event file and name (GITHUB_EVENT_PATH, GITHUB_EVENT_NAME).
    std::optional<std::filesystem::path> event_path;
    std::string event_name;
    // The link to this job's log: GITHUB_SERVER_URL/REPOSITORY/actions/runs/
    // GITHUB_RUN_ID, else SYSTEM_COLLECTIONURI + SYSTEM_TEAMPROJECT
    // /_build/results?buildId=BUILD_BUILDID; empty when neither is known.
    std::string run_url;

    // DRAFTSMITH_GIT_AUTHORIZATION: an Authorization header for git over
    // http(s), used as is.
    std::optional<Secret> git_authorization;

    std::optional<std::string> user;                    // USER
    std::optional<std::filesystem::path> home;          // HOME
    std::optional<std::filesystem::path> ssl_cert_file; // SSL_CERT_FILE
    bool no_color = false; // NO_COLOR set, whatever its value (no-color.org)
    // Azure Pipelines' temp folder (AGENT_TEMPDIRECTORY), for summaries.
    std::optional<std::filesystem::path> temp_dir;
    std::optional<std::filesystem::path> step_summary; // GITHUB_STEP_SUMMARY
    std::optional<std::filesystem::path> step_output;  // GITHUB_OUTPUT
    // DRAFTSMITH_TEST_CRASH_AT: the end-to-end tests' crash hook (run/supervise).
    std::string test_crash_at;

    // Every variable of the snapshot, by name.
    std::map<std::string, std::string> variables;

    // A variable named elsewhere (the configuration's api_key_env): its
    // value, nullopt when unset.
    std::optional<std::string> variable(std::string_view name) const;
    // The same as a function, for util's register_environment_secrets.
    Lookup lookup() const;
    // The DRAFTSMITH_* variables, for config::Sources::environment.
    std::map<std::string, std::string> draftsmith_variables() const;
};

// The Environment `variables` describe. Registers every secret-bearing
// variable the tool knows (util/secret.hpp, secret_variables()) for
// redaction, so a token is masked even when this run does not use it. Never
// throws.
Environment read_environment(std::map<std::string, std::string> variables);

// This process's variables (`environ`), copied. Call it once, before any
// thread starts (cli/main.cpp does): getenv is not thread-safe against setenv.
std::map<std::string, std::string> process_variables();

} // namespace draftsmith::trigger
