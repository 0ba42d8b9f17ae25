#include "tool_input.hpp"

#include "draftsmith/edit/paths.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

namespace draftsmith::agent::detail {

using nlohmann::json;

[[noreturn]] void bad_input(std::string_view tool, const std::string& message)
{
    throw Error(ErrorCategory::input, fmt::format("{}: {}", tool, message));
}

std::optional<std::string> optional_string(std::string_view tool, const json& input,
                                           const char* key)
{
    const auto it = input.find(key);
    if (it == input.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        bad_input(tool, fmt::format("'{}' must be a string", key));
    }
    return it->get<std::string>();
}

std::string required_string(std::string_view tool, const json& input, const char* key)
{
    auto value = optional_string(tool, input, key);
    if (!value) {
        bad_input(tool, fmt::format("'{}' is missing", key));
    }
    return std::move(*value);
}

std::optional<std::int64_t> optional_int(std::string_view tool, const json& input, const char* key)
{
    const auto it = input.find(key);
    if (it == input.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_number_integer()) {
        bad_input(tool, fmt::format("'{}' must be a whole number", key));
    }
    return it->get<std::int64_t>();
}

bool optional_bool(std::string_view tool, const json& input, const char* key)
{
    const auto it = input.find(key);
    if (it == input.end() || it->is_null()) {
        return false;
    }
    if (!it->is_boolean()) {
        bad_input(tool, fmt::format("'{}' must be true or false", key));
    }
    return it->get<bool>();
}

std::string model_path(std::string_view tool, std::string_view path)
{
    std::string why;
    auto normal = edit::normalise_path(path, why);
    if (!normal) {
        bad_input(tool, fmt::format("path '{}': {}", path, why));
    }
    return std::move(*normal);
}

std::string model_prefix(std::string_view prefix)
{
    prefix = text::trim(prefix);
    while (prefix.substr(0, 2) == "./") {
        prefix.remove_prefix(2);
    }
    while (!prefix.empty() && prefix.front() == '/') {
        prefix.remove_prefix(1);
    }
    return std::string(prefix == "." ? std::string_view{} : prefix);
}

bool is_edit_tool(std::string_view name)
{
    return name == "str_replace" || name == "create_file" || name == "delete_file" ||
           name == "rename_file";
}

} // namespace draftsmith::agent::detail
