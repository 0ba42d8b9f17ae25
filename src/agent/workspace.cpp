#include "workspace.hpp"

#include "draftsmith/agent/agent.hpp"
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/edit/paths.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/glob.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <re2/re2.h>

#include <algorithm>

namespace draftsmith::agent::detail {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_search_matches = 200;
constexpr std::size_t k_max_search_line = 240;
// How often (in lines) a search asks whether the variant must stop.
constexpr std::size_t k_stop_check_lines = 4096;
// RE2 runs in time linear in the text whatever the pattern (no
// backtracking: a model's `^(\w+\s?)*$` cannot hang a job), with a bounded
// memory budget per pattern.
constexpr std::int64_t k_regex_memory = 8 << 20;

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

// A path the model wrote, normalised; Error(input) when it is refused.
std::string model_path(std::string_view tool, std::string_view path)
{
    std::string why;
    auto normal = edit::normalise_path(path, why);
    if (!normal) {
        bad_input(tool, fmt::format("path '{}': {}", path, why));
    }
    return std::move(*normal);
}

// "src/" and "./src" both mean the folder src; "" means everything.
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

json schema(json properties, std::vector<std::string> required)
{
    return {{"type", "object"},
            {"properties", std::move(properties)},
            {"required", std::move(required)}};
}

llm::Tools make_tool_definitions()
{
    const json text = {{"type", "string"}};
    llm::Tools tools;
    tools.push_back(
        {"list_files",
         "List the repository's files (as changed so far), one path per line. Withheld files are "
         "not listed.",
         schema(
             {{"path_prefix",
               {{"type", "string"}, {"description", "Only paths starting with this, e.g. src/"}}},
              {"pattern",
               {{"type", "string"}, {"description", "A glob such as *.css or src/**/*.ts"}}}},
             {})});
    tools.push_back(
        {"read_file",
         "Read a file, or a range of its lines, with line numbers ('  12\\t...'). The numbers are "
         "not part "
         "of the file: never copy them into an edit.",
         schema(
             {{"path", text},
              {"start_line",
               {{"type", "integer"}, {"description", "First line, 1-based (default 1)"}}},
              {"end_line",
               {{"type", "integer"}, {"description", "Last line, inclusive (default: the end)"}}}},
             {"path"})});
    tools.push_back(
        {"search",
         "Search the files for a text (or an RE2 regular expression: no backreferences, no "
         "lookahead or lookbehind), line by line. Answers 'path:line: text' per match.",
         schema(
             {{"query", text},
              {"regex",
               {{"type", "boolean"}, {"description", "Treat query as a regular expression"}}},
              {"path_prefix", {{"type", "string"}, {"description", "Only files under this path"}}}},
             {"query"})});
    tools.push_back(
        {"str_replace",
         "Replace old_str, which must occur exactly once in the file, by new_str. Include enough "
         "surrounding lines in old_str to make it unique.",
         schema({{"path", text}, {"old_str", text}, {"new_str", text}},
                {"path", "old_str", "new_str"})});
    tools.push_back(
        {"create_file",
         "Create a new file with the given content. It never overwrites: change an existing "
         "file with str_replace, or delete it first.",
         schema({{"path", text}, {"content", text}}, {"path", "content"})});
    tools.push_back({"delete_file", "Delete a file.", schema({{"path", text}}, {"path"})});
    tools.push_back({"rename_file", "Move a file to new_path.",
                     schema({{"path", text}, {"new_path", text}}, {"path", "new_path"})});
    tools.push_back({"finish",
                     "Call once when done: a short markdown summary of what you changed and why "
                     "(it becomes the "
                     "pull request's description), or why nothing was changed.",
                     schema({{"summary", text}}, {"summary"})});
    return tools;
}

bool line_matches(std::string_view line, std::string_view query, const RE2* pattern)
{
    if (pattern == nullptr) {
        return line.find(query) != std::string_view::npos;
    }
    return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *pattern);
}

