// Tool calls as JSON: one call, an array of calls, or a provider message that
// holds them (OpenAI `tool_calls` with string arguments, Anthropic `tool_use`
// content blocks, Responses API `function_call` items). Calls to tools that do
// not edit (read_file, list_files, finish, ...) are skipped.
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model_text.hpp"

namespace draftsmith::edit {
namespace {

using nlohmann::json;

[[noreturn]] void fail(std::string_view tool, const std::string& message)
{
    throw Error(ErrorCategory::input, fmt::format("tool call '{}': {}", tool, message));
}

std::string string_field(std::string_view tool, const json& input,
                         std::initializer_list<const char*> names, bool required = true)
{
    for (const char* name : names) {
        const auto found = input.find(name);
        if (found != input.end()) {
            if (!found->is_string()) {
                fail(tool, fmt::format("'{}' must be a string", name));
            }
            return found->get<std::string>();
        }
    }
    if (required) {
        fail(tool, fmt::format("missing '{}'", *names.begin()));
    }
    return {};
}

bool is_edit_tool(std::string_view name)
{
    for (const std::string_view known :
         {"str_replace", "str_replace_based_edit_tool", "str_replace_editor", "text_editor",
          "edit_file", "replace_in_file", "create", "create_file", "write_file", "insert", "delete",
          "delete_file", "remove_file", "rename", "rename_file", "move_file"}) {
        if (name == known) {
            return true;
        }
    }
    return false;
}

void collect(const json& value, std::vector<std::pair<std::string, json>>& calls);

// JSON the model wrote, or a discarded value when it is not JSON; refused
// (Error(edit), naming the limit) when nested past limits::k_max_json_depth,
// since parsing and collect() recurse per level.
json parse_model_json(std::string_view text)
{
    if (limits::json_deeper_than(text)) {
        detail::throw_parse_error(
            1, fmt::format("the tool calls nest deeper than {} levels", limits::k_max_json_depth));
    }
    return json::parse(text, nullptr, false);
}

void collect_call(std::string name, const json& arguments,
                  std::vector<std::pair<std::string, json>>& calls)
{
    if (arguments.is_string()) {
        json parsed = parse_model_json(arguments.get<std::string>());
        if (parsed.is_discarded()) {
            fail(name, "its arguments are not valid JSON");
        }
        calls.emplace_back(std::move(name), std::move(parsed));
    } else {
        calls.emplace_back(std::move(name), arguments);
    }
}

void collect(const json& value, std::vector<std::pair<std::string, json>>& calls)
{
    if (value.is_array()) {
        for (const auto& item : value) {
            collect(item, calls);
        }
        return;
    }
    if (!value.is_object()) {
        return;
    }
    if (value.contains("choices")) {
        for (const auto& choice : value["choices"]) {
            if (choice.contains("message")) {
                collect(choice["message"], calls);
            }
        }
        return;
    }
    if (value.contains("tool_calls")) {
        collect(value["tool_calls"], calls);
        return;
    }
    if (value.contains("content") && value["content"].is_array()) {
        collect(value["content"], calls);
        return;
    }
    if (value.contains("output") && value["output"].is_array()) {
        collect(value["output"], calls);
        return;
    }
    if (value.contains("function") && value["function"].is_object()) {
        const auto& function = value["function"];
        collect_call(function.value("name", ""), function.value("arguments", json::object()),
                     calls);
        return;
    }
    if (value.contains("name") && value["name"].is_string()) {
        for (const char* key : {"input", "arguments", "parameters", "args"}) {
            if (value.contains(key)) {
                collect_call(value["name"].get<std::string>(), value[key], calls);
                return;
            }
        }
    }
    if (value.contains("command") && value.contains("path")) {
        calls.emplace_back("str_replace_based_edit_tool", value);
    }
}

} // namespace

FileChange parse_tool_call(std::string_view name, const nlohmann::json& input)
{
    if (!input.is_object()) {
        fail(name, "its input must be a JSON object");
    }
    std::string command(name);
    if (input.contains("command") && input["command"].is_string()) {
        command = input["command"].get<std::string>();
    }
    FileChange change;
    change.path = string_field(name, input, {"path", "file_path", "filename", "file"});
    if (command == "str_replace" || command == "edit_file" || command == "replace_in_file") {
        Hunk hunk;
        hunk.kind = Hunk::Kind::text;
        hunk.search = string_field(name, input, {"old_str", "old_string", "old_text", "search"});
        hunk.replace =
            string_field(name, input, {"new_str", "new_string", "new_text", "replace"}, false);
        if (hunk.search.empty()) {
            fail(name, "'old_str' is empty; to add text use insert, to write a file use create");
        }
        if (hunk.search == hunk.replace) {
            fail(name, "'old_str' and 'new_str' are the same, so the edit changes nothing");
        }
        change.kind = FileChange::Kind::modify;
        change.hunks.push_back(std::move(hunk));
    } else if (command == "create" || command == "create_file" || command == "write_file") {
        change.kind = FileChange::Kind::write;
        change.content = string_field(name, input, {"file_text", "content", "text", "contents"});
    } else if (command == "insert") {
        Hunk hunk;
        hunk.kind = Hunk::Kind::insert;
        const auto line = input.find("insert_line");
        if (line == input.end() || !line->is_number_integer() || line->get<long long>() < 0) {
            fail(name, "'insert_line' must be a line number (0 inserts at the top)");
        }
        hunk.insert_after = line->get<std::size_t>();
        hunk.replace = string_field(name, input, {"new_str", "insert_text", "text", "content"});
        if (hunk.replace.empty()) {
            fail(name, "the text to insert ('new_str') is empty, so the edit changes nothing");
        }
        if (!hunk.replace.empty() && hunk.replace.back() != '\n') {
            hunk.replace += '\n';
        }
        change.kind = FileChange::Kind::modify;
        change.hunks.push_back(std::move(hunk));
    } else if (command == "delete" || command == "delete_file" || command == "remove_file") {
        change.kind = FileChange::Kind::remove;
    } else if (command == "rename" || command == "rename_file" || command == "move_file") {
        change.kind = FileChange::Kind::rename;
        change.new_path = string_field(name, input, {"new_path", "to", "destination"});
    } else {
        fail(name, fmt::format("'{}' is not an edit (expected str_replace, create, insert, "
                               "delete or rename)",
                               command));
    }
    return change;
}

EditSet parse_tool_calls(std::string_view text)
{
    auto trimmed = text::trim(text);
    json document = parse_model_json(trimmed);
    if (document.is_discarded()) {
        // JSON inside a ```json fence with prose around it.
        const auto lines = detail::split_model_text(text);
        std::string inner;
        bool inside = false;
        for (const auto& line : lines) {
            std::string_view info;
            if (detail::is_fence(line.text, &info)) {
                if (inside) {
                    break;
                }
                inside = true;
                continue;
            }
            if (inside) {
                inner.append(line.text);
                inner += '\n';
            }
        }
        document = parse_model_json(inner);
        if (document.is_discarded()) {
            detail::throw_parse_error(1, "the tool calls are not valid JSON");
        }
    }
    std::vector<std::pair<std::string, json>> calls;
    collect(document, calls);
    EditSet edits;
    const auto last_line = detail::split_model_text(text).size();
    for (const auto& [name, input] : calls) {
        const bool editor = name == "str_replace_based_edit_tool" || name == "str_replace_editor" ||
                            name == "text_editor";
        if (!is_edit_tool(name) ||
            (editor && input.is_object() && input.value("command", "") == "view")) {
            continue;
        }
        auto change = parse_tool_call(name, input);
        change.span = {1, last_line};
        for (auto& hunk : change.hunks) {
            hunk.span = change.span;
        }
        edits.changes.push_back(std::move(change));
    }
    if (edits.empty()) {
        detail::throw_parse_error(1, "no edit tool calls found (str_replace, create, insert, "
                                     "delete)");
    }
    return edits;
}

} // namespace draftsmith::edit
