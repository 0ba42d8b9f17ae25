// SIGINT/SIGTERM: a cancelled pipeline sends them. The handler only sets a
// flag and interrupts HTTP transfers (both async-signal-safe: atomics), so the
// run stops at its next step and leaves nothing half-made. A second signal
// kills as usual.
#include "draftsmith/net/http.hpp"
#include "draftsmith/run/run.hpp"

#include "supervise.hpp"

#include <atomic>
#include <csignal>

#include <signal.h>

namespace draftsmith::run {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<pid_t> g_child{0}; // the supervised worker (supervise.hpp), if any

extern "C" void on_signal(int signal)
{
    request_stop();
    if (const pid_t child = g_child.load(); child > 0) {
        kill(child, signal); // async-signal-safe: the worker stops cleanly too
    }
}

} // namespace

void request_stop() noexcept
{
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

void install_signal_handlers()
{
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND; // the second signal takes the default action
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace draftsmith::run
