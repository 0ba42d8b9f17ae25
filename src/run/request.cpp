// The intake phase: which comment, on which pull request, under which rules
// (.draftsmith.yml of the target branch), and may it run. Returns the
// Request and the doors to the host and repository, or the exit status the
// run ends with here (after a reply saying why, where one is due).
#include "request.hpp"

#include "draftsmith/git/remote.hpp"
#include "draftsmith/run/environment.hpp"
#include "draftsmith/trigger/intake.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include "settings.hpp"

namespace draftsmith::run {
namespace {

constexpr std::string_view k_config_file = ".draftsmith.yml";

// A stable id for a comment given as text (--local): the same text makes the
// same branches, so running it again finds them.
std::int64_t local_comment_id(std::string_view text)
{
    std::uint32_t hash = 2166136261U; // FNV-1a
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 16777619U;
    }
    return static_cast<std::int64_t>(hash % 1000000000U) + 1;
}

// How to reach the remote: credentials from the CI environment (or
// DRAFTSMITH_GIT_AUTHORIZATION), and a stop on SIGINT/SIGTERM.
git::RemoteAccess remote_access(const Setting& setting)
{
    git::RemoteAccess access;
    access.remote = setting.options.remote;
    access.authorization = git_authorization(setting.environment);
    access.home = setting.environment.home;
    access.ca_file = setting.options.ca_file;
    access.should_stop = [] { return stop_requested(); };
    return access;
}

// The local host's pull request and comment: --base in this clone, the --comment text.
host::Options local_host_options(const Setting& setting, const Repo& repo, const std::string& base,
                                 const std::string& text)
{
    const auto& options = setting.options;
    host::Options host_options;
    host_options.kind = setting.kind;
    host_options.out = options.out;
    // In the .git folder, so the working tree stays untouched.
    host_options.overview_file = repo.git_dir() / "draftsmith-overview.md";
    auto& pr = host_options.local_pr;
    pr.number = options.pr.value_or(0);
    pr.title = "local run";
    pr.head_branch = repo.checked_out_branch().value_or(options.base);
    pr.head_sha = base;
    pr.base_branch = pr.head_branch;
    pr.base_sha = base;
    host::Comment comment;
    comment.ref.id = local_comment_id(text);
    comment.author.login =
        !options.user.empty() ? options.user : setting.environment.user.value_or("local");
    comment.author.display_name = comment.author.login;
    comment.body = text;
    host_options.local_comment = comment;
    return host_options;
}

} // namespace

std::optional<Found> open_in_clone(const Setting& setting)
{
    const auto& options = setting.options;
    if (!options.comment) {
        throw Error(ErrorCategory::usage,
                    "run --local needs the request: --comment TEXT (e.g. --comment '/edit "
                    "/3 make the submit buttons red')");
    }
    Found found;
    found.doors.repo = setting.open_repo(options.repo);
    const auto base = found.doors.repo->find_commit(options.base);
    if (!base) {
        throw Error(ErrorCategory::usage, fmt::format("--base {}: no such commit in {}",
                                                      options.base, options.repo.string()));
    }
    const auto host_options =
        local_host_options(setting, *found.doors.repo, *base, *options.comment);
    found.doors.host = setting.make_host(host_options, nullptr);
    found.pr = found.doors.host->get_pull_request(host_options.local_pr.number);
    found.comment = host_options.local_comment;
    return found;
}

