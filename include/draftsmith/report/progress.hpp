#pragma once
// A progress line per variant on a terminal (or a plain log line per change
// elsewhere), so a person running draftsmith by hand sees what each variant
// is doing.

#include "draftsmith/report/run_record.hpp"

#include <cstddef>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>

namespace draftsmith::report {

class Progress {
public:
    // Writes to `out` (stderr); with `terminal` true, redraws one status line per variant
    // (ANSI \r, erase line and cursor-up); otherwise prints one plain line per change
    // of state or phase. Thread-safe: variants report from their own threads.
    Progress(std::ostream& out, bool terminal);
    void update(const VariantRecord& variant); // state/phase changed
    // Leaves the last state on screen; later updates print plain lines.
    void finish();

private:
    void redraw();

    std::ostream& m_out;
    bool m_terminal;
    std::mutex m_mutex;
    std::map<int, std::string> m_lines; // by variant index
    std::size_t m_drawn = 0;            // lines on screen below the cursor's start
};

// "variant 2: running (model), 12.3k tokens, $0.0123, 1m 05s" — the text of one line.
std::string progress_line(const VariantRecord& variant);

} // namespace draftsmith::report
