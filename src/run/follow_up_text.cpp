// Issue 15: the pure parts of a follow-up (run/follow_up.hpp): recognising
// the variant, reading its history from the branch, and the texts that
// change on the host (the PR body's list, the overview's row, the reply).
// They live in run/ rather than report/ because report/ sits above run/ and
// the Observer's interface is shared; they edit texts report/ wrote, by
// their markers, without re-rendering them.
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/run/follow_up.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <charconv>

namespace draftsmith::run {
namespace {

constexpr std::string_view k_list_heading = "### Follow-ups";
constexpr std::string_view k_entry_marker = "<!-- draftsmith-follow-up: ";
constexpr std::size_t k_max_history_bytes = 6000;

std::optional<std::int64_t> number_after(std::string_view text, std::string_view prefix)
{
    if (text.substr(0, prefix.size()) != prefix) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto* first = text.data() + prefix.size();
    const auto* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last || value < 1) {
        return std::nullopt;
    }
    return value;
}

// One line, no HTML comment openers, at most `max_bytes` (cut at a character).
std::string plain(std::string_view text, std::size_t max_bytes)
{
    std::string out;
    for (const auto line : text::split_lines(text::trim(text))) {
        if (!out.empty()) {
            out += ' ';
        }
        out += text::trim(line);
    }
    for (auto at = out.find("<!--"); at != std::string::npos; at = out.find("<!--", at)) {
        out.replace(at, 1, "&lt;");
    }
    if (out.size() > max_bytes) {
        auto cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0U) == 0x80U) {
            --cut;
        }
        out = out.substr(0, cut) + "\xE2\x80\xA6";
    }
    return out;
}

// A commit message's first line and its body without the trailer paragraph.
std::pair<std::string, std::string> split_message(std::string_view message)
{
    const auto text = text::trim(message);
    const auto newline = text.find('\n');
    std::string subject(text::trim(text.substr(0, newline)));
    if (newline == std::string_view::npos) {
        return {subject, ""};
    }
    auto body = text::trim(text.substr(newline + 1));
    if (const auto last = body.rfind("\n\n");
        last != std::string_view::npos &&
        body.find("Draftsmith-", last) != std::string_view::npos) {
        body = text::trim(body.substr(0, last));
    } else if (body.substr(0, 11) == "Draftsmith-") {
        body = {};
    }
    return {subject, std::string(body)};
}

} // namespace

