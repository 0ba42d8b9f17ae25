// The applier. One FileChange at a time, reading through the overlay built so
// far, so several changes to one path (and edits over an agent's turns) see
// each other. Paths are checked here; hunks are applied by file_editor.cpp.
#include "draftsmith/edit/apply.hpp"

#include "draftsmith/edit/paths.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "encoding.hpp"
#include "file_editor.hpp"
#include "file_text.hpp"
#include "match.hpp"
#include "model_text.hpp"

namespace draftsmith::edit {

const char* to_string(Stage stage) noexcept
{
    switch (stage) {
    case Stage::exact:
        return "exact";
    case Stage::anywhere:
        return "anywhere";
    case Stage::whitespace:
        return "whitespace";
    case Stage::punctuation:
        return "punctuation";
    case Stage::fuzzy:
        return "fuzzy";
    }
    return "exact";
}

bool ApplyResult::ok() const noexcept
{
    return std::all_of(files.begin(), files.end(), [](const auto& file) { return file.ok; });
}

std::string ApplyResult::failure_report() const
{
    std::string report;
    for (const auto& file : files) {
        if (!file.ok) {
            if (!report.empty()) {
                report += '\n';
            }
            report += file.message;
            if (report.back() != '\n') {
                report += '\n';
            }
        }
    }
    return report;
}

namespace {

using detail::FileText;

// A whole file a model wrote with "... existing code ..." in place of text.
std::optional<std::string> placeholder_line(std::string_view content)
{
    for (const auto line : detail::split_text_lines(content)) {
        auto text = text::trim(line);
        for (const std::string_view leader : {"//", "#", "/*", "<!--", "--", ";", "*"}) {
            if (text.substr(0, leader.size()) == leader) {
                text = text::trim(text.substr(leader.size()));
            }
        }
        if (text.substr(0, 3) != "..." && text.substr(0, 3) != "\xE2\x80\xA6") {
            continue;
        }
        const auto lower = text::to_lower_ascii(text);
        for (const char* word : {"existing", "rest of", "unchanged", "remaining", "same as",
                                 "previous", "omitted", "other code", "as before"}) {
            if (lower.find(word) != std::string::npos) {
                return std::string(text::trim(line));
            }
        }
    }
    return std::nullopt;
}

std::string with_line_endings_of(const FileText& old, std::string content)
{
    if (old.crlf && content.find('\r') == std::string::npos) {
        std::string converted;
        converted.reserve(content.size() + content.size() / 16);
        for (const char c : content) {
            if (c == '\n') {
                converted += '\r';
            }
            converted += c;
        }
        content = std::move(converted);
    }
    if (!old.final_newline && !old.lines.empty() && !content.empty() && content.back() == '\n') {
        content.pop_back();
        if (!content.empty() && content.back() == '\r') {
            content.pop_back();
        }
    }
    return content;
}

struct Applied {
    FileResult result;
    std::vector<std::pair<std::string, std::optional<std::string>>> writes;
    std::size_t bytes_changed = 0;
};

class ChangeApplier {
public:
    ChangeApplier(const BaseTree& tree, const ApplyOptions& options)
        : m_tree(tree)
        , m_options(options)
    {
    }

    Applied apply(const FileChange& change)
    {
        Applied applied;
        auto& result = applied.result;
        result.kind = change.kind;
        result.span = change.span;
        result.path = change.path;
        const auto path = checked(change.path, result);
        if (!path) {
            return applied;
        }
        result.path = *path;
        std::optional<std::string> target;
        if (change.kind == FileChange::Kind::rename) {
            target = checked(change.new_path, result);
            if (!target) {
                return applied;
            }
        }
        const auto old = m_tree.read(*path);
        const bool exists = m_tree.exists(*path);
        if (exists && !old) {
            return fail(applied,
                        fmt::format("{}: is a folder or special file, not a text file", *path));
        }
        if (old && old->size() > m_options.limits.max_file_bytes) {
            return fail(applied, fmt::format("{}: is larger than the limit of {} bytes", *path,
                                             m_options.limits.max_file_bytes));
        }
        if (old) {
            auto readings = detail::readings(*old);
            if (!readings.empty()) {
                return apply_in_encoding(change, *path, target, readings, applied);
            }
        }
        if (old && text::is_binary(*old)) {
            return fail(applied, fmt::format("{}: is a binary file; draftsmith edits text files "
                                             "only",
                                             *path));
        }
        return apply_to(change, *path, target, old, applied);
    }

private:
    // The change over `old` (UTF-8 text, or nullopt for no file), `path` and
    // `target` checked already.
    Applied& apply_to(const FileChange& change, const std::string& path,
                      const std::optional<std::string>& target,
                      const std::optional<std::string>& old, Applied& applied)
    {
        switch (change.kind) {
        case FileChange::Kind::create:
            return create(change, path, old, applied);
        case FileChange::Kind::write:
            return write_whole(change, path, old, applied);
        case FileChange::Kind::remove:
            return remove(path, old, applied);
        case FileChange::Kind::modify:
        case FileChange::Kind::rename:
            return apply_hunks_to(change, path, target, old, applied);
        }
        return applied;
    }

