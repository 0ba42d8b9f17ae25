#pragma once
// The concrete providers, made by make_provider() (provider.cpp).

#include "draftsmith/llm/llm.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/net/http.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace draftsmith::llm::detail {

// The Messages API request body for this call (cache_control marks included).
nlohmann::json anthropic_request_body(const Conversation& conversation, const Tools& tools,
                                      const Options& options, const ProviderOptions& provider);

std::unique_ptr<Provider> make_anthropic_provider(ProviderOptions options,
                                                  std::shared_ptr<net::HttpClient> http);

// The Chat Completions request body for this call.
nlohmann::json openai_request_body(const Conversation& conversation, const Tools& tools,
                                   const Options& options, const ProviderOptions& provider);

// OpenAI, Azure OpenAI (options.kind) and OpenAI-compatible servers.
std::unique_ptr<Provider> make_openai_provider(ProviderOptions options,
                                               std::shared_ptr<net::HttpClient> http);

} // namespace draftsmith::llm::detail
