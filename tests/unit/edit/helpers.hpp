#pragma once
// Shared by the edit tests: apply a model's text to an in-memory tree.

#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/edit/tree.hpp"

#include <map>
#include <string>

namespace draftsmith::test {

using Files = std::map<std::string, std::string, std::less<>>;

inline edit::ApplyResult apply_text(const std::string& model_text, const Files& files,
                                    edit::Format format = edit::Format::automatic,
                                    const edit::ApplyOptions& options = {})
{
    const edit::MemoryTree tree(files);
    return edit::apply(edit::parse(model_text, format), tree, {}, options);
}

// The file's bytes after applying, or "<deleted>" / "<absent>".
inline std::string after(const edit::ApplyResult& result, const Files& files,
                         const std::string& path)
{
    const auto found = result.overlay.find(path);
    if (found != result.overlay.end()) {
        return found->second ? *found->second : std::string("<deleted>");
    }
    const auto base = files.find(path);
    return base != files.end() ? base->second : std::string("<absent>");
}

} // namespace draftsmith::test
