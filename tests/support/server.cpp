#include "server.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace draftsmith::test {
namespace {

using Clock = std::chrono::steady_clock;

// Forks and execs argv with stdout going to `stdout_fd` and stderr to the log.
pid_t spawn(const std::vector<std::string>& argv, int stdout_fd, int log_fd)
{
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::setpgid(0, 0); // its own group, so stop() reaches its children too
        ::dup2(stdout_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        std::vector<char*> args;
        for (const auto& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        std::fprintf(stderr, "cannot start %s: %s\n", args[0], std::strerror(errno));
        ::_exit(127);
    }
    return pid;
}

int open_log(const std::filesystem::path& log_file)
{
    const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + log_file.string());
    }
    return fd;
}

bool accepts_connection(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool connected =
        ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

} // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& argv,
                             const std::filesystem::path& log_file)
    : m_log_file(log_file)
{
    const int log_fd = open_log(log_file);
    m_pid = spawn(argv, log_fd, log_fd);
    ::close(log_fd);
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1))
    , m_port(other.m_port)
    , m_log_file(std::move(other.m_log_file))
{
}

ServerProcess::~ServerProcess()
{
    stop();
}

ServerProcess ServerProcess::reporting_port(const std::vector<std::string>& argv,
                                            const std::filesystem::path& log_file,
                                            std::chrono::milliseconds timeout)
{
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    ServerProcess server;
    server.m_log_file = log_file;
    const int log_fd = open_log(log_file);
    server.m_pid = spawn(argv, out[1], log_fd);
    ::close(log_fd);
    ::close(out[1]);

    // Read the first line only, then close the pipe: the server must log to
    // stderr after announcing its port (a later write to stdout fails).
    std::string line;
    const auto deadline = Clock::now() + timeout;
    while (line.find('\n') == std::string::npos) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd fd{out[0], POLLIN, 0};
        if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
            ::close(out[0]);
            throw std::runtime_error(argv[0] + " did not report its port in time\n" +
                                     server.log_tail());
        }
        char buffer[256];
        const auto n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) {
            ::close(out[0]);
            throw std::runtime_error(argv[0] + " exited before reporting its port\n" +
                                     server.log_tail());
        }
        line.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    server.m_port = std::stoi(line.substr(0, line.find('\n')));
    return server;
}

void ServerProcess::wait_until_accepting(int port, std::chrono::milliseconds timeout) const
{
    const auto deadline = Clock::now() + timeout;
    while (!accepts_connection(port)) {
        if (exited()) {
            throw std::runtime_error("server exited before accepting connections\n" + log_tail());
        }
        if (Clock::now() > deadline) {
            throw std::runtime_error("server did not accept connections in time\n" + log_tail());
        }
        // Polling a port has no event to wait on; a short pause between
        // attempts keeps the loop from spinning a core.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

bool ServerProcess::exited() const noexcept
{
    int status = 0;
    return m_pid > 0 && ::waitpid(m_pid, &status, WNOHANG) == m_pid;
}

void ServerProcess::stop() noexcept
{
    if (m_pid <= 0) {
        return;
    }
    ::kill(-m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200; ++i) {
        const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid || done < 0) {
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(-m_pid, SIGKILL);
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
}

std::string ServerProcess::log_tail() const
{
    std::ifstream in(m_log_file);
    std::stringstream all;
    all << in.rdbuf();
    const auto text = all.str();
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

int free_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

} // namespace draftsmith::test
