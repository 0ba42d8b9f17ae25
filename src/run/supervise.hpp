#pragma once
// Internal to run/: the supervisor that closes the loop after a crash.
//
// Once the acknowledgement is out (pending status, "working on it" comment),
// the rest of the run happens in a forked worker process. If the worker dies
// of a signal (SIGSEGV, SIGABRT from std::terminate, the OOM killer's SIGKILL),
// the parent, which has done nothing but wait, still has a sane heap and the
// host's details, and posts the overview and the final status itself. A
// fatal-signal handler could not do that safely: HTTP, TLS and malloc are not
// async-signal-safe, and a crashed heap cannot be trusted.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace draftsmith::run {

struct WorkerEnd {
    bool exited = false; // true: `code` is the worker's exit status
    int code = 0;
    int signal = 0; // when !exited and known: the signal that killed it
};

// Runs `work` in a child process and waits for it, forwarding SIGINT/SIGTERM
// the parent receives. The child never returns: it exits with work()'s value
// (or 70 when work() throws). When fork() fails, runs `work` here instead.
WorkerEnd run_supervised(const std::function<int()>& work);

// interrupt.cpp: SIGINT/SIGTERM received by this process are also sent to
// `child` (0: to no one). Async-signal-safe.
void forward_signals_to(pid_t child) noexcept;

// A crash on purpose, for the end-to-end tests of the supervisor only:
// when `wanted` (DRAFTSMITH_TEST_CRASH_AT) names `where` (context, publish, overview),
// the process aborts; `where:exception` throws std::out_of_range instead.
void crash_for_test(const std::string& wanted, std::string_view where);

// A description of the signal for the overview ("signal 11 (Segmentation fault)").
std::string describe_signal(int signal);

} // namespace draftsmith::run
