// The configuration schema: one table of keys, each with a reader (YAML node
// or DRAFTSMITH_* / flag text -> Config) and a writer (Config -> JSON), so the
// file, the environment, the flags and `config check` can never disagree on a
// key's name, type or range. The table is in schema_table.cpp, the file
// reader in schema_file.cpp, the value readers in yaml_values.cpp.

#include "draftsmith/config/config.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "schema_table.hpp"

namespace draftsmith::config {
namespace {

using namespace detail; // the key table and the value readers

void require_utf8(std::string_view value, const Where& where)
{
    if (text::invalid_utf8_at(value)) {
        fail(where, fmt::format("{}: the value is not valid UTF-8", where.key));
    }
}

std::string flag_name(std::string_view key)
{
    std::string name = "--";
    for (const char c : key) {
        name += (c == '_' || c == '.') ? '-' : c;
    }
    return name;
}

} // namespace

std::string environment_name(std::string_view key)
{
    const auto* field = find_field(key);
    if (field == nullptr || field->file_only) {
        return "";
    }
    std::string name = "DRAFTSMITH_";
    for (const char c : key) {
        name += c == '.' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    return name;
}

std::vector<std::string> known_keys()
{
    std::vector<std::string> keys;
    for (const auto& field : fields()) {
        keys.push_back(field.key);
    }
    return keys;
}

Config load_config(const Sources& sources)
{
    Config config;
    std::set<std::string> set_keys;
    if (sources.file_text) {
        apply_file(config, *sources.file_text, sources.file_name, set_keys);
    }
    for (const auto& field : fields()) {
        const auto name = environment_name(field.key);
        const auto it = name.empty() ? sources.environment.end() : sources.environment.find(name);
        if (it != sources.environment.end()) {
            require_utf8(it->second, Where{name, std::nullopt, field.key, false});
            field.set(config, YAML::Node(it->second), Where{name, std::nullopt, field.key, false});
            set_keys.insert(field.key);
        }
    }
    for (const auto& [flag, value] : sources.flags) {
        std::string key = flag;
        std::replace(key.begin(), key.end(), '-', '_');
        const auto* field = find_field(key);
        if (field == nullptr || field->file_only) {
            throw Error(ErrorCategory::usage,
                        fmt::format("{}: not a configuration key", flag_name(flag)));
        }
        require_utf8(value, Where{flag_name(key), std::nullopt, key, false});
        field->set(config, YAML::Node(value), Where{flag_name(key), std::nullopt, key, false});
        set_keys.insert(key);
    }
    // Provider-dependent defaults, once the provider is known.
    if (set_keys.count("model") == 0) {
        config.model = default_model(config.provider);
    }
    if (set_keys.count("base_url") == 0) {
        config.base_url = default_base_url(config.provider);
    }
    if (set_keys.count("api_key_env") == 0) {
        config.api_key_env = default_api_key_env(config.provider);
    }
    return config;
}

Config parse_config(std::string_view yaml, std::string_view source_name)
{
    Sources sources;
    sources.file_text = std::string(yaml);
    sources.file_name = std::string(source_name);
    return load_config(sources);
}

nlohmann::ordered_json to_json(const Config& config)
{
    Json out = Json::object();
    for (const auto& field : fields()) {
        const auto dot = field.key.find('.');
        if (dot == std::string::npos) {
            out[field.key] = field.get(config);
        } else {
            out[field.key.substr(0, dot)][field.key.substr(dot + 1)] = field.get(config);
        }
    }
    return out;
}

} // namespace draftsmith::config