#include "draftsmith/trigger/command.hpp"

#include "draftsmith/trigger/hidden.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "fence.hpp"

// Why the grammar looks at lines, fences and quotes itself instead of using a
// Markdown parser: only three Markdown facts matter (fenced code, `>` quotes,
// line starts), and each must behave exactly as the manual says, including on
// half-written comments that a Markdown renderer would forgive.

namespace draftsmith::trigger {
namespace {

using detail::FenceTracker;

constexpr std::size_t k_max_slug_length = 40;
constexpr std::string_view k_fallback_slug = "edit";

bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view skip_blanks(std::string_view text)
{
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    return text;
}

// "\r\n" and lone "\r" become "\n".
std::string normalised_newlines(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else {
            out += text[i];
        }
    }
    return out;
}

std::vector<std::string_view> lines_of(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find('\n', start);
        lines.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return lines;
}

bool is_quote(std::string_view line)
{
    line = skip_blanks(line);
    return !line.empty() && line.front() == '>';
}

// What follows "/edit" on a command line, or nullopt when the line is no command.
std::optional<std::string_view> after_edit_keyword(std::string_view line)
{
    constexpr std::string_view keyword = "/edit";
    line = skip_blanks(line);
    if (line.size() < keyword.size() ||
        !text::iequals_ascii(line.substr(0, keyword.size()), keyword)) {
        return std::nullopt;
    }
    const auto rest = line.substr(keyword.size());
    if (!rest.empty() && !is_blank(rest.front())) {
        return std::nullopt; // "/editor", "/edit-it": not the whole word
    }
    return rest;
}

std::string example(int max_variants)
{
    return fmt::format("'/edit /{} make the buttons red'", std::min(3, max_variants));
}

std::optional<std::string> parse_variant_count(std::string_view token, int max_variants, int& count)
{
    const auto digits = token.substr(1);
    int value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    const bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(), is_digit);
    if (!all_digits || end != digits.data() + digits.size()) {
        return fmt::format("'{}' is not a number of variants: write /N with N from 1 to {}, "
                           "e.g. {}",
                           token, max_variants, example(max_variants));
    }
    if (error == std::errc::result_out_of_range || value < 1 || value > max_variants) {
        return fmt::format("'{}' asks for {} variants, but 1 to {} are allowed: write /1 to /{}, "
                           "e.g. {}",
                           token, digits, max_variants, max_variants, example(max_variants));
    }
    count = value;
    return std::nullopt;
}

bool is_option_key(std::string_view key)
{
    return !key.empty() && is_alpha(key.front()) && std::all_of(key.begin(), key.end(), [](char c) {
        return is_alpha(c) || is_digit(c) || c == '_' || c == '-';
    });
}

std::string known_keys_list()
{
    return fmt::format("{}", fmt::join(known_option_keys(), ", "));
}

std::optional<std::string> check_option_value(const std::string& key, std::string_view value)
{
    if (value.empty()) {
        return fmt::format("option '{}' has no value: write {}=VALUE with no spaces around '='",
                           key, key);
    }
    if (key == "mode" && value != "tools" && value != "oneshot") {
        return fmt::format("mode '{}' is not known: write mode=tools or mode=oneshot", value);
    }
    if (key == "provider" && value != "anthropic" && value != "openai" && value != "azure-openai" &&
        value != "replay") {
        return fmt::format("provider '{}' is not known: write provider=anthropic, "
                           "provider=openai, provider=azure-openai or provider=replay",
                           value);
    }
    if (key == "files") {
        if (value.front() == ',' || value.back() == ',' ||
            value.find(",,") != std::string_view::npos) {
            return fmt::format("files '{}' has an empty entry: write files=PATH[,PATH...]", value);
        }
    }
    return std::nullopt;
}

