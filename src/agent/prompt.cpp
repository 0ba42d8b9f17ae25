#include "prompt.hpp"

#include "draftsmith/trigger/hidden.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <array>

#include "workspace.hpp"

// The prompts are plain text the tests compare byte for byte across
// variants: nothing variant-specific may reach system_prompt() or
// context_message(), or the providers' prompt caches stop working.

namespace draftsmith::agent {
namespace {

constexpr std::size_t k_max_listed_files = 2000;
constexpr std::size_t k_max_pr_body = 4000;
// Oneshot: the model sees no more than this of the repository's contents.
constexpr std::size_t k_oneshot_budget = std::size_t{200} * 1024;
constexpr std::size_t k_oneshot_max_file = std::size_t{48} * 1024;

constexpr std::array<std::string_view, 5> k_hints{
    "the smallest change that does what is asked",
    "a more thorough change: also update the related code, tests and documentation that the change "
    "makes out of date",
    "a different approach than the obvious one",
    "the change that is easiest to read and maintain, following the conventions of the surrounding "
    "code",
    "a robust change that also handles the edge cases and errors the request implies",
};

constexpr std::string_view k_tools_system =
    "You are a software engineer making one change to a repository, asked for by a reviewer in a "
    "pull request comment. You work only through the tools you are given: list_files, read_file "
    "and search to explore; str_replace, create_file, delete_file and rename_file to edit. There "
    "is "
    "no shell: you cannot run, build or test anything, so read the code you change before you "
    "change it.\n"
    "\n"
    "Rules:\n"
    "- Make the change that was asked for and nothing else. Keep it focused, keep the code's "
    "style, do not reformat or refactor what the request does not need.\n"
    "- Edit only through the tools. read_file numbers its lines; the numbers are not part of the "
    "file, never copy them into old_str or new_str.\n"
    "- str_replace needs old_str to occur exactly once in the file: include enough surrounding "
    "lines to make it unique. When an edit fails, read the message, read the file again and "
    "retry.\n"
    "- Some files (keys, credentials) are withheld: do not try to read or change them.\n"
    "- When you are done, call finish once with a short summary in markdown (a few sentences) of "
    "what you changed and why; it becomes the description of a draft pull request. If the request "
    "cannot be done, change nothing and call finish saying why.\n";

constexpr std::string_view k_oneshot_system =
    "You are a software engineer making one change to a repository, asked for by a reviewer in a "
    "pull request comment. You cannot run anything. You answer with a short summary, then your "
    "edits as SEARCH/REPLACE blocks, each right under the path of its file:\n"
    "\n"
    "path/to/file.ext\n"
    "<<<<<<< SEARCH\n"
    "the exact current lines of the file\n"
    "=======\n"
    "the lines that replace them\n"
    ">>>>>>> REPLACE\n"
    "\n"
    "Rules:\n"
    "- Make the change that was asked for and nothing else. Keep it focused and keep the code's "
    "style.\n"
    "- SEARCH copies the file's current lines exactly, indentation included, and must match one "
    "place only: include enough lines to make it unique. Use several small blocks rather than one "
    "large one.\n"
    "- To create a file, give its path and a block with an empty SEARCH part.\n"
    "- The summary (a few sentences of markdown: what you change and why) comes before the blocks; "
    "it becomes the description of a draft pull request.\n"
    "- If nothing should change, say why and write no blocks.\n";

std::string cut_text(std::string_view text, std::size_t limit)
{
    if (text.size() <= limit) {
        return std::string(text);
    }
    auto end = text.rfind('\n', limit);
    std::string out(text.substr(0, end == std::string_view::npos ? limit : end));
    out += "\n[cut]";
    return out;
}

std::string_view base_name(std::string_view path)
{
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The request names the file (its path, or a distinctive file name).
bool mentioned(std::string_view path, std::string_view request)
{
    if (request.find(path) != std::string_view::npos) {
        return true;
    }
    const auto name = base_name(path);
    return name.size() >= 4 && name.find('.') != std::string_view::npos &&
           request.find(name) != std::string_view::npos;
}

void append_file_list(std::string& out, const std::vector<std::string>& files)
{
    out += fmt::format(
        "The pull request's head has {} files (files withheld as secrets are not counted):\n",
        files.size());
    const auto shown = std::min(files.size(), k_max_listed_files);
    for (std::size_t i = 0; i < shown; ++i) {
        out += files[i];
        out += '\n';
    }
    if (shown < files.size()) {
        out += fmt::format("[... and {} more files]\n", files.size() - shown);
    }
}

// Oneshot: the files the request names first, then the others in order, as
// long as the budget lasts.
void append_file_contents(std::string& out, const Task& task, const std::vector<std::string>& files,
                          const detail::Workspace& workspace)
{
    const auto request = task.intent + '\n' + task.pr_title;
    std::vector<std::string> order;
    order.reserve(files.size());
    for (const auto& path : files) {
        if (mentioned(path, request)) {
            order.push_back(path);
        }
    }
    for (const auto& path : files) {
        if (!mentioned(path, request)) {
            order.push_back(path);
        }
    }
    std::size_t used = 0;
    std::size_t left_out = 0;
    out += "\n# File contents\n";
    for (const auto& path : order) {
        const auto bytes = workspace.read_visible(path);
        if (!bytes || bytes->size() > k_oneshot_max_file ||
            used + bytes->size() > k_oneshot_budget) {
            ++left_out;
            continue;
        }
        used += bytes->size();
        out += fmt::format("\n{}\n````\n{}{}````\n", path, *bytes,
                           bytes->empty() || bytes->back() == '\n' ? "" : "\n");
    }
    if (left_out > 0) {
        out += fmt::format(
            "\n[{} files not shown: binary, withheld, too large or over the budget]\n", left_out);
    }
}

bool is_marker_line(std::string_view line, std::string_view prefix)
{
    return text::trim(line).substr(0, prefix.size()) == prefix;
}

bool looks_like_path(std::string_view line)
{
    line = text::trim(line);
    return !line.empty() && line.find(' ') == std::string_view::npos &&
           (line.find('.') != std::string_view::npos || line.find('/') != std::string_view::npos);
}

} // namespace

std::string approach_hint(int variant)
{
    const auto index = variant < 1 ? 0 : static_cast<std::size_t>(variant - 1) % k_hints.size();
    return std::string(k_hints[index]);
}

namespace detail {

std::string system_prompt(config::Mode mode)
{
    return std::string(mode == config::Mode::oneshot ? k_oneshot_system : k_tools_system);
}

std::string context_message(const Task& task, config::Mode mode, const Workspace& workspace)
{
    std::string out = "# Request\n";
    out += text::trim(task.intent);
    out += "\n";
    if (const auto history = text::trim(task.history); !history.empty()) {
        // Issue 15: a follow-up; the files already hold everything listed here.
        out += "\n# Earlier requests on this variant\n";
        out += "The files already hold what these asked for; the request above comes on top.\n";
        out += history;
        out += "\n";
    }
    if (!task.pr_title.empty() || !task.pr_body.empty()) {
        out += "\n# Pull request\n";
        // Only what a reader sees: no HTML comments, no invisible characters.
        if (const auto title = trigger::visible_text(task.pr_title); !title.empty()) {
            out += fmt::format("Title: {}\n", text::trim(title));
        }
        if (const auto visible = trigger::visible_text(task.pr_body);
            !text::trim(visible).empty()) {
            const auto body = text::trim(visible);
            out += fmt::format("\n{}\n", cut_text(body, k_max_pr_body));
        }
    }
    out += "\n# Repository\n";
    const auto files = workspace.visible_files();
    append_file_list(out, files);
    if (mode == config::Mode::oneshot) {
        append_file_contents(out, task, files, workspace);
    }
    return out;
}

namespace {

// A diff longer than this is cut: the files themselves show the edits.
constexpr std::size_t k_max_earlier_diff_bytes = 32'768;

// Issue 17: a re-run continues an incomplete variant; the model is told what
// it did before and why it stopped, and that the files already hold it.
std::string earlier_work_text(const EarlierWork& earlier)
{
    auto diff = earlier.diff;
    if (diff.size() > k_max_earlier_diff_bytes) {
        // opening() makes the message valid UTF-8 again where the cut split a character.
        diff = diff.substr(0, k_max_earlier_diff_bytes) + "\n... (diff cut; read the files)\n";
    }
    if (!diff.empty() && diff.back() != '\n') {
        diff += '\n';
    }
    const auto summary = text::trim(earlier.summary);
    return fmt::format(
        "\nAn earlier run of this request started this variant and stopped before it finished "
        "({}). Its edits are already in the files you see; continue from them rather than "
        "starting over, and do not make them again.\nWhat you said then: {}\nWhat you changed "
        "then:\n```diff\n{}```\n",
        earlier.why.empty() ? std::string("stopped") : earlier.why,
        summary.empty() ? std::string("(nothing)") : std::string(summary), diff);
}

} // namespace

std::string variant_message(const Task& task, config::Mode mode)
{
    std::string out;
    if (task.variants > 1) {
        out += fmt::format(
            "You are making variant {} of {} of this change; each variant takes its own "
            "approach. ",
            task.variant, task.variants);
    }
    const auto hint = text::trim(task.hint);
    out += fmt::format("Approach: {}.\n",
                       hint.empty() ? approach_hint(task.variant) : std::string(hint));
    if (task.earlier) {
        out += earlier_work_text(*task.earlier);
    }
    out += mode == config::Mode::oneshot
               ? "Answer now with the summary and the SEARCH/REPLACE blocks."
               : "Explore what you need, make the change with the tools, then call finish with a "
                 "summary.";
    return out;
}

std::string prose_outside_blocks(std::string_view answer)
{
    std::vector<std::string_view> kept;
    bool in_block = false;
    bool in_fence = false;
    for (const auto line : text::split_lines(answer)) {
        if (in_block) {
            in_block = !is_marker_line(line, ">>>>>>>");
            continue;
        }
        if (is_marker_line(line, "```")) {
            if (!in_fence && !kept.empty() && looks_like_path(kept.back())) {
                kept.pop_back();
            }
            in_fence = !in_fence;
            continue;
        }
        if (in_fence) {
            continue;
        }
        if (is_marker_line(line, "<<<<<<<")) {
            if (!kept.empty() && looks_like_path(kept.back())) {
                kept.pop_back();
            }
            in_block = true;
            continue;
        }
        // Removed blocks leave runs of blank lines behind: keep one.
        if (!text::trim(line).empty() || kept.empty() || !text::trim(kept.back()).empty()) {
            kept.push_back(line);
        }
    }
    std::string out;
    for (const auto line : kept) {
        out += line;
        out += '\n';
    }
    return std::string(text::trim(out));
}

bool looks_like_edits(std::string_view answer)
{
    for (const auto line : text::split_lines(answer)) {
        for (const std::string_view marker :
             {"<<<<<<<", ">>>>>>>", "```", "@@ ", "*** Begin Patch", "--- ", "+++ "}) {
            if (is_marker_line(line, marker)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace detail
} // namespace draftsmith::agent
