#include "draftsmith/util/file.hpp"

#include "draftsmith/util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace draftsmith::file {

std::string read_all(const std::filesystem::path& path)
{
    if (path == "-") {
        std::ostringstream buffer;
        buffer << std::cin.rdbuf();
        return buffer.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorCategory::input,
                    fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
    }
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw Error(ErrorCategory::input, fmt::format("cannot read {}", path.string()));
    }
    return bytes;
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
