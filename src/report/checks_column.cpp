// The overview's Checks column (checks_column.hpp).
#include "draftsmith/report/checks_column.hpp"

#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <charconv>

#include "markdown.hpp"

namespace draftsmith::report {
namespace {

using detail::cut_utf8;
using detail::table_cell;

constexpr std::string_view k_passed = "\xE2\x9C\x85";              // U+2705
constexpr std::string_view k_failed = "\xE2\x9D\x8C";              // U+274C
constexpr std::string_view k_running = "\xE2\x8F\xB3";             // U+23F3
constexpr std::string_view k_warning = "\xE2\x9A\xA0\xEF\xB8\x8F"; // U+26A0 U+FE0F
constexpr std::string_view k_dash = "\xE2\x80\x94";                // U+2014
constexpr std::string_view k_dot = "\xC2\xB7";                     // U+00B7
constexpr std::string_view k_header_start = "| Variant | Status |";
constexpr std::size_t k_names_shown = 5;

// The cells of a table row, '\|' escapes kept as they are.
std::vector<std::string> split_cells(std::string_view line)
{
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
            cell += line.substr(i, 2);
            ++i;
        } else if (line[i] == '|') {
            cells.emplace_back(text::trim(cell));
            cell.clear();
        } else {
            cell += line[i];
        }
    }
    cells.emplace_back(text::trim(cell));
    // "| a | b |" has an empty piece before the first and after the last bar.
    if (!cells.empty() && cells.front().empty()) {
        cells.erase(cells.begin());
    }
    if (!cells.empty() && cells.back().empty()) {
        cells.pop_back();
    }
    return cells;
}

// The row without its last cell: up to and including the bar before it.
std::string_view without_last_cell(std::string_view line)
{
    if (line.size() < 2 || line.back() != '|') {
        return line;
    }
    for (auto i = line.size() - 1; i-- > 0;) {
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) {
            return line.substr(0, i + 1);
        }
    }
    return line;
}

std::optional<std::int64_t> number_after(std::string_view text, std::string_view prefix)
{
    const auto at = text.find(prefix);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto* first = text.data() + at + prefix.size();
    const auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
    if (error != std::errc() || end == first) {
        return std::nullopt;
    }
    return value;
}

std::vector<std::string_view> lines_of(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const auto stop = end == std::string_view::npos ? text.size() : end + 1;
        lines.push_back(text.substr(start, stop - start));
        start = stop;
    }
    return lines;
}

bool is_table_line(std::string_view line)
{
    return !line.empty() && line.front() == '|';
}

// "build, test-linux" (at most k_names_shown, then "and N more"), table- and link-safe.
std::string failed_names(const std::vector<std::string>& names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < k_names_shown; ++i) {
        auto name = table_cell(cut_utf8(names[i], 60));
        for (auto& c : name) {
            c = c == '[' ? '(' : c == ']' ? ')' : c;
        }
        out += (i == 0 ? "" : ", ") + name;
    }
    if (names.size() > k_names_shown) {
        out += fmt::format(" and {} more", names.size() - k_names_shown);
    }
    return out;
}

bool linkable(std::string_view url)
{
    return (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) &&
           url.find_first_of(" \t\r\n()<>|\"") == std::string_view::npos;
}

std::string summary_text(const host::CheckSummary& summary)
{
    if (!summary.failed.empty()) {
        return fmt::format("{} {} of {} failed: {}", k_failed, summary.failed.size(), summary.total,
                           failed_names(summary.failed));
    }
    if (summary.running > 0) {
        return fmt::format("{} {} of {} running", k_running, summary.running, summary.total);
    }
    return fmt::format("{} {}/{}", k_passed, summary.passed, summary.total);
}

// The Checks cell of a row, by the variant number in its first cell.
std::string row_cell(const std::vector<std::string>& cells,
                     const std::vector<run::VariantChecks>& checks)
{
    const auto variant = cells.empty() ? std::nullopt : number_after(cells[0], "");
    for (const auto& entry : checks) {
        if (variant && entry.variant == *variant) {
            return checks_cell(entry);
        }
    }
    return std::string(k_dash);
}

} // namespace

std::map<int, std::int64_t> overview_variant_prs(std::string_view overview)
{
    std::map<int, std::int64_t> prs;
    bool in_table = false;
    for (const auto line : lines_of(overview)) {
        if (line.rfind(k_header_start, 0) == 0) {
            in_table = true;
            continue;
        }
        if (!in_table) {
            continue;
        }
        if (!is_table_line(line)) {
            break;
        }
        const auto cells = split_cells(text::trim(line));
        if (cells.size() < 3) {
            continue;
        }
        const auto variant = number_after(cells[0], "");
        const auto pr = number_after(cells[2], "[#");
        if (variant && pr && *variant > 0 && *pr > 0) {
            prs[static_cast<int>(*variant)] = *pr;
        }
    }
    return prs;
}

std::string checks_cell(const run::VariantChecks& checks)
{
    std::string cell;
    if (!checks.read_error.empty()) {
        cell = fmt::format("{} could not be read", k_warning);
    } else if (checks.summary.total == 0) {
        cell = fmt::format("{} no checks", k_dash);
    } else {
        cell = summary_text(checks.summary);
        if (linkable(checks.summary.link)) {
            cell = fmt::format("[{}]({})", cell, checks.summary.link);
        }
    }
    if (checks.repairs == 1) {
        cell += fmt::format(" {} repaired once", k_dot);
    } else if (checks.repairs > 1) {
        cell += fmt::format(" {} repaired {} times", k_dot, checks.repairs);
    }
    if (!checks.repair_note.empty()) {
        cell += fmt::format(" {} {}", k_dot, table_cell(cut_utf8(checks.repair_note, 160)));
    }
    return cell;
}

std::string overview_with_checks(std::string_view overview,
                                 const std::vector<run::VariantChecks>& checks)
{
    std::string out;
    enum class Part { before, header, separator, rows, after } part = Part::before;
    bool replace = false;
    for (const auto line : lines_of(overview)) {
        const bool newline = !line.empty() && line.back() == '\n';
        const auto body = newline ? line.substr(0, line.size() - 1) : line;
        if (part == Part::before && body.rfind(k_header_start, 0) == 0) {
            part = Part::header;
        } else if (part == Part::header) {
            part = Part::separator;
        } else if (part == Part::separator || part == Part::rows) {
            part = is_table_line(body) ? Part::rows : Part::after;
        }
        if (part == Part::before || part == Part::after) {
            out += line;
            continue;
        }
        auto kept = text::trim_right(body);
        if (part == Part::header) {
            const auto header = split_cells(kept);
            replace = !header.empty() && header.back() == "Checks";
        }
        if (replace) {
            kept = without_last_cell(kept);
        }
        std::string cell;
        if (part == Part::header) {
            cell = " Checks |";
        } else if (part == Part::separator) {
            cell = "---|";
        } else {
            cell = " " + row_cell(split_cells(kept), checks) + " |";
        }
        out += std::string(kept) + cell + (newline ? "\n" : "");
    }
    return out;
}

} // namespace draftsmith::report