// Splits "[/N] [key=value ...] [--] intent" from the command line's rest.
// Returns an error message, or fills `command` and the intent's first line.
std::optional<std::string> parse_arguments(std::string_view rest, int max_variants,
                                           Command& command, std::string_view& first_line)
{
    bool first = true;
    while (true) {
        rest = skip_blanks(rest);
        const auto token_end =
            std::min(std::find_if(rest.begin(), rest.end(), is_blank) - rest.begin(),
                     static_cast<std::ptrdiff_t>(rest.size()));
        const auto token = rest.substr(0, static_cast<std::size_t>(token_end));
        if (token.empty()) {
            break;
        }
        if (first && token.size() > 1 && token.front() == '/' &&
            (is_digit(token[1]) || token[1] == '-' || token[1] == '+')) {
            if (auto error = parse_variant_count(token, max_variants, command.variants)) {
                return error;
            }
            first = false;
            rest.remove_prefix(token.size());
            continue;
        }
        first = false;
        if (token == "--") {
            rest.remove_prefix(token.size());
            break;
        }
        const auto equals = token.find('=');
        if (equals == std::string_view::npos || !is_option_key(token.substr(0, equals))) {
            break; // the intent starts here
        }
        const auto key = text::to_lower_ascii(token.substr(0, equals));
        const auto value = token.substr(equals + 1);
        const auto& known = known_option_keys();
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            const auto near = text::closest_match(key, known);
            return fmt::format("unknown option '{}'{}; the known options are {}. Write "
                               "key=value before the intent, or '--' to start the intent",
                               key, near ? fmt::format(" (did you mean '{}'?)", *near) : "",
                               known_keys_list());
        }
        if (command.options.count(key) != 0) {
            return fmt::format("option '{}' is given twice: write it once", key);
        }
        if (auto error = check_option_value(key, value)) {
            return error;
        }
        command.options.emplace(key, std::string(value));
        rest.remove_prefix(token.size());
    }
    first_line = rest;
    return std::nullopt;
}

// The intent: the command line's remainder and every following line. Lines
// outside fenced code lose trailing blanks; fenced code is kept verbatim.
std::string collect_intent(std::string_view first_line, const std::vector<std::string_view>& lines,
                           std::size_t next)
{
    std::string intent(text::trim_right(first_line));
    FenceTracker fences;
    for (std::size_t i = next; i < lines.size(); ++i) {
        intent += '\n';
        if (fences.in_code(lines[i])) {
            intent += lines[i];
        } else {
            intent += text::trim_right(lines[i]);
        }
    }
    return std::string(text::trim(intent));
}

// --- slug -------------------------------------------------------------------

// Transliterations for U+00C0..U+00FF; "" drops the character.
constexpr std::string_view k_latin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",
};

// Transliterations for U+0100..U+017F (Latin Extended-A), as runs.
struct Run {
    std::string_view ascii;
    int count;
};
constexpr Run k_latin_extended_a[] = {
    {"a", 6}, {"c", 8},  {"d", 4},  {"e", 10}, {"g", 8}, {"h", 4},  {"i", 10}, {"ij", 2},
    {"j", 2}, {"k", 3},  {"l", 10}, {"n", 9},  {"o", 6}, {"oe", 2}, {"r", 6},  {"s", 8},
    {"t", 6}, {"u", 12}, {"w", 2},  {"y", 3},  {"z", 6}, {"s", 1},
};

std::string_view transliterated(char32_t code_point)
{
    if (code_point >= 0xC0 && code_point <= 0xFF) {
        return k_latin1[code_point - 0xC0];
    }
    if (code_point >= 0x100 && code_point <= 0x17F) {
        auto offset = static_cast<int>(code_point - 0x100);
        for (const auto& run : k_latin_extended_a) {
            if (offset < run.count) {
                return run.ascii;
            }
            offset -= run.count;
        }
    }
    if (code_point == 0x1E9E) {
        return "ss"; // capital sharp s
    }
    return "";
}

// Decodes one UTF-8 sequence at the start of `text`; an invalid byte decodes
// as U+FFFD and consumes one byte.
char32_t next_code_point(std::string_view& text)
{
    const auto lead = static_cast<unsigned char>(text.front());
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || length > text.size()) {
        text.remove_prefix(1);
        return 0xFFFD;
    }
    char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if ((byte >> 6) != 0x2) {
            text.remove_prefix(1);
            return 0xFFFD;
        }
        code_point = (code_point << 6) | (byte & 0x3F);
    }
    text.remove_prefix(length);
    return code_point;
}

