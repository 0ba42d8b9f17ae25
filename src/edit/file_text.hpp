#pragma once
// Internal to edit/: a file as lines for matching, and the normalised forms
// of a line the tolerant stages compare.

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::edit::detail {

struct FileLine {
    std::string_view text; // without "\n" and without the "\r" before it
    bool cr = false;       // the line ended in "\r\n"
};

// Lines view into the original bytes (or into `m_storage` for text the edits
// added), so splitting a large file allocates one vector, not one string per line.
class FileText {
public:
    explicit FileText(std::string bytes);
    FileText(const FileText&) = delete;
    FileText& operator=(const FileText&) = delete;

    std::vector<FileLine> lines;
    bool final_newline = true; // the last line ends with a terminator (true for an empty file)
    bool crlf = false;         // most lines end in "\r\n": new lines get "\r\n" too

    std::string join() const;
    // Keeps `text` alive as long as this FileText and returns a view of it.
    std::string_view store(std::string text);
    // Replaces every line by the lines of `bytes` (after a whole-text replacement).
    void reset(std::string bytes);

private:
    void split(std::string_view bytes);
    std::deque<std::string> m_storage;
};

// Leading and trailing blanks removed, inner runs of blanks made one space.
std::string whitespace_key(std::string_view line);
// As whitespace_key, with curly quotes, dashes, ellipses and non-breaking or
// zero-width spaces read as their ASCII forms.
std::string punctuation_key(std::string_view line);
// True when punctuation_key(line) may differ from whitespace_key(line).
bool has_non_ascii(std::string_view line);

// 0..1: 1 - edit distance / length of the longer, 0 when lengths differ too much.
double line_similarity(std::string_view a, std::string_view b);

// The leading blanks of a line.
std::string_view indentation(std::string_view line);

} // namespace draftsmith::edit::detail
