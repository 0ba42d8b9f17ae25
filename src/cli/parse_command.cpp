#include "draftsmith/trigger/command.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"

namespace draftsmith::cli {
namespace {

struct ParseOptions {
    std::string text;
    int max_variants = trigger::k_default_max_variants;
};

ExitCode run_parse(const ParseOptions& options)
{
    const auto text =
        options.text == "-" ? file::read_all("-", limits::k_max_comment_bytes) : options.text;
    const auto result = trigger::parse_comment(text, options.max_variants);
    // Comments are not always valid UTF-8; the JSON always is.
    fmt::print("{}\n", trigger::to_json(result).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace));
    return std::holds_alternative<trigger::CommandError>(result) ? ExitCode::usage
                                                                 : ExitCode::success;
}

} // namespace

void add_parse_command(CLI::App& app, Action& chosen)
{
    auto* command = app.add_subcommand(
        "parse", "Parse a comment as an /edit command and print the result as JSON");
    command->footer(k_help_footer);
    auto options = std::make_shared<ParseOptions>();
    command
        ->add_option("--max-variants", options->max_variants,
                     "Largest N allowed in /N, 1 to 10 (default 5)")
        ->check(CLI::Range(1, 10));
    command
        ->add_option("text", options->text,
                     "The comment; - reads it from standard input (put -- before a comment "
                     "that starts with -)")
        ->required();
    command->callback([&chosen, options] { chosen = [options] { return run_parse(*options); }; });
}

} // namespace draftsmith::cli
