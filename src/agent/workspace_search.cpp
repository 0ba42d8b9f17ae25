// The search tool: every visible file under a prefix, line by line. Base
// files stream through it (agent::BaseFiles keeps only what fits its
// budget), so a search of a large repository holds one file at a time; a
// file is checked for secrets only when it holds a match.
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <re2/re2.h>

#include "tool_input.hpp"
#include "workspace.hpp"

namespace draftsmith::agent::detail {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_search_matches = 200;
constexpr std::size_t k_max_search_line = 240;
// How often (in lines) a search asks whether the variant must stop.
constexpr std::size_t k_stop_check_lines = 4096;
// ... and in files, when most files are skipped without reading a line.
constexpr std::size_t k_stop_check_files = 256;
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
    // A base that fits the shared budget is read whole, once for the run,
    // by the variants together; a larger one streams file by file below.
    m_shared->prepare();
    std::string out;
    std::size_t matches = 0;
    std::size_t files_matched = 0;
    std::size_t visited = 0;
    bool full = false;
    for_each_visible(prefix, [&](const std::string& path) {
        if (full) {
            return;
        }
        if (visited++ % k_stop_check_files == 0) {
            stop_if_asked();
        }
        std::shared_ptr<const std::string> holder;
        const auto bytes = text_of(path, holder);
        // A line is part of the file: a text the file lacks is in none of its lines.
        if (!bytes || (!pattern && bytes->find(query) == std::string_view::npos)) {
            return;
        }
        std::string found;
        auto counted = matches;
        const bool more = search_file(path, *bytes, query, pattern.get(), found, counted);
        // Only a file that holds a match needs the binary and secret checks.
        if ((counted == matches && more) || text::is_binary(*bytes) ||
            why_content_withheld(path, *bytes)) {
            return;
        }
        out += found;
        files_matched += counted > matches ? 1 : 0;
        matches = counted;
        full = !more;
    });
    if (full) {
        return cut(std::move(out), "narrow the search");
    }
    if (matches == 0) {
        return "no matches";
    }
    out += fmt::format("{} matches in {} files\n", matches, files_matched);
    return cut(std::move(out), "narrow the search");
}

bool Workspace::search_file(const std::string& path, std::string_view bytes,
                            const std::string& query, const RE2* pattern, std::string& out,
                            std::size_t& matches) const
{
    std::size_t number = 0;
    for (const auto line : text::split_lines(bytes)) {
        if (number++ % k_stop_check_lines == 0) {
            stop_if_asked();
        }
        if (!line_matches(line, query, pattern)) {
            continue;
        }
        if (matches == k_max_search_matches) {
            out += fmt::format("[stopped at {} matches; narrow the search with path_prefix or "
                               "a longer query]\n",
                               k_max_search_matches);
            return false;
        }
        ++matches;
        const auto shown = text::trim(line).substr(0, k_max_search_line);
        out += fmt::format("{}:{}: {}\n", path, number, shown);
    }
    return true;
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
