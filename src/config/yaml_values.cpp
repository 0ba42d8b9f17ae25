// Reading one YAML value (or the text of a DRAFTSMITH_*
// variable or a flag, given as a YAML scalar) as a typed setting, and the
// Error(config) that says where a bad one is.
//
// Why values are checked by hand instead of with yaml-cpp's as<T>(): its
// conversions accept "1.5" as an int (truncated) and quoted "5" as a number,
// and throw without saying where. Every message here names the source, line
// and column, and the key.

#include "yaml_values.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <regex>

namespace draftsmith::config::detail {

[[noreturn]] void fail(const Where& where, const std::string& message)
{
    if (where.mark && !where.mark->is_null()) {
        throw Error(ErrorCategory::config,
                    fmt::format("{}:{}:{}: {}", where.source, where.mark->line + 1,
                                where.mark->column + 1, message));
    }
    throw Error(ErrorCategory::config, fmt::format("{}: {}", where.source, message));
}

Where at(Where where, const YAML::Node& node, std::string key)
{
    if (where.typed) {
        where.mark = node.Mark();
    }
    where.key = std::move(key);
    return where;
}

std::string describe(const YAML::Node& node)
{
    if (node.IsSequence()) {
        return "a list";
    }
    if (node.IsMap()) {
        return "a mapping";
    }
    if (!node.IsScalar()) {
        return "no value";
    }
    return fmt::format("'{}'", node.Scalar());
}

[[noreturn]] void fail_type(const YAML::Node& node, const Where& where, std::string_view expected)
{
    fail(where, fmt::format("{}: expected {}, got {}", where.key, expected, describe(node)));
}

bool is_quoted(const YAML::Node& node, const Where& where)
{
    return where.typed && node.Tag() == "!";
}

const std::string& read_scalar(const YAML::Node& node, const Where& where,
                               std::string_view expected)
{
    if (!node.IsScalar()) {
        fail_type(node, where, expected);
    }
    return node.Scalar();
}

std::string read_string(const YAML::Node& node, const Where& where)
{
    return read_scalar(node, where, "a string");
}

template <typename Number>
std::string range_text(Number min, Number max)
{
    if (max == std::numeric_limits<Number>::max()) {
        return fmt::format("at least {}", min);
    }
    return fmt::format("from {} to {}", min, max);
}

std::int64_t read_integer(const YAML::Node& node, const Where& where, std::int64_t min,
                          std::int64_t max)
{
    const auto expected = fmt::format("an integer {}", range_text(min, max));
    const auto& text = read_scalar(node, where, expected);
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (is_quoted(node, where) || text.empty() || stop != end ||
        (error != std::errc{} && error != std::errc::result_out_of_range)) {
        fail_type(node, where, expected);
    }
    if (error == std::errc::result_out_of_range || value < min || value > max) {
        fail(where, fmt::format("{}: {} is out of range: use an integer {}", where.key, text,
                                range_text(min, max)));
    }
    return value;
}

double read_number(const YAML::Node& node, const Where& where, double min, double max)
{
    const auto expected = fmt::format("a number {}", range_text(min, max));
    const auto& text = read_scalar(node, where, expected);
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (is_quoted(node, where) || text.empty() || stop != end || error != std::errc{} ||
        !std::isfinite(value)) {
        fail_type(node, where, expected);
    }
    if (value < min || value > max) {
        fail(where, fmt::format("{}: {} is out of range: use a number {}", where.key, text,
                                range_text(min, max)));
    }
    return value;
}

bool read_bool(const YAML::Node& node, const Where& where)
{
    const auto& text = read_scalar(node, where, "true or false");
    const auto lower = text::to_lower_ascii(text);
    if (!is_quoted(node, where)) {
        if (lower == "true" || lower == "yes" || lower == "on" || (!where.typed && lower == "1")) {
            return true;
        }
        if (lower == "false" || lower == "no" || lower == "off" || (!where.typed && lower == "0")) {
            return false;
        }
    }
    fail_type(node, where, "true or false");
}

// "90" (seconds), "30s", "5m", "1h", "1h30m".
Seconds read_duration(const YAML::Node& node, const Where& where, std::int64_t max_seconds)
{
    const auto expected = std::string("a duration such as 30s, 5m, 1h30m or a number of seconds");
    const auto& text = read_scalar(node, where, expected);
    std::int64_t total = 0;
    std::string_view rest = text;
    bool any = false;
    while (!rest.empty()) {
        std::int64_t amount = 0;
        const auto [stop, error] = std::from_chars(rest.data(), rest.data() + rest.size(), amount);
        if (error == std::errc::result_out_of_range || amount > max_seconds) {
            total = max_seconds + 1; // reported as out of range below
            any = true;
            break;
        }
        if (error != std::errc{} || amount < 0) {
            fail_type(node, where, expected);
        }
        rest.remove_prefix(static_cast<std::size_t>(stop - rest.data()));
        std::int64_t unit = 1;
        if (!rest.empty()) {
            switch (rest.front()) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = 86400;
                break;
            default:
                fail_type(node, where, expected);
            }
            rest.remove_prefix(1);
        } else if (any) {
            fail_type(node, where, expected); // "1h30": a unit is missing
        }
        total += amount * unit;
        any = true;
        if (total > max_seconds) {
            break;
        }
    }
    if (!any) {
        fail_type(node, where, expected);
    }
    if (total < 1 || total > max_seconds) {
        fail(where,
             fmt::format("{}: {} is out of range: use 1s to {}s", where.key, text, max_seconds));
    }
    return Seconds{total};
}

