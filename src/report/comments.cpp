#include "draftsmith/report/comments.hpp"

#include "draftsmith/llm/cost.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include "incomplete.hpp"
#include "markdown.hpp"

namespace draftsmith::report {

namespace {

using detail::block_quote;
using detail::cut_utf8;
using detail::neutralise_markers;
using detail::one_line;
using detail::table_cell;

constexpr std::string_view k_dash = "\xE2\x80\x94";  // U+2014 em dash
constexpr std::string_view k_minus = "\xE2\x88\x92"; // U+2212 minus sign

std::string_view state_label(VariantState state)
{
    switch (state) {
    case VariantState::queued:
        return "\xE2\x8F\xB3 queued"; // ⏳
    case VariantState::running:
        return "\xF0\x9F\x94\x84 running"; // 🔄
    case VariantState::succeeded:
        return "\xE2\x9C\x85 ready"; // ✅
    case VariantState::failed:
        return "\xE2\x9D\x8C failed"; // ❌
    case VariantState::duplicate:
        return "\xF0\x9F\x91\xAF duplicate"; // 👯
    case VariantState::no_changes:
        return "\xE2\x9E\x96 no changes"; // ➖
    case VariantState::interrupted:
        return "\xE2\x8F\xB9\xEF\xB8\x8F interrupted"; // ⏹️
    case VariantState::dry_run:
        return "\xF0\x9F\xA7\xAA dry run"; // 🧪
    case VariantState::incomplete:
        return "\xE2\x9A\xA0 incomplete"; // ⚠ (issue 17)
    }
    return "?";
}

bool has_changes(const VariantRecord& variant)
{
    return variant.state == VariantState::succeeded || variant.state == VariantState::dry_run ||
           variant.state == VariantState::incomplete;
}

// "⚠ incomplete (time limit)": the state and, for an incomplete variant, why.
std::string status_text(const VariantRecord& variant)
{
    auto status = std::string(state_label(variant.state));
    if (variant.state == VariantState::incomplete && !variant.incomplete.empty()) {
        status += fmt::format(" ({})", table_cell(variant.incomplete));
    }
    return status;
}

// Who asked, where: "@octo in [this comment](url)".
std::string requested_by(const RunRecord& run)
{
    std::string out = "Requested";
    if (!run.requester.empty()) {
        out += run.host == "github" ? fmt::format(" by @{}", one_line(run.requester))
                                    : fmt::format(" by {}", one_line(run.requester));
    }
    if (!run.comment_url.empty()) {
        out += fmt::format(" in [this comment]({})", run.comment_url);
    }
    if (run.pr > 0) {
        out += run.pr_url.empty() ? fmt::format(" on #{}", run.pr)
                                  : fmt::format(" on [#{}]({})", run.pr, run.pr_url);
    }
    out += '.';
    return out;
}

std::string pull_request_cell(const VariantRecord& variant)
{
    if (!variant.pr_url.empty()) {
        const auto label = variant.pr_number > 0 ? fmt::format("#{}", variant.pr_number)
                                                 : std::string("pull request");
        return fmt::format("[{}]({}){}", label, variant.pr_url,
                           variant.pr_reused ? " (updated)" : "");
    }
    if (variant.state == VariantState::duplicate && variant.duplicate_of > 0) {
        return fmt::format("same as variant {}", variant.duplicate_of);
    }
    if (!variant.branch.empty() && has_changes(variant)) {
        return fmt::format("`{}`", table_cell(variant.branch));
    }
    return std::string(k_dash);
}

std::string table_row(const VariantRecord& variant)
{
    const bool changes = has_changes(variant);
    const auto files = changes ? fmt::format("{}", variant.files) : std::string(k_dash);
    const auto lines = changes
                           ? fmt::format("+{} {}{}", variant.insertions, k_minus, variant.deletions)
                           : std::string(k_dash);
    auto status = status_text(variant);
    if (variant.state == VariantState::running && !variant.phase.empty()) {
        status += fmt::format(" ({})", table_cell(variant.phase));
    }
    return fmt::format(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n", variant.index, status,
        pull_request_cell(variant), files, lines, format_tokens(variant.usage.total()),
        format_cost_with_cache(variant.cost_usd, variant.usage), format_duration(variant.duration));
}

// "- **Variant 2** failed: the model gave up." for the variants that need a word.
std::string explanation(const VariantRecord& variant)
{
    const auto reason = neutralise_markers(one_line(variant.reason));
    const auto because = reason.empty() ? std::string(".") : fmt::format(": {}", reason);
    switch (variant.state) {
    case VariantState::failed:
        return fmt::format("- **Variant {}** failed{}\n", variant.index, because);
    case VariantState::no_changes:
        return fmt::format("- **Variant {}** made no changes{}\n", variant.index, because);
    case VariantState::interrupted:
        return fmt::format("- **Variant {}** was interrupted{}\n", variant.index, because);
    case VariantState::incomplete:
        return fmt::format("- **Variant {}** is incomplete{} Its edits so far are {}; run the "
                           "same comment again to continue it (`--force` starts over).\n",
                           variant.index, reason.empty() ? "." : because + ".",
                           variant.pr_url.empty() ? "on its branch" : "in its draft pull request");
    case VariantState::duplicate:
        if (variant.duplicate_of > 0) {
            return fmt::format("- **Variant {}** made the same change as variant {}{}\n",
                               variant.index, variant.duplicate_of, reason.empty() ? "." : because);
        }
        return fmt::format("- **Variant {}** duplicates another variant{}\n", variant.index,
                           because);
    default:
        return {};
    }
}

std::string heading(const RunRecord& run)
{
    std::size_t ready = 0;
    std::size_t incomplete = 0;
    for (const auto& variant : run.variant_records) {
        ready += variant.state == VariantState::succeeded ? 1 : 0;
        incomplete += variant.state == VariantState::incomplete ? 1 : 0;
    }
    if (run.dry_run) {
        return fmt::format(
            "### \xF0\x9F\xA7\xAA draftsmith dry run: {} variant{}, nothing pushed\n", run.variants,
            run.variants == 1 ? "" : "s");
    }
    const auto also = incomplete > 0 ? fmt::format(", {} incomplete", incomplete) : std::string();
    return fmt::format("### \xE2\x9C\x8F\xEF\xB8\x8F draftsmith: {} of {} variant{} ready as draft "
                       "pull requests{}\n",
                       ready, run.variants, run.variants == 1 ? "" : "s", also);
}

std::string totals(const RunRecord& run)
{
    auto out = fmt::format(
        "**Total:** {} tokens \xC2\xB7 {} \xC2\xB7 {}", format_tokens(run.usage.total()),
        format_cost_with_cache(run.cost_usd, run.usage), format_duration(run.duration));
    if (!run.run_url.empty()) {
        out += fmt::format(" \xC2\xB7 [pipeline run]({})", run.run_url);
    }
    out += '\n';
    return out;
}

// Closes a code fence a cut left open, so the rest of the body renders.
std::string close_open_fence(std::string text)
{
    std::size_t fences = 0;
    for (const auto line : text::split_lines(text)) {
        fences += text::trim(line).substr(0, 3) == "```" ? 1 : 0;
    }
    if (fences % 2 == 1) {
        text += "\n```";
    }
    return text;
}

// At most `max_bytes` of a diffstat, keeping its last line ("3 files changed, ...").
std::string cut_diffstat(std::string_view diffstat, std::size_t max_bytes)
{
    if (diffstat.size() <= max_bytes) {
        return std::string(diffstat);
    }
    const auto lines = text::split_lines(diffstat);
    if (lines.empty()) {
        return {};
    }
    const auto last = lines.back();
    std::string out;
    std::size_t kept = 0;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        if (out.size() + lines[i].size() + last.size() + 40 > max_bytes) {
            break;
        }
        out += lines[i];
        out += '\n';
        ++kept;
    }
    out += fmt::format(" ... {} more line(s)\n", lines.size() - 1 - kept);
    out += last;
    return cut_utf8(out, max_bytes);
}

struct BodyParts {
    std::string intent;
    std::string summary;
    std::string diffstat;
};

std::string compose_body(const RunRecord& run, const VariantRecord& variant, const BodyParts& parts,
                         std::string_view marker)
{
    std::string out;
    if (variant.state == VariantState::incomplete) {
        out += detail::incomplete_notice(variant);
    }
    out += block_quote(parts.intent);
    out += '\n';
    out += requested_by(run);
    out += "\n\n### Summary\n\n";
    out += parts.summary.empty() ? std::string("The model gave no summary.")
                                 : neutralise_markers(parts.summary);
    out += "\n\n";
    if (!parts.diffstat.empty()) {
        out += "### Changes\n\n";
        out += detail::code_block(parts.diffstat, "text");
        out += '\n';
    }
    out += fmt::format("**Variant {} of {}**", variant.index, run.variants);
    if (!variant.hint.empty()) {
        out +=
            fmt::format(" \xE2\x80\x94 approach: {}", neutralise_markers(one_line(variant.hint)));
    }
    out += "  \n";
    if (!variant.model.empty()) {
        out += fmt::format("`{}{}{}` \xC2\xB7 ", variant.provider,
                           variant.provider.empty() ? "" : "/", variant.model);
    }
    out += fmt::format("{} tokens \xC2\xB7 {} \xC2\xB7 {} turn{} \xC2\xB7 {}\n\n",
                       format_tokens(variant.usage.total()), llm::format_cost(variant.cost_usd),
                       variant.turns, variant.turns == 1 ? "" : "s",
                       format_duration(variant.duration));
    out += "<sub>Drafted by draftsmith with a language model: review it like any other "
           "change.</sub>\n\n";
    out += marker;
    out += '\n';
    return out;
}

// Whether a code point is a picture rather than a word: emoji planes,
// symbols and dingbats, arrows and stars, and the emoji joiners.
bool is_emoji(char32_t code)
{
    return code >= 0x1F000 || (code >= 0x2600 && code <= 0x27BF) ||
           (code >= 0x2B00 && code <= 0x2BFF) || code == 0xFE0F || code == 0x200D;
}

// Removes emoji from UTF-8 text; other characters pass unchanged.
std::string without_emoji(std::string_view text)
{
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        char32_t code = lead;
        if (lead >= 0xF0U) {
            length = 4;
            code = lead & 0x07U;
        } else if (lead >= 0xE0U) {
            length = 3;
            code = lead & 0x0FU;
        } else if (lead >= 0xC0U) {
            length = 2;
            code = lead & 0x1FU;
        }
        for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
            code = (code << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
        }
        if (!is_emoji(code)) {
            out += text.substr(i, length);
        }
        i += length;
    }
    return out;
}

