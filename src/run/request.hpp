#pragma once
// Internal to run/: the intake phase (request.cpp) and what it starts from.

#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/run.hpp"
#include "draftsmith/trigger/intake.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace draftsmith::run {

// The run's inputs before intake, fixed for the whole run.
struct Setting {
    const Options& options;
    const trigger::Environment& environment; // options.environment
    config::Config config;                   // from flags and the environment (no file yet)
    host::Kind kind = host::Kind::local;
    std::shared_ptr<net::RetryBudget> retry_budget; // the run's one budget (config retries.budget)
    Observer& observer;
    std::chrono::steady_clock::time_point
        started; // the run's start: its time budget counts from here
    // How hosts and repositories are made (tests: in-memory doubles).
    std::function<std::unique_ptr<host::Host>(const host::Options&)> make_host;
    std::function<std::unique_ptr<Repo>(const std::filesystem::path&)> open_repo;
};

// The host and the repository of the run.
struct Doors {
    std::unique_ptr<host::Host> host;
    std::unique_ptr<Repo> repo;
};

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

// The host of a hosting service (not --local) with `config`'s allow-lists.
std::unique_ptr<host::Host> make_service_host(const Setting& setting, const config::Config& config,
                                              const trigger::Trigger* trigger);

// Configuration from `file_text` (the target's .draftsmith.yml), the
// environment and the flags.
config::Config load_run_config(const Setting& setting, std::optional<std::string> file_text,
                               std::string file_name);

// Registers every secret the environment holds (and config.api_key_env's).
void register_run_secrets(const Setting& setting, const config::Config& config);

} // namespace draftsmith::run
