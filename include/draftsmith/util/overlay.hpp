#pragma once
// An Overlay: a variant's changes over a base tree, the currency between the
// edit engine (which produces it) and the git layer (which commits it) or a
// working tree (which `draftsmith apply` writes it to).
//
// Keys are normalised repository paths ("src/app.css", '/'-separated, no "."
// or ".." parts). A value is the file's new bytes; std::nullopt deletes the
// path. A rename is a deletion of the old path plus the new path's bytes.

#include <map>
#include <optional>
#include <string>

namespace draftsmith {

using Overlay = std::map<std::string, std::optional<std::string>, std::less<>>;

} // namespace draftsmith
