#pragma once
// Reading and writing whole files, with errors that name the file.

#include <filesystem>
#include <string>

namespace draftsmith::file {

// The file's bytes; "-" reads standard input. Throws Error(input) naming the
// path and the system's reason when it cannot be read.
std::string read_all(const std::filesystem::path& path);

// Writes through a temporary file in the same folder and renames it into place,
// so a reader never sees half a file. Throws Error(input) on failure.
void write_atomically(const std::filesystem::path& path, std::string_view bytes);

} // namespace draftsmith::file
