#include "draftsmith/util/file.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/limits.hpp"

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace draftsmith::file {

namespace {

[[noreturn]] void cannot_read(const std::string& name, int error)
{
    throw Error(ErrorCategory::input,
                fmt::format("{}: cannot read: {}", name, std::strerror(error)));
}

[[noreturn]] void too_large(const std::string& name, std::size_t max_bytes)
{
    throw Error(ErrorCategory::input,
                fmt::format("{}: larger than {}, the most draftsmith reads from it (see LIMITS "
                            "in man draftsmith)",
                            name, limits::describe_bytes(max_bytes)));
}

// Reads `fd` to its end, never holding more than max_bytes.
std::string read_fd(int fd, const std::string& name, std::size_t max_bytes)
{
    std::string bytes;
    std::array<char, 65536> buffer{};
    for (;;) {
        const auto count = ::read(fd, buffer.data(), buffer.size());
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            cannot_read(name, errno);
        }
        if (count == 0) {
            return bytes;
        }
        const auto size = static_cast<std::size_t>(count);
        if (size > max_bytes - bytes.size()) {
            too_large(name, max_bytes);
        }
        bytes.append(buffer.data(), size);
    }
}

} // namespace

std::string read_all(const std::filesystem::path& path, std::size_t max_bytes)
{
    if (path == "-") {
        return read_fd(STDIN_FILENO, "standard input", max_bytes);
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC); // NOLINT: POSIX varargs
    if (fd < 0) {
        cannot_read(path.string(), errno);
    }
    try {
        auto bytes = read_fd(fd, path.string(), max_bytes);
        ::close(fd);
        return bytes;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

LineRead read_line(std::istream& in, std::string& line, std::size_t max_bytes)
{
    line.clear();
    auto* buffer = in.rdbuf();
    for (;;) {
        const auto c = buffer->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            return line.empty() ? LineRead::end : LineRead::line;
        }
        if (c == '\n') {
            return LineRead::line;
        }
        if (line.size() == max_bytes) {
            return LineRead::too_long;
        }
        line += static_cast<char>(c);
    }
}

void write_atomically(const std::filesystem::path& path, std::string_view bytes)
{
    auto temporary = path;
    temporary += fmt::format(".draftsmith-{}.tmp", ::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw Error(ErrorCategory::input,
                        fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
        }
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        std::filesystem::remove(temporary, error);
        throw Error(ErrorCategory::input,
                    fmt::format("cannot write {}: {}", path.string(), error.message()));
    }
}

} // namespace draftsmith::file