// At most `max_bytes`, cut after a whole word when that loses little.
std::string cut_at_word(std::string_view text, std::size_t max_bytes)
{
    auto cut = cut_utf8(text, max_bytes);
    if (cut.size() == text.size()) {
        return cut;
    }
    const auto space = text.rfind(' ', cut.size() - 3);
    if (space != std::string_view::npos && space + 20 >= cut.size()) {
        return std::string(text::trim_right(text.substr(0, space))) + "\xE2\x80\xA6";
    }
    return cut;
}

} // namespace

std::string progress_comment(const RunRecord& run, std::string_view marker)
{
    auto out = fmt::format("\xF0\x9F\x91\x80 Working on {} variant{} of: {}\n\n", run.variants,
                           run.variants == 1 ? "" : "s",
                           neutralise_markers(cut_utf8(one_line(run.intent), 300)));
    for (const auto& variant : run.variant_records) {
        out += fmt::format("- Variant {}: {}", variant.index, status_text(variant));
        if (variant.state == VariantState::running && !variant.phase.empty()) {
            out += fmt::format(" ({})", one_line(variant.phase));
        }
        if (!variant.pr_url.empty()) {
            out += fmt::format(" \xE2\x80\x94 {}", pull_request_cell(variant));
        } else if (variant.state == VariantState::duplicate && variant.duplicate_of > 0) {
            out += fmt::format(" of variant {}", variant.duplicate_of);
        }
        const bool says_why =
            variant.state == VariantState::failed || variant.state == VariantState::no_changes ||
            variant.state == VariantState::interrupted || variant.state == VariantState::incomplete;
        if (says_why && !variant.reason.empty()) {
            out += fmt::format(": {}", neutralise_markers(cut_utf8(one_line(variant.reason), 200)));
        }
        out += '\n';
    }
    if (!run.run_url.empty()) {
        out += fmt::format("\nFollow along in the [pipeline run]({}).\n", run.run_url);
    }
    out += '\n';
    out += marker;
    out += '\n';
    return out;
}

