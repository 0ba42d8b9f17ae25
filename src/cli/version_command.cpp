#include "draftsmith/version.hpp"

#include <fmt/format.h>

#include "commands.hpp"

namespace draftsmith::cli {

void add_version_command(CLI::App& app, Action& chosen)
{
    auto* command = app.add_subcommand("version", "Print the version and exit");
    command->footer(k_help_footer);
    command->callback([&chosen] {
        chosen = [] {
            fmt::print("draftsmith {}\n", k_version);
            return ExitCode::success;
        };
    });
}

} // namespace draftsmith::cli
