#include "process.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace draftsmith::test {
namespace {

void set_up_child(const ProcessOptions& options, int in_fd, int out_fd, int err_fd)
{
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    for (const auto& [name, value] : options.environment) {
        if (value) {
            ::setenv(name.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name.c_str());
        }
    }
    if (options.working_dir && ::chdir(options.working_dir->c_str()) != 0) {
        ::_exit(127);
    }
}

// Feeds stdin and drains stdout/stderr together, so a chatty child never blocks.
void pump(int in_fd, int out_fd, int err_fd, const std::string& input, ProcessResult& result)
{
    std::size_t written = 0;
    if (input.empty()) {
        ::close(in_fd);
        in_fd = -1;
    }
    std::array<char, 65536> buffer{};
    while (out_fd >= 0 || err_fd >= 0) {
        std::array<pollfd, 3> fds{{{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
            throw std::runtime_error("poll failed");
        }
        if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const auto n = ::write(in_fd, input.data() + written, input.size() - written);
            written += n > 0 ? static_cast<std::size_t>(n) : 0;
            if (n < 0 || written == input.size()) {
                ::close(in_fd);
                in_fd = -1;
            }
        }
        for (int i = 1; i < 3; ++i) {
            int& fd = i == 1 ? out_fd : err_fd;
            if (fd >= 0 && (fds[static_cast<std::size_t>(i)].revents & (POLLIN | POLLHUP)) != 0) {
                const auto n = ::read(fd, buffer.data(), buffer.size());
                if (n <= 0) {
                    ::close(fd);
                    fd = -1;
                } else {
                    (i == 1 ? result.out : result.err)
                        .append(buffer.data(), static_cast<std::size_t>(n));
                }
            }
        }
    }
    if (in_fd >= 0) {
        ::close(in_fd);
    }
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options)
{
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        set_up_child(options, in_pipe[0], out_pipe[1], err_pipe[1]);
        std::vector<char*> args;
        for (const auto& arg : argv) {
            args.push_back(const_cast<char*>(arg.c_str()));
        }
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    if (options.on_start) {
        options.on_start(pid);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::signal(SIGPIPE, SIG_IGN);
    ProcessResult result;
    pump(in_pipe[1], out_pipe[0], err_pipe[0], options.stdin_text.value_or(""), result);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

ProcessResult run_draftsmith(const std::vector<std::string>& args, const ProcessOptions& options)
{
    std::vector<std::string> argv{DRAFTSMITH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, options);
}

std::string source_path(const std::string& relative)
{
    return std::string(DRAFTSMITH_SOURCE_DIR) + "/" + relative;
}

} // namespace draftsmith::test