// The compiled query; Error(input) saying why RE2 refused it.
std::unique_ptr<RE2> compile_query(const std::string& query)
{
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(k_regex_memory);
    auto pattern = std::make_unique<RE2>(query, options);
    if (!pattern->ok()) {
        bad_input("search", fmt::format("'{}' is not a valid regular expression: {} (RE2 syntax: "
                                        "no backreferences, no lookahead or lookbehind)",
                                        query, pattern->error()));
    }
    return pattern;
}

std::string stage_note(const edit::FileResult& file)
{
    if (file.stage) {
        return fmt::format("{} (matched: {}, +{} -{} lines)", file.path,
                           edit::to_string(*file.stage), file.lines_added, file.lines_removed);
    }
    return fmt::format("{} ({}, +{} -{} lines)", file.path, edit::to_string(file.kind),
                       file.lines_added, file.lines_removed);
}

} // namespace

std::string valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto length = text::utf8_sequence_length(text);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            text.remove_prefix(1);
        } else {
            out.append(text.substr(0, length));
            text.remove_prefix(length);
        }
    }
    return out;
}

Workspace::Workspace(std::shared_ptr<const BaseFiles> base, const std::vector<std::string>& files,
                     const SecretFilter& secrets, const edit::ApplyOptions& apply,
                     std::size_t max_output_bytes)
    : m_shared(std::move(base))
    , m_base(*m_shared)
    , m_base_files(files.begin(), files.end())
    , m_secrets(secrets)
    , m_apply(apply)
    , m_max_output_bytes(max_output_bytes)
    , m_tree(m_base, m_overlay)
{
    // A withheld file may not be edited either: a failed edit's message
    // quotes the text it looked at.
    m_apply.refuse_path =
        [this, outer = apply.refuse_path](std::string_view path) -> std::optional<std::string> {
        if (outer) {
            if (auto why = outer(path)) {
                return why;
            }
        }
        if (auto why = why_withheld(path)) {
            return fmt::format("this file is withheld from models ({})", *why);
        }
        return std::nullopt;
    };
}

std::optional<std::string> Workspace::why_withheld(std::string_view path) const
{
    if (auto why = m_secrets.why_path_hidden(path)) {
        return why;
    }
    if (m_overlay.find(path) == m_overlay.end() && m_shared->bytes(path) != nullptr) {
        return m_shared->why_content_hidden(path); // no copy of the bytes
    }
    const auto bytes = m_tree.read(path);
    return bytes ? why_content_withheld(path, *bytes) : std::nullopt;
}

std::optional<std::string> Workspace::why_content_withheld(std::string_view path,
                                                           std::string_view bytes) const
{
    // Base files do not change: the shared base checks each once for all
    // variants. Files the model wrote may change.
    if (m_overlay.find(path) == m_overlay.end() && m_shared->bytes(path) != nullptr) {
        return m_shared->why_content_hidden(path);
    }
    return m_secrets.why_content_hidden(bytes);
}

std::vector<std::string> Workspace::visible_files() const
{
    std::set<std::string, std::less<>> all = m_base_files;
    for (const auto& [path, bytes] : m_overlay) {
        if (bytes) {
            all.insert(path);
        } else {
            all.erase(path);
        }
    }
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const auto& path : all) {
        if (!m_secrets.hides_path(path)) {
            out.push_back(path);
        }
    }
    return out;
}

bool Workspace::has_visible_file(std::string_view path) const
{
    if (m_secrets.hides_path(path)) {
        return false;
    }
    if (const auto it = m_overlay.find(path); it != m_overlay.end()) {
        return it->second.has_value();
    }
    return m_base_files.contains(path);
}

std::optional<std::string> Workspace::read_visible(std::string_view path) const
{
    std::optional<std::string> storage;
    const auto text = visible_text(path, storage);
    if (!text) {
        return std::nullopt;
    }
    return storage ? std::move(storage) : std::string(*text);
}

