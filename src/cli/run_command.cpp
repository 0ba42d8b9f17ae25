// `draftsmith run`: one comment in, N draft pull requests out (run/run.hpp).
// Flags that are configuration keys go to config/ as the highest-precedence
// source, so `--model` and `DRAFTSMITH_MODEL` and `model:` are one setting.
#include "draftsmith/report/reporter.hpp"
#include "draftsmith/run/run.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <unistd.h>

#include "commands.hpp"

namespace draftsmith::cli {
namespace {

struct RunFlags {
    run::Options options;
    bool local = false;
    std::string host;
    std::string event;
    std::string ca_file;
    std::string record;
    // Configuration keys given as flags: key -> value.
    std::map<std::string, std::string> keys;
};

// A flag that sets configuration key `key`.
void add_key_option(CLI::App* command, RunFlags& flags, const std::string& flag,
                    const std::string& key, const std::string& help)
{
    command->add_option_function<std::string>(
        flag, [&flags, key](const std::string& value) { flags.keys[key] = value; }, help);
}

ExitCode run_run(RunFlags& flags)
{
    auto options = flags.options;
    options.config_flags = flags.keys;
    if (flags.local && !flags.host.empty() && flags.host != "local") {
        throw Error(
            ErrorCategory::usage,
            fmt::format("--local and --host {} contradict each other; give one", flags.host));
    }
    if (flags.local) {
        options.config_flags["host"] = "local";
    } else if (!flags.host.empty()) {
        options.config_flags["host"] = flags.host;
    }
    if (options.push && !flags.local && flags.host != "local") {
        throw Error(ErrorCategory::usage,
                    "--push is for --local runs; on a host the branches are always pushed");
    }
    if (!flags.event.empty()) {
        options.event = flags.event;
    }
    if (!flags.ca_file.empty()) {
        options.ca_file = flags.ca_file;
    }
    if (!flags.record.empty()) {
        options.record = flags.record;
    }
    options.progress_terminal = isatty(STDERR_FILENO) != 0;
    run::install_signal_handlers();
    report::Reporter reporter(options.environment, std::cout, std::cerr, options.progress_terminal);
    return run::run(options, reporter);
}

void add_where_options(CLI::App* command, RunFlags& flags)
{
    command->add_flag("--local", flags.local,
                      "No hosting service: variants become local branches and the overview is "
                      "printed and written to draftsmith-overview.md");
    command
        ->add_option("--host", flags.host,
                     "github, azure-devops or local (default: from the environment, "
                     "GITHUB_ACTIONS or TF_BUILD)")
        ->check(CLI::IsMember({"github", "azure-devops", "local"}));
    command->add_option("--event", flags.event,
                        "The service's event payload (default on GitHub: GITHUB_EVENT_PATH; on "
                        "Azure DevOps the service-hook payload the pipeline wrote)");
    command->add_option("--comment", flags.options.comment,
                        "The request as comment text, e.g. '/edit /3 make the buttons red' "
                        "(--local)");
    command->add_option("--pr", flags.options.pr, "The pull request's number");
    command->add_option("--comment-id", flags.options.comment_id,
                        "The triggering comment's id, read from the host");
    command->add_option("--thread-id", flags.options.thread_id,
                        "Azure DevOps: the thread of --comment-id");
    command->add_option("--user", flags.options.user, "Who asked (--local; default $USER)");
    command->add_option("--repo", flags.options.repo,
                        "The repository to work in (default: the current folder)");
    command->add_option("--base", flags.options.base,
                        "--local: the commit the variants start from (default HEAD)");
    command->add_option("--push", flags.options.push,
                        "--local: also push the branches to this remote");
    command->add_option("--remote", flags.options.remote,
                        "The remote to fetch from and push to (default origin)");
    command->add_option("--ca-file", flags.ca_file,
                        "Trust this CA bundle (PEM) for git over https");
}

void add_model_options(CLI::App* command, RunFlags& flags)
{
    add_key_option(command, flags, "--provider", "provider",
                   "anthropic, openai, azure-openai or replay");
    add_key_option(command, flags, "--model", "model", "The model (default: the provider's)");
    add_key_option(command, flags, "--base-url", "base_url",
                   "The provider's endpoint (OpenAI-compatible servers: vLLM, Ollama, ...)");
    add_key_option(command, flags, "--replay", "replay",
                   "The recording the replay provider answers from");
    add_key_option(command, flags, "--mode", "mode", "tools or oneshot");
    add_key_option(command, flags, "--max-variants", "max_variants",
                   "The largest N a comment may ask for (1-10, default 5)");
    add_key_option(command, flags, "--jobs", "jobs", "Variants at once (default: all of them)");
    command->add_option("--record", flags.record,
                        "Also write every model answer to this file, in the replay format");
}

void add_output_options(CLI::App* command, RunFlags& flags)
{
    add_key_option(command, flags, "--report", "report",
                   "Write a JSON report of the run to this file");
    add_key_option(command, flags, "--metrics-file", "metrics_file",
                   "Write the run's metrics to this file (Prometheus text format)");
    add_key_option(command, flags, "--pushgateway", "pushgateway",
                   "Push the run's metrics to this Prometheus Pushgateway URL");
    command->add_flag("--dry-run", flags.options.dry_run,
                      "Everything up to the push: nothing is pushed, opened or commented");
    command->add_flag("--force", flags.options.force,
                      "Make the variants again even when an earlier run of the same comment "
                      "made them, and update their pull requests; incomplete variants start "
                      "over instead of continuing");
}

} // namespace

void add_run_command(CLI::App& app, Action& chosen, const trigger::Environment& environment)
{
    auto* command = app.add_subcommand(
        "run", "Read the triggering comment and open one draft pull request per variant");
    // issue 17: incomplete variants and what they do to the exit status.
    command->footer("A variant that a limit or SIGINT/SIGTERM ends after it made edits keeps "
                    "them as a draft pull request marked incomplete (config incomplete: keep, "
                    "or drop); running the same comment again continues it. Exit status: 0 "
                    "done, 1 some variants failed or are incomplete (also when all are "
                    "incomplete), 2 bad input, 3 every variant failed, 4 refused, 130 "
                    "interrupted. " +
                    k_help_footer);
    auto flags = std::make_shared<RunFlags>();
    flags->options.environment = environment;
    add_where_options(command, *flags);
    add_model_options(command, *flags);
    add_output_options(command, *flags);
    command->callback([&chosen, flags] { chosen = [flags] { return run_run(*flags); }; });
}

} // namespace draftsmith::cli
