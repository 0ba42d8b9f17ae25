// The search tool: every visible file under a prefix, line by line. Base
// files stream through it (agent::BaseFiles keeps only what fits its
// budget), so a search of a large repository holds one file per thread at a
// time; a file is checked for secrets only when it holds a match.
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <mutex>
#include <re2/re2.h>
#include <thread>

#include "ordered_scan.hpp"
#include "tool_input.hpp"
#include "workspace.hpp"

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

} // namespace

std::string Workspace::search(const json& input) const
{
    const auto query = required_string("search", input, "query");
    if (query.empty()) {
        bad_input("search", "'query' is empty");
    }
    const bool use_regex = optional_bool("search", input, "regex");
    const auto prefix = model_prefix(optional_string("search", input, "path_prefix").value_or(""));
    const auto pattern = use_regex ? compile_query(query) : nullptr;
    std::vector<const std::string*> paths;
    for_each_visible(prefix, [&](const std::string& path) { paths.push_back(&path); });
    // The files are read and searched by a thread per core at once (base
    // files stream through: agent::BaseFiles keeps only what fits its
    // budget); the answer is put together in path order afterwards, as a
    // search in order would have found it.
    std::mutex found_mutex;
    std::vector<std::pair<std::size_t, FoundLines>> found;
    const auto caller = std::this_thread::get_id();
    const ScanItem scan = [&](std::size_t index, const std::atomic<bool>& stopping) {
        const bool checks = std::this_thread::get_id() == caller;
        auto lines = file_matches(*paths[index], query, pattern.get(), checks, stopping);
        const auto hits = lines.size();
        if (hits > 0) {
            const std::lock_guard lock(found_mutex);
            found.emplace_back(index, std::move(lines));
        }
        return hits;
    };
    ordered_scan({paths.size(), scan_threads(), k_max_search_matches}, scan,
                 [this] { stop_if_asked(); });
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return search_answer(found, paths);
}

std::string Workspace::search_answer(const std::vector<std::pair<std::size_t, FoundLines>>& found,
                                     const std::vector<const std::string*>& paths) const
{
    std::string out;
    std::size_t matches = 0;
    std::size_t files_matched = 0;
    for (const auto& [index, lines] : found) {
        const auto before = matches;
        for (const auto& [number, shown] : lines) {
            if (matches == k_max_search_matches) {
                out += fmt::format("[stopped at {} matches; narrow the search with path_prefix "
                                   "or a longer query]\n",
                                   k_max_search_matches);
                return cut(std::move(out), "narrow the search");
            }
            ++matches;
            out += fmt::format("{}:{}: {}\n", *paths[index], number, shown);
        }
        files_matched += matches > before ? 1 : 0;
    }
    if (matches == 0) {
        return "no matches";
    }
    out += fmt::format("{} matches in {} files\n", matches, files_matched);
    return cut(std::move(out), "narrow the search");
}

FoundLines Workspace::file_matches(const std::string& path, const std::string& query,
                                   const RE2* pattern, bool checks,
                                   const std::atomic<bool>& stopping) const
{
    std::shared_ptr<const std::string> holder;
    const auto bytes = text_of(path, holder);
    // A line is part of the file: a text the file lacks is in none of its lines.
    if (!bytes || (!pattern && bytes->find(query) == std::string_view::npos)) {
        return {};
    }
    FoundLines lines;
    std::size_t number = 0;
    for (const auto line : text::split_lines(*bytes)) {
        if (number++ % k_stop_check_lines == 0) {
            if (checks) {
                stop_if_asked();
            } else if (stopping) {
                return {};
            }
        }
        if (line_matches(line, query, pattern)) {
            // One past the limit: enough to say the search stopped there.
            lines.emplace_back(number, std::string(text::trim(line).substr(0, k_max_search_line)));
            if (lines.size() > k_max_search_matches) {
                break;
            }
        }
    }
    // Only a file that holds a match needs the binary and secret checks.
    if (!lines.empty() && (text::is_binary(*bytes) || why_content_withheld(path, *bytes))) {
        return {};
    }
    return lines;
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

} // namespace draftsmith::agent::detail