std::optional<FollowUpTarget> follow_up_target(const host::PullRequest& pr,
                                               const trigger::Command& command)
{
    const auto marker = host::find_request_marker(pr.body);
    if (command.variants != 1 || !marker) {
        return std::nullopt;
    }
    // "pr12-c345" or "pr12-t5-c2" (host::request_id)
    const std::string_view id = marker->request_id;
    const auto dash = id.find('-');
    const auto last = id.rfind('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    FollowUpTarget target;
    const auto pr_number = number_after(id.substr(0, dash), "pr");
    const auto comment = number_after(id.substr(last + 1), "c");
    std::optional<std::int64_t> thread = 0;
    if (last != dash) {
        thread = number_after(id.substr(dash + 1, last - dash - 1), "t");
    }
    if (!pr_number || !comment || !thread) {
        return std::nullopt;
    }
    target.request_id = marker->request_id;
    target.variant = marker->variant;
    target.source_pr = *pr_number;
    target.source_comment = {*comment, *thread};
    return target;
}

bool made_by(const git::DraftsmithTrailers& trailers, const FollowUpTarget& target)
{
    if (!trailers.request) {
        return false;
    }
    const auto& ref = target.source_comment;
    const auto comment =
        ref.thread_id != 0 ? fmt::format("t{}-c{}", ref.thread_id, ref.id) : std::to_string(ref.id);
    return trailers.request->pull_request == std::to_string(target.source_pr) &&
           trailers.request->comment_id == comment &&
           (!trailers.variant || trailers.variant->index == target.variant);
}

int VariantHistory::follow_ups() const
{
    int count = 0;
    for (const auto& step : steps) {
        count += step.follow_up.empty() ? 0 : 1;
    }
    return count;
}

VariantHistory read_history(const Repo& repo, const std::string& tip, const FollowUpTarget& target,
                            std::string_view follow_up_id, int limit)
{
    VariantHistory history;
    std::optional<std::string> at = tip;
    for (int walked = 0; at && walked < limit; ++walked) {
        const auto message = repo.message(*at);
        const auto trailers = git::parse_trailers(message);
        auto [subject, summary] = split_message(message);
        HistoryStep step{*at, std::move(subject), std::move(summary),
                         trailers.follow_up.value_or(""), made_by(trailers, target)};
        if (step.ours && !step.follow_up.empty() && step.follow_up == follow_up_id &&
            !history.done) {
            history.done = step.commit;
        }
        const bool variant_commit = step.ours && step.follow_up.empty();
        if (variant_commit) {
            history.variants = trailers.variant ? trailers.variant->count : 1;
            history.request = trailers.request;
        }
        history.steps.insert(history.steps.begin(), std::move(step));
        if (variant_commit) {
            history.found_variant = true;
            break;
        }
        at = repo.first_parent(*at);
    }
    return history;
}

std::string history_text(const VariantHistory& history)
{
    std::string out;
    int number = 0;
    for (const auto& step : history.steps) {
        std::string entry;
        if (!step.ours) {
            entry =
                fmt::format("{}. Someone else committed: {}\n", ++number, plain(step.subject, 200));
        } else {
            entry = fmt::format("{}. {}: {}\n", ++number,
                                step.follow_up.empty() ? "The first request" : "A follow-up",
                                plain(step.subject, 300));
            if (!step.summary.empty()) {
                entry += fmt::format("   What you did: {}\n", plain(step.summary, 800));
            }
        }
        if (out.size() + entry.size() > k_max_history_bytes) {
            out += "(older entries left out)\n";
            break;
        }
        out += entry;
    }
    return out;
}

std::string follow_up_marker(std::string_view follow_up_id)
{
    return fmt::format("{}{} -->", k_entry_marker, follow_up_id);
}

std::string follow_up_entry(std::string_view commit, std::string_view intent,
                            std::string_view summary)
{
    auto entry = fmt::format("`{}` {}", commit.substr(0, 7), plain(intent, 200));
    if (const auto said = plain(summary, 300); !said.empty()) {
        entry += fmt::format(" \xE2\x80\x94 {}", said);
    }
    return entry;
}

namespace {

bool is_entry(std::string_view line)
{
    return line.substr(0, 2) == "- " && line.find(k_entry_marker) != std::string_view::npos;
}

// The body's lines without the follow-up list, and the list's entries.
struct BodyParts {
    std::vector<std::string> lines;
    std::vector<std::string> entries;
};

BodyParts split_body(std::string_view body)
{
    BodyParts parts;
    bool after_heading = false;
    for (const auto line : text::split_lines(body)) {
        const auto trimmed = text::trim_right(line);
        if (trimmed == k_list_heading) {
            after_heading = true;
        } else if (is_entry(trimmed)) {
            parts.entries.emplace_back(trimmed);
        } else if (!(after_heading && trimmed.empty())) {
            after_heading = false;
            parts.lines.emplace_back(trimmed);
        }
    }
    return parts;
}

std::string join_body(const BodyParts& parts)
{
    std::string section = fmt::format("{}\n\n", k_list_heading);
    for (const auto& entry : parts.entries) {
        section += entry;
        section += '\n';
    }
    section += "\n";
    std::string out;
    bool placed = false;
    for (const auto& line : parts.lines) {
        if (!placed && line.rfind("<!-- draftsmith-request:", 0) == 0) {
            out += section;
            placed = true;
        }
        out += line;
        out += '\n';
    }
    if (!placed) {
        out += "\n" + section;
    }
    return out;
}

} // namespace

std::string body_with_follow_up(std::string_view body, std::string_view follow_up_id,
                                std::string_view entry, std::size_t max_chars)
{
    auto parts = split_body(body);
    const auto marker = follow_up_marker(follow_up_id);
    const auto line = fmt::format("- {} {}", entry, marker);
    bool replaced = false;
    for (auto& existing : parts.entries) {
        if (existing.find(marker) != std::string::npos) {
            existing = line;
            replaced = true;
        }
    }
    if (!replaced) {
        parts.entries.push_back(line);
    }
    auto out = join_body(parts);
    // The oldest entries give way first; the newest always stays.
    while (out.size() > max_chars && parts.entries.size() > 1) {
        parts.entries.erase(parts.entries.begin());
        out = join_body(parts);
    }
    return out;
}

int follow_ups_in_body(std::string_view body)
{
    return static_cast<int>(split_body(body).entries.size());
}

std::string overview_with_follow_ups(std::string_view overview, int variant, int count)
{
    const auto row = fmt::format("| {} | ", variant);
    std::string out;
    for (const auto line : text::split_lines(overview)) {
        std::string text(line);
        if (text.rfind(row, 0) == 0) {
            const auto end = text.find(" | ", row.size());
            if (end != std::string::npos) {
                auto status = text.substr(row.size(), end - row.size());
                if (const auto at = status.find(" \xC2\xB7 ");
                    at != std::string::npos && status.find("follow-up", at) != std::string::npos) {
                    status.erase(at); // an earlier count
                }
                status += fmt::format(" \xC2\xB7 {} follow-up{}", count, count == 1 ? "" : "s");
                text = fmt::format("{}{}{}", row, status, text.substr(end));
            }
        }
        out += text;
        out += '\n';
    }
    return out;
}

std::string follow_up_reply(const FollowUpReply& reply, std::string_view marker)
{
    std::string out;
    if (reply.done) {
        out =
            fmt::format("\xE2\x9C\x85 {} `{}` on `{}` (+{} \xE2\x88\x92{} in {} file{}).\n\n",
                        reply.earlier ? "Done by an earlier run: commit" : "Follow-up committed as",
                        reply.commit.substr(0, 12), plain(reply.branch, 200), reply.insertions,
                        reply.deletions, reply.files, reply.files == 1 ? "" : "s");
        if (const auto said = plain(reply.summary, 1500); !said.empty()) {
            out += fmt::format("**Summary:** {}\n\n", said);
        }
    } else {
        out = fmt::format("\xE2\x9D\x8C The follow-up was not committed: {}\n\n",
                          plain(reply.reason, 1500));
    }
    out += marker;
    out += '\n';
    return out;
}

} // namespace draftsmith::run
