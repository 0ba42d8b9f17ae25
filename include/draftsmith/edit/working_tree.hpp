#pragma once
// Writing an Overlay to a working tree on disk, all files or none.

#include "draftsmith/util/overlay.hpp"

#include <filesystem>

namespace draftsmith::edit {

// Writes every file of `overlay` under `root` and deletes its deleted paths:
// first each new content goes to a temporary file beside its target (folders
// created as needed), then all are renamed into place, then deletions happen
// and folders left empty are removed. If writing any temporary file fails,
// every temporary file and created folder is removed and nothing changed.
// Existing files keep their permission bits. Paths must be normalised and
// checked (edit::apply does that). Throws Error(edit) naming the file.
void write_overlay(const std::filesystem::path& root, const Overlay& overlay);

} // namespace draftsmith::edit
