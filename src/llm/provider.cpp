#include "draftsmith/llm/provider.hpp"

#include "draftsmith/llm/replay.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "providers.hpp"

namespace draftsmith::llm {

const char* to_string(ProviderKind kind) noexcept
{
    switch (kind) {
    case ProviderKind::anthropic:
        return "anthropic";
    case ProviderKind::openai:
        return "openai";
    case ProviderKind::azure_openai:
        return "azure-openai";
    case ProviderKind::replay:
        return "replay";
    }
    return "anthropic";
}

std::optional<ProviderKind> parse_provider_kind(std::string_view text)
{
    if (text == "anthropic") {
        return ProviderKind::anthropic;
    }
    if (text == "openai") {
        return ProviderKind::openai;
    }
    if (text == "azure-openai" || text == "azure") {
        return ProviderKind::azure_openai;
    }
    if (text == "replay") {
        return ProviderKind::replay;
    }
    return std::nullopt;
}

std::string default_api_key_variable(ProviderKind kind)
{
    switch (kind) {
    case ProviderKind::anthropic:
        return "ANTHROPIC_API_KEY";
    case ProviderKind::openai:
        return "OPENAI_API_KEY";
    case ProviderKind::azure_openai:
        return "AZURE_OPENAI_API_KEY";
    case ProviderKind::replay:
        return {};
    }
    return {};
}

Secret api_key_from_environment(const ProviderOptions& options, const std::string& variable,
                                const VariableLookup& lookup)
{
    const auto name = variable.empty() ? default_api_key_variable(options.kind) : variable;
    if (name.empty()) {
        return {};
    }
    if (const auto value = lookup ? lookup(name.c_str()) : std::nullopt; value && !value->empty()) {
        return Secret(*value);
    }
    const bool optional = options.kind == ProviderKind::openai && !options.base_url.empty();
    if (optional) {
        return {};
    }
    throw Error(ErrorCategory::config,
                fmt::format("no API key for {}: set the environment variable {} (or name another "
                            "variable holding the key in the configuration)",
                            to_string(options.kind), name));
}

std::unique_ptr<Provider> make_provider(const ProviderOptions& options,
                                        std::shared_ptr<net::HttpClient> http)
{
    std::unique_ptr<Provider> provider;
    if (options.kind == ProviderKind::replay) {
        if (options.replay_file.empty()) {
            throw Error(ErrorCategory::config,
                        "the replay provider needs a recording: give --replay FILE");
        }
        provider = make_replay_provider(options.replay_file);
    } else {
        if (options.model.empty()) {
            throw Error(ErrorCategory::config,
                        fmt::format("no model given for {}: set one with --model",
                                    to_string(options.kind)));
        }
        if (options.kind == ProviderKind::azure_openai && options.base_url.empty()) {
            throw Error(ErrorCategory::config, "azure-openai needs the resource's base URL, e.g. "
                                               "https://NAME.openai.azure.com (--base-url)");
        }
        if (!http) {
            throw Error(ErrorCategory::internal, "make_provider needs an HTTP client");
        }
        switch (options.kind) {
        case ProviderKind::anthropic:
            provider = detail::make_anthropic_provider(options, std::move(http));
            break;
        case ProviderKind::azure_openai:
        case ProviderKind::openai:
            provider = detail::make_openai_provider(options, std::move(http));
            break;
        case ProviderKind::replay:
            break;
        }
    }
    if (!options.record_file.empty()) {
        provider = make_recording_provider(std::move(provider), options.record_file);
    }
    return provider;
}

} // namespace draftsmith::llm