std::string read_choice(const YAML::Node& node, const Where& where,
                        const std::vector<std::string>& names)
{
    const auto& text = read_scalar(node, where, text::or_list(names));
    if (std::find(names.begin(), names.end(), text) != names.end()) {
        return text;
    }
    const auto near = text::closest_match(text, names);
    fail(where, fmt::format("{}: unknown value '{}'{}; use {}", where.key, text,
                            near ? fmt::format(" (did you mean '{}'?)", *near) : "",
                            text::or_list(names)));
}

Provider read_provider(const YAML::Node& node, const Where& where)
{
    return *parse_provider(
        read_choice(node, where, {"anthropic", "openai", "azure-openai", "replay"}));
}

Mode read_mode(const YAML::Node& node, const Where& where)
{
    return *parse_mode(read_choice(node, where, {"tools", "oneshot"}));
}

namespace {

void check_list_size(std::size_t entries, const Where& where)
{
    if (entries > limits::k_max_list_entries) {
        fail(where, fmt::format("{}: more than {} entries, the most a list may hold (see LIMITS "
                                "in man draftsmith)",
                                where.key, limits::k_max_list_entries));
    }
}

} // namespace

// A YAML list of strings; from a variable or a flag, comma-separated text.
std::vector<std::string> read_list(const YAML::Node& node, const Where& where)
{
    std::vector<std::string> items;
    if (!where.typed && node.IsScalar()) {
        std::string_view rest = node.Scalar();
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto item = text::trim(rest.substr(0, comma));
            if (!item.empty()) {
                check_list_size(items.size() + 1, where);
                items.emplace_back(item);
            }
            rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
        }
        return items;
    }
    if (!node.IsSequence()) {
        fail_type(node, where, "a list, e.g. [a, b]");
    }
    check_list_size(node.size(), where);
    for (const auto& item : node) {
        items.push_back(read_scalar(item, at(where, item, where.key), "a string"));
    }
    return items;
}

std::vector<std::string> read_regex_list(const YAML::Node& node, const Where& where)
{
    auto items = read_list(node, where);
    for (std::size_t i = 0; i < items.size(); ++i) {
        try {
            std::regex pattern(items[i], std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            const auto item_where = node.IsSequence() ? at(where, node[i], where.key) : where;
            fail(item_where, fmt::format("{}: '{}' is not a valid regular expression: {}",
                                         where.key, items[i], e.what()));
        }
    }
    return items;
}

const std::vector<std::string>& placeholders()
{
    static const std::vector<std::string> names{"pr", "comment", "slug", "i", "n"};
    return names;
}

namespace {

// What the template gives for a sample request, checked now rather than
// after the branches are pushed: a title the host refuses, or a branch name
// git refuses, must not leave a run half-published.
void check_rendered(const std::string& value, const Where& where, TemplateFor use)
{
    const auto sample = text::fill_placeholders(
        value, {{"pr", "7"}, {"comment", "100"}, {"slug", "edit"}, {"i", "1"}, {"n", "3"}});
    if (use == TemplateFor::title && text::trim(sample).empty()) {
        fail(where, fmt::format("{}: '{}' gives an empty title, which hosts refuse; write some "
                                "text, e.g. 'AI Edit v{{i}}: {{slug}}'",
                                where.key, value));
    }
    const bool control = std::any_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == '\x7F';
    });
    if (control) {
        fail(where, fmt::format("{}: control characters (a line break, a tab) are not allowed",
                                where.key));
    }
    if (use == TemplateFor::branch && !text::is_valid_branch_name(sample)) {
        fail(where, fmt::format("{}: '{}' gives '{}', which is not a valid git branch name (no "
                                "part may start with '.', no '@{{', no '.lock' or '.' at the end)",
                                where.key, value, sample));
    }
}

} // namespace

std::string read_template(const YAML::Node& node, const Where& where, TemplateFor use)
{
    auto value = read_string(node, where);
    bool has_index = false;
    for (std::size_t pos = 0; pos < value.size(); ++pos) {
        if (value[pos] == '}') {
            fail(where, fmt::format("{}: unmatched '}}' in '{}'", where.key, value));
        }
        if (value[pos] != '{') {
            continue;
        }
        const auto close = value.find('}', pos);
        if (close == std::string::npos) {
            fail(where, fmt::format("{}: unmatched '{{' in '{}'", where.key, value));
        }
        const auto name = value.substr(pos + 1, close - pos - 1);
        const auto& known = placeholders();
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            const auto near = text::closest_match(name, known);
            fail(where, fmt::format("{}: unknown placeholder '{{{}}}'{}; use {{pr}}, {{comment}}, "
                                    "{{slug}}, {{i}} or {{n}}",
                                    where.key, name,
                                    near ? fmt::format(" (did you mean '{{{}}}'?)", *near) : ""));
        }
        has_index = has_index || name == "i";
        pos = close;
    }
    if (use == TemplateFor::branch) {
        if (!has_index) {
            fail(where, fmt::format("{}: '{}' has no {{i}}: every variant needs its own branch",
                                    where.key, value));
        }
        if (value.find_first_of(" ~^:?*[\\") != std::string::npos ||
            value.find("..") != std::string::npos || value.front() == '/' || value.back() == '/' ||
            value.find("//") != std::string::npos) {
            fail(where, fmt::format("{}: '{}' is not a valid git branch name (no spaces, "
                                    "'..', '~^:?*[\\', or empty parts)",
                                    where.key, value));
        }
    }
    check_rendered(value, where, use);
    return value;
}

} // namespace draftsmith::config::detail
