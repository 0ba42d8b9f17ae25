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

// Where intake stands: the pull request and comment as read so far.
struct Found {
    Doors doors;
    host::PullRequest pr;
    std::optional<host::Comment> comment; // --local: the text; else read from the host
    std::optional<trigger::Trigger> trigger;
};

Found open_local(const Setting& setting, const std::string& text)
{
    const auto& options = setting.options;
    Found found;
    found.doors.repo = setting.open_repo(options.repo);
    const auto base = found.doors.repo->find_commit(options.base);
    if (!base) {
        throw Error(ErrorCategory::usage, fmt::format("--base {}: no such commit in {}",
                                                      options.base, options.repo.string()));
    }
    host::Options host_options;
    host_options.kind = host::Kind::local;
    host_options.out = options.out;
    // In the .git folder, so the working tree stays untouched.
    host_options.overview_file = found.doors.repo->git_dir() / "draftsmith-overview.md";
    auto& pr = host_options.local_pr;
    pr.number = options.pr.value_or(0);
    pr.title = "local run";
    pr.head_branch = found.doors.repo->checked_out_branch().value_or(options.base);
    pr.head_sha = *base;
    pr.base_branch = pr.head_branch;
    pr.base_sha = *base;
    host::Comment comment;
    comment.ref.id = local_comment_id(text);
    comment.author.login =
        !options.user.empty() ? options.user : setting.environment.user.value_or("local");
    comment.author.display_name = comment.author.login;
    comment.body = text;
    host_options.local_comment = comment;
    found.doors.host = setting.make_host(host_options);
    found.pr = found.doors.host->get_pull_request(pr.number);
    found.comment = comment;
    return found;
}

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

Found open_hosted(const Setting& setting, const trigger::Trigger& trigger)
{
    Found found;
    found.trigger = trigger;
    found.doors.host = make_service_host(setting, setting.config, &trigger);
    found.pr = trigger.issue ? found.doors.host->get_issue(trigger.pr) // issue 15
                             : found.doors.host->get_pull_request(trigger.pr);
    found.doors.repo = setting.open_repo(setting.options.repo);
    return found;
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
    auto config = load_run_config(setting, text, name);
    register_run_secrets(setting, config); // the target's api_key_env
    return config;
}

} // namespace

std::unique_ptr<host::Host> make_service_host(const Setting& setting, const config::Config& config,
                                              const trigger::Trigger* trigger)
{
    host::Options base;
    base.kind = setting.kind;
    if (trigger && !trigger->repository.empty()) {
        base.repository = trigger->repository;
        base.project = trigger->project;
    }
    base.allowed_users = config.allowed_users;
    base.trigger_groups = config.allowed_groups;
    base.http = http_options(config, setting.retry_budget);
    return setting.make_host(host_options(base, setting.environment));
}

config::Config load_run_config(const Setting& setting, std::optional<std::string> file_text,
                               std::string file_name)
{
    config::Sources sources;
    sources.file_text = std::move(file_text);
    sources.file_name = std::move(file_name);
    sources.environment = setting.environment.draftsmith_variables();
    sources.flags = setting.options.config_flags;
    return config::load_config(sources);
}

void register_run_secrets(const Setting& setting, const config::Config& config)
{
    // Every secret the tool knows, whatever the host and provider of this
    // run, so that none can leave through a comment, prompt, commit or report.
    const std::vector<std::string> more = {config.api_key_env};
    register_environment_secrets(setting.environment.lookup(), more);
}

std::variant<ExitCode, Admitted> intake(const Setting& setting)
{
    const bool local = setting.kind == host::Kind::local;
    std::optional<Found> opened;
    if (local) {
        if (!setting.options.comment) {
            throw Error(ErrorCategory::usage,
                        "run --local needs the request: --comment TEXT (e.g. --comment '/edit "
                        "/3 make the submit buttons red')");
        }
        opened = open_local(setting, *setting.options.comment);
    } else {
        const auto trigger = read_trigger(setting);
        if (!trigger) {
            return ExitCode::success;
        }
        opened = open_hosted(setting, *trigger);
    }
    auto& found = *opened;
    const auto access = remote_access(setting);
    if (found.pr.issue) { // issue 15: drafts start from the default branch's tip
        found.pr.head_sha =
            found.doors.repo->fetch_commit(access, "refs/heads/" + found.pr.head_branch);
        found.pr.base_sha = found.pr.head_sha;
    }
    auto config = target_config(setting, *found.doors.repo, found.pr, access);
    if (!local) { // now with the target's allow-lists
        found.doors.host = make_service_host(setting, config, &*found.trigger);
        const auto& ref = found.trigger->comment;
        found.comment = found.doors.host->get_comment(found.pr.number, {ref.id, ref.thread_id});
        if (!found.comment) {
            log::error("comment {} on pull request {} is deleted or cannot be read; nothing "
                       "to do",
                       found.trigger->comment.id, found.pr.number);
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
