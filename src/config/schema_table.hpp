#pragma once
// Internal to config/: the table of configuration keys (schema_table.cpp),
// which the file reader (schema_file.cpp) and the loader (schema.cpp) share,
// so the file, the environment, the flags and `config check` can never
// disagree on a key's name, type or range.

#include "draftsmith/config/config.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "yaml_values.hpp"

namespace draftsmith::config::detail {

using Json = nlohmann::ordered_json;

using Setter = std::function<void(Config&, const YAML::Node&, const Where&)>;
using Getter = std::function<Json(const Config&)>;

struct Field {
    std::string key; // dotted
    Setter set;
    Getter get;
    bool file_only = false; // variants, prices
};

// The keys in the manual's order.
const std::vector<Field>& fields();

// The key's field; null when there is none.
const Field* find_field(std::string_view key);

// The names allowed directly under `section` ("" = top level).
std::vector<std::string> names_under(std::string_view section);

// Whether `name` is a section (a mapping of keys) rather than a key.
bool is_section(std::string_view name);

// Throws Error(config) at `where`: `key` is unknown, with the closest of
// `known` as a hint (or all of them).
[[noreturn]] void fail_unknown_key(const Where& where, const std::string& key,
                                   const std::vector<std::string>& known);

// Walks a YAML mapping, rejecting duplicate and non-scalar keys.
template <typename Visit>
void for_each_entry(const YAML::Node& map, const Where& where, Visit visit)
{
    std::map<std::string, int> seen;
    for (const auto& entry : map) {
        const auto& key_node = entry.first;
        const auto key_where = at(where, key_node, where.key);
        if (!key_node.IsScalar()) {
            fail(key_where, "keys must be plain names");
        }
        const auto& key = key_node.Scalar();
        const auto [it, inserted] = seen.emplace(key, key_node.Mark().line + 1);
        if (!inserted) {
            fail(key_where, fmt::format("duplicate key '{}' (first at line {})", key, it->second));
        }
        visit(key, key_node, entry.second);
    }
}

// Reads the file's YAML text (one document, a mapping) into `config`,
// adding the keys it set to `set_keys`. Throws Error(config) naming the
// source, line and column of what is wrong (schema_file.cpp).
void apply_file(Config& config, std::string_view yaml, const std::string& source,
                std::set<std::string>& set_keys);

} // namespace draftsmith::config::detail
