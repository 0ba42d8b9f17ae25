// The table of configuration keys: each with a reader (YAML node or
// DRAFTSMITH_* / flag text -> Config) and a writer (Config -> JSON). The
// value readers are in yaml_values.cpp; the file and the loader use the
// table through schema_table.hpp.

#include "schema_table.hpp"

#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace draftsmith::config::detail {
namespace {

template <typename Access>
Field string_field(std::string key, Access access)
{
    return {
        std::move(key),
        [access](Config& c, const YAML::Node& n, const Where& w) { access(c) = read_string(n, w); },
        [access](const Config& c) { return Json(access(c)); }};
}

template <typename Access>
Field integer_field(std::string key, Access access, std::int64_t min, std::int64_t max)
{
    return {std::move(key),
            [access, min, max](Config& c, const YAML::Node& n, const Where& w) {
                auto& target = access(c);
                target = static_cast<std::remove_reference_t<decltype(target)>>(
                    read_integer(n, w, min, max));
            },
            [access](const Config& c) { return Json(access(c)); }};
}

template <typename Access>
Field number_field(std::string key, Access access, double min, double max)
{
    return {std::move(key),
            [access, min, max](Config& c, const YAML::Node& n, const Where& w) {
                access(c) = read_number(n, w, min, max);
            },
            [access](const Config& c) { return Json(access(c)); }};
}

template <typename Access>
Field duration_field(std::string key, Access access, std::int64_t max_seconds)
{
    return {std::move(key),
            [access, max_seconds](Config& c, const YAML::Node& n, const Where& w) {
                access(c) = read_duration(n, w, max_seconds);
            },
            [access](const Config& c) { return Json(access(c).count()); }};
}

template <typename Access>
Field list_field(std::string key, Access access)
{
    return {
        std::move(key),
        [access](Config& c, const YAML::Node& n, const Where& w) { access(c) = read_list(n, w); },
        [access](const Config& c) { return Json(access(c)); }};
}

Json optional_json(const std::optional<double>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

template <typename T, typename Convert>
Json optional_json(const std::optional<T>& value, Convert convert)
{
    return value ? Json(convert(*value)) : Json(nullptr);
}

// One `variants` entry's keys.
const std::vector<std::string>& variant_keys()
{
    static const std::vector<std::string> keys{"provider",    "model", "base_url", "api_key_env",
                                               "temperature", "mode",  "hint"};
    return keys;
}

constexpr int k_max_variants_limit = 10;

VariantOverride read_variant(const YAML::Node& node, const Where& where)
{
    if (!node.IsMap()) {
        fail_type(node, where,
                  "a mapping of provider, model, base_url, api_key_env, "
                  "temperature, mode, hint");
    }
    VariantOverride variant;
    for_each_entry(
        node, where,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
            const auto value_where =
                at(where, value.IsNull() ? key_node : value, fmt::format("{}.{}", where.key, key));
            if (key == "provider") {
                variant.provider = read_provider(value, value_where);
            } else if (key == "model") {
                variant.model = read_string(value, value_where);
            } else if (key == "base_url") {
                variant.base_url = read_string(value, value_where);
            } else if (key == "api_key_env") {
                variant.api_key_env = read_string(value, value_where);
            } else if (key == "temperature") {
                variant.temperature = read_number(value, value_where, 0.0, 2.0);
            } else if (key == "mode") {
                variant.mode = read_mode(value, value_where);
            } else if (key == "hint") {
                variant.hint = read_string(value, value_where);
            } else {
                fail_unknown_key(at(where, key_node, where.key), key, variant_keys());
            }
        });
    return variant;
}

void read_variants(Config& config, const YAML::Node& node, const Where& where)
{
    if (!node.IsSequence()) {
        fail_type(node, where, "a list of mappings, one per variant");
    }
    if (node.size() > static_cast<std::size_t>(k_max_variants_limit)) {
        fail(where, fmt::format("variants: {} entries, but there are at most {} variants",
                                node.size(), k_max_variants_limit));
    }
    config.variants.clear();
    for (std::size_t i = 0; i < node.size(); ++i) {
        config.variants.push_back(
            read_variant(node[i], at(where, node[i], fmt::format("variants[{}]", i + 1))));
    }
}

Json variants_json(const Config& config)
{
    auto out = Json::array();
    for (const auto& v : config.variants) {
        Json entry;
        entry["provider"] = optional_json(v.provider, [](Provider p) { return to_string(p); });
        entry["model"] = optional_json(v.model, [](const std::string& s) { return s; });
        entry["base_url"] = optional_json(v.base_url, [](const std::string& s) { return s; });
        entry["api_key_env"] = optional_json(v.api_key_env, [](const std::string& s) { return s; });
        entry["temperature"] = optional_json(v.temperature);
        entry["mode"] = optional_json(v.mode, [](Mode m) { return to_string(m); });
        entry["hint"] = optional_json(v.hint, [](const std::string& s) { return s; });
        out.push_back(std::move(entry));
    }
    return out;
}

void read_prices(Config& config, const YAML::Node& node, const Where& where)
{
    if (!node.IsMap()) {
        fail_type(node, where, "a mapping of model names to prices");
    }
    const std::vector<std::string> keys{"input", "output", "cache_write", "cache_read"};
    config.prices.clear();
    for_each_entry(
        node, where,
        [&](const std::string& model, const YAML::Node& model_node, const YAML::Node& value) {
            const auto model_where =
                at(where, value.IsNull() ? model_node : value, fmt::format("prices.{}", model));
            if (!value.IsMap()) {
                fail_type(value, model_where,
                          "a mapping of input, output, cache_write, cache_read (USD per million "
                          "tokens)");
            }
            Price price;
            std::set<std::string> given;
            for_each_entry(
                value, model_where,
                [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& amount) {
                    const auto amount_where = at(model_where, amount.IsNull() ? key_node : amount,
                                                 fmt::format("prices.{}.{}", model, key));
                    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                        fail_unknown_key(at(model_where, key_node, model_where.key), key, keys);
                    }
                    const double usd = read_number(amount, amount_where, 0.0, 1'000'000.0);
                    if (key == "input") {
                        price.input = usd;
                    } else if (key == "output") {
                        price.output = usd;
                    } else if (key == "cache_write") {
                        price.cache_write = usd;
                    } else {
                        price.cache_read = usd;
                    }
                    given.insert(key);
                });
            if (given.count("input") == 0 || given.count("output") == 0) {
                fail(at(model_where, model_node, model_where.key),
                     fmt::format("prices.{}: both input and output are required", model));
            }
            config.prices[model] = price;
        });
}

