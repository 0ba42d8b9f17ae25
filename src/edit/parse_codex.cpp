// The `*** Begin Patch` envelope OpenAI's models emit (codex apply_patch):
//   *** Update File: PATH   [*** Move to: NEW]   @@ [anchor]   ' '/'-'/'+' lines
//   *** Add File: PATH      '+' lines
//   *** Delete File: PATH
// Inside the envelope a line without a prefix is read as context, since
// models often drop the space before an unchanged line.
//
// As codex-rs/apply-patch applies them: `*** End of File` after a hunk says
// its old lines end the file; a hunk that only adds lines goes at the end of
// the file (unless it names an `@@` anchor without `*** End of File`: codex
// would still append, but a model naming a place means that place, so such a
// hunk is refused at apply time rather than put somewhere else). `*** Add
// File` writes the whole file, over an existing one too, as a whole file in a
// fence does. An envelope without `*** End Patch` is refused: it was cut off.
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model_text.hpp"

namespace draftsmith::edit {
namespace {

bool starts_with(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

std::optional<std::string_view> after(std::string_view line, std::string_view prefix)
{
    if (!starts_with(line, prefix)) {
        return std::nullopt;
    }
    return text::trim(line.substr(prefix.size()));
}

// Pure additions become appends (see above); an update with nothing in it is refused.
void finish_codex_changes(EditSet& edits)
{
    for (auto& change : edits.changes) {
        if (change.kind == FileChange::Kind::modify && change.hunks.empty()) {
            detail::throw_parse_error(change.span.first,
                                      fmt::format("'*** Update File: {}' holds no change: no '@@' "
                                                  "hunk with '+' or '-' lines follows it",
                                                  change.path));
        }
        for (auto& hunk : change.hunks) {
            const bool adds_only =
                std::all_of(hunk.lines.begin(), hunk.lines.end(),
                            [](const HunkLine& line) { return line.op == HunkLine::Op::add; });
            if (!adds_only || hunk.lines.empty() ||
                (!hunk.anchor.empty() && !hunk.at_end_of_file)) {
                continue;
            }
            hunk.kind = Hunk::Kind::append;
            for (const auto& line : hunk.lines) {
                hunk.replace += line.text;
                hunk.replace += '\n';
            }
            hunk.lines.clear();
        }
    }
    detail::refuse_empty_hunks(edits, "the hunk has no '+' or '-' line");
}

} // namespace

EditSet parse_codex_patch(std::string_view text)
{
    const auto lines = detail::split_model_text(text);
    EditSet edits;
    bool inside = false;
    std::size_t begin_line = 0;
    FileChange* change = nullptr;
    Hunk* hunk = nullptr;
    auto finish_hunk = [&] {
        if (change != nullptr && hunk != nullptr && hunk->lines.empty()) {
            change->hunks.pop_back();
        }
        hunk = nullptr;
    };
    auto new_change = [&](FileChange::Kind kind, std::string_view path, std::size_t number) {
        finish_hunk();
        edits.changes.emplace_back();
        change = &edits.changes.back();
        change->kind = kind;
        change->path = std::string(path);
        change->span = {number, number};
    };
    for (const auto& line : lines) {
        const auto raw = line.text;
        const auto trimmed = text::trim(raw);
        if (!inside) {
            if (trimmed == "*** Begin Patch") {
                inside = true;
                begin_line = line.number;
            }
            continue;
        }
        if (trimmed == "*** End Patch") {
            finish_hunk();
            inside = false;
            change = nullptr;
            continue;
        }
        if (auto path = after(trimmed, "*** Update File:")) {
            new_change(FileChange::Kind::modify, *path, line.number);
            continue;
        }
        if (auto path = after(trimmed, "*** Add File:")) {
            new_change(FileChange::Kind::write, *path, line.number);
            continue;
        }
        if (auto path = after(trimmed, "*** Delete File:")) {
            new_change(FileChange::Kind::remove, *path, line.number);
            continue;
        }
        if (change == nullptr) {
            if (!trimmed.empty()) {
                detail::throw_parse_error(line.number, "a line inside '*** Begin Patch' before any "
                                                       "'*** Update File:', '*** Add File:' or "
                                                       "'*** Delete File:' line");
            }
            continue;
        }
        change->span.last = line.number;
        if (auto path = after(trimmed, "*** Move to:")) {
            change->kind = FileChange::Kind::rename;
            change->new_path = std::string(*path);
            continue;
        }
        if (starts_with(trimmed, "*** End of File")) {
            if (hunk != nullptr) {
                hunk->at_end_of_file = true;
            }
            continue;
        }
        if (starts_with(trimmed, "```")) {
            continue;
        }
        if (change->kind == FileChange::Kind::write) {
            change->content.append(starts_with(raw, "+") ? raw.substr(1) : raw);
            change->content += '\n';
            continue;
        }
        if (change->kind == FileChange::Kind::remove) {
            continue;
        }
        if (starts_with(raw, "@@")) {
            finish_hunk();
            change->hunks.emplace_back();
            hunk = &change->hunks.back();
            hunk->anchor = std::string(text::trim(text::trim(raw).substr(2)));
            hunk->span = {line.number, line.number};
            continue;
        }
        if (hunk == nullptr) {
            change->hunks.emplace_back();
            hunk = &change->hunks.back();
            hunk->span = {line.number, line.number};
        }
        hunk->span.last = line.number;
        if (starts_with(raw, "+")) {
            hunk->lines.push_back({HunkLine::Op::add, std::string(raw.substr(1))});
        } else if (starts_with(raw, "-")) {
            hunk->lines.push_back({HunkLine::Op::remove, std::string(raw.substr(1))});
        } else if (starts_with(raw, " ")) {
            hunk->lines.push_back({HunkLine::Op::context, std::string(raw.substr(1))});
        } else {
            hunk->lines.push_back({HunkLine::Op::context, std::string(raw)});
        }
    }
    if (inside) {
        detail::throw_parse_error(begin_line, "the '*** Begin Patch' envelope is not closed: no "
                                              "'*** End Patch' line follows it (was the patch cut "
                                              "off?); send the whole patch again");
    }
    finish_hunk();
    // Trailing blank context a model leaves before "*** End Patch" says nothing.
    for (auto& each : edits.changes) {
        for (auto& one : each.hunks) {
            while (!one.lines.empty() && one.lines.back().op == HunkLine::Op::context &&
                   text::trim(one.lines.back().text).empty()) {
                one.lines.pop_back();
            }
        }
    }
    finish_codex_changes(edits);
    if (edits.empty()) {
        detail::throw_parse_error(1, "no '*** Begin Patch' ... '*** End Patch' envelope with file "
                                     "changes found");
    }
    return edits;
}

} // namespace draftsmith::edit
