#include "ordered_scan.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace draftsmith::agent::detail {
namespace {

// Small enough that the threads stay close to the order (a search that has
// its 200 matches early stops soon), large enough that taking one is rare.
constexpr std::size_t k_chunk = 32;
constexpr std::size_t k_max_threads = 8;
constexpr std::size_t k_pending = static_cast<std::size_t>(-1);

class Scan {
public:
    Scan(const ScanPlan& plan, const ScanItem& scan)
        : m_plan(plan)
        , m_scan(scan)
        , m_chunks((plan.count + k_chunk - 1) / k_chunk)
        , m_hits(m_chunks, k_pending)
    {
    }

    std::size_t chunks() const noexcept { return m_chunks; }

    // Scans the next chunk; false when none is left or the scan is ending.
    bool next()
    {
        const auto chunk = m_next++;
        if (chunk >= m_chunks || m_stopping) {
            return false;
        }
        std::size_t hits = 0;
        const auto end = std::min(m_plan.count, (chunk + 1) * k_chunk);
        for (auto index = chunk * k_chunk; index < end && !m_stopping; ++index) {
            hits += m_scan(index, m_stopping);
        }
        done(chunk, hits);
        return true;
    }

    void work() noexcept
    {
        try {
            while (next()) {
            }
        } catch (...) {
            fail(std::current_exception());
        }
    }

    void fail(std::exception_ptr error)
    {
        const std::lock_guard lock(m_mutex);
        if (!m_error) {
            m_error = std::move(error);
        }
        m_stopping = true;
    }

    void rethrow() const
    {
        if (m_error) {
            std::rethrow_exception(m_error);
        }
    }

private:
    // Adds the chunks done in order to the count; enough of them end the scan.
    void done(std::size_t chunk, std::size_t hits)
    {
        if (m_plan.enough == 0) {
            return;
        }
        const std::lock_guard lock(m_mutex);
        m_hits[chunk] = hits;
        while (m_in_order < m_chunks && m_hits[m_in_order] != k_pending) {
            m_hits_in_order += m_hits[m_in_order++];
        }
        if (m_hits_in_order > m_plan.enough) {
            m_stopping = true;
        }
    }

    const ScanPlan& m_plan;
    const ScanItem& m_scan;
    const std::size_t m_chunks;
    std::atomic<std::size_t> m_next{0};
    std::atomic<bool> m_stopping{false};
    std::mutex m_mutex;              // guards what follows
    std::vector<std::size_t> m_hits; // per chunk, k_pending until done
    std::size_t m_in_order = 0;      // chunks 0 .. m_in_order-1 are done
    std::size_t m_hits_in_order = 0;
    std::exception_ptr m_error;
};

} // namespace

void ordered_scan(const ScanPlan& plan, const ScanItem& scan, const std::function<void()>& between)
{
    Scan state(plan, scan);
    {
        std::vector<std::jthread> helpers;
        const auto threads = std::min(std::max<std::size_t>(plan.threads, 1), state.chunks());
        for (std::size_t i = 1; i < threads; ++i) {
            helpers.emplace_back([&state] { state.work(); });
        }
        try {
            while (state.next()) {
                between();
            }
        } catch (...) {
            state.fail(std::current_exception());
        }
    } // the helpers are joined here
    state.rethrow();
}

std::size_t scan_threads()
{
    const std::size_t cores = std::thread::hardware_concurrency();
    return std::clamp<std::size_t>(cores, 1, k_max_threads);
}

} // namespace draftsmith::agent::detail
