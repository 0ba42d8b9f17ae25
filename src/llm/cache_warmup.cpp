#include "draftsmith/llm/cache_warmup.hpp"

#include "draftsmith/net/http.hpp"
#include "draftsmith/util/log.hpp"

#include <algorithm>

namespace draftsmith::llm {
namespace {

// How often a waiting follower looks at the interrupt flag: a signal handler
// may only set an atomic, it cannot notify a condition variable.
constexpr std::chrono::milliseconds k_interrupt_slice{50};

class LeaderProvider final : public Provider {
public:
    LeaderProvider(std::unique_ptr<Provider> inner, std::shared_ptr<CacheWarmup> gate)
        : m_inner(std::move(inner))
        , m_gate(std::move(gate))
    {
    }

    Response complete(const Conversation& conversation, const Tools& tools,
                      const Options& options) override
    {
        Options with_signal = options;
        with_signal.on_answer_began = [gate = m_gate, chained = options.on_answer_began] {
            gate->release();
            if (chained) {
                chained();
            }
        };
        // Released whatever happens: an answer, an error, an interrupt.
        struct ReleaseOnExit {
            CacheWarmup& gate;
            ~ReleaseOnExit() { gate.release(); }
        } release_on_exit{*m_gate};
        return m_inner->complete(conversation, tools, with_signal);
    }

    std::string name() const override { return m_inner->name(); }

private:
    std::unique_ptr<Provider> m_inner;
    std::shared_ptr<CacheWarmup> m_gate;
};

class FollowerProvider final : public Provider {
public:
    FollowerProvider(std::unique_ptr<Provider> inner, std::shared_ptr<CacheWarmup> gate)
        : m_inner(std::move(inner))
        , m_gate(std::move(gate))
    {
    }

    Response complete(const Conversation& conversation, const Tools& tools,
                      const Options& options) override
    {
        if (!m_gate->released()) {
            log::debug("variant {}: waiting for the first variant's answer to begin, so this one "
                       "reads the shared prompt prefix from the cache",
                       options.variant);
            if (!m_gate->wait(options.deadline)) {
                log::debug("variant {}: the cache warm-up did not end in time; sending anyway",
                           options.variant);
            }
        }
        return m_inner->complete(conversation, tools, options);
    }

    std::string name() const override { return m_inner->name(); }

private:
    std::unique_ptr<Provider> m_inner;
    std::shared_ptr<CacheWarmup> m_gate;
};

} // namespace

CacheWarmup::CacheWarmup()
    : m_created(Clock::now())
{
}

void CacheWarmup::release() noexcept
{
    {
        std::lock_guard lock(m_mutex);
        if (m_released) {
            return;
        }
        m_released = Clock::now();
    }
    m_opened.notify_all();
}

bool CacheWarmup::released() const
{
    std::lock_guard lock(m_mutex);
    return m_released.has_value();
}

bool CacheWarmup::wait(std::optional<Clock::time_point> deadline)
{
    std::unique_lock lock(m_mutex);
    while (!m_released) {
        const auto now = Clock::now();
        if ((deadline && now >= *deadline) || net::interrupted()) {
            return false;
        }
        auto until = now + k_interrupt_slice;
        if (deadline) {
            until = std::min(until, *deadline);
        }
        m_opened.wait_until(lock, until);
    }
    return true;
}

std::optional<std::chrono::milliseconds> CacheWarmup::released_after() const
{
    std::lock_guard lock(m_mutex);
    if (!m_released) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(*m_released - m_created);
}

bool caches_prompt_prefix(const ProviderOptions& options)
{
    switch (options.kind) {
    case ProviderKind::anthropic:
        return options.prompt_caching;
    case ProviderKind::openai:
    case ProviderKind::azure_openai:
        return true;
    case ProviderKind::replay:
        return false;
    }
    return false;
}

bool shares_prompt_cache(const ProviderOptions& first, const ProviderOptions& other)
{
    return caches_prompt_prefix(first) && first.kind == other.kind &&
           first.base_url == other.base_url && first.azure_deployment == other.azure_deployment &&
           first.model == other.model && first.prompt_caching == other.prompt_caching;
}

std::unique_ptr<Provider> warmup_leader(std::unique_ptr<Provider> inner,
                                        std::shared_ptr<CacheWarmup> gate)
{
    return std::make_unique<LeaderProvider>(std::move(inner), std::move(gate));
}

std::unique_ptr<Provider> warmup_follower(std::unique_ptr<Provider> inner,
                                          std::shared_ptr<CacheWarmup> gate)
{
    return std::make_unique<FollowerProvider>(std::move(inner), std::move(gate));
}

} // namespace draftsmith::llm
