// The supervised worker (see supervise.hpp for why a process, not a handler).
#include "supervise.hpp"

#include "draftsmith/run/run.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace draftsmith::run {
namespace {

constexpr int k_worker_threw = 70; // EX_SOFTWARE: work() threw past everything

void flush_all()
{
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr); // NOLINT(cert-err33-c): nothing to do if flushing fails
}

[[noreturn]] void be_the_worker(const std::function<int()>& work)
{
    int code = k_worker_threw;
    try {
        code = work();
    } catch (const std::exception& error) {
        log::error("internal error: {}", error.what());
    } catch (...) {
        log::error("internal error: an unknown exception");
    }
    flush_all();
    std::_Exit(code); // the parent owns everything else (destructors, atexit)
}

WorkerEnd wait_for(pid_t child)
{
    for (;;) {
        int status = 0;
        const pid_t ended = waitpid(child, &status, 0);
        if (ended == child) {
            if (WIFEXITED(status)) {
                return {true, WEXITSTATUS(status), 0};
            }
            return {false, 0, WIFSIGNALED(status) ? WTERMSIG(status) : 0};
        }
        if (ended < 0 && errno != EINTR) {
            log::error("lost the worker process: {}",
                       std::strerror(errno)); // NOLINT(concurrency-mt-unsafe): one thread here
            return {false, 0, 0};
        }
    }
}

} // namespace

std::string describe_signal(int signal)
{
    if (signal == 0) {
        return "an unknown cause";
    }
    const char* name = strsignal(signal); // NOLINT(concurrency-mt-unsafe): one thread here
    return fmt::format("signal {} ({})", signal, name != nullptr ? name : "unknown");
}

void crash_for_test(const std::string& wanted, std::string_view where)
{
    if (wanted == where) {
        flush_all();
        std::abort();
    }
    if (wanted == std::string(where) + ":exception") {
        throw std::out_of_range("injected by DRAFTSMITH_TEST_CRASH_AT"); // not an Error
    }
}

WorkerEnd run_supervised(const std::function<int()>& work)
{
    flush_all(); // or the child would write the parent's buffered output again
    const pid_t child = fork();
    if (child < 0) {
        log::warning("could not start a supervised worker ({}); running without one",
                     std::strerror(errno)); // NOLINT(concurrency-mt-unsafe): one thread here
        return {true, work(), 0};
    }
    if (child == 0) {
        be_the_worker(work);
    }
    forward_signals_to(child);
    if (stop_requested()) {
        kill(child, SIGTERM); // a signal that came between fork() and forwarding
    }
    const auto end = wait_for(child);
    forward_signals_to(0);
    return end;
}

} // namespace draftsmith::run
