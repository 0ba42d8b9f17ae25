#pragma once
// Internal to run/: the intake phase (request.cpp, admit.cpp), what it
// starts from, and where the run's work lands (venue.cpp).

#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/run.hpp"
#include "draftsmith/trigger/intake.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "host_client.hpp"

namespace draftsmith::run {

struct Setting;
struct Found;

// Where the run's work lands, decided once from the host kind (venue_of):
// on a hosting service (draft pull requests, comments, the remote's
// branches) or in this clone (--local: local branches, the overview printed
// at the end). The phases ask it what to do, not which host this is.
struct Venue {
    // Intake's first step: the doors, the pull request, and the comment when
    // it is known without the host (--local: the text). nullopt: a payload
    // not for us (exit 0). Throws Error for bad input or an unreachable host.
    std::optional<Found> (*open)(const Setting& setting) = nullptr;
    // The repository's name in the request id (the commits' Draftsmith-Request).
    std::string (*repository)(const Setting& setting, const Repo& repo) = nullptr;
    // Variants become draft pull requests, so one without its pull request is
    // not done; else branches here (and --push). Also: earlier runs are
    // found by their pull requests (else by the branches here).
    bool opens_pull_requests = true;
    // Replies and a progress comment go on the pull request; else they are logged / printed once.
    bool posts_comments = true;
    // An earlier run's branches are the remote's (else this clone's).
    bool branches_on_remote = true;
    // The work runs in a supervised worker process, so that a crash still
    // ends with an overview on the host (nothing is left pending here).
    bool supervised = true;
};

// The venue of a run on `kind`. Never throws.
Venue venue_of(host::Kind kind);

// The run's inputs before intake, fixed for the whole run.
struct Setting {
    const Options& options;
    const trigger::Environment& environment; // options.environment
    config::Config config;                   // from flags and the environment (no file yet)
    host::Kind kind;                         // to_host_kind(config host, the environment)
    Venue venue;                             // venue_of(kind)
    // The run's one budget (config retries.budget): the flags' and
    // environment's until intake sets the target configuration's total.
    std::shared_ptr<net::RetryBudget> retry_budget;
    Observer& observer;
    std::chrono::steady_clock::time_point
        started; // the run's start: its time budget counts from here
    // How the host and the repository are made (tests: in-memory doubles);
    // the client is null for a host without a service (--local).
    std::function<std::unique_ptr<host::Host>(const host::Options&,
                                              std::shared_ptr<net::HttpClient>)>
        make_host;
    std::function<std::unique_ptr<Repo>(const std::filesystem::path&)> open_repo;
};

// The host and the repository of the run, each made once.
struct Doors {
    std::unique_ptr<host::Host> host;
    std::shared_ptr<HostClient> http; // the host's client; null for --local
    std::unique_ptr<Repo> repo;
};

// Where intake stands: the pull request and comment as read so far.
struct Found {
    Doors doors;
    host::PullRequest pr;
    std::optional<host::Comment> comment; // --local: the text; else read from the host later
    std::optional<trigger::Trigger> trigger;
};

// Venue::open in this clone: --base, the checked-out branch and the --comment text.
std::optional<Found> open_in_clone(const Setting& setting);

// Venue::open on a hosting service: the trigger (payload or flags), the host
// (made here, once, for the whole run) and the pull request.
std::optional<Found> open_on_service(const Setting& setting);

struct Admitted {
    Request request;
    Doors doors;
    std::optional<trigger::Trigger> trigger; // what the payload or flags named (not --local)
};

// Reads the comment, the target branch's configuration and the commenter's
// permission. An exit status: the run ends here (a reply was posted where
// one is due). Throws Error for bad input, configuration or an unreachable host.
std::variant<ExitCode, Admitted> intake(const Setting& setting);

// After the comment is read: the verdict (a reply and an end, or the
// command), then the Request with its N queued variants.
std::variant<ExitCode, Admitted> admit(const Setting& setting, config::Config config, Doors doors,
                                       host::PullRequest pr, host::Comment comment,
                                       const git::RemoteAccess& access);

// Configuration from `file_text` (the target's .draftsmith.yml), the
// environment and the flags.
config::Config load_run_config(const Options& options, std::optional<std::string> file_text,
                               std::string file_name);

// The context variants start from at `commit` (in the repository): its
// tree, its files, the secret filter, the meter and the models' client.
Context context_at(const Setting& setting, const Request& request, Repo& repo,
                   const std::string& commit);

// Registers every secret the environment holds (and config.api_key_env's).
void register_run_secrets(const trigger::Environment& environment, const config::Config& config);

} // namespace draftsmith::run
