#include "draftsmith/config/config.hpp"

#include "draftsmith/util/glob.hpp"

#include <cstdlib>

namespace draftsmith::config {

const char* to_string(Provider provider) noexcept
{
    switch (provider) {
    case Provider::anthropic:
        return "anthropic";
    case Provider::openai:
        return "openai";
    case Provider::azure_openai:
        return "azure-openai";
    case Provider::replay:
        return "replay";
    }
    return "anthropic";
}

std::optional<Provider> parse_provider(std::string_view name)
{
    for (const auto provider :
         {Provider::anthropic, Provider::openai, Provider::azure_openai, Provider::replay}) {
        if (name == to_string(provider)) {
            return provider;
        }
    }
    return std::nullopt;
}

const char* to_string(Mode mode) noexcept
{
    return mode == Mode::oneshot ? "oneshot" : "tools";
}

std::optional<Mode> parse_mode(std::string_view name)
{
    if (name == "tools") {
        return Mode::tools;
    }
    if (name == "oneshot") {
        return Mode::oneshot;
    }
    return std::nullopt;
}

const char* to_string(ForkPolicy policy) noexcept
{
    return policy == ForkPolicy::allow ? "allow" : "refuse";
}

const char* to_string(CacheWarmup mode) noexcept
{
    return mode == CacheWarmup::off ? "off" : "auto";
}

const char* to_string(IncompletePolicy policy) noexcept
{
    return policy == IncompletePolicy::drop ? "drop" : "keep";
}

const char* to_string(HostKind host) noexcept
{
    switch (host) {
    case HostKind::automatic:
        return "auto";
    case HostKind::github:
        return "github";
    case HostKind::azure_devops:
        return "azure-devops";
    case HostKind::local:
        return "local";
    }
    return "auto";
}

std::string default_model(Provider provider)
{
    switch (provider) {
    case Provider::anthropic:
        return "claude-sonnet-4-5";
    case Provider::openai:
        return "gpt-4.1";
    case Provider::azure_openai:
        return ""; // the deployment name: the user's choice
    case Provider::replay:
        return "replay";
    }
    return "";
}

std::string default_base_url(Provider provider)
{
    switch (provider) {
    case Provider::anthropic:
        return "https://api.anthropic.com";
    case Provider::openai:
        return "https://api.openai.com/v1";
    case Provider::azure_openai: // https://RESOURCE.openai.azure.com: the user's
    case Provider::replay:
        return "";
    }
    return "";
}

std::string default_api_key_env(Provider provider)
{
    switch (provider) {
    case Provider::anthropic:
        return "ANTHROPIC_API_KEY";
    case Provider::openai:
        return "OPENAI_API_KEY";
    case Provider::azure_openai:
        return "AZURE_OPENAI_API_KEY";
    case Provider::replay:
        return "";
    }
    return "";
}

VariantSettings Config::variant(int index) const
{
    static const VariantOverride none;
    const auto& entry = index >= 1 && static_cast<std::size_t>(index) <= variants.size()
                            ? variants[static_cast<std::size_t>(index - 1)]
                            : none;
    VariantSettings settings;
    settings.index = index;
    settings.provider = entry.provider.value_or(provider);
    // Another provider than the top-level one brings its own defaults.
    const bool same_provider = settings.provider == provider;
    settings.model = entry.model.value_or(same_provider ? model : default_model(settings.provider));
    settings.base_url =
        entry.base_url.value_or(same_provider ? base_url : default_base_url(settings.provider));
    settings.api_key_env = entry.api_key_env.value_or(
        same_provider ? api_key_env : default_api_key_env(settings.provider));
    settings.temperature = entry.temperature ? entry.temperature : temperature;
    settings.mode = entry.mode.value_or(mode);
    settings.hint = entry.hint;
    return settings;
}

bool Config::is_protected(std::string_view path) const
{
    return !allow_protected && glob::matches_any(protected_paths, path);
}

} // namespace draftsmith::config
