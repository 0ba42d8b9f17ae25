// The one place that reads the process environment (see environment.hpp).
// Values are named here, once, so the rest of the program asks "the
// repository", not "GITHUB_REPOSITORY or BUILD_REPOSITORY_NAME".
#include "draftsmith/trigger/environment.hpp"

#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <charconv>

extern char** environ; // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace draftsmith::trigger {
namespace {

using Variables = std::map<std::string, std::string>;

// The trimmed value of `name`; nullopt when unset or blank.
std::optional<std::string> get(const Variables& variables, const char* name)
{
    const auto found = variables.find(name);
    if (found == variables.end()) {
        return std::nullopt;
    }
    auto value = std::string(text::trim(found->second));
    return value.empty() ? std::nullopt : std::optional<std::string>(std::move(value));
}

std::string get_or(const Variables& variables, const char* name, std::string fallback)
{
    return get(variables, name).value_or(std::move(fallback));
}

std::optional<std::filesystem::path> path(const Variables& variables, const char* name)
{
    const auto value = get(variables, name);
    return value ? std::optional<std::filesystem::path>(*value) : std::nullopt;
}

Secret secret(const Variables& variables, const char* name)
{
    const auto value = get(variables, name);
    return value ? Secret(*value) : Secret();
}

// GITHUB_ACTIONS=true wins; TF_BUILD counts only when it says True (the
// agent sets "True"; a stale "False" from a copied environment is no
// pipeline). Both compared without case.
CiService detect_ci(const Variables& variables)
{
    if (text::iequals_ascii(get_or(variables, "GITHUB_ACTIONS", ""), "true")) {
        return CiService::github;
    }
    if (text::iequals_ascii(get_or(variables, "TF_BUILD", ""), "true")) {
        return CiService::azure_pipelines;
    }
    return CiService::none;
}

GitHubEnvironment read_github(const Variables& variables)
{
    GitHubEnvironment github;
    github.api_url = get_or(variables, "GITHUB_API_URL", github.api_url);
    const auto repository = get_or(variables, "GITHUB_REPOSITORY", "");
    if (const auto slash = repository.find('/'); slash != std::string::npos) {
        github.owner = repository.substr(0, slash);
        github.repository = repository.substr(slash + 1);
    }
    github.token = secret(variables, "GITHUB_TOKEN");
    return github;
}

AzureDevOpsEnvironment read_azure_devops(const Variables& variables)
{
    AzureDevOpsEnvironment azure;
    azure.collection_uri = get_or(variables, "SYSTEM_COLLECTIONURI", "");
    azure.project = get_or(variables, "SYSTEM_TEAMPROJECT", "");
    azure.repository =
        get_or(variables, "BUILD_REPOSITORY_ID", get_or(variables, "BUILD_REPOSITORY_NAME", ""));
    azure.access_token = secret(variables, "SYSTEM_ACCESSTOKEN");
    azure.personal_access_token = secret(variables, "AZURE_DEVOPS_EXT_PAT");
    return azure;
}

std::optional<std::int64_t> positive_number(std::string_view digits)
{
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    return error == std::errc() && end == digits.data() + digits.size() && number > 0
               ? std::optional<std::int64_t>(number)
               : std::nullopt;
}

// Azure Pipelines names the pull request of a PR build; GitHub only in the
// ref of a pull_request event (refs/pull/N/merge).
std::optional<std::int64_t> pull_request(const Variables& variables)
{
    if (const auto id = get(variables, "SYSTEM_PULLREQUEST_PULLREQUESTID")) {
        return positive_number(*id);
    }
    constexpr std::string_view k_prefix = "refs/pull/";
    const auto ref = get_or(variables, "GITHUB_REF", "");
    if (!ref.starts_with(k_prefix)) {
        return std::nullopt;
    }
    const auto rest = std::string_view(ref).substr(k_prefix.size());
    return positive_number(rest.substr(0, rest.find('/')));
}

// The link to this job's log, as the overview comment shows it.
std::string run_url(const Variables& variables)
{
    const auto repository = get(variables, "GITHUB_REPOSITORY");
    if (const auto server = get(variables, "GITHUB_SERVER_URL"); server && repository) {
        return fmt::format("{}/{}/actions/runs/{}", *server, *repository,
                           get_or(variables, "GITHUB_RUN_ID", ""));
    }
    if (const auto collection = get(variables, "SYSTEM_COLLECTIONURI")) {
        return fmt::format("{}{}/_build/results?buildId={}", *collection,
                           get_or(variables, "SYSTEM_TEAMPROJECT", ""),
                           get_or(variables, "BUILD_BUILDID", ""));
    }
    return {};
}

void read_files(const Variables& variables, Environment& environment)
{
    environment.event_path = path(variables, "GITHUB_EVENT_PATH");
    environment.event_name = get_or(variables, "GITHUB_EVENT_NAME", "");
    environment.home = path(variables, "HOME");
    environment.ssl_cert_file = path(variables, "SSL_CERT_FILE");
    environment.temp_dir = path(variables, "AGENT_TEMPDIRECTORY");
    environment.step_summary = path(variables, "GITHUB_STEP_SUMMARY");
    environment.step_output = path(variables, "GITHUB_OUTPUT");
}

} // namespace

std::optional<std::string> Environment::variable(std::string_view name) const
{
    const auto found = variables.find(std::string(name));
    return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
}

Lookup Environment::lookup() const
{
    // A copy: the function may outlive this value.
    return [copy = variables](const char* name) -> std::optional<std::string> {
        const auto found = copy.find(name);
        return found == copy.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
}

std::map<std::string, std::string> Environment::draftsmith_variables() const
{
    std::map<std::string, std::string> selected;
    for (const auto& [name, value] : variables) {
        if (name.starts_with("DRAFTSMITH_")) {
            selected.emplace(name, value);
        }
    }
    return selected;
}

Environment read_environment(std::map<std::string, std::string> variables)
{
    Environment environment;
    environment.variables = std::move(variables);
    const auto& all = environment.variables;
    register_environment_secrets(environment.lookup());
    environment.ci = detect_ci(all);
    environment.host = environment.ci == CiService::github            ? HostKind::github
                       : environment.ci == CiService::azure_pipelines ? HostKind::azure_devops
                                                                      : HostKind::local;
    environment.github = read_github(all);
    environment.azure_devops = read_azure_devops(all);
    if (const auto found = all.find("GITHUB_REPOSITORY"); found != all.end()) {
        environment.repository = found->second; // as run/ read it: set but empty stays empty
    } else {
        environment.repository = get_or(all, "BUILD_REPOSITORY_NAME", "");
    }
    environment.pull_request = pull_request(all);
    environment.run_url = run_url(all);
    if (const auto header = get(all, "DRAFTSMITH_GIT_AUTHORIZATION")) {
        environment.git_authorization = Secret(*header);
    }
    environment.user = get(all, "USER");
    environment.no_color = all.contains("NO_COLOR");
    environment.test_crash_at = get_or(all, "DRAFTSMITH_TEST_CRASH_AT", "");
    read_files(all, environment);
    return environment;
}

std::map<std::string, std::string> process_variables()
{
    std::map<std::string, std::string> variables;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        if (const auto equals = text.find('='); equals != std::string_view::npos) {
            variables.emplace(text.substr(0, equals), text.substr(equals + 1));
        }
    }
    return variables;
}

} // namespace draftsmith::trigger