Json prices_json(const Config& config)
{
    auto out = Json::object();
    for (const auto& [model, price] : config.prices) {
        Json entry;
        entry["input"] = price.input;
        entry["output"] = price.output;
        entry["cache_write"] = optional_json(price.cache_write);
        entry["cache_read"] = optional_json(price.cache_read);
        out[model] = std::move(entry);
    }
    return out;
}

constexpr std::int64_t k_day = 86'400;

} // namespace

// The keys in the manual's order. Accessors are generic lambdas so that one
// serves both the reader (Config&) and the writer (const Config&).
// NOLINTBEGIN(readability-function-size): a table, one key a line
const std::vector<Field>& fields()
{
    static const std::vector<Field> table = [] {
        std::vector<Field> t;
        t.push_back({"provider",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.provider = read_provider(n, w);
                     },
                     [](const Config& c) { return Json(to_string(c.provider)); }});
        t.push_back(string_field(
            "model", [](auto& c) -> auto& { return c.model; }));
        t.push_back(string_field(
            "base_url", [](auto& c) -> auto& { return c.base_url; }));
        t.push_back(string_field(
            "api_key_env", [](auto& c) -> auto& { return c.api_key_env; }));
        t.push_back(string_field(
            "api_version", [](auto& c) -> auto& { return c.api_version; }));
        t.push_back({"temperature",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         if (n.IsNull() || (!w.typed && n.IsScalar() && n.Scalar().empty())) {
                             c.temperature.reset();
                         } else {
                             c.temperature = read_number(n, w, 0.0, 2.0);
                         }
                     },
                     [](const Config& c) { return optional_json(c.temperature); }});
        t.push_back(integer_field(
            "max_output_tokens", [](auto& c) -> auto& { return c.max_output_tokens; }, 1,
            1'000'000));
        t.push_back(
            {"mode",
             [](Config& c, const YAML::Node& n, const Where& w) { c.mode = read_mode(n, w); },
             [](const Config& c) { return Json(to_string(c.mode)); }});
        t.push_back(string_field(
            "replay", [](auto& c) -> auto& { return c.replay; }));
        t.push_back(
            {"host",
             [](Config& c, const YAML::Node& n, const Where& w) {
                 const auto name = read_choice(n, w, {"auto", "github", "azure-devops", "local"});
                 c.host = name == "github"         ? HostKind::github
                          : name == "azure-devops" ? HostKind::azure_devops
                          : name == "local"        ? HostKind::local
                                                   : HostKind::automatic;
             },
             [](const Config& c) { return Json(to_string(c.host)); }});
        t.push_back(integer_field(
            "max_variants", [](auto& c) -> auto& { return c.max_variants; }, 1,
            k_max_variants_limit));
        t.push_back(integer_field(
            "jobs", [](auto& c) -> auto& { return c.jobs; }, 0, 64));
        t.push_back({"cache_warmup",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.cache_warmup = read_choice(n, w, {"auto", "off"}) == "off"
                                              ? CacheWarmup::off
                                              : CacheWarmup::automatic;
                     },
                     [](const Config& c) { return Json(to_string(c.cache_warmup)); }});
        t.push_back({"variants", read_variants, variants_json, true});
        t.push_back(integer_field(
            "limits.turns", [](auto& c) -> auto& { return c.limits.turns; }, 1, 1000));
        t.push_back(integer_field(
            "limits.tokens", [](auto& c) -> auto& { return c.limits.tokens; }, 1,
            std::numeric_limits<std::int64_t>::max()));
        t.push_back(number_field(
            "limits.cost_usd", [](auto& c) -> auto& { return c.limits.cost_usd; }, 0.01,
            100'000.0));
        t.push_back(duration_field(
            "limits.time", [](auto& c) -> auto& { return c.limits.time; }, k_day));
        t.push_back(integer_field(
            "budget.tokens", [](auto& c) -> auto& { return c.budget.tokens; }, 1,
            std::numeric_limits<std::int64_t>::max()));
        t.push_back(number_field(
            "budget.cost_usd", [](auto& c) -> auto& { return c.budget.cost_usd; }, 0.01,
            100'000.0));
        t.push_back(duration_field(
            "budget.time", [](auto& c) -> auto& { return c.budget.time; }, k_day));
        t.push_back({"prices", read_prices, prices_json, true});
        t.push_back({"branch_template",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.branch_template = read_template(n, w, TemplateFor::branch);
                     },
                     [](const Config& c) { return Json(c.branch_template); }});
        t.push_back({"title_template",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.title_template = read_template(n, w, TemplateFor::title);
                     },
                     [](const Config& c) { return Json(c.title_template); }});
        t.push_back(string_field(
            "commit.name", [](auto& c) -> auto& { return c.commit.name; }));
        t.push_back(string_field(
            "commit.email", [](auto& c) -> auto& { return c.commit.email; }));
        t.push_back(list_field(
            "protected_paths", [](auto& c) -> auto& { return c.protected_paths; }));
        t.push_back({"allow_protected",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.allow_protected = read_bool(n, w);
                     },
                     [](const Config& c) { return Json(c.allow_protected); }});
        t.push_back(list_field(
            "allowed_users", [](auto& c) -> auto& { return c.allowed_users; }));
        t.push_back(list_field(
            "allowed_groups", [](auto& c) -> auto& { return c.allowed_groups; }));
        t.push_back({"forks",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.forks = read_choice(n, w, {"refuse", "allow"}) == "allow"
                                       ? ForkPolicy::allow
                                       : ForkPolicy::refuse;
                     },
                     [](const Config& c) { return Json(to_string(c.forks)); }});
        t.push_back({"incomplete", // issue 17
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.incomplete = read_choice(n, w, {"keep", "drop"}) == "drop"
                                            ? IncompletePolicy::drop
                                            : IncompletePolicy::keep;
                     },
                     [](const Config& c) { return Json(to_string(c.incomplete)); }});
        t.push_back(duration_field(
            "timeouts.connect", [](auto& c) -> auto& { return c.timeouts.connect; }, 600));
        t.push_back(duration_field(
            "timeouts.request", [](auto& c) -> auto& { return c.timeouts.request; }, k_day));
        t.push_back(duration_field(
            "timeouts.idle", [](auto& c) -> auto& { return c.timeouts.idle; }, 3600));
        t.push_back(integer_field(
            "retries.max_attempts", [](auto& c) -> auto& { return c.retries.max_attempts; }, 1,
            20));
        t.push_back(integer_field(
            "retries.budget", [](auto& c) -> auto& { return c.retries.budget; }, 0, 10'000));
        t.push_back(duration_field(
            "retries.max_wait", [](auto& c) -> auto& { return c.retries.max_wait; }, 3600));
        t.push_back(integer_field(
            "edit.max_files", [](auto& c) -> auto& { return c.edit.max_files; }, 1, 100'000));
        t.push_back(integer_field(
            "edit.max_bytes", [](auto& c) -> auto& { return c.edit.max_bytes; }, 1, 1'000'000'000));
        t.push_back(list_field(
            "secrets.extra_names", [](auto& c) -> auto& { return c.secrets.extra_names; }));
        t.push_back({"secrets.extra_patterns",
                     [](Config& c, const YAML::Node& n, const Where& w) {
                         c.secrets.extra_patterns = read_regex_list(n, w);
                     },
                     [](const Config& c) { return Json(c.secrets.extra_patterns); }});
        t.push_back(string_field(
            "report", [](auto& c) -> auto& { return c.report; }));
        t.push_back(string_field(
            "metrics_file", [](auto& c) -> auto& { return c.metrics_file; }));
        t.push_back(string_field(
            "pushgateway", [](auto& c) -> auto& { return c.pushgateway; }));
        // --- issue 15: the variants' CI (checks.hpp, run/checks.cpp) -------------
        t.push_back(string_field(
            "checks.workflow", [](auto& c) -> auto& { return c.checks.workflow; }));
        t.push_back(string_field(
            "checks.pipeline", [](auto& c) -> auto& { return c.checks.pipeline; }));
        t.push_back(integer_field(
            "repair", [](auto& c) -> auto& { return c.repair; }, 0, 2));
        return t;
    }();
    return table;
}
// NOLINTEND(readability-function-size)

const Field* find_field(std::string_view key)
{
    const auto& table = fields();
    const auto it =
        std::find_if(table.begin(), table.end(), [&](const Field& f) { return f.key == key; });
    return it == table.end() ? nullptr : &*it;
}

// The names allowed directly under `section` ("" = top level).
std::vector<std::string> names_under(std::string_view section)
{
    std::vector<std::string> names;
    for (const auto& field : fields()) {
        std::string_view key = field.key;
        if (!section.empty()) {
            if (key.substr(0, section.size() + 1) != fmt::format("{}.", section)) {
                continue;
            }
            key.remove_prefix(section.size() + 1);
        }
        const auto name = std::string(key.substr(0, key.find('.')));
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(name);
        }
    }
    return names;
}

bool is_section(std::string_view name)
{
    return find_field(name) == nullptr && !names_under(name).empty();
}

[[noreturn]] void fail_unknown_key(const Where& where, const std::string& key,
                                   const std::vector<std::string>& known)
{
    const auto near = text::closest_match(key, known);
    if (near) {
        fail(where, fmt::format("unknown key '{}' (did you mean '{}'?)", key, *near));
    }
    fail(where, fmt::format("unknown key '{}'; known keys here: {}", key, fmt::join(known, ", ")));
}

} // namespace draftsmith::config::detail
