#pragma once
// Internal to edit/: applying a file's hunks, in order, to its text.

#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/edit_set.hpp"

#include <optional>
#include <string>
#include <vector>

#include "file_text.hpp"

namespace draftsmith::edit::detail {

struct HunksOutcome {
    bool ok = false;
    std::optional<Stage> stage; // the most tolerant stage a hunk needed
    std::string message;        // the first failure, ready for the model
    std::size_t lines_added = 0;
    std::size_t lines_removed = 0;
    std::size_t bytes_changed = 0;
};

// Applies `hunks` to `file` in order, stopping at the first that fails
// (`file` is then partly edited and should be dropped). `path` names the file
// in messages.
HunksOutcome apply_hunks(const std::string& path, FileText& file, const std::vector<Hunk>& hunks,
                         const ApplyOptions& options);

} // namespace draftsmith::edit::detail
