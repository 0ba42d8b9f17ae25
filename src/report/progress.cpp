#include "draftsmith/report/progress.hpp"

#include "draftsmith/llm/cost.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include <ostream>

#include "markdown.hpp"

namespace draftsmith::report {

std::string progress_line(const VariantRecord& variant)
{
    auto line = fmt::format("variant {}: {}", variant.index, to_string(variant.state));
    if (variant.state == VariantState::running && !variant.phase.empty()) {
        line += fmt::format(" ({})", variant.phase);
    }
    if (variant.usage.total() > 0) {
        line += fmt::format(", {} tokens, {}", format_tokens(variant.usage.total()),
                            llm::format_cost(variant.cost_usd));
    }
    if (variant.duration.count() > 0) {
        line += fmt::format(", {}", format_duration(variant.duration));
    }
    if (!variant.pr_url.empty()) {
        line += fmt::format(", {}", variant.pr_url);
    } else if (variant.state == VariantState::dry_run && !variant.branch.empty()) {
        line += fmt::format(", branch {}", variant.branch);
    }
    const bool says_why =
        variant.state == VariantState::failed || variant.state == VariantState::no_changes ||
        variant.state == VariantState::interrupted || variant.state == VariantState::duplicate ||
        variant.state == VariantState::incomplete;
    if (says_why && !variant.reason.empty()) {
        line += fmt::format(": {}", variant.reason);
    }
    // One line each, whatever the texts held, and no secret on screen.
    return redacted(detail::one_line(line));
}

Progress::Progress(std::ostream& out, bool terminal)
    : m_out(out)
    , m_terminal(terminal)
{
}

void Progress::update(const VariantRecord& variant)
{
    const std::lock_guard lock(m_mutex);
    auto line = progress_line(variant);
    auto& current = m_lines[variant.index];
    if (current == line) {
        return;
    }
    current = std::move(line);
    if (m_terminal) {
        redraw();
    } else {
        m_out << current << '\n';
    }
    m_out.flush();
}

void Progress::finish()
{
    const std::lock_guard lock(m_mutex);
    m_terminal = false;
    m_drawn = 0;
    m_out.flush();
}

void Progress::redraw()
{
    // Back to the first line drawn, then each line erased and written anew.
    if (m_drawn > 0) {
        m_out << fmt::format("\x1b[{}A", m_drawn);
    }
    for (const auto& entry : m_lines) {
        m_out << "\r\x1b[2K" << entry.second << '\n';
    }
    m_drawn = m_lines.size();
}

} // namespace draftsmith::report
