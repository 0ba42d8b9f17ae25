#include "draftsmith/report/run_record.hpp"

#include "draftsmith/llm/cost.hpp"

#include <fmt/format.h>

namespace draftsmith::report {

std::string format_duration(std::chrono::milliseconds duration)
{
    const auto ms = duration.count() < 0 ? 0 : duration.count();
    if (ms < 1000) {
        return fmt::format("{}ms", ms);
    }
    if (ms < 60'000) {
        return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
    }
    const auto seconds = ms / 1000;
    if (seconds < 3600) {
        return fmt::format("{}m {:02}s", seconds / 60, seconds % 60);
    }
    return fmt::format("{}h {:02}m", seconds / 3600, (seconds % 3600) / 60);
}

std::string format_tokens(std::int64_t tokens)
{
    if (tokens < 1000) {
        return fmt::format("{}", tokens);
    }
    if (tokens < 1'000'000) {
        return fmt::format("{:.1f}k", static_cast<double>(tokens) / 1e3);
    }
    return fmt::format("{:.2f}M", static_cast<double>(tokens) / 1e6);
}

std::string format_cost_with_cache(double usd, const llm::Usage& usage)
{
    auto cost = llm::format_cost(usd);
    if (usage.cache_creation_input_tokens == 0 && usage.cache_read_input_tokens == 0) {
        return cost;
    }
    return fmt::format("{} (cache: {} written, {} read)", cost,
                       format_tokens(usage.cache_creation_input_tokens),
                       format_tokens(usage.cache_read_input_tokens));
}

} // namespace draftsmith::report