    static Applied& create(const FileChange& change, const std::string& path,
                           const std::optional<std::string>& old, Applied& applied)
    {
        if (old && *old != change.content) {
            return fail(applied, fmt::format("{}: already exists; change it with an edit "
                                             "instead of creating it",
                                             path));
        }
        applied.writes.emplace_back(path, change.content);
        applied.bytes_changed = change.content.size();
        applied.result.lines_added = detail::split_text_lines(change.content).size();
        applied.result.ok = true;
        return applied;
    }

    static Applied& write_whole(const FileChange& change, const std::string& path,
                                const std::optional<std::string>& old, Applied& applied)
    {
        if (old) {
            if (auto placeholder = placeholder_line(change.content)) {
                return fail(applied, fmt::format("{}: the new content has a placeholder ('{}') "
                                                 "where the file's text should be; send the "
                                                 "whole file, or edit only the part that changes",
                                                 path, detail::quote_for_message(*placeholder)));
            }
        }
        auto content = old ? with_line_endings_of(FileText(*old), change.content) : change.content;
        applied.bytes_changed = content.size() + (old ? old->size() : 0);
        applied.result.lines_added = detail::split_text_lines(content).size();
        applied.result.lines_removed = old ? detail::split_text_lines(*old).size() : 0;
        applied.writes.emplace_back(path, std::move(content));
        applied.result.ok = true;
        return applied;
    }

    static Applied& remove(const std::string& path, const std::optional<std::string>& old,
                           Applied& applied)
    {
        if (!old) {
            return fail(applied, fmt::format("{}: cannot delete it, it does not exist", path));
        }
        applied.bytes_changed = old->size();
        applied.result.lines_removed = detail::split_text_lines(*old).size();
        applied.writes.emplace_back(path, std::nullopt);
        applied.result.ok = true;
        return applied;
    }

    // A modify or rename: the hunks, then the file under its (new) path.
    Applied& apply_hunks_to(const FileChange& change, const std::string& path,
                            const std::optional<std::string>& target,
                            const std::optional<std::string>& old, Applied& applied)
    {
        auto& result = applied.result;
        const bool only_appends =
            !change.hunks.empty() &&
            std::all_of(change.hunks.begin(), change.hunks.end(),
                        [](const Hunk& h) { return h.kind == Hunk::Kind::append; });
        if (!old && !(only_appends && change.kind == FileChange::Kind::modify)) {
            return fail(applied,
                        fmt::format("{}: does not exist; to create it, send the whole file", path));
        }
        if (target && m_tree.exists(*target)) {
            return fail(applied,
                        fmt::format("{}: cannot rename it to {}, which exists", path, *target));
        }
        FileText file(old.value_or(std::string()));
        const auto outcome =
            detail::apply_hunks(target.value_or(path), file, change.hunks, m_options);
        if (!outcome.ok) {
            return fail(applied, outcome.message);
        }
        result.stage = outcome.stage;
        result.lines_added = outcome.lines_added;
        result.lines_removed = outcome.lines_removed;
        applied.bytes_changed = outcome.bytes_changed;
        if (target) {
            applied.writes.emplace_back(path, std::nullopt);
            applied.writes.emplace_back(*target, file.join());
            result.path = *target;
        } else {
            applied.writes.emplace_back(path, file.join());
        }
        result.ok = true;
        return applied;
    }

    Applied& apply_in_encoding(const FileChange& change, const std::string& path,
                               const std::optional<std::string>& target,
                               const std::vector<detail::Reading>& readings, Applied& applied);

    // The change applied to each reading of a file, and written back in its encoding.
    struct EachReading {
        std::vector<Applied> done;           // the readings it applied to and could write back
        std::vector<std::string> names;      // every reading's encoding
        std::vector<std::string> unwritable; // encodings that cannot write the new text
        std::string first_failure;
    };
    EachReading apply_each_reading(const FileChange& change, const std::string& path,
                                   const std::optional<std::string>& target,
                                   const std::vector<detail::Reading>& readings,
                                   const Applied& applied);

    static Applied& fail(Applied& applied, std::string message)
    {
        applied.result.ok = false;
        applied.result.message = std::move(message);
        applied.writes.clear();
        return applied;
    }

    std::optional<std::string> checked(const std::string& raw, FileResult& result) const
    {
        std::string why;
        auto path = normalise_path(raw, why);
        if (!path) {
            result.ok = false;
            result.message = fmt::format("{}: refused: {}", raw, why);
            return std::nullopt;
        }
        if (m_options.refuse_path) {
            if (auto reason = m_options.refuse_path(*path)) {
                result.ok = false;
                result.message = fmt::format("{}: refused: {}", *path, *reason);
                return std::nullopt;
            }
        }
        for (auto slash = path->find('/'); slash != std::string::npos;
             slash = path->find('/', slash + 1)) {
            const auto parent = std::string_view(*path).substr(0, slash);
            if (m_tree.read(parent)) {
                result.ok = false;
                result.message =
                    fmt::format("{}: refused: {} is a file, not a folder", *path, parent);
                return std::nullopt;
            }
        }
        if (m_tree.is_symlink(*path)) {
            result.ok = false;
            result.message =
                fmt::format("{}: refused: the path is or goes through a symbolic link", *path);
            return std::nullopt;
        }
        return path;
    }