std::optional<std::string_view> Workspace::visible_text(std::string_view path,
                                                        std::optional<std::string>& storage) const
{
    if (m_secrets.hides_path(path)) {
        return std::nullopt;
    }
    const std::string* bytes = nullptr;
    if (const auto changed = m_overlay.find(path); changed != m_overlay.end()) {
        bytes = changed->second ? &*changed->second : nullptr;
    } else {
        bytes = m_shared->bytes(path);
        if (bytes == nullptr) {
            storage = m_base.read(path); // not listed: the base answers, nothing is kept
            bytes = storage ? &*storage : nullptr;
        }
    }
    if (bytes == nullptr || text::is_binary(*bytes) || why_content_withheld(path, *bytes)) {
        return std::nullopt;
    }
    return std::string_view(*bytes);
}

llm::ToolResult Workspace::run(const llm::ToolCall& call)
{
    llm::ToolResult result{call.id, "", false};
    try {
        if (!call.input.is_object()) {
            bad_input(call.name, "the input must be a JSON object");
        }
        if (call.name == "list_files") {
            result.content = list_files(call.input);
        } else if (call.name == "read_file") {
            result.content = read_file(call.input);
        } else if (call.name == "search") {
            result.content = search(call.input);
        } else if (is_edit_tool(call.name)) {
            result.content = edit(call.name, call.input);
        } else if (call.name == "finish") {
            result.content = finish(call.input);
        } else {
            std::vector<std::string> names;
            for (const auto& tool : tool_definitions()) {
                names.push_back(tool.name);
            }
            bad_input(call.name,
                      fmt::format("no such tool; the tools are {}", fmt::join(names, ", ")));
        }
    } catch (const Error& error) {
        if (is_edit_tool(call.name)) {
            ++m_failed_edits;
        }
        result.content = error.what();
        result.is_error = true;
    } catch (const json::exception& error) {
        result.content = fmt::format("{}: {}", call.name, error.what());
        result.is_error = true;
    }
    return result;
}

std::string Workspace::cut(std::string text, std::string_view advice) const
{
    if (text.size() <= m_max_output_bytes) {
        return text;
    }
    auto end = text.rfind('\n', m_max_output_bytes);
    text.resize(end == std::string::npos ? m_max_output_bytes : end + 1);
    text += fmt::format("[output cut at {} bytes; {}]\n", m_max_output_bytes, advice);
    return text;
}

std::string Workspace::list_files(const json& input) const
{
    const auto prefix =
        model_prefix(optional_string("list_files", input, "path_prefix").value_or(""));
    const auto pattern = optional_string("list_files", input, "pattern");
    std::string listing;
    std::size_t count = 0;
    for (const auto& path : visible_files()) {
        if (path.compare(0, prefix.size(), prefix) != 0 ||
            (pattern && !glob::matches(*pattern, path))) {
            continue;
        }
        listing += path;
        listing += '\n';
        ++count;
    }
    if (count == 0) {
        return "no files match";
    }
    return cut(fmt::format("{} files\n{}", count, listing),
               "narrow the listing with path_prefix or pattern");
}

std::string Workspace::read_file(const json& input)
{
    const auto path = model_path("read_file", required_string("read_file", input, "path"));
    if (auto why = why_withheld(path)) {
        bad_input("read_file",
                  fmt::format("{} is withheld: {}. Files that may hold secrets are never shown "
                              "to a model; leave it alone.",
                              path, *why));
    }
    const auto bytes = m_tree.read(path);
    if (!bytes) {
        const bool folder = m_tree.exists(path);
        bad_input("read_file",
                  folder ? fmt::format("{} is a folder; use list_files", path)
                         : fmt::format("there is no file {}; use list_files or search", path));
    }
    if (text::is_binary(*bytes)) {
        bad_input("read_file", fmt::format("{} is a binary file ({} bytes); it cannot be shown",
                                           path, bytes->size()));
    }
    const auto lines = text::split_lines(*bytes);
    const auto total = static_cast<std::int64_t>(lines.size());
    const auto first =
        std::max<std::int64_t>(1, optional_int("read_file", input, "start_line").value_or(1));
    const auto last = std::min(total, optional_int("read_file", input, "end_line").value_or(total));
    if (total > 0 && first > total) {
        bad_input("read_file", fmt::format("{} has only {} lines", path, total));
    }
    if (total > 0 && last < first) {
        bad_input("read_file", fmt::format("end_line {} is before start_line {}", last, first));
    }
    if (std::find(m_files_read.begin(), m_files_read.end(), path) == m_files_read.end()) {
        m_files_read.push_back(path);
    }
    if (total == 0) {
        return fmt::format("{} is empty", path);
    }
    std::string out = fmt::format("{} (lines {}-{} of {})\n", path, first, last, total);
    for (auto number = first; number <= last; ++number) {
        out += fmt::format("{:>6}\t{}\n", number, lines[static_cast<std::size_t>(number - 1)]);
    }
    return cut(std::move(out), "read the rest with start_line and end_line");
}