std::string overview_comment(const RunRecord& run, std::string_view marker)
{
    std::string out = heading(run);
    out += '\n';
    out += block_quote(cut_utf8(run.intent, 2000));
    out += '\n';
    out += requested_by(run);
    out += "\n\n";
    if (!run.error.empty()) {
        out += fmt::format("\xE2\x9A\xA0\xEF\xB8\x8F **The run failed:** {}\n\n",
                           neutralise_markers(one_line(run.error)));
    }
    if (!run.variant_records.empty()) {
        out +=
            "| Variant | Status | Pull request | Files | +/\xE2\x88\x92 | Tokens | Cost | Time |\n";
        out += "|---:|---|---|---:|---:|---:|---:|---:|\n";
        std::string notes;
        for (const auto& variant : run.variant_records) {
            out += table_row(variant);
            notes += explanation(variant);
        }
        out += '\n';
        if (!notes.empty()) {
            out += notes;
            out += '\n';
        }
        out += detail::kept_and_lost(run);
    }
    out += totals(run);
    out += '\n';
    out += marker;
    out += '\n';
    return out;
}

std::string pull_request_body(const RunRecord& run, const VariantRecord& variant,
                              std::string_view marker)
{
    const auto fits = [](const std::string& body) { return body.size() <= k_max_body_chars; };
    BodyParts parts{run.intent, std::string(text::trim(variant.summary)),
                    std::string(text::trim_right(variant.diffstat))};
    auto body = compose_body(run, variant, parts, marker);
    if (fits(body)) {
        return body;
    }
    parts.diffstat = cut_diffstat(parts.diffstat, 1200);
    parts.intent = cut_utf8(parts.intent, 600);
    body = compose_body(run, variant, parts, marker);
    if (!fits(body)) {
        const auto without_summary =
            compose_body(run, variant, BodyParts{parts.intent, "", parts.diffstat}, marker);
        const auto room = without_summary.size() + 20 < k_max_body_chars
                              ? k_max_body_chars - without_summary.size() - 20
                              : 0;
        parts.summary = close_open_fence(cut_utf8(parts.summary, room));
        body = compose_body(run, variant, parts, marker);
    }
    if (fits(body)) {
        return body;
    }
    // Only a huge hint or marker gets here: cut whatever precedes the marker.
    const auto room =
        k_max_body_chars > marker.size() + 8 ? k_max_body_chars - marker.size() - 8 : 0;
    return cut_utf8(body.substr(0, body.size() - marker.size() - 1), room) + "\n\n" +
           std::string(marker) + "\n";
}

