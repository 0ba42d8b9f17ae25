// `draftsmith checks` (issue 15): every variant's CI in the overview's Checks
// column (run/checks.hpp), rendered by report/checks_column.hpp.
#include "draftsmith/report/checks_column.hpp"
#include "draftsmith/run/checks.hpp"
#include "draftsmith/run/run.hpp"

#include <memory>

#include "commands.hpp"

namespace draftsmith::cli {
namespace {

struct ChecksFlags {
    run::ChecksOptions options;
    std::string host;
    std::string event;
};

void add_key_flag(CLI::App* command, ChecksFlags& flags, const std::string& flag,
                  const std::string& key, const std::string& help)
{
    command->add_option_function<std::string>(
        flag, [&flags, key](const std::string& value) { flags.options.config_flags[key] = value; },
        help);
}

ExitCode run_checks(ChecksFlags& flags)
{
    auto options = flags.options;
    if (!flags.host.empty()) {
        options.config_flags["host"] = flags.host;
    }
    if (!flags.event.empty()) {
        options.event = flags.event;
    }
    run::install_signal_handlers();
    const run::OverviewFormat format{
        [](std::string_view overview) { return report::overview_variant_prs(overview); },
        [](std::string_view overview, const std::vector<run::VariantChecks>& checks) {
            return report::overview_with_checks(overview, checks);
        }};
    return run::check_variants(options, format);
}

} // namespace

void add_checks_command(CLI::App& app, Action& chosen, const trigger::Environment& environment)
{
    auto* command = app.add_subcommand(
        "checks", "Read every variant's CI checks and show them in the overview's Checks column");
    command->footer("Run it when a variant's CI finishes (GitHub: workflow_run or check_suite "
                    "completed on a draftsmith/ branch; Azure Pipelines: a pipeline-completion "
                    "trigger). With config repair: 1 or 2 a failing variant gets that many "
                    "repair turns in all. Exit status: 0 the overview was updated or there was "
                    "nothing to do, 1 some variant's checks could not be read or its repair "
                    "failed, 2 bad input, 130 interrupted. " +
                    k_help_footer);
    auto flags = std::make_shared<ChecksFlags>();
    flags->options.environment = environment;
    command->add_option("--branch", flags->options.branch,
                        "A variant branch (refs/heads/ allowed): update its request's overview");
    command->add_option("--pr", flags->options.pr,
                        "The source pull request: update every overview on it");
    command->add_option("--event", flags->event,
                        "A workflow_run or check_suite payload (default on GitHub: "
                        "GITHUB_EVENT_PATH)");
    command
        ->add_option("--host", flags->host,
                     "github or azure-devops (default: from the environment)")
        ->check(CLI::IsMember({"github", "azure-devops"}));
    command->add_option("--repo", flags->options.repo,
                        "The repository: its .draftsmith.yml, and git for repairs (default .)");
    command->add_option("--remote", flags->options.remote,
                        "The remote to fetch from and push repairs to (default origin)");
    add_key_flag(command, *flags, "--repair", "repair",
                 "Repair turns a failing variant may get in all: 0, 1 or 2 (default 0)");
    add_key_flag(command, *flags, "--provider", "provider", "The repair's provider");
    add_key_flag(command, *flags, "--model", "model", "The repair's model");
    add_key_flag(command, *flags, "--base-url", "base_url",
                 "The repair provider's endpoint (OpenAI-compatible servers: vLLM, Ollama, ...)");
    add_key_flag(command, *flags, "--replay", "replay",
                 "The recording the replay provider answers from");
    command->add_flag("--dry-run", flags->options.dry_run,
                      "Read and render: post, repair and push nothing");
    command->callback([&chosen, flags] { chosen = [flags] { return run_checks(*flags); }; });
}

} // namespace draftsmith::cli
