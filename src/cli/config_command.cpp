#include "draftsmith/config/config.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "commands.hpp"

namespace draftsmith::cli {
namespace {

struct CheckOptions {
    std::string file;
    std::vector<std::string> settings;              // KEY=VALUE, as flags
    std::map<std::string, std::string> environment; // the DRAFTSMITH_* variables
};

constexpr const char* k_default_file = ".draftsmith.yml";

ExitCode run_check(const CheckOptions& options)
{
    config::Sources sources;
    if (options.file.empty()) {
        // No file is not an error: the defaults apply.
        std::error_code unknown; // cannot tell: read_all says why
        if (std::filesystem::exists(k_default_file, unknown) || unknown) {
            sources.file_text = file::read_all(k_default_file, limits::k_max_config_bytes);
        }
        sources.file_name = k_default_file;
    } else {
        sources.file_text = file::read_all(options.file, limits::k_max_config_bytes);
        sources.file_name = options.file == "-" ? "<stdin>" : options.file;
    }
    sources.environment = options.environment;
    for (const auto& setting : options.settings) {
        const auto equals = setting.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw Error(ErrorCategory::usage,
                        fmt::format("--set '{}': write --set KEY=VALUE, e.g. --set model=gpt-4.1",
                                    setting));
        }
        sources.flags[setting.substr(0, equals)] = setting.substr(equals + 1);
    }
    const auto config = config::load_config(sources);
    fmt::print("{}\n", config::to_json(config).dump(2));
    return ExitCode::success;
}

} // namespace

void add_config_command(CLI::App& app, Action& chosen, const trigger::Environment& environment)
{
    auto* command = app.add_subcommand("config", "Inspect the configuration");
    command->footer(k_help_footer);
    command->require_subcommand(1);
    auto* check = command->add_subcommand(
        "check", "Validate .draftsmith.yml and print the effective configuration as JSON");
    check->footer(k_help_footer);
    auto options = std::make_shared<CheckOptions>();
    options->environment = environment.draftsmith_variables();
    check->add_option("file", options->file,
                      "The configuration file (default ./.draftsmith.yml; none = defaults; "
                      "- reads standard input)");
    check
        ->add_option("--set", options->settings,
                     "KEY=VALUE: set a key as a command-line flag would (highest precedence); "
                     "repeatable")
        ->allow_extra_args(false); // --set k=v FILE: FILE is not a second setting
    check->callback([&chosen, options] { chosen = [options] { return run_check(*options); }; });
}

} // namespace draftsmith::cli
