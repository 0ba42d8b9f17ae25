#pragma once
// What every fuzz target shares. A target calls one of our parsers on the
// fuzzer's bytes; the parser may refuse the input with a draftsmith::Error
// (that is its contract: a clear message, a documented exit code), and
// anything else, a crash, a leak, a hang (-timeout) or memory past
// -rss_limit_mb, is a finding.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace draftsmith::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

} // namespace draftsmith::fuzz