namespace {

// The trigger the payload or the flags name; nullopt: a payload not for us.
std::optional<trigger::Trigger> read_trigger(const Setting& setting)
{
    const auto& options = setting.options;
    std::optional<std::filesystem::path> event = options.event;
    if (!event && !options.comment_id) {
        if (const auto& path = setting.environment.event_path;
            path && setting.kind == host::Kind::github) {
            event = *path;
        }
    }
    if (event) {
        const auto text = file::read_all(*event, limits::k_max_event_bytes);
        const auto read = setting.kind == host::Kind::github
                              ? trigger::read_github_event(text, setting.environment.event_name)
                              : trigger::read_azure_devops_event(text);
        if (const auto* ignored = std::get_if<trigger::Ignored>(&read)) {
            log::info("nothing to do: {}", ignored->reason);
            return std::nullopt;
        }
        return std::get<trigger::Trigger>(read);
    }
    if (options.pr && options.comment_id) {
        trigger::Trigger trigger;
        trigger.pr = *options.pr;
        trigger.comment = {*options.comment_id, options.thread_id.value_or(0)};
        return trigger;
    }
    throw Error(ErrorCategory::usage,
                fmt::format("run on {}: which comment? Give --event FILE (the service's "
                            "payload), or --pr N --comment-id ID{}; or run --local",
                            host::to_string(setting.kind),
                            setting.kind == host::Kind::azure_devops ? " --thread-id T" : ""));
}

// .draftsmith.yml as the pull request's target branch has it: a pull request
// must not be able to rewrite its own rules.
config::Config target_config(const Setting& setting, Repo& repo, const host::PullRequest& pr,
                             const git::RemoteAccess& access)
{
    const auto target =
        repo.find_or_fetch_commit(pr.base_sha, access, "refs/heads/" + pr.base_branch);
    const auto text = repo.tree(target)->read(k_config_file);
    const auto name = fmt::format(
        "{}:{}", pr.base_branch.empty() ? target.substr(0, 12) : pr.base_branch, k_config_file);
    auto config = load_run_config(setting.options, text, name);
    register_run_secrets(setting.environment, config); // the target's api_key_env
    return config;
}

// The comment as the host has it now (the payload is only a pointer to it);
// nullopt, with the reason logged, when it is deleted or cannot be read.
std::optional<host::Comment> read_comment(host::Host& host, const host::PullRequest& pr,
                                          const trigger::Trigger& trigger)
{
    const auto& ref = trigger.comment;
    auto comment = host.get_comment(pr.number, {ref.id, ref.thread_id});
    if (!comment) {
        log::error("comment {} on pull request {} is deleted or cannot be read; nothing "
                   "to do",
                   ref.id, pr.number);
    }
    return comment;
}

} // namespace

std::optional<Found> open_on_service(const Setting& setting)
{
    auto trigger = read_trigger(setting);
    if (!trigger) {
        return std::nullopt;
    }
    host::Options base;
    base.kind = setting.kind;
    if (!trigger->repository.empty()) {
        base.repository = trigger->repository;
        base.project = trigger->project;
    }
    Found found;
    found.doors.http =
        std::make_shared<HostClient>(http_options(setting.config, setting.retry_budget));
    found.doors.host = setting.make_host(host_options(base, setting.environment), found.doors.http);
    found.pr = trigger->issue ? found.doors.host->get_issue(trigger->pr) // a request from an issue
                              : found.doors.host->get_pull_request(trigger->pr);
    found.doors.repo = setting.open_repo(setting.options.repo);
    found.trigger = std::move(trigger);
    return found;
}

config::Config load_run_config(const Options& options, std::optional<std::string> file_text,
                               std::string file_name)
{
    config::Sources sources;
    sources.file_text = std::move(file_text);
    sources.file_name = std::move(file_name);
    sources.environment = options.environment.draftsmith_variables();
    sources.flags = options.config_flags;
    return config::load_config(sources);
}

void register_run_secrets(const trigger::Environment& environment, const config::Config& config)
{
    // Every secret the tool knows, whatever the host and provider of this
    // run, so that none can leave through a comment, prompt, commit or report.
    const std::vector<std::string> more = {config.api_key_env};
    register_environment_secrets(environment.lookup(), more);
}

std::variant<ExitCode, Admitted> intake(const Setting& setting)
{
    auto opened = setting.venue.open(setting);
    if (!opened) {
        return ExitCode::success;
    }
    auto& found = *opened;
    const auto access = remote_access(setting);
    if (found.pr.issue) { // issue 15: drafts start from the default branch's tip
        found.pr.head_sha =
            found.doors.repo->fetch_commit(access, "refs/heads/" + found.pr.head_branch);
        found.pr.base_sha = found.pr.head_sha;
    }
    auto config = target_config(setting, *found.doors.repo, found.pr, access);
    // From here on the target's rules: its retry budget and, for the host's
    // calls, its timeouts and retries (the allow-lists go with the question).
    setting.retry_budget->set_total(config.retries.budget);
    if (found.doors.http) {
        found.doors.http->renew(http_options(config, setting.retry_budget));
    }
    if (!found.comment) {
        found.comment = read_comment(*found.doors.host, found.pr, *found.trigger);
        if (!found.comment) {
            return ExitCode::refused;
        }
    }
    auto admitted = admit(setting, std::move(config), std::move(found.doors), std::move(found.pr),
                          std::move(*found.comment), access);
    if (auto* in = std::get_if<Admitted>(&admitted)) {
        in->trigger = found.trigger;
    }
    return admitted;
}

} // namespace draftsmith::run
