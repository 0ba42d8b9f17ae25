#pragma once
// Reading and writing whole files, with errors that name the file.

#include <cstddef>
#include <filesystem>
#include <istream>
#include <limits>
#include <string>

namespace draftsmith::file {

// The file's bytes; "-" reads standard input. Throws Error(input)
// "PATH: cannot read: REASON" when it cannot be read (a folder: "Is a
// directory"), and "PATH: larger than LIMIT, ..." as soon as it holds more
// than `max_bytes` (so /dev/zero fails at once instead of filling memory).
// Inputs from outside pass a limit from util/limits.hpp.
std::string read_all(const std::filesystem::path& path,
                     std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

enum class LineRead {
    line,     // `line` holds the next line, without its '\n'
    end,      // no more lines
    too_long, // the line holds more than max_bytes bytes (`line` holds the first max_bytes)
};

// Reads the next line of `in`, never holding more than max_bytes of it.
LineRead read_line(std::istream& in, std::string& line, std::size_t max_bytes);

// Writes through a temporary file in the same folder and renames it into place,
// so a reader never sees half a file. Throws Error(input) on failure.
void write_atomically(const std::filesystem::path& path, std::string_view bytes);

} // namespace draftsmith::file