std::string pull_request_title(std::string_view title_template, const RunRecord& run, int variant)
{
    std::string prefix;
    if (variant >= 1 && static_cast<std::size_t>(variant) <= run.variant_records.size()) {
        const auto& record = run.variant_records[static_cast<std::size_t>(variant) - 1];
        if (record.state == VariantState::incomplete) {
            prefix = fmt::format("[incomplete: {}] ", record.incomplete.empty()
                                                          ? std::string("stopped early")
                                                          : one_line(record.incomplete));
        }
    }
    return prefix + one_line(text::fill_placeholders(
                        title_template, {{"i", std::to_string(variant)},
                                         {"n", std::to_string(run.variants)},
                                         {"slug", run.slug},
                                         {"pr", std::to_string(run.pr)},
                                         {"intent", cut_at_word(one_line(run.intent), 60)}}));
}

std::string refusal_comment(std::string_view user, std::string_view reason)
{
    auto why = neutralise_markers(one_line(reason));
    while (!why.empty() && why.back() == '.') {
        why.pop_back();
    }
    return fmt::format(
        "\xF0\x9F\x9A\xAB Sorry @{}, draftsmith did not run for this comment: {}.\n\n"
        "Ask someone with write access to this repository to post the command, "
        "or ask a maintainer to add your user name to `allowed_users` in "
        "`.draftsmith.yml`.\n",
        one_line(user), why);
}

std::string usage_comment(std::string_view message)
{
    return fmt::format("\xF0\x9F\xA4\x94 draftsmith could not read this command: {}\n\n"
                       "Write it like this (`/N` asks for N variants, at most 5 by default):\n\n"
                       "```\n/edit /3 make the submit buttons red\n```\n\n"
                       "The full grammar is in `man draftsmith`, section COMMENT GRAMMAR.\n",
                       neutralise_markers(text::trim(message)));
}

std::string commit_message(const RunRecord& run, const VariantRecord& variant)
{
    constexpr std::size_t k_subject_max = 72;
    const auto suffix = run.variants > 1
                            ? fmt::format(" (variant {}/{})", variant.index, run.variants)
                            : std::string();
    auto intent = one_line(without_emoji(run.intent));
    if (intent.empty()) {
        intent = run.slug.empty() ? std::string("draftsmith edit") : run.slug;
    }
    auto subject = cut_utf8(intent, k_subject_max - suffix.size()) + suffix;
    std::string out = subject;
    const auto summary = text::trim(variant.summary);
    if (!summary.empty()) {
        out += "\n\n";
        out += summary;
    }
    out += '\n';
    return out;
}

} // namespace draftsmith::report
