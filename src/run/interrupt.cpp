// SIGINT/SIGTERM: a cancelled pipeline sends them. The handler only sets a
// flag and interrupts HTTP transfers (both async-signal-safe: atomics), so the
// run stops at its next step and leaves nothing half-made.
//
// Issue 17: GitHub Actions and Azure Pipelines cancel with SIGINT, then
// SIGTERM 7.5 s later, then kill the process tree 2.5 s after that. The
// SIGTERM of that sequence must not kill the cancel path (the one push of the
// edits made so far), so a signal of the other kind than the first is only
// noted; the same signal twice (Ctrl-C Ctrl-C at a terminal) kills as usual.
#include "draftsmith/net/http.hpp"
#include "draftsmith/run/run.hpp"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <signal.h>

#include "incomplete.hpp"
#include "supervise.hpp"

namespace draftsmith::run {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<pid_t> g_child{0};          // the supervised worker (supervise.hpp), if any
std::atomic<int> g_first_signal{0};     // issue 17: which signal started the stop
std::atomic<std::int64_t> g_stop_ns{0}; // CLOCK_MONOTONIC when it came, in ns

std::int64_t monotonic_ns() noexcept
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now); // async-signal-safe (POSIX)
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

extern "C" void on_signal(int signal)
{
    // A group-wide signal reaches the worker twice (from the sender and
    // forwarded by its parent) within moments: that is one signal.
    constexpr std::int64_t k_same_signal_ns = 1'000'000'000;
    int expected = 0;
    if (!g_first_signal.compare_exchange_strong(expected, signal) && expected == signal &&
        monotonic_ns() - g_stop_ns.load() > k_same_signal_ns) {
        // The same signal again, later: the person means it. Default action.
        ::signal(signal, SIG_DFL); // NOLINT(cert-err33-c): nothing to do if it fails
        if (const pid_t child = g_child.load(); child > 0) {
            kill(child, signal);
        }
        raise(signal); // NOLINT(cert-err33-c)
        return;
    }
    if (expected == 0) {
        request_stop();
    }
    if (const pid_t child = g_child.load(); child > 0) {
        kill(child, signal); // async-signal-safe: the worker stops cleanly too
    }
}

} // namespace

void request_stop() noexcept
{
    std::int64_t unset = 0;
    g_stop_ns.compare_exchange_strong(unset, monotonic_ns());
    g_stop.store(true);
    net::interrupt_all();
}

void forward_signals_to(pid_t child) noexcept
{
    g_child.store(child);
}

bool stop_requested() noexcept
{
    return g_stop.load();
}

int stop_signal() noexcept
{
    return g_first_signal.load();
}

std::optional<std::chrono::steady_clock::time_point> stop_time() noexcept
{
    const auto ns = g_stop_ns.load();
    if (ns == 0) {
        return std::nullopt;
    }
    // steady_clock is CLOCK_MONOTONIC on Linux (libstdc++ and libc++).
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(ns)));
}

void install_signal_handlers()
{
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // issue 17: on_signal decides what a second signal does
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace draftsmith::run
