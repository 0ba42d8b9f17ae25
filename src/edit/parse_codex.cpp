// The `*** Begin Patch` envelope OpenAI's models emit (codex apply_patch):
//   *** Update File: PATH   [*** Move to: NEW]   @@ [anchor]   ' '/'-'/'+' lines
//   *** Add File: PATH      '+' lines
//   *** Delete File: PATH
// Inside the envelope a line without a prefix is read as context, since
// models often drop the space before an unchanged line.
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/text.hpp"

#include "model_text.hpp"

namespace draftsmith::edit {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

std::optional<std::string_view> after(std::string_view line, std::string_view prefix) {
    if (!starts_with(line, prefix)) {
        return std::nullopt;
    }
    return text::trim(line.substr(prefix.size()));
}

} // namespace

EditSet parse_codex_patch(std::string_view text) {
    const auto lines = detail::split_model_text(text);
    EditSet edits;
    bool inside = false;
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
            new_change(FileChange::Kind::create, *path, line.number);
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
        if (starts_with(trimmed, "*** End of File") || starts_with(trimmed, "```")) {
            continue;
        }
        if (change->kind == FileChange::Kind::create) {
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
    if (edits.empty()) {
        detail::throw_parse_error(1, "no '*** Begin Patch' ... '*** End Patch' envelope with file "
                                     "changes found");
    }
    return edits;
}

} // namespace draftsmith::edit
