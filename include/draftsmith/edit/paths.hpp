#pragma once
// Repository paths a model may write to.

#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::edit {

// The normalised form of a path a model wrote ("./src//a.c" -> "src/a.c";
// a leading "a/" or "b/" is NOT removed here, the diff parser does that).
// Returns nullopt and sets `why` when the path is refused: empty, absolute
// (also "C:\..." and "\\server"), leaving the repository through "..", inside
// ".git/" or any spelling of it git refuses (util/git_path.hpp: ".GIT",
// ".g\u200cit", "git~1", ".git. ", also ".gitmodules" lookalikes), or holding
// a NUL or control character.
std::optional<std::string> normalise_path(std::string_view path, std::string& why);

} // namespace draftsmith::edit