    const BaseTree& m_tree;
    const ApplyOptions& m_options;
};

ChangeApplier::EachReading ChangeApplier::apply_each_reading(
    const FileChange& change, const std::string& path, const std::optional<std::string>& target,
    const std::vector<detail::Reading>& readings, const Applied& applied)
{
    EachReading each;
    for (const auto& reading : readings) {
        each.names.push_back(reading.encoding);
        Applied one = applied;
        apply_to(change, path, target, reading.text, one);
        if (!one.result.ok) {
            each.first_failure =
                each.first_failure.empty() ? one.result.message : each.first_failure;
            continue;
        }
        bool fits = true;
        for (auto& write : one.writes) {
            auto bytes = write.second ? detail::encode(*write.second, reading) : std::nullopt;
            fits = fits && (!write.second || bytes);
            write.second = write.second && bytes ? std::move(bytes) : write.second;
        }
        if (!fits) {
            each.unwritable.push_back(reading.encoding);
            continue;
        }
        each.done.push_back(std::move(one));
    }
    return each;
}

// A file that is not plain UTF-8: the change is applied to each reading of
// it (see encoding.hpp) and the result written back in that reading's
// encoding. Applied only when every reading that takes the change can hold
// the new text and all of them give the same bytes: otherwise the file's
// encoding decides what the bytes mean and cannot be told, and guessing
// could leave a file in two encodings.
Applied& ChangeApplier::apply_in_encoding(const FileChange& change, const std::string& path,
                                          const std::optional<std::string>& target,
                                          const std::vector<detail::Reading>& readings,
                                          Applied& applied)
{
    auto each = apply_each_reading(change, path, target, readings, applied);
    auto& done = each.done;
    const auto& names = each.names;
    const auto& unwritable = each.unwritable;
    auto& first_failure = each.first_failure;
    const auto encoding = text::or_list(names);
    const bool told = readings.size() == 1;
    auto undecided = [&](std::string_view why) -> Applied& {
        return fail(applied, fmt::format("{}: is not UTF-8, and whether it is {} cannot be told; "
                                         "{}, so nothing was applied. Use only ASCII characters "
                                         "in the new text of this file.",
                                         path, encoding, why));
    };
    if (!unwritable.empty() && told) {
        return fail(applied, fmt::format("{}: is not UTF-8 but {}, which has no way to write some "
                                         "characters of the edit's new text; nothing was "
                                         "applied. Use only characters that exist in {} (or the "
                                         "language's escapes for the others).",
                                         path, encoding, encoding));
    }
    if (!unwritable.empty()) {
        return undecided(
            fmt::format("{} has no way to write some characters of the edit's new text",
                        text::or_list(unwritable)));
    }
    if (done.empty() && names == std::vector<std::string>{"UTF-8"}) {
        return fail(applied, first_failure); // UTF-8 with a mark: nothing to say about encodings
    }
    if (done.empty()) {
        if (!first_failure.empty() && first_failure.back() != '\n') {
            first_failure += '\n';
        }
        return fail(applied, fmt::format("{}({} is not UTF-8: draftsmith read it as {} to match "
                                         "the edit.)\n",
                                         first_failure, path, encoding));
    }
    for (const auto& other : done) {
        if (other.writes != done.front().writes) {
            return undecided("each would write the edit's new text differently");
        }
    }
    applied = std::move(done.front());
    return applied;
}

} // namespace

ApplyResult apply(const EditSet& edits, const BaseTree& base, const Overlay& existing,
                  const ApplyOptions& options)
{
    ApplyResult result;
    result.overlay = existing;
    const OverlayTree tree(base, result.overlay);
    ChangeApplier applier(tree, options);
    std::set<std::string, std::less<>> touched;
    std::size_t bytes_changed = 0;
    for (const auto& change : edits.changes) {
        auto applied = applier.apply(change);
        if (applied.result.ok) {
            std::size_t new_paths = 0;
            for (const auto& write : applied.writes) {
                new_paths += touched.count(write.first) == 0 ? 1 : 0;
            }
            if (touched.size() + new_paths > options.limits.max_files) {
                applied.result.ok = false;
                applied.result.message =
                    fmt::format("{}: refused: one edit set may change at most {} files",
                                applied.result.path, options.limits.max_files);
            } else if (bytes_changed + applied.bytes_changed > options.limits.max_bytes_changed) {
                applied.result.ok = false;
                applied.result.message =
                    fmt::format("{}: refused: the edits would change more than {} bytes",
                                applied.result.path, options.limits.max_bytes_changed);
            }
        }
        if (applied.result.ok) {
            bytes_changed += applied.bytes_changed;
            for (auto& [path, bytes] : applied.writes) {
                touched.insert(path);
                result.overlay[path] = std::move(bytes);
            }
        }
        result.files.push_back(std::move(applied.result));
    }
    return result;
}

} // namespace draftsmith::edit
