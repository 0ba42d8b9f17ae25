#pragma once
// Reading a tool call's input as the model wrote it: typed fields, paths and
// path prefixes. Every refusal is Error(input) "<tool>: <what is wrong>",
// which the workspace hands back to the model as the tool's result.

#include "draftsmith/util/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::agent::detail {

// Throws Error(input) "<tool>: <message>".
[[noreturn]] void bad_input(std::string_view tool, const std::string& message);

// The string at `key`; nullopt when absent or null; Error(input) when not a string.
std::optional<std::string> optional_string(std::string_view tool, const nlohmann::json& input,
                                           const char* key);
// The same, and Error(input) "'<key>' is missing" when absent.
std::string required_string(std::string_view tool, const nlohmann::json& input, const char* key);
// A whole number at `key`; nullopt when absent; Error(input) otherwise.
std::optional<std::int64_t> optional_int(std::string_view tool, const nlohmann::json& input,
                                         const char* key);
// A boolean at `key`, false when absent; Error(input) otherwise.
bool optional_bool(std::string_view tool, const nlohmann::json& input, const char* key);

// A path the model wrote, normalised; Error(input) when it is refused.
std::string model_path(std::string_view tool, std::string_view path);
// "src/" and "./src" both mean the folder src; "" means everything.
std::string model_prefix(std::string_view prefix);

// str_replace, create_file, delete_file, rename_file.
bool is_edit_tool(std::string_view name);

} // namespace draftsmith::agent::detail
