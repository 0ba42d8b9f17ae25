#pragma once
// EditSet: the one internal form of a model's edits, whatever it wrote
// (unified diff, search/replace blocks, whole files, a `*** Begin Patch`
// envelope, tool calls). The parsers (edit/parse.hpp) produce it; the applier
// (edit/apply.hpp) turns it into an Overlay over a base tree.
//
// Every change and every hunk remembers the span of model text it came from
// (1-based line numbers of the text given to the parser), so a failure can
// point the model at its own words.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::edit {

// Lines [first, last] (1-based, inclusive) of the model's text.
struct Span {
    std::size_t first = 0;
    std::size_t last = 0;
};

// One line of a hunk, without its line terminator.
struct HunkLine {
    enum class Op { context, remove, add };
    Op op = Op::context;
    std::string text;
    // The line ended in "\r\n" in the model's text. See Hunk::exact_line_endings.
    bool cr = false;
};

// One located change inside a file.
struct Hunk {
    enum class Kind {
        lines,  // `lines` (context / remove / add), e.g. a diff hunk or a search/replace block
        text,   // replace the unique occurrence of `search` by `replace` (a str_replace call);
                // when the text is not found verbatim it is matched line by line
        insert, // insert `replace` after line `insert_after` (0 = at the top)
        append, // add `replace` at the end of the file (empty SEARCH of a search/replace block)
    };
    Kind kind = Kind::lines;
    std::vector<HunkLine> lines;
    std::string search;
    std::string replace;
    std::size_t insert_after = 0;
    // The old-file line the model claimed for the hunk's first line (the `-N`
    // of `@@ -N,M +K,L @@`), if it claimed one. A hint, never trusted alone.
    std::optional<std::size_t> claimed_line;
    // A line the hunk comes after (codex `@@ def foo():`), used to narrow the search.
    std::string anchor;
    // `\ No newline at end of file` after the old / new side's last line.
    bool old_lacks_final_newline = false;
    bool new_lacks_final_newline = false;
    // True when the text mixed "\n" and "\r\n" lines (as `git diff` of a CRLF
    // file does): added lines then keep their own ending. Otherwise they take
    // the file's ending (a model writing "\n" for a CRLF file means CRLF).
    bool exact_line_endings = false;
    // Context lines a model wrote past a diff hunk whose `@@` counts were met
    // by a prefix of its body (`git apply` ignores them). Not required to
    // match; used only to place a hunk that matches in more than one place.
    std::vector<HunkLine> trailing_context;
    // `*** End of File` followed the hunk: its old lines end the file (a
    // placement hint), and lines it only adds go at the end of the file.
    bool at_end_of_file = false;
    Span span;
};

// What happens to one path.
struct FileChange {
    enum class Kind {
        create, // `content` becomes a new file; fails if the path exists
        write,  // `content` replaces the file, or creates it (a whole file in a fence)
        modify, // `hunks` applied in order
        remove, // the file is deleted (it must exist)
        rename, // moved to `new_path`, then `hunks` applied to it
    };
    Kind kind = Kind::modify;
    std::string path;     // as the model wrote it; the applier normalises and checks it
    std::string new_path; // rename only
    std::string content;  // create / write
    std::vector<Hunk> hunks;
    Span span;
};

struct EditSet {
    std::vector<FileChange> changes;
    bool empty() const noexcept { return changes.empty(); }
};

const char* to_string(FileChange::Kind kind) noexcept;

} // namespace draftsmith::edit
