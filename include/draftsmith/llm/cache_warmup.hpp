#pragma once
// Prompt-cache warm-up: one variant writes the shared prefix, the others read it.
//
// Variants of one request send the same prefix (tools, system prompt, the
// request and the repository's file list; llm/llm.hpp). Anthropic documents
// that "a cache entry only becomes available after the first response
// begins": N variants that start at once each write that prefix (1.25x the
// input price) instead of one writing and N-1 reading it (0.1x). OpenAI's
// automatic prefix caching (prompts of 1,024 tokens or more, in blocks of
// 128) reuses a prefix its servers have already computed, so it too pays off
// only once a first request for the prefix is under way.
//
// A CacheWarmup is the gate: the leader's calls go out at once and open it
// as soon as their answer begins (Options::on_answer_began: the first event
// of a stream, or the whole answer), when they fail, or when they return;
// each follower's first call waits for it. A follower never waits forever:
// it goes at its call's deadline (Options::deadline), when the run is
// interrupted (net::interrupted()), or when release() is called (run/ calls
// it when the leader's variant ends, whatever happened to it).
//
//     auto gate = std::make_shared<CacheWarmup>();
//     leader_provider = warmup_leader(std::move(leader_provider), gate);
//     other_provider = warmup_follower(std::move(other_provider), gate);
//     ... run the variants; after the leader's: gate->release();

#include "draftsmith/llm/llm.hpp"
#include "draftsmith/llm/provider.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

namespace draftsmith::llm {

class CacheWarmup {
public:
    using Clock = std::chrono::steady_clock;

    CacheWarmup();

    // Opens the gate for every follower, now and later. Thread-safe,
    // idempotent, never throws.
    void release() noexcept;
    bool released() const;

    // Blocks until release(), `deadline` (when set) or an interrupt
    // (net::interrupted(), checked every 50 ms). Returns true when released.
    // Never throws.
    bool wait(std::optional<Clock::time_point> deadline);

    // How long after construction release() came (nullopt while closed):
    // what the warm-up cost the followers in wall time.
    std::optional<std::chrono::milliseconds> released_after() const;

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_opened;
    Clock::time_point m_created;
    std::optional<Clock::time_point> m_released;
};

// Whether a provider configured so keeps a prompt prefix for other calls to
// read: Anthropic with prompt_caching on (cache_control breakpoints);
// OpenAI, Azure OpenAI and OpenAI-compatible servers (automatic prefix
// caching: OpenAI's for prompts of 1,024 tokens or more, vLLM's and
// SGLang's prefix caches); not replay. Where a compatible server caches
// nothing, the warm-up costs its followers one time-to-first-token.
bool caches_prompt_prefix(const ProviderOptions& options);

// Whether calls through `other` can read what calls through `first` wrote
// to the prompt cache: same provider kind, base URL, deployment and model,
// and `first` caches prompts (caches_prompt_prefix).
bool shares_prompt_cache(const ProviderOptions& first, const ProviderOptions& other);

// `inner` for the variant that warms the cache: every call opens `gate`
// once its answer has begun, and on its return or failure.
std::unique_ptr<Provider> warmup_leader(std::unique_ptr<Provider> inner,
                                        std::shared_ptr<CacheWarmup> gate);

// `inner` for a variant that reads the cache: each call first waits on
// `gate` (until it opens or the call's deadline), then is sent as it is.
std::unique_ptr<Provider> warmup_follower(std::unique_ptr<Provider> inner,
                                          std::shared_ptr<CacheWarmup> gate);

} // namespace draftsmith::llm
