#pragma once
// Internal to config/: reading one YAML value (or the text of a DRAFTSMITH_*
// variable or a flag, given as a YAML scalar) as a typed setting, and the
// Error(config) that says where a bad one is.
//
// Why values are checked by hand instead of with yaml-cpp's as<T>(): its
// conversions accept "1.5" as an int (truncated) and quoted "5" as a number,
// and throw without saying where. Every message here names the source, line
// and column, and the key.

#include "draftsmith/config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::config::detail {

// Where a value comes from, for messages.
struct Where {
    std::string source;             // file name, variable name or flag
    std::optional<YAML::Mark> mark; // file values only
    std::string key;                // dotted key, e.g. "limits.turns"
    bool typed = false;             // true for YAML: a quoted scalar is a string
};

// Throws Error(config): "SOURCE:LINE:COL: message" or "SOURCE: message".
[[noreturn]] void fail(const Where& where, const std::string& message);
// "KEY: expected EXPECTED, got WHAT-THE-NODE-IS".
[[noreturn]] void fail_type(const YAML::Node& node, const Where& where, std::string_view expected);

// `where` pointing at `node` (file values only) and naming `key`.
Where at(Where where, const YAML::Node& node, std::string key);
// "a list", "a mapping", "no value" or the scalar in quotes.
std::string describe(const YAML::Node& node);

// Each reader throws through fail()/fail_type() for a wrong type or a value
// out of its range.
const std::string& read_scalar(const YAML::Node& node, const Where& where,
                               std::string_view expected);
std::string read_string(const YAML::Node& node, const Where& where);
std::int64_t read_integer(const YAML::Node& node, const Where& where, std::int64_t min,
                          std::int64_t max);
double read_number(const YAML::Node& node, const Where& where, double min, double max);
bool read_bool(const YAML::Node& node, const Where& where);
// "90" (seconds), "30s", "5m", "1h", "1h30m", "1d"; 1 s to max_seconds.
Seconds read_duration(const YAML::Node& node, const Where& where, std::int64_t max_seconds);
// One of `names`, with a did-you-mean for a near miss.
std::string read_choice(const YAML::Node& node, const Where& where,
                        const std::vector<std::string>& names);
Provider read_provider(const YAML::Node& node, const Where& where);
Mode read_mode(const YAML::Node& node, const Where& where);
// A YAML list of strings; from a variable or a flag, comma-separated text.
std::vector<std::string> read_list(const YAML::Node& node, const Where& where);
// A list of ECMAScript regular expressions, each compiled once to check it.
std::vector<std::string> read_regex_list(const YAML::Node& node, const Where& where);

enum class TemplateFor { branch, title };
// A template with the placeholders {pr} {comment} {slug} {i} {n}; a branch
// template must hold {i} and make a valid branch name.
std::string read_template(const YAML::Node& node, const Where& where, TemplateFor use);

} // namespace draftsmith::config::detail
