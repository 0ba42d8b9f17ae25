// Indentation for added lines in a tolerant match (see reindent.hpp). An
// added line follows the expected line it replaces, else the nearest
// expected line before it, else the first after; when every expected line
// is shifted by the same prefix, that one prefix is the most reliable reading.
#include "reindent.hpp"

#include <algorithm>

namespace draftsmith::edit::detail {
namespace {

long indent_width(std::string_view indent, long tab)
{
    long w = 0;
    for (const char c : indent) {
        w = c == '\t' ? (w / tab + 1) * tab : w + 1;
    }
    return w;
}

// The model's indentation relative to its expected line is kept, relative
// to where that line really is in the file.
std::string reindented(std::string_view line, std::string_view file_indent,
                       std::string_view model_indent)
{
    if (file_indent == model_indent) {
        return std::string(line); // no shift to follow: the model's bytes, blanks included
    }
    if (whitespace_key(line).empty()) {
        return std::string(); // a blank line: the model's blanks on it mean nothing here
    }
    const auto indent = indentation(line);
    const auto rest = line.substr(indent.size());
    if (indent.substr(0, model_indent.size()) == model_indent) {
        return std::string(file_indent) + std::string(line.substr(model_indent.size()));
    }
    const bool tabs = file_indent.find('\t') != std::string_view::npos;
    constexpr long k_tab = 4;
    const long target =
        std::max(0L, indent_width(file_indent, k_tab) + indent_width(indent, k_tab) -
                         indent_width(model_indent, k_tab));
    std::string out = tabs ? std::string(static_cast<std::size_t>(target / k_tab), '\t') +
                                 std::string(static_cast<std::size_t>(target % k_tab), ' ')
                           : std::string(static_cast<std::size_t>(target), ' ');
    return out + std::string(rest);
}

// True when expected line `j` was found in the file and is not blank: only
// such a line says anything about indentation.
bool usable_reference(const Match& match, const std::vector<std::string_view>& old, std::size_t j)
{
    return match.aligned[j] >= 0 && !whitespace_key(old[j]).empty();
}

// In a block that removes and adds lines, the i-th added line replaces the
// i-th removed one and takes its place's indentation.
void refer_to_replaced_lines(const Match& match, const std::vector<HunkLine>& lines,
                             const std::vector<std::string_view>& old,
                             std::vector<std::ptrdiff_t>& reference)
{
    std::size_t j_at = 0;
    for (std::size_t k = 0; k < lines.size();) {
        if (lines[k].op == HunkLine::Op::context) {
            ++j_at;
            ++k;
            continue;
        }
        std::vector<std::size_t> removed_here;
        std::vector<std::size_t> added_here;
        for (; k < lines.size() && lines[k].op != HunkLine::Op::context; ++k) {
            if (lines[k].op == HunkLine::Op::remove) {
                removed_here.push_back(j_at++);
            } else {
                added_here.push_back(k);
            }
        }
        for (std::size_t i = 0; i < added_here.size() && i < removed_here.size(); ++i) {
            const auto r = removed_here[i];
            if (usable_reference(match, old, r)) {
                reference[added_here[i]] = static_cast<std::ptrdiff_t>(r);
            }
        }
    }
}

// Added lines without a reference yet follow the last usable expected line
// before them, else the first after them.
void refer_to_neighbours(const Match& match, const std::vector<HunkLine>& lines,
                         const std::vector<std::string_view>& old,
                         std::vector<std::ptrdiff_t>& reference)
{
    std::ptrdiff_t last = -1;
    std::size_t j = 0;
    for (std::size_t k = 0; k < lines.size(); ++k) {
        if (lines[k].op == HunkLine::Op::add) {
            if (reference[k] < 0) {
                reference[k] = last;
            }
        } else {
            if (usable_reference(match, old, j)) {
                last = static_cast<std::ptrdiff_t>(j);
            }
            ++j;
        }
    }
    std::ptrdiff_t next = -1;
    j = old.size();
    for (std::size_t k = lines.size(); k-- > 0;) {
        if (lines[k].op == HunkLine::Op::add) {
            if (reference[k] < 0) {
                reference[k] = next;
            }
        } else {
            --j;
            if (usable_reference(match, old, j)) {
                next = static_cast<std::ptrdiff_t>(j);
            }
        }
    }
}

// The shift from the model's indentation to the file's for one line, when
// one is a suffix of the other.
std::optional<IndentShift> line_shift(std::string_view in_file, std::string_view in_model)
{
    if (in_file.size() >= in_model.size() &&
        in_file.substr(in_file.size() - in_model.size()) == in_model) {
        return IndentShift{true, std::string(in_file.substr(0, in_file.size() - in_model.size()))};
    }
    if (in_model.size() > in_file.size() &&
        in_model.substr(in_model.size() - in_file.size()) == in_file) {
        return IndentShift{false,
                           std::string(in_model.substr(0, in_model.size() - in_file.size()))};
    }
    return std::nullopt;
}

} // namespace

std::vector<std::ptrdiff_t> indent_references(const Match& match,
                                              const std::vector<HunkLine>& lines,
                                              const std::vector<std::string_view>& old)
{
    std::vector<std::ptrdiff_t> reference(lines.size(), -1);
    if (match.stage >= Stage::whitespace) {
        refer_to_replaced_lines(match, lines, old, reference);
        refer_to_neighbours(match, lines, old, reference);
    }
    return reference;
}

std::optional<IndentShift> common_indent_shift(const FileText& file, const Match& match,
                                               const std::vector<std::string_view>& old)
{
    if (match.stage < Stage::whitespace) {
        return std::nullopt;
    }
    std::optional<IndentShift> found;
    for (std::size_t k = 0; k < old.size(); ++k) {
        if (!usable_reference(match, old, k)) {
            continue;
        }
        const auto in_file =
            indentation(file.lines[static_cast<std::size_t>(match.aligned[k])].text);
        const auto here = line_shift(in_file, indentation(old[k]));
        if (!here || (found && (found->add != here->add || found->prefix != here->prefix) &&
                      !(found->prefix.empty() && here->prefix.empty()))) {
            return std::nullopt; // not one shift for all
        }
        found = here;
    }
    if (found && !found->prefix.empty()) {
        return found;
    }
    return std::nullopt;
}

std::string added_line_text(const FileText& file, const Match& match,
                            const std::vector<std::string_view>& old, std::string_view line,
                            std::ptrdiff_t reference, const std::optional<IndentShift>& shift)
{
    std::string text(line);
    if (shift && whitespace_key(line).empty()) {
        text.clear();
    } else if (shift && shift->add) {
        text.insert(0, shift->prefix);
    } else if (shift && std::string_view(text).substr(0, shift->prefix.size()) == shift->prefix) {
        text.erase(0, shift->prefix.size());
    } else if (reference >= 0) {
        const auto r = static_cast<std::size_t>(reference);
        const auto file_line = file.lines[static_cast<std::size_t>(match.aligned[r])].text;
        text = reindented(line, indentation(file_line), indentation(old[r]));
    }
    return text;
}

} // namespace draftsmith::edit::detail