std::string Workspace::search(const json& input) const
{
    const auto query = required_string("search", input, "query");
    if (query.empty()) {
        bad_input("search", "'query' is empty");
    }
    const bool use_regex = optional_bool("search", input, "regex");
    const auto prefix = model_prefix(optional_string("search", input, "path_prefix").value_or(""));
    const auto pattern = use_regex ? compile_query(query) : nullptr;
    // A search reads (nearly) every file: the variants read the base together.
    m_shared->prepare();
    std::string out;
    std::size_t matches = 0;
    std::set<std::string_view> files_matched;
    const auto visible = visible_files();
    for (const auto& path : visible) {
        if (path.compare(0, prefix.size(), prefix) != 0) {
            continue;
        }
        std::optional<std::string> storage;
        const auto bytes = visible_text(path, storage);
        // A line is part of the file: a text the file lacks is in none of its lines.
        if (!bytes || (!pattern && bytes->find(query) == std::string_view::npos)) {
            continue;
        }
        std::size_t number = 0;
        for (const auto line : text::split_lines(*bytes)) {
            if (number++ % k_stop_check_lines == 0) {
                stop_if_asked();
            }
            const bool hit = line_matches(line, query, pattern.get());
            if (!hit) {
                continue;
            }
            if (matches == k_max_search_matches) {
                out += fmt::format("[stopped at {} matches; narrow the search with path_prefix or "
                                   "a longer query]\n",
                                   k_max_search_matches);
                return cut(std::move(out), "narrow the search");
            }
            ++matches;
            files_matched.insert(path);
            const auto shown = text::trim(line).substr(0, k_max_search_line);
            out += fmt::format("{}:{}: {}\n", path, number, shown);
        }
    }
    if (matches == 0) {
        return "no matches";
    }
    out += fmt::format("{} matches in {} files\n", matches, files_matched.size());
    return cut(std::move(out), "narrow the search");
}

void Workspace::stop_if_asked() const
{
    if (!m_stop_check) {
        return;
    }
    if (auto why = m_stop_check()) {
        bad_input("search", fmt::format("stopped before the end: {}", *why));
    }
}

std::string Workspace::edit(std::string_view name, const json& input)
{
    edit::EditSet edits;
    auto change = edit::parse_tool_call(name, input);
    if (name == "create_file") {
        // The tool promises a new file: an existing one is never overwritten
        // (the engine's create fails and says so), so an edit cannot be lost.
        change.kind = edit::FileChange::Kind::create;
    }
    edits.changes.push_back(std::move(change));
    const auto result = apply(edits);
    if (!result.ok()) {
        throw Error(ErrorCategory::edit, result.failure_report());
    }
    std::vector<std::string> notes;
    notes.reserve(result.files.size());
    for (const auto& file : result.files) {
        notes.push_back(stage_note(file));
    }
    return fmt::format("applied: {}", fmt::join(notes, "; "));
}

edit::ApplyResult Workspace::apply(const edit::EditSet& edits)
{
    auto result = edit::apply(edits, m_base, m_overlay, m_apply);
    m_overlay = result.overlay;
    return result;
}

std::string Workspace::finish(const json& input)
{
    m_summary = std::string(text::trim(optional_string("finish", input, "summary").value_or("")));
    m_finished = true;
    return "finished";
}

} // namespace draftsmith::agent::detail

namespace draftsmith::agent {

const llm::Tools& tool_definitions()
{
    static const llm::Tools tools = detail::make_tool_definitions();
    return tools;
}

} // namespace draftsmith::agent
