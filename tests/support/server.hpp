#pragma once
// Server processes for integration tests (fake LLM, fake hosts, lighttpd with
// git http-backend, Prism): started on 127.0.0.1, always stopped.
//
// Readiness is synchronised, never slept for: either the server prints its
// port as the first line of stdout (our fakes bind port 0 and do this), or
// the test chooses a free port and waits until the port accepts connections.

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace draftsmith::test {

class ServerProcess {
public:
    // Starts argv with stdout and stderr appended to `log_file`. Throws
    // std::runtime_error when the program cannot be started.
    ServerProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file);
    ~ServerProcess(); // stop()
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // For a server that prints its port as the first line of stdout: starts
    // argv, reads that line (stdout's remainder and stderr go to `log_file`).
    // Throws when the server exits or stays silent longer than `timeout`,
    // with the log's tail in the message.
    static ServerProcess
    reporting_port(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

    ServerProcess(ServerProcess&& other) noexcept;

    // Blocks until 127.0.0.1:port accepts a TCP connection. Throws (with the
    // log's tail) when the server exits first or `timeout` passes.
    void wait_until_accepting(int port,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

    // SIGTERM, then SIGKILL after two seconds; waits for the process. Idempotent.
    void stop() noexcept;

    pid_t pid() const noexcept { return m_pid; }
    int port() const noexcept { return m_port; } // 0 unless reporting_port
    const std::filesystem::path& log_file() const noexcept { return m_log_file; }

private:
    ServerProcess() = default;
    bool exited() const noexcept;
    std::string log_tail() const;

    pid_t m_pid = -1;
    int m_port = 0;
    std::filesystem::path m_log_file;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int free_port();

} // namespace draftsmith::test
