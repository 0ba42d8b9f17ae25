#include "commands.hpp"

namespace draftsmith::cli {

void add_run_command(CLI::App& app, Action& chosen) {
    auto* command = app.add_subcommand(
        "run", "Read the triggering comment and open one draft pull request per variant");
    command->footer(k_help_footer);
    // Until run is built, take any arguments so that the message below, not a
    // parse error about them, is what the user sees.
    command->allow_extras();
    command->fallthrough(false);
    command->callback([&chosen] { chosen = [] { return not_built_yet("run"); }; });
}

} // namespace draftsmith::cli
