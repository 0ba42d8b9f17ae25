#pragma once
// Internal to cli/: each subcommand lives in its own file and adds itself to
// the application through one of these functions. When CLI11 picks that
// subcommand, `chosen` is set to the function that runs it.

#include "draftsmith/trigger/environment.hpp"
#include "draftsmith/util/error.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace draftsmith::cli {

using Action = std::function<ExitCode()>;

// `environment` is the process environment, read once by cli::run; it
// outlives every action.
void add_run_command(CLI::App& app, Action& chosen, const trigger::Environment& environment);
void add_parse_command(CLI::App& app, Action& chosen);
void add_apply_command(CLI::App& app, Action& chosen, const trigger::Environment& environment);
void add_config_command(CLI::App& app, Action& chosen, const trigger::Environment& environment);
void add_version_command(CLI::App& app, Action& chosen);
// issue 15: `checks`, the variants' CI in the overview.
void add_checks_command(CLI::App& app, Action& chosen, const trigger::Environment& environment);

// The footer every --help ends with.
inline const std::string k_help_footer = "See man draftsmith for every option, key and exit code.";

} // namespace draftsmith::cli
