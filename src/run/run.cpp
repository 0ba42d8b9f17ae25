// draftsmith run: intake, authorization, context, variants, publishing and
// the overview, in that order (see run/run.hpp). Each step either goes on or
// ends the run with its exit status and, on a host, a reply saying why.
#include "draftsmith/run/run.hpp"

#include "draftsmith/git/remote.hpp"
#include "draftsmith/report/comments.hpp"
#include "draftsmith/report/outputs.hpp"
#include "draftsmith/run/environment.hpp"
#include "draftsmith/trigger/intake.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include "settings.hpp"
#include "state.hpp"
#include "supervise.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

namespace draftsmith::run {
namespace {

using report::VariantState;
using trigger::Trigger;

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

// The folder name of a repository ("site" for /tmp/site/.git/), for --local requests.
std::string repository_name(std::filesystem::path git_dir)
{
    if (git_dir.filename().empty()) {
        git_dir = git_dir.parent_path(); // "/tmp/site/.git/" -> "/tmp/site/.git"
    }
    const auto name = git_dir.filename() == ".git" ? git_dir.parent_path().filename()
                                                  : git_dir.stem(); // a bare "site.git"
    return name.empty() ? std::string("repository") : name.string();
}

config::Config load_config(const RunState& state, std::optional<std::string> file_text,
                           std::string file_name)
{
    config::Sources sources;
    sources.file_text = std::move(file_text);
    sources.file_name = std::move(file_name);
    sources.environment = state.environment.draftsmith_variables();
    sources.flags = state.options.config_flags;
    return config::load_config(sources);
}

// Every secret the tool knows, whatever the host and provider of this run,
// so that none of them can leave through a comment, prompt, commit or report.
void register_secrets(const RunState& state)
{
    const std::vector<std::string> more = {state.config.api_key_env};
    register_environment_secrets(state.environment.lookup(), more);
}

host::Kind host_kind(const RunState& state, const config::Config& config)
{
    switch (config.host) {
    case config::HostKind::github: return host::Kind::github;
    case config::HostKind::azure_devops: return host::Kind::azure_devops;
    case config::HostKind::local: return host::Kind::local;
    case config::HostKind::automatic: break;
    }
    return to_host_kind(state.environment.host);
}

class Runner {
public:
    explicit Runner(RunState& state)
        : m_state(state)
    {
    }

    ExitCode execute();

private:
    std::optional<ExitCode> intake();
    void open_local(const std::string& text);
    void read_trigger(const Trigger& trigger);
    void make_host(const Trigger* trigger);
    void prepare_access();
    void load_target_config();
    std::optional<ExitCode> check_comment();
    std::optional<ExitCode> authorize();
    void prepare_request();
    std::vector<int> plan_variants();
    void prepare_context();
    void acknowledge();
    ExitCode work();
    ExitCode supervised();
    ExitCode fail(const std::string& what, std::optional<ExitCode> code);
    void end_unfinished(VariantState state, const std::string& reason);
    ExitCode finish();
    bool post_outcome(ExitCode code, const std::string& overview);
    ExitCode exit_code() const;
    ExitCode refuse(const std::string& reply, ExitCode code);
    void write_outputs();
    void phase(std::string name, Clock::time_point started);

