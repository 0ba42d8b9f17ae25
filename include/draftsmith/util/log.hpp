#pragma once
// The diagnostic log on stderr: levels, text or JSON lines, optional colour.
//
// Every line passes through redacted() (util/secret.hpp) before it is written.
// stdout is left to the commands' own results (JSON, the overview).

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::log {

enum class Level { error, warning, info, debug, trace };
enum class Format { text, json };
enum class Color { automatic, always, never };

// Set once by cli::run from --log-level, --log-format and --color.
void configure(Level level, Format format, Color color);

bool enabled(Level level);

// Writes one line (redacted). Thread-safe: lines from parallel variants never interleave.
void write(Level level, std::string_view message);

// Replaces stderr as destination, for tests. An empty function restores stderr.
void set_sink(std::function<void(std::string_view line)> sink);

std::optional<Level> parse_level(std::string_view text);
std::optional<Format> parse_format(std::string_view text);
std::optional<Color> parse_color(std::string_view text);

template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args)
{
    write(Level::error, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void warning(fmt::format_string<Args...> format, Args&&... args)
{
    if (enabled(Level::warning)) {
        write(Level::warning, fmt::format(format, std::forward<Args>(args)...));
    }
}

template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args)
{
    if (enabled(Level::info)) {
        write(Level::info, fmt::format(format, std::forward<Args>(args)...));
    }
}

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args)
{
    if (enabled(Level::debug)) {
        write(Level::debug, fmt::format(format, std::forward<Args>(args)...));
    }
}

template <typename... Args>
void trace(fmt::format_string<Args...> format, Args&&... args)
{
    if (enabled(Level::trace)) {
        write(Level::trace, fmt::format(format, std::forward<Args>(args)...));
    }
}

} // namespace draftsmith::log
