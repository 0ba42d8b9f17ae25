#include "settings.hpp"

#include "draftsmith/run/run.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

namespace draftsmith::run {

net::ClientOptions http_options(const config::Config& config,
                                std::shared_ptr<net::RetryBudget> budget)
{
    net::ClientOptions options;
    options.connect_timeout = config.timeouts.connect;
    options.total_timeout = config.timeouts.request;
    options.idle_timeout = config.timeouts.idle;
    options.retry.max_attempts = config.retries.max_attempts;
    options.retry.max_retry_after = config.retries.max_wait;
    options.retry.budget = std::move(budget);
    return options;
}

agent::Settings agent_settings_for(const config::Config& config,
                                   const config::VariantSettings& variant)
{
    agent::Settings settings;
    settings.mode = variant.mode;
    settings.limits = config.limits;
    settings.call.model = variant.model;
    settings.call.temperature = variant.temperature;
    settings.call.max_output_tokens = config.max_output_tokens;
    settings.apply.limits.max_files = static_cast<std::size_t>(config.edit.max_files);
    settings.apply.limits.max_file_bytes = static_cast<std::size_t>(config.edit.max_bytes);
    settings.apply.refuse_path = [&config](std::string_view path) -> std::optional<std::string> {
        if (config.is_protected(path)) {
            return fmt::format("{} is a protected path (protected_paths in .draftsmith.yml); "
                               "leave it unchanged",
                               path);
        }
        return std::nullopt;
    };
    settings.should_stop = [] { return stop_requested(); };
    return settings;
}

llm::ProviderOptions provider_options(const config::Config& config,
                                      const config::VariantSettings& settings,
                                      const trigger::Environment& environment,
                                      std::shared_ptr<net::RetryBudget> budget)
{
    llm::ProviderOptions options;
    options.retry = http_options(config, std::move(budget)).retry;
    options.kind = *llm::parse_provider_kind(config::to_string(settings.provider));
    options.model = settings.model;
    options.base_url = settings.base_url;
    options.temperature = settings.temperature;
    options.max_output_tokens = config.max_output_tokens;
    options.request_timeout = config.timeouts.request;
    // A broken stream is sent again within the same bound as any request.
    options.stream_retries = config.retries.max_attempts - 1;
    if (settings.provider == config::Provider::azure_openai) {
        options.api_version = config.api_version;
    }
    if (settings.provider == config::Provider::replay) {
        options.replay_file = config.replay;
    } else if (!settings.api_key_env.empty()) {
        options.api_key =
            llm::api_key_from_environment(options, settings.api_key_env, environment.lookup());
        options.api_key_variable = settings.api_key_env;
    }
    return options;
}

llm::PriceTable price_table(const config::Config& config)
{
    auto table = llm::PriceTable::defaults();
    for (const auto& [model, price] : config.prices) {
        table.set(model, llm::Price{price.input, price.output,
                                    price.cache_write.value_or(price.input * 1.25),
                                    price.cache_read.value_or(price.input * 0.1)});
    }
    return table;
}

std::string render_template(std::string_view text, const TemplateValues& values)
{
    return text::fill_placeholders(text, {{"pr", values.pr},
                                          {"comment", values.comment},
                                          {"slug", values.slug},
                                          {"i", std::to_string(values.variant)},
                                          {"n", std::to_string(values.variants)}});
}

std::string variant_branch_name(const config::Config& config, const TemplateValues& values)
{
    if (config.branch_template.find("{i}") == std::string::npos) {
        throw Error(ErrorCategory::config,
                    fmt::format("branch_template: '{}' has no {{i}}, so every variant would get "
                                "the same branch; add {{i}}",
                                config.branch_template));
    }
    auto name = render_template(config.branch_template, values);
    if (!text::is_valid_branch_name(name)) {
        throw Error(ErrorCategory::config,
                    fmt::format("branch_template: '{}' gives '{}', which is not a valid git "
                                "branch name",
                                config.branch_template, name));
    }
    return name;
}

} // namespace draftsmith::run
