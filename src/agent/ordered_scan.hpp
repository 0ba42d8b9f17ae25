#pragma once
// Internal to agent/: a scan of many items (the search tool's files) by
// several threads whose outcome is that of a scan in order (issue 14).
// Items are handed out in chunks, in order; once the chunks done from the
// first on hold more hits than the caller needs, no further chunk is
// started, so a search for a common word reads about as few files as a
// scan in order would.

#include <atomic>
#include <cstddef>
#include <functional>

namespace draftsmith::agent::detail {

struct ScanPlan {
    std::size_t count = 0;   // items 0 .. count-1
    std::size_t threads = 1; // at most this many threads, the calling one included
    std::size_t enough = 0;  // stop once the first items hold more hits than this; 0: never
};

// Scans item `index`; returns its hits. `stopping` turns true when the scan
// is ending (an error, or enough hits before this item): a long item may
// give up then, its hits no longer count. Runs on any of the threads at once.
using ScanItem = std::function<std::size_t(std::size_t index, const std::atomic<bool>& stopping)>;

// Calls `scan` once for every item (fewer once enough hits are found) and
// `between` on the calling thread after each of its chunks. An exception
// from either, on any thread, ends the scan: the other threads finish the
// item they are in, and the first exception is thrown from here.
void ordered_scan(const ScanPlan& plan, const ScanItem& scan, const std::function<void()>& between);

// How many threads a scan uses: one per core (as `git grep`), 1 to 8.
std::size_t scan_threads();

} // namespace draftsmith::agent::detail
