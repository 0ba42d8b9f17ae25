#pragma once
// Choosing and configuring a model provider: ProviderOptions (a plain struct
// that config/ and the command line fill in) and make_provider().
//
//   anthropic     POST {base}/v1/messages, x-api-key, anthropic-version
//   openai        POST {base}/v1/chat/completions, Authorization: Bearer
//                 (key optional when base_url points at vLLM, Ollama,
//                 llama.cpp server, LiteLLM, ...)
//   azure-openai  POST {base}/openai/deployments/{deployment}/chat/completions
//                 ?api-version=..., api-key header
//   replay        answers from a recorded JSON-lines file (llm/replay.hpp)
//
// With record_file set, the provider is wrapped so every answer is also
// appended to that file in the replay format (no secrets written).

#include "draftsmith/llm/cost.hpp"
#include "draftsmith/llm/llm.hpp"
#include "draftsmith/net/http.hpp"
#include "draftsmith/util/secret.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace draftsmith::llm {

enum class ProviderKind { anthropic, openai, azure_openai, replay };

const char* to_string(ProviderKind kind) noexcept;
// "anthropic", "openai", "azure-openai" (or "azure"), "replay"; empty when unknown.
std::optional<ProviderKind> parse_provider_kind(std::string_view text);

struct ProviderOptions {
    ProviderKind kind = ProviderKind::anthropic;
    std::string model;            // default model of every call (Options::model wins)
    std::string base_url;         // empty: the official endpoint (required for azure-openai)
    Secret api_key;               // see api_key_from_environment()
    std::string api_key_variable; // where the key came from, named in auth errors
    // anthropic: the anthropic-version header; azure-openai: api-version.
    std::string api_version;
    std::string azure_deployment; // empty: the model name
    std::optional<double> temperature;
    int max_output_tokens = 8192;
    bool stream = true; // server-sent events, so long answers don't hit idle timeouts
    // Anthropic: mark the shared prefix with cache_control (llm/llm.hpp).
    bool prompt_caching = true;
    // The longest one call may take (the HTTP client's idle timeout still applies).
    std::chrono::milliseconds request_timeout{600000};
    // A stream that ends in an error event or breaks off is sent again this
    // many times (nothing was acted on yet: answers are used only when complete).
    int stream_retries = 2;
    // How those retries wait and what they spend: net/'s backoff and the
    // run's one retry budget (net/retry.hpp, take_retry), as HTTP retries.
    net::RetryPolicy retry;
    std::function<void(std::chrono::milliseconds)> sleep; // tests: record instead of wait

    std::filesystem::path replay_file; // replay: the recording to answer from
    std::filesystem::path record_file; // any other: also append answers here
};

// The environment variable holding the key by default for this provider:
// ANTHROPIC_API_KEY, OPENAI_API_KEY or AZURE_OPENAI_API_KEY (none for replay).
std::string default_api_key_variable(ProviderKind kind);

// One environment variable's value by name (nullopt: unset), as the caller
// read the environment (trigger::Environment::lookup); llm/ reads none itself.
using VariableLookup = std::function<std::optional<std::string>(const char* name)>;

// The key from `variable` (empty: the default variable) found through
// `lookup`, registered for redaction. Throws Error(config) naming the
// variable when it is unset or empty and the provider needs a key (an
// OpenAI-compatible base_url does not).
Secret api_key_from_environment(const ProviderOptions& options, const std::string& variable,
                                const VariableLookup& lookup);

// The provider the options describe, sending through `http`. Throws
// Error(config) for an impossible combination (azure-openai without a base
// URL, replay without a file, no model).
std::unique_ptr<Provider> make_provider(const ProviderOptions& options,
                                        std::shared_ptr<net::HttpClient> http);

} // namespace draftsmith::llm
