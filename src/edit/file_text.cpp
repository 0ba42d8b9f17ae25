#include "file_text.hpp"

#include <algorithm>

namespace draftsmith::edit::detail {

FileText::FileText(std::string bytes)
{
    reset(std::move(bytes));
}

void FileText::reset(std::string bytes)
{
    split(store(std::move(bytes)));
}

std::string_view FileText::store(std::string text)
{
    m_storage.push_back(std::move(text));
    return m_storage.back();
}

void FileText::split(std::string_view bytes)
{
    lines.clear();
    lines.reserve(static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n')) + 1);
    std::size_t with_cr = 0;
    final_newline = true;
    while (!bytes.empty()) {
        const auto end = bytes.find('\n');
        if (end == std::string_view::npos) {
            lines.push_back({bytes, false});
            final_newline = false;
            break;
        }
        auto line = bytes.substr(0, end);
        const bool cr = !line.empty() && line.back() == '\r';
        if (cr) {
            line.remove_suffix(1);
            ++with_cr;
        }
        lines.push_back({line, cr});
        bytes.remove_prefix(end + 1);
    }
    crlf = with_cr * 2 > lines.size();
}

std::string FileText::join() const
{
    std::size_t size = 0;
    for (const auto& line : lines) {
        size += line.text.size() + 2;
    }
    std::string out;
    out.reserve(size);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out.append(lines[i].text);
        if (i + 1 < lines.size() || final_newline) {
            out.append(lines[i].cr ? "\r\n" : "\n");
        }
    }
    return out;
}

namespace {

bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r'; // a form feed is content, not indentation
}

} // namespace

std::string whitespace_key(std::string_view line)
{
    std::string key;
    key.reserve(line.size());
    bool blank = false;
    for (const char c : line) {
        if (is_blank(c)) {
            blank = true;
            continue;
        }
        if (blank && !key.empty()) {
            key += ' ';
        }
        blank = false;
        key += c;
    }
    return key;
}

bool has_non_ascii(std::string_view line)
{
    return std::any_of(line.begin(), line.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::string punctuation_key(std::string_view line)
{
    if (!has_non_ascii(line)) {
        return whitespace_key(line);
    }
    std::string ascii;
    ascii.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c0 = static_cast<unsigned char>(line[i]);
        const auto c1 = i + 1 < line.size() ? static_cast<unsigned char>(line[i + 1]) : 0;
        const auto c2 = i + 2 < line.size() ? static_cast<unsigned char>(line[i + 2]) : 0;
        if (c0 == 0xC2 && c1 == 0xA0) { // no-break space
            ascii += ' ';
            i += 1;
        } else if (c0 == 0xE2 && c1 == 0x80 && c2 >= 0x98 && c2 <= 0x9B) { // ‘ ’ ‚ ‛
            ascii += '\'';
            i += 2;
        } else if (c0 == 0xE2 && c1 == 0x80 && c2 >= 0x9C && c2 <= 0x9F) { // “ ” „ ‟
            ascii += '"';
            i += 2;
        } else if ((c0 == 0xE2 && c1 == 0x80 && c2 >= 0x90 && c2 <= 0x95) || // ‐ ‑ ‒ – — ―
                   (c0 == 0xE2 && c1 == 0x88 && c2 == 0x92)) {               // − minus sign
            ascii += '-';
            i += 2;
        } else if (c0 == 0xE2 && c1 == 0x80 && c2 == 0xA6) { // …
            ascii += "...";
            i += 2;
        } else if (c0 == 0xE2 && c1 == 0x80 && ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xAF)) {
            ascii += ' '; // en/em/thin spaces
            i += 2;
        } else if ((c0 == 0xE2 && c1 == 0x80 && c2 >= 0x8B && c2 <= 0x8D) ||
                   (c0 == 0xEF && c1 == 0xBB && c2 == 0xBF)) {
            i += 2; // zero-width space / joiners, byte order mark: dropped
        } else {
            ascii += line[i];
        }
    }
    return whitespace_key(ascii);
}

double line_similarity(std::string_view a, std::string_view b)
{
    if (a == b) {
        return 1.0;
    }
    const auto longer = std::max(a.size(), b.size());
    const auto shorter = std::min(a.size(), b.size());
    if (shorter == 0 || shorter * 2 < longer) {
        return 0.0;
    }
    // Long lines: compare their first 400 bytes, enough to judge similarity.
    constexpr std::size_t k_cap = 400;
    a = a.substr(0, k_cap);
    b = b.substr(0, k_cap);
    // Levenshtein distance with two rows.
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
        }
        std::swap(previous, current);
    }
    const auto distance = previous[b.size()];
    return 1.0 - static_cast<double>(distance) / static_cast<double>(std::max(a.size(), b.size()));
}

std::string_view indentation(std::string_view line)
{
    std::size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) {
        ++n;
    }
    return line.substr(0, n);
}

} // namespace draftsmith::edit::detail
