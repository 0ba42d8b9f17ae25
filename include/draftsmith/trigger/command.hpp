#pragma once
// The comment grammar: is a pull-request comment an `/edit` command, and if so,
// what does it ask for?
//
//     /edit [/N] [key=value ...] [--] intent...
//
// parse_comment() never throws for any text: a comment that is no command is
// NotACommand (nothing to do, exit 0), a malformed command is a CommandError
// whose message says what is wrong and how to write it (replied on the PR,
// exit 2). The rules are in man draftsmith, COMMENT GRAMMAR.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace draftsmith::trigger {

// The comment holds no command line (or only quoted or fenced ones).
struct NotACommand {};

// A well-formed `/edit` command.
struct Command {
    int variants = 1;                           // /N, 1 when absent
    std::string intent;                         // what to change; may span lines, holds fences
    std::map<std::string, std::string> options; // key=value before the intent (known keys only)
    std::string slug;                           // short ASCII name for branches and titles
};

// A command line that breaks the grammar; `message` is meant for the commenter.
struct CommandError {
    std::string message;
};

using ParseResult = std::variant<NotACommand, Command, CommandError>;

// The default of the `max_variants` configuration key.
inline constexpr int k_default_max_variants = 5;

// The option keys a command may set: model, provider, files, mode.
const std::vector<std::string>& known_option_keys();

// Parses a whole comment. `max_variants` (>= 1) bounds /N.
ParseResult parse_comment(std::string_view text, int max_variants = k_default_max_variants);

// The slug of an intent: lowercase ASCII words joined by '-', at most 40
// characters cut at a word boundary, common accented letters transliterated
// (ä→a, ß→ss, é→e), other non-ASCII dropped, fenced code ignored; "edit" when
// nothing is left.
std::string make_slug(std::string_view intent);

// The JSON `draftsmith parse` prints:
//   {"command":"edit","variants":N,"intent":"...","options":{...},"slug":"..."}
//   {"command":null}
//   {"error":"..."}
nlohmann::ordered_json to_json(const ParseResult& result);

} // namespace draftsmith::trigger
