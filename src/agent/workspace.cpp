#include "workspace.hpp"

#include "draftsmith/agent/agent.hpp"
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/edit/paths.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/glob.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "tool_input.hpp"

namespace draftsmith::agent::detail {
namespace {

using nlohmann::json;

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
    , m_base_list(&m_shared->paths())
    , m_secrets(secrets)
    , m_apply(apply)
    , m_max_output_bytes(max_output_bytes)
    , m_tree(m_base, m_overlay)
{
    // The shared base's sorted list is used when it is the same list (as in
    // a run: no copy of 100,000 paths per variant); else a sorted copy.
    if (!std::equal(files.begin(), files.end(), m_base_list->begin(), m_base_list->end())) {
        m_own_files = files;
        std::sort(m_own_files.begin(), m_own_files.end());
        m_own_files.erase(std::unique(m_own_files.begin(), m_own_files.end()), m_own_files.end());
        if (m_own_files == *m_base_list) {
            m_own_files = {};
        } else {
            m_base_list = &m_own_files;
        }
    }
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
    if (m_overlay.find(path) == m_overlay.end() && m_shared->lists(path)) {
        return m_shared->why_content_hidden(path); // computed once for the run
    }
    const auto bytes = m_tree.read(path);
    return bytes ? why_content_withheld(path, *bytes) : std::nullopt;
}

std::optional<std::string> Workspace::why_content_withheld(std::string_view path,
                                                           std::string_view bytes) const
{
    // Base files do not change: the shared base checks each once for all
    // variants. Files the model wrote may change.
    if (m_overlay.find(path) == m_overlay.end() && m_shared->lists(path)) {
        return m_shared->why_content_hidden(path, bytes);
    }
    return m_secrets.why_content_hidden(bytes);
}

std::vector<std::string> Workspace::visible_files() const
{
    std::vector<std::string> out;
    out.reserve(m_base_list->size());
    for_each_visible({}, [&](const std::string& path) { out.push_back(path); });
    return out;
}

void Workspace::for_each_visible(std::string_view prefix,
                                 const std::function<void(const std::string&)>& visit) const
{
    // A merge of two sorted lists, the base's and the overlay's, from the
    // first path with the prefix: no copy, and a folder's search or listing
    // does not walk the whole repository.
    const auto under = [&](const std::string& path) {
        return path.compare(0, prefix.size(), prefix) == 0;
    };
    const auto show = [&](const std::string& path) {
        if (!m_secrets.hides_path(path)) {
            visit(path);
        }
    };
    auto base = std::lower_bound(m_base_list->begin(), m_base_list->end(), prefix);
    auto changed = m_overlay.lower_bound(prefix);
    for (;;) {
        const bool in_base = base != m_base_list->end() && under(*base);
        const bool in_overlay = changed != m_overlay.end() && under(changed->first);
        if (!in_base && !in_overlay) {
            return;
        }
        if (in_overlay && (!in_base || changed->first <= *base)) {
            if (in_base && changed->first == *base) {
                ++base; // changed or deleted: the overlay says which
            }
            if (changed->second) {
                show(changed->first);
            }
            ++changed;
        } else {
            show(*base++);
        }
    }
}

bool Workspace::has_visible_file(std::string_view path) const
{
    if (m_secrets.hides_path(path)) {
        return false;
    }
    if (const auto it = m_overlay.find(path); it != m_overlay.end()) {
        return it->second.has_value();
    }
    return std::binary_search(m_base_list->begin(), m_base_list->end(), path);
}

std::optional<std::string> Workspace::read_visible(std::string_view path) const
{
    std::shared_ptr<const std::string> holder;
    const auto text = visible_text(path, holder);
    return text ? std::optional<std::string>(*text) : std::nullopt;
}

std::optional<std::string_view>
Workspace::visible_text(std::string_view path, std::shared_ptr<const std::string>& holder) const
{
    if (m_secrets.hides_path(path)) {
        return std::nullopt;
    }
    const auto bytes = text_of(path, holder);
    if (!bytes || text::is_binary(*bytes) || why_content_withheld(path, *bytes)) {
        return std::nullopt;
    }
    return bytes;
}

std::optional<std::string_view> Workspace::text_of(std::string_view path,
                                                   std::shared_ptr<const std::string>& holder) const
{
    if (const auto changed = m_overlay.find(path); changed != m_overlay.end()) {
        return changed->second ? std::optional<std::string_view>(*changed->second) : std::nullopt;
    }
    holder = m_shared->bytes(path);
    if (!holder && !m_shared->lists(path)) {
        // not listed: the base answers, nothing is kept
        if (auto bytes = m_base.read(path)) {
            holder = std::make_shared<const std::string>(std::move(*bytes));
        }
    }
    return holder ? std::optional<std::string_view>(*holder) : std::nullopt;
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
    for_each_visible(prefix, [&](const std::string& path) {
        if (!pattern || glob::matches(*pattern, path)) {
            listing += path;
            listing += '\n';
            ++count;
        }
    });
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