    RunState& m_state;
    std::optional<Trigger> m_trigger;
    bool m_crashed = false; // the worker died: never report success
};

void Runner::phase(std::string name, Clock::time_point started)
{
    m_state.record.phases.emplace_back(std::move(name), since(started));
}

ExitCode Runner::execute()
{
    auto started = Clock::now();
    m_state.config = load_config(m_state, std::nullopt, std::string(k_config_file));
    register_secrets(m_state);
    m_state.kind = host_kind(m_state, m_state.config);
    m_state.ci = std::make_unique<report::CiLog>(m_state.environment.ci, m_state.environment,
                                                 std::cout);
    m_state.progress =
        std::make_unique<report::Progress>(std::cerr, m_state.options.progress_terminal);
    m_state.ci->begin_group("draftsmith: request");
    if (const auto ended = intake()) {
        m_state.ci->end_group();
        return *ended;
    }
    phase("intake", started);
    m_state.ci->end_group();

    acknowledge();
    if (m_state.kind == host::Kind::local || m_state.options.dry_run) {
        return work(); // nothing on a host to leave pending
    }
    return supervised();
}

// Context, variants and pull requests. Whatever goes wrong here, the
// acknowledgement is out: end with an overview that says why, rather than
// leave "working on it" and a pending status behind.
ExitCode Runner::work()
{
    try {
        crash_for_test(m_state, "context");
        auto started = Clock::now();
        m_state.ci->begin_group("draftsmith: context");
        prepare_context();
        const auto which = plan_variants();
        phase("context", started);
        m_state.ci->end_group();

        started = Clock::now();
        m_state.ci->begin_group("draftsmith: variants");
        if (!which.empty()) {
            run_variants(m_state, which);
        }
        phase("variants", started);
        m_state.ci->end_group();

        started = Clock::now();
        m_state.ci->begin_group("draftsmith: pull requests");
        publish(m_state);
        phase("publish", started);
        m_state.ci->end_group();
        crash_for_test(m_state, "overview");
    } catch (const Error& error) {
        m_state.ci->end_group();
        return fail(error.what(), exit_code_for(error.category()));
    } catch (const std::exception& error) {
        // std::bad_alloc, a JSON library's exception, std::out_of_range: a bug,
        // but the loop is closed all the same.
        m_state.ci->end_group();
        return fail(fmt::format("internal error: {}", error.what()), ExitCode::some_failed);
    } catch (...) {
        m_state.ci->end_group();
        return fail("internal error: an unknown exception", ExitCode::some_failed);
    }
    return finish();
}

// Ends the run after `what` went wrong; `code` (else the variants' outcome) is the exit status.
ExitCode Runner::fail(const std::string& what, std::optional<ExitCode> code)
{
    log::error("{}", what);
    m_state.record.error = what;
    const auto reason = fmt::format("the run failed: {}", what);
    end_unfinished(VariantState::failed, reason);
    for (auto& record : m_state.record.variant_records) {
        // Made, but its pull request never opened: not done.
        if (record.state == VariantState::succeeded && record.pr_url.empty() &&
            m_state.kind != host::Kind::local) {
            record.state = VariantState::failed;
            record.reason = reason;
        }
    }
    ExitCode finished = ExitCode::some_failed;
    try {
        finished = finish();
    } catch (const std::exception& error) {
        log::error("could not post the overview: {}", error.what());
    }
    return stop_requested() ? ExitCode::interrupted : code.value_or(finished);
}

// The rest of the run in a worker process (run/supervise.hpp). When it dies
// of a signal, this process finds what it made and closes the loop.
ExitCode Runner::supervised()
{
    const auto end = run_supervised([this] { return static_cast<int>(work()); });
    if (end.exited) {
        return static_cast<ExitCode>(end.code);
    }
    const auto what = fmt::format("the run crashed ({}); run the same comment again to "
                                  "finish it",
                                  describe_signal(end.signal));
    try {
        // The worker shared our connections: talk to the host on new ones.
        make_host(m_trigger ? &*m_trigger : nullptr);
        m_state.http.reset();
        plan_variants(); // the pull requests it opened before it died
    } catch (const std::exception& error) {
        log::warning("could not look for the pull requests it opened: {}", error.what());
    }
    m_crashed = true;
    return fail(what, std::nullopt);
}

// The reaction, the pending status and the first reply, at once.
void Runner::acknowledge()
{
    if (!m_state.options.dry_run) {
        // Neither is needed to do the work, and the end sets both again.
        try {
            m_state.host->react(m_state.pr.number, m_state.comment.ref, host::Reaction::eyes);
            m_state.host->set_status(
                m_state.pr, {host::StatusState::pending,
                             fmt::format("working on {} variant(s)", m_state.command.variants),
                             m_state.record.run_url});
        } catch (const std::exception& error) {
            log::warning("could not acknowledge the comment: {}", error.what());
        }
    }
    update_progress(m_state);
}

// Variants still queued or running when the run ends get `state` and `reason`.
void Runner::end_unfinished(VariantState state, const std::string& reason)
{
    for (auto& record : m_state.record.variant_records) {
        if (record.state == VariantState::queued || record.state == VariantState::running) {
            record.state = state;
            record.reason = reason;
        }
    }
}

// Reads which comment this is for and checks it may run. A value: the run
// ends here with that status.
std::optional<ExitCode> Runner::intake()
{
    const auto& options = m_state.options;
    if (m_state.kind == host::Kind::local) {
        if (!options.comment) {
            throw Error(ErrorCategory::usage,
                        "run --local needs the request: --comment TEXT (e.g. --comment '/edit "
                        "/3 make the submit buttons red')");
        }
        open_local(*options.comment);
    } else {
        std::optional<std::filesystem::path> event = options.event;
        if (!event && !options.comment_id) {
            if (const auto& path = m_state.environment.event_path;
                path && m_state.kind == host::Kind::github) {
                event = *path;
            }
        }
        if (event) {
            const auto text = file::read_all(*event, limits::k_max_event_bytes);
            const auto read = m_state.kind == host::Kind::github
                                  ? trigger::read_github_event(text, m_state.environment.event_name)
                                  : trigger::read_azure_devops_event(text);
            if (const auto* ignored = std::get_if<trigger::Ignored>(&read)) {
                log::info("nothing to do: {}", ignored->reason);
                return ExitCode::success;
            }
            m_trigger = std::get<Trigger>(read);
        } else if (options.pr && options.comment_id) {
            Trigger trigger;
            trigger.pr = *options.pr;
            trigger.comment = {*options.comment_id, options.thread_id.value_or(0)};
            m_trigger = trigger;
        } else {
            throw Error(ErrorCategory::usage,
                        fmt::format("run on {}: which comment? Give --event FILE (the service's "
                                    "payload), or --pr N --comment-id ID{}; or run --local",
                                    host::to_string(m_state.kind),
                                    m_state.kind == host::Kind::azure_devops ? " --thread-id T"
                                                                             : ""));
        }
        read_trigger(*m_trigger);
    }
    load_target_config();
    if (auto ended = check_comment()) {
        return ended;
    }
    if (auto ended = authorize()) {
        return ended;
    }
    prepare_request();
    return std::nullopt;
}

void Runner::open_local(const std::string& text)
{
    m_state.repo = git::Repository::open(m_state.options.repo);
    prepare_access();
    const auto base = m_state.repo->find_commit(m_state.options.base);
    if (!base) {
        throw Error(ErrorCategory::usage, fmt::format("--base {}: no such commit in {}",
                                                      m_state.options.base,
                                                      m_state.options.repo.string()));
    }
    host::Options options;
    options.kind = host::Kind::local;
    options.out = m_state.options.out;
    // In the .git folder, so the working tree stays untouched.
    options.overview_file = m_state.repo->git_dir() / "draftsmith-overview.md";
    auto& pr = options.local_pr;
    pr.number = m_state.options.pr.value_or(0);
    pr.title = "local run";
    pr.head_branch = m_state.repo->checked_out_branch().value_or(m_state.options.base);
    pr.head_sha = *base;
    pr.base_branch = pr.head_branch;
    pr.base_sha = *base;
    host::Comment comment;
    comment.ref.id = local_comment_id(text);
    comment.author.login = !m_state.options.user.empty()
                               ? m_state.options.user
                               : m_state.environment.user.value_or("local");
    comment.author.display_name = comment.author.login;
    comment.body = text;
    options.local_comment = comment;
    m_state.host = host::make_host(options);
    m_state.pr = m_state.host->get_pull_request(pr.number);
    m_state.comment = comment;
}

void Runner::make_host(const Trigger* trigger)
{
    host::Options base;
    base.kind = m_state.kind;
    if (trigger && !trigger->repository.empty()) {
        base.repository = trigger->repository;
        base.project = trigger->project;
    }
    base.allowed_users = m_state.config.allowed_users;
    base.trigger_groups = m_state.config.allowed_groups;
    base.http = http_options(m_state.config, m_state.retry_budget);
    m_state.host = host::make_host(host_options(base, m_state.environment));
}

void Runner::read_trigger(const Trigger& trigger)
{
    m_state.retry_budget = std::make_shared<net::RetryBudget>(m_state.config.retries.budget);
    make_host(&trigger);
    m_state.pr = m_state.host->get_pull_request(trigger.pr);
    m_state.repo = git::Repository::open(m_state.options.repo);
    prepare_access();
}

// How to reach the remote: credentials from the CI environment (or
// DRAFTSMITH_GIT_AUTHORIZATION), and a stop on SIGINT/SIGTERM.
void Runner::prepare_access()
{
    m_state.access.remote = m_state.options.remote;
    m_state.access.authorization = git_authorization(m_state.environment);
    m_state.access.home = m_state.environment.home;
    m_state.access.ca_file = m_state.options.ca_file;
    m_state.access.should_stop = [] { return stop_requested(); };
}

// .draftsmith.yml as the pull request's target branch has it: a pull request
// must not be able to rewrite its own rules.
void Runner::load_target_config()
{
    const auto& pr = m_state.pr;
    std::string target = pr.base_sha;
    if (m_state.kind != host::Kind::local) {
        target = m_state.repo->find_or_fetch_commit(pr.base_sha, m_state.access,
                                                    "refs/heads/" + pr.base_branch);
    }
    const auto text = m_state.repo->tree(target).read(k_config_file);
    const auto name = fmt::format("{}:{}", pr.base_branch.empty() ? target.substr(0, 12)
                                                                  : pr.base_branch,
                                  k_config_file);
    m_state.config = load_config(m_state, text, name);
    register_secrets(m_state); // the target's api_key_env
    if (!m_state.retry_budget) {
        m_state.retry_budget = std::make_shared<net::RetryBudget>(m_state.config.retries.budget);
    }
    if (m_state.kind != host::Kind::local) {
        make_host(m_trigger ? &*m_trigger : nullptr); // now with the target's allow-lists
    }
}

std::optional<ExitCode> Runner::check_comment()
{
    if (m_state.kind != host::Kind::local) {
        const auto comment = m_state.host->get_comment(
            m_state.pr.number, {m_trigger->comment.id, m_trigger->comment.thread_id});
        if (!comment) {
            log::error("comment {} on pull request {} is deleted or cannot be read; nothing "
                       "to do",
                       m_trigger->comment.id, m_state.pr.number);
            return ExitCode::refused;
        }
        m_state.comment = *comment;
    }
    // A key pasted into the comment or the pull request's text goes no further:
    // not to the model, the branch name, the overview, the PR body or a commit.
    m_state.comment.body = redacted(m_state.comment.body);
    m_state.pr.title = redacted(m_state.pr.title);
    m_state.pr.body = redacted(m_state.pr.body);
    const auto& comment = m_state.comment;
    if (comment.author.is_bot || comment.body.find("<!-- draftsmith-") != std::string::npos) {
        log::info("nothing to do: the comment is by a bot ({})", comment.author.login);
        return ExitCode::success;
    }
    const auto parsed = trigger::parse_comment(comment.body, m_state.config.max_variants);
    if (std::holds_alternative<trigger::NotACommand>(parsed)) {
        log::info("nothing to do: the comment is not an /edit command");
        return ExitCode::success;
    }
    if (const auto* error = std::get_if<trigger::CommandError>(&parsed)) {
        log::error("{}", error->message);
        return refuse(report::usage_comment(error->message), ExitCode::usage);
    }
    if (comment.edited()) {
        return refuse(
            "draftsmith acts only on a comment as it was first posted, and this one was "
            "edited since. Post the command again as a new comment.",
            ExitCode::refused);
    }
    m_state.command = std::get<trigger::Command>(parsed);
    return std::nullopt;
}

std::optional<ExitCode> Runner::authorize()
{
    const auto& user = m_state.comment.author;
    const auto permission = m_state.host->permission(user);
    if (!permission.allowed) {
        log::error("{} may not trigger draftsmith here: {}", user.login, permission.reason);
        return refuse(report::refusal_comment(user.login, permission.reason), ExitCode::refused);
    }
    if (m_state.pr.from_fork && m_state.config.forks == config::ForkPolicy::refuse) {
        const std::string reason =
            "this pull request comes from a fork, and forks are refused (forks: allow in "
            ".draftsmith.yml on the target branch changes that)";
        log::error("{}", reason);
        return refuse(report::refusal_comment(user.login, reason), ExitCode::refused);
    }
    return std::nullopt;
}

ExitCode Runner::refuse(const std::string& reply, ExitCode code)
{
    if (!m_state.options.dry_run && m_state.kind != host::Kind::local) {
        try {
            m_state.host->comment(m_state.pr.number, reply, m_state.comment.ref);
        } catch (const std::exception& error) {
            log::warning("could not reply on the pull request: {}", error.what());
        }
    } else if (m_state.kind == host::Kind::local) {
        log::error("{}", reply);
    }
    return code;
}

void Runner::prepare_request()
{
    auto& state = m_state;
    state.key = {state.pr.number, state.comment.ref};
    state.request.host = host::to_string(state.kind);
    state.request.repository =
        state.kind == host::Kind::local
            ? repository_name(state.repo->git_dir())
            : state.environment.repository;
    if (state.request.repository.empty()) {
        state.request.repository = "repository";
    }
    state.request.pull_request = std::to_string(state.pr.number);
    state.request.comment_id =
        state.comment.ref.thread_id != 0
            ? fmt::format("t{}-c{}", state.comment.ref.thread_id, state.comment.ref.id)
            : std::to_string(state.comment.ref.id);

    auto& record = state.record;
    record.host = host::to_string(state.kind);
    record.repository = state.request.repository;
    record.pr = state.pr.number;
    record.pr_url = state.pr.url;
    record.comment_url = state.comment.url;
    record.requester = state.comment.author.display_name.empty()
                           ? state.comment.author.login
                           : state.comment.author.display_name;
    record.intent = state.command.intent;
    record.slug = state.command.slug;
    record.variants = state.command.variants;
    record.request_id = host::request_id(state.key);
    record.dry_run = state.options.dry_run;
    record.started = std::chrono::system_clock::now();
    record.run_url = state.environment.run_url;
    TemplateValues values;
    values.pr = state.pr.number == 0 ? std::string("local") : std::to_string(state.pr.number);
    values.comment = state.request.comment_id;
    values.slug = state.command.slug;
    values.variants = state.command.variants;
    for (int i = 1; i <= state.command.variants; ++i) {
        values.variant = i;
        report::VariantRecord variant;
        variant.index = i;
        variant.branch = variant_branch_name(state.config, values);
        state.branches.push_back(variant.branch);
        record.variant_records.push_back(variant);
    }
}

// The pull request's head commit (fetched when the checkout lacks it), its
// files, the secret filter and the run's meter.
void Runner::prepare_context()
{
    auto& state = m_state;
    if (state.kind == host::Kind::local) {
        state.base_commit = state.pr.head_sha;
    } else {
        const auto ref = state.kind == host::Kind::github
                             ? fmt::format("refs/pull/{}/head", state.pr.number)
                             : "refs/heads/" + state.pr.head_branch;
        state.base_commit = state.repo->find_or_fetch_commit(state.pr.head_sha, state.access, ref);
    }
    state.base_tree.emplace(state.repo->tree(state.base_commit));
    state.files = state.base_tree->reader().list_files();
    state.secrets.emplace(state.config.secrets);
    state.base_files =
        std::make_shared<const agent::BaseFiles>(*state.base_tree, state.files, *state.secrets);
    llm::BudgetLimits budget;
    budget.max_tokens = state.config.budget.tokens;
    budget.max_cost_usd = state.config.budget.cost_usd;
    state.meter = std::make_shared<llm::Meter>(price_table(state.config), budget);
    state.http = net::make_http_client(http_options(state.config, state.retry_budget));
    log::info("request {}: {} variant(s) of \"{}\" on {} ({} files)", state.record.request_id,
              state.command.variants, state.command.slug, state.base_commit.substr(0, 12),
              state.files.size());
}

// Which variants still need a model: an earlier run's open pull request (or,
// --local, its branch) is kept unless --force.
std::vector<int> Runner::plan_variants()
{
    auto& state = m_state;
    if (state.kind == host::Kind::local) {
        for (const auto& found : state.repo->find_local_request_branches(state.request)) {
            if (!found.variant || found.variant->index < 1 ||
                found.variant->index > state.command.variants || state.options.force) {
                continue;
            }
            auto& record = state.variant(found.variant->index);
            if (found.branch == record.branch) {
                record.state = VariantState::succeeded;
                record.commit = found.commit;
                record.pr_reused = true;
                record.reason = "kept from an earlier run (--force makes it again)";
            }
        }
    } else {
        const auto marker_id = host::request_id(state.key);
        for (int i = 1; i <= state.command.variants; ++i) {
            for (const auto& pr : state.host->find_pull_requests(state.branches[i - 1])) {
                const auto marker = host::find_request_marker(pr.body);
                if (!marker || marker->request_id != marker_id || marker->variant != i) {
                    continue;
                }
                const auto known = state.existing.find(i);
                if (known == state.existing.end() ||
                    (known->second.state != host::PullRequestState::open &&
                     pr.state == host::PullRequestState::open)) {
                    state.existing[i] = pr;
                }
            }
        }
        for (const auto& [index, pr] : state.existing) {
            if (state.options.force || pr.state != host::PullRequestState::open) {
                continue; // made again and the pull request updated (and reopened)
            }
            auto& record = state.variant(index);
            record.state = VariantState::succeeded;
            record.pr_number = pr.number;
            record.pr_url = pr.url;
            record.commit = pr.head_sha;
            record.pr_reused = true;
            record.reason = "kept from an earlier run (--force makes it again)";
        }
    }
    std::vector<int> which;
    for (const auto& record : state.record.variant_records) {
        if (!record.pr_reused) {
            which.push_back(record.index);
        }
    }
    if (which.size() < static_cast<std::size_t>(state.command.variants)) {
        log::info("{} of {} variant(s) were made by an earlier run of this comment and are kept",
                  static_cast<std::size_t>(state.command.variants) - which.size(),
                  state.command.variants);
    }
    return which;
}

ExitCode Runner::exit_code() const
{
    if (stop_requested()) {
        return ExitCode::interrupted;
    }
    int good = 0;
    int bad = 0;
    for (const auto& record : m_state.record.variant_records) {
        const bool ok = record.state == VariantState::succeeded ||
                        record.state == VariantState::duplicate ||
                        record.state == VariantState::dry_run;
        (ok ? good : bad) += 1;
    }
    if (bad == 0) {
        return m_crashed ? ExitCode::some_failed : ExitCode::success;
    }
    return good == 0 ? ExitCode::all_failed : ExitCode::some_failed;
}

ExitCode Runner::finish()
{
    auto& state = m_state;
    const auto started = Clock::now();
    // Let the last comment and status through after a signal stopped the transfers.
    net::clear_interrupt();
    end_unfinished(VariantState::interrupted, "interrupted (SIGINT/SIGTERM) before it finished");
    auto code = exit_code();
    state.record.exit_code = static_cast<int>(code);
    if (state.meter) {
        const auto total = state.meter->run_total();
        state.record.usage = total.usage;
        state.record.cost_usd = total.cost_usd;
    }
    state.progress->finish();
    state.record.duration = since(state.started); // as the overview shows it

    const auto overview =
        report::overview_comment(state.record, host::overview_marker(state.key));
    if (!state.options.dry_run) {
        if (!post_outcome(code, overview) && code == ExitCode::success) {
            code = ExitCode::some_failed; // done, but not said where it is read
            state.record.exit_code = static_cast<int>(code);
        }
    } else {
        std::ostream& out = state.options.out ? *state.options.out : std::cout;
        out << redacted(overview) << '\n';
    }
    for (const auto& record : state.record.variant_records) {
        if (record.state != VariantState::failed) {
            continue;
        }
        const auto message = fmt::format("variant {}: {}", record.index, record.reason);
        if (state.ci->service() == report::CiService::none) {
            log::warning("{}", message); // the CI log says it otherwise
        } else {
            state.ci->error(message);
        }
    }
    phase("overview", started);
    state.record.duration = since(state.started); // the report's: posting included
    write_outputs();
    return code;
}

// The overview, the reaction and the final status, each on its own: one the
// host refuses must not keep the others from happening (a status left
// "pending", an overview that still says "working on it"). False when one failed.
bool Runner::post_outcome(ExitCode code, const std::string& overview)
{
    auto& state = m_state;
    bool ok = true;
    const auto attempt = [&](const char* what, const auto& call) {
        try {
            call();
        } catch (const std::exception& error) {
            log::error("could not {}: {}", what, error.what());
            ok = false;
            if (state.record.error.empty()) {
                state.record.error = fmt::format("could not {}: {}", what, error.what());
            }
        }
    };
    attempt("post the overview", [&] {
        if (state.overview) {
            try {
                state.host->update_comment(state.pr.number, *state.overview, overview);
                return;
            } catch (const std::exception& error) {
                log::warning("could not update the overview comment ({}); posting it anew",
                             error.what());
            }
        }
        state.overview = state.host->comment(state.pr.number, overview, state.comment.ref);
    });
    const bool success = code == ExitCode::success;
    try { // a reaction is a courtesy: its failure changes nothing
        state.host->react(state.pr.number, state.comment.ref,
                          success ? host::Reaction::rocket : host::Reaction::confused);
    } catch (const std::exception& error) {
        log::warning("could not react to the comment: {}", error.what());
    }
    attempt("set the pull request's status", [&] {
        state.host->set_status(state.pr, {success ? host::StatusState::succeeded
                                                  : host::StatusState::failed,
                                          success ? "every variant has its draft pull request"
                                                  : "some variants failed: see the overview "
                                                    "comment",
                                          state.record.run_url});
    });
    return ok;
}

void Runner::write_outputs()
{
    auto& state = m_state;
    const auto& record = state.record;
    std::string urls;
    for (const auto& variant : record.variant_records) {
        if (!variant.pr_url.empty() && state.kind != host::Kind::local) {
            urls += variant.pr_url + "\n";
        }
    }
    state.ci->output("pr-urls", urls);
    state.ci->summary(report::overview_comment(record, ""));
    if (record.exit_code == static_cast<int>(ExitCode::some_failed)) {
        state.ci->partial_success("some variants failed");
    }
    // The run's outcome is what counts: an output that cannot be written is a warning.
    const auto attempt = [](const char* what, const auto& write) {
        try {
            write();
        } catch (const std::exception& error) {
            log::warning("could not write the {}: {}", what, error.what());
        }
    };
    if (!state.config.report.empty()) {
        attempt("report", [&] { report::write_json_report(record, state.config.report); });
    }
    if (!state.config.metrics_file.empty()) {
        attempt("metrics", [&] { report::write_metrics_file(record, state.config.metrics_file); });
    }
    if (!state.config.pushgateway.empty()) {
        if (!state.http) { // the run ended before its model client was made
            state.http = net::make_http_client(http_options(state.config, state.retry_budget));
        }
        attempt("metrics to the Pushgateway",
                [&] { report::push_metrics(*state.http, state.config.pushgateway, record); });
    }
}

} // namespace

void update_progress(RunState& state)
{
    if (state.options.dry_run || state.kind == host::Kind::local || !state.host) {
        return;
    }
    std::lock_guard lock(state.mutex);
    const auto body = report::progress_comment(state.record, host::overview_marker(state.key));
    try {
        if (!state.overview) {
            if (const auto found = host::find_comment_with_marker(
                    *state.host, state.pr.number, host::overview_marker(state.key))) {
                state.overview = found->ref;
            }
        }
        if (state.overview) {
            state.host->update_comment(state.pr.number, *state.overview, body);
        } else {
            state.overview = state.host->comment(state.pr.number, body, state.comment.ref);
        }
    } catch (const std::exception& error) {
        log::warning("could not update the progress comment: {}", error.what());
    }
}

ExitCode run(const Options& options)
{
    RunState state(options);
    return Runner(state).execute();
}

} // namespace draftsmith::run
