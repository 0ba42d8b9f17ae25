#pragma once
// Internal to run/: the configuration turned into what the engines take.

#include "draftsmith/agent/agent.hpp"
#include "draftsmith/config/config.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/net/http.hpp"
#include "draftsmith/trigger/environment.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace draftsmith::run {

// Timeouts and retries of every HTTP client of the run; `budget` is shared
// by all of them (config retries.budget).
net::ClientOptions http_options(const config::Config& config,
                                std::shared_ptr<net::RetryBudget> budget);

// Variant `settings` as a provider description; the key is read from the
// environment variable the settings name (none for replay).
// Answer retries spend `budget` (the run's one) with the HTTP retries' backoff.
llm::ProviderOptions provider_options(const config::Config& config,
                                      const config::VariantSettings& settings,
                                      const trigger::Environment& environment,
                                      std::shared_ptr<net::RetryBudget> budget = nullptr);

// The engine settings one variant's configuration gives: mode, limits, the
// model call, edit limits, protected paths refused, stopping on a signal.
// The caller adds what belongs to its run (secrets, base files, deadline).
// `config` must outlive the result (the path check refers to it).
agent::Settings agent_settings_for(const config::Config& config,
                                   const config::VariantSettings& variant);

// The built-in price table with the configuration's rows over it.
llm::PriceTable price_table(const config::Config& config);

// What the branch and title templates may name.
struct TemplateValues {
    std::string pr;      // "12", or "local"
    std::string comment; // "345", Azure DevOps "t5-c2"
    std::string slug;
    int variant = 1;
    int variants = 1;
};

// `text` with {pr} {comment} {slug} {i} {n} replaced.
std::string render_template(std::string_view text, const TemplateValues& values);

// The branch of a variant. Throws Error(config) when the template gives no
// valid branch name or does not tell variants apart ({i} missing).
std::string variant_branch_name(const config::Config& config, const TemplateValues& values);

// How long since `start`, for a variant's and the run's phase timings.
inline std::chrono::milliseconds since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

} // namespace draftsmith::run
