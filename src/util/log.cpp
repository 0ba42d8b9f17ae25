#include "draftsmith/util/log.hpp"

#include "draftsmith/util/secret.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace draftsmith::log {
namespace {

struct State {
    std::mutex mutex;
    std::atomic<Level> level{Level::info};
    Format format = Format::text;
    bool color = false;
    std::function<void(std::string_view)> sink;
};

State& state()
{
    static State instance;
    return instance;
}

const char* name_of(Level level)
{
    switch (level) {
    case Level::error:
        return "error";
    case Level::warning:
        return "warning";
    case Level::info:
        return "info";
    case Level::debug:
        return "debug";
    case Level::trace:
        return "trace";
    }
    return "info";
}

const char* color_of(Level level)
{
    switch (level) {
    case Level::error:
        return "\033[31m";
    case Level::warning:
        return "\033[33m";
    case Level::info:
        return "";
    case Level::debug:
    case Level::trace:
        return "\033[2m";
    }
    return "";
}

std::string timestamp_utc()
{
    const auto now = std::chrono::system_clock::now();
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    return fmt::format("{}.{:03}Z", text, millis % 1000);
}

std::string render(const State& s, Level level, const std::string& message)
{
    if (s.format == Format::json) {
        nlohmann::json line = {
            {"time", timestamp_utc()}, {"level", name_of(level)}, {"message", message}};
        return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    if (s.color && level != Level::info) {
        return fmt::format("{}draftsmith: {}: {}\033[0m", color_of(level), name_of(level), message);
    }
    if (level == Level::info) {
        return fmt::format("draftsmith: {}", message);
    }
    return fmt::format("draftsmith: {}: {}", name_of(level), message);
}

} // namespace

void configure(Level level, Format format, Color color)
{
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.level = level;
    s.format = format;
    // NO_COLOR is the caller's to read (cli turns automatic into never).
    s.color = color == Color::always || (color == Color::automatic && isatty(STDERR_FILENO) != 0);
}

bool enabled(Level level)
{
    return static_cast<int>(level) <= static_cast<int>(state().level.load());
}

void write(Level level, std::string_view message)
{
    auto& s = state();
    std::lock_guard lock(s.mutex);
    const auto line = render(s, level, redacted(message));
    if (s.sink) {
        s.sink(line);
        return;
    }
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

void set_sink(std::function<void(std::string_view)> sink)
{
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.sink = std::move(sink);
}

std::optional<Level> parse_level(std::string_view text)
{
    for (auto level : {Level::error, Level::warning, Level::info, Level::debug, Level::trace}) {
        if (text == name_of(level)) {
            return level;
        }
    }
    if (text == "warn") {
        return Level::warning;
    }
    return std::nullopt;
}

std::optional<Format> parse_format(std::string_view text)
{
    if (text == "text") {
        return Format::text;
    }
    if (text == "json") {
        return Format::json;
    }
    return std::nullopt;
}

std::optional<Color> parse_color(std::string_view text)
{
    if (text == "auto") {
        return Color::automatic;
    }
    if (text == "always") {
        return Color::always;
    }
    if (text == "never") {
        return Color::never;
    }
    return std::nullopt;
}

} // namespace draftsmith::log