void add_words(std::string_view line, std::vector<std::string>& words)
{
    std::string word;
    auto finish_word = [&] {
        if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    };
    while (!line.empty()) {
        const auto code_point = next_code_point(line);
        if (code_point < 0x80) {
            const auto c = static_cast<char>(code_point);
            if (is_alpha(c) || is_digit(c)) {
                word += text::to_lower_ascii(std::string_view(&c, 1));
            } else if (c != '\'') {
                finish_word(); // "don't" is one word, "a-b" two
            }
        } else if (code_point != 0x2019) { // ’ like '
            word += transliterated(code_point);
        }
    }
    finish_word();
}

} // namespace

const std::vector<std::string>& known_option_keys()
{
    static const std::vector<std::string> keys{"model", "provider", "files", "mode"};
    return keys;
}

std::string make_slug(std::string_view intent)
{
    const auto normalised = normalised_newlines(intent);
    std::vector<std::string> words;
    FenceTracker fences;
    for (const auto line : lines_of(normalised)) {
        if (!fences.in_code(line)) {
            add_words(line, words);
        }
    }
    std::string slug;
    for (const auto& word : words) {
        const auto needed = word.size() + (slug.empty() ? 0 : 1);
        if (slug.size() + needed > k_max_slug_length) {
            if (slug.empty()) {
                slug = word.substr(0, k_max_slug_length); // one very long word
            }
            break;
        }
        if (!slug.empty()) {
            slug += '-';
        }
        slug += word;
    }
    return slug.empty() ? std::string(k_fallback_slug) : slug;
}

namespace {

// A command whose line or intent holds an invisible character is refused:
// it could tell the model what no reviewer sees (trigger/hidden.hpp).
std::optional<std::string> hidden_character_error(const std::vector<std::string_view>& lines,
                                                  std::size_t first)
{
    for (std::size_t i = first; i < lines.size(); ++i) {
        if (const auto hidden = find_hidden_character(lines[i])) {
            return fmt::format("the /edit command holds an invisible character (U+{:04X}) on "
                               "line {}: remove it, so that what runs is what everyone reads",
                               static_cast<std::uint32_t>(hidden->code_point), i + 1);
        }
    }
    return std::nullopt;
}

} // namespace

ParseResult parse_comment(std::string_view text, int max_variants)
{
    max_variants = std::max(1, max_variants);
    if (text.size() > limits::k_max_comment_bytes) {
        // Not parsed line by line: no host keeps a comment this long.
        if (text.find("/edit") == std::string_view::npos) {
            return NotACommand{};
        }
        return CommandError{fmt::format("the comment is larger than {}, the most draftsmith "
                                        "reads; write a shorter request",
                                        limits::describe_bytes(limits::k_max_comment_bytes))};
    }
    // What renders as nothing never counts: an /edit inside <!-- --> is no
    // command, and a comment's hidden part is no part of the intent.
    const auto normalised = without_html_comments(normalised_newlines(text));
    const auto lines = lines_of(normalised);

    FenceTracker fences;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (fences.in_code(lines[i]) || is_quote(lines[i])) {
            continue;
        }
        const auto rest = after_edit_keyword(lines[i]);
        if (!rest) {
            continue;
        }
        if (auto error = hidden_character_error(lines, i)) {
            return CommandError{std::move(*error)};
        }
        Command command;
        std::string_view first_line;
        if (auto error = parse_arguments(*rest, max_variants, command, first_line)) {
            return CommandError{std::move(*error)};
        }
        command.intent = collect_intent(first_line, lines, i + 1);
        if (command.intent.empty()) {
            return CommandError{fmt::format("the /edit command says nothing to do: write what to "
                                            "change after it, e.g. {}",
                                            example(max_variants))};
        }
        command.slug = make_slug(command.intent);
        return command;
    }
    return NotACommand{};
}

nlohmann::ordered_json to_json(const ParseResult& result)
{
    nlohmann::ordered_json out;
    if (const auto* command = std::get_if<Command>(&result)) {
        out["command"] = "edit";
        out["variants"] = command->variants;
        out["intent"] = command->intent;
        out["options"] = nlohmann::ordered_json::object();
        for (const auto& [key, value] : command->options) {
            out["options"][key] = value;
        }
        out["slug"] = command->slug;
    } else if (const auto* error = std::get_if<CommandError>(&result)) {
        out["error"] = error->message;
    } else {
        out["command"] = nullptr;
    }
    return out;
}

} // namespace draftsmith::trigger
