#include "draftsmith/cli/cli.hpp"

#include "draftsmith/git/library.hpp"
#include "draftsmith/trigger/environment.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/version.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>

#include "commands.hpp"

namespace draftsmith::cli {
namespace {

struct GlobalOptions {
    std::string log_level = "info";
    std::string log_format = "text";
    std::string color = "auto";
};

void add_global_options(CLI::App& app, GlobalOptions& options)
{
    app.set_version_flag("--version", fmt::format("draftsmith {}", k_version),
                         "Print the version and exit");
    auto* group = app.add_option_group("Logging", "Diagnostics on stderr");
    group
        ->add_option("--log-level", options.log_level,
                     "error, warning, info, debug or trace (default info)")
        ->check(CLI::IsMember({"error", "warning", "info", "debug", "trace"}))
        ->envname("DRAFTSMITH_LOG_LEVEL");
    group->add_option("--log-format", options.log_format, "text or json lines (default text)")
        ->check(CLI::IsMember({"text", "json"}))
        ->envname("DRAFTSMITH_LOG_FORMAT");
    group->add_option("--color", options.color, "auto, always or never (default auto)")
        ->check(CLI::IsMember({"auto", "always", "never"}));
}

void print_error(const std::string& message)
{
    std::fprintf(stderr, "draftsmith: error: %s\n", redacted(message).c_str());
}

} // namespace

int run(int argc, char** argv)
{
    // Read once, before any thread starts and before anything can print: it
    // registers every secret it holds, for every command (apply commits and
    // pushes too).
    const auto environment = trigger::read_environment(trigger::process_variables());
    git::use_ssl_cert_file(environment.ssl_cert_file);
    CLI::App app{"draftsmith: turn one pull-request comment into N draft pull requests, "
                 "each a different attempt at the requested change.",
                 "draftsmith"};
    app.footer(k_help_footer);
    app.require_subcommand(1);
    app.fallthrough();

    GlobalOptions options;
    add_global_options(app, options);

    Action chosen;
    add_run_command(app, chosen, environment);
    add_parse_command(app, chosen);
    add_apply_command(app, chosen, environment);
    add_config_command(app, chosen, environment);
    add_version_command(app, chosen);
    add_checks_command(app, chosen, environment);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Help and --version are "errors" to CLI11 with code 0; every real
        // usage error is our exit code 2, whatever CLI11's own number.
        return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::usage);
    }

    try {
        auto color = *log::parse_color(options.color);
        if (color == log::Color::automatic && environment.no_color) {
            color = log::Color::never; // NO_COLOR (no-color.org) turns "auto" off
        }
        log::configure(*log::parse_level(options.log_level), *log::parse_format(options.log_format),
                       color);
        return static_cast<int>(chosen());
    } catch (const Error& e) {
        print_error(e.what());
        return static_cast<int>(exit_code_for(e.category()));
    } catch (const std::exception& e) {
        print_error(fmt::format("internal error: {}", e.what()));
        return static_cast<int>(ExitCode::some_failed);
    }
}

} // namespace draftsmith::cli
