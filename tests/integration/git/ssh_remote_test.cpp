// Push over ssh to a real OpenSSH server started on 127.0.0.1 for the test:
// key-file credentials and the host key checked against known_hosts.

#include "draftsmith/git/repository.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <pwd.h>
#include <unistd.h>

#include "git_cli.hpp"
#include "support/server.hpp"

using namespace draftsmith::git;
using draftsmith::test::git;
using draftsmith::test::make_repository;
using draftsmith::test::run_process;
using draftsmith::test::ServerProcess;
using draftsmith::test::TempDir;
using draftsmith::test::write_file;

namespace {

// The request every branch of this suite belongs to.
RequestId request_id()
{
    return RequestId{"local", "ssh", "1", "2"};
}

std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void keygen(const std::filesystem::path& file)
{
    REQUIRE(run_process({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "draftsmith-test",
                         "-f", file.string()})
                .exit_code == 0);
}

} // namespace

TEST_CASE("git over ssh with a key file and known_hosts")
{
    if (!std::filesystem::exists("/usr/sbin/sshd")) {
        MESSAGE("skipped: /usr/sbin/sshd is not installed (scripts/setup-debian.sh installs it)");
        return;
    }
    if (::geteuid() == 0 && !std::filesystem::exists("/run/sshd")) {
        // sshd running as root insists on its privilege separation folder,
        // which the package creates only at boot.
        std::filesystem::create_directories("/run/sshd");
    }
    const TempDir temp;
    const auto dir = temp / "ssh";
    std::filesystem::create_directories(dir);
    keygen(dir / "host_key");
    keygen(dir / "user_key");
    std::filesystem::copy_file(dir / "user_key.pub", dir / "authorized_keys");
    const int port = draftsmith::test::free_port();
    write_file(dir / "sshd_config",
               fmt::format("Port {}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n"
                           "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                           "PubkeyAuthentication yes\nStrictModes no\nUsePAM no\nPidFile none\n"
                           "PermitRootLogin prohibit-password\n",
                           port, (dir / "host_key").string(), (dir / "authorized_keys").string()));
    ServerProcess sshd({"/usr/sbin/sshd", "-D", "-e", "-f", (dir / "sshd_config").string()},
                       dir / "sshd.log");
    sshd.wait_until_accepting(port);

    make_repository(temp / "source", {{"a.txt", "A\n"}});
    git(temp.path(),
        {"clone", "-q", "--bare", (temp / "source").string(), (temp / "remote.git").string()});
    git(temp.path(), {"clone", "-q", "--depth", "1", "file://" + (temp / "remote.git").string(),
                      (temp / "work").string()});
    auto repo = Repository::open(temp / "work");
    const std::string base = *repo.find_commit("HEAD");
    CommitSpec spec;
    spec.request = request_id();
    const std::vector<BranchPush> branches{
        {"draftsmith/ssh/v1", repo.commit_overlay(base, {{"a.txt", "ssh\n"}}, spec)}};

    const passwd* user = ::getpwuid(::geteuid());
    REQUIRE(user);
    RemoteAccess access;
    access.remote =
        fmt::format("ssh://{}@127.0.0.1:{}{}", user->pw_name, port, (temp / "remote.git").string());
    access.ssh_key = dir / "user_key";
    access.ssh_known_hosts = dir / "known_hosts";
    const std::string host_key = read_text(dir / "host_key.pub");
    const std::string host_key_blob = host_key.substr(0, host_key.rfind(' '));

    SUBCASE("a known host: pushed")
    {
        write_file(dir / "known_hosts", fmt::format("[127.0.0.1]:{} {}\n", port, host_key_blob));
        const auto report = repo.push_branches(access, branches, request_id());
        CHECK(report.all_pushed());
        CHECK(git(temp / "remote.git", {"rev-parse", "refs/heads/draftsmith/ssh/v1"}) ==
              branches[0].commit);
    }
    SUBCASE("an unknown host is refused, nothing pushed")
    {
        write_file(dir / "known_hosts", "");
        const std::string expected = fmt::format("ssh host key of [127.0.0.1]:{} is not in {}",
                                                 port, (dir / "known_hosts").string());
        CHECK_THROWS_WITH(repo.push_branches(access, branches, request_id()),
                          doctest::Contains(expected.c_str()));
        CHECK(git(temp / "remote.git", {"for-each-ref", "refs/heads/draftsmith"}).empty());
    }
    SUBCASE("a changed host key is refused")
    {
        keygen(dir / "other_key");
        const std::string other = read_text(dir / "other_key.pub");
        write_file(dir / "known_hosts",
                   fmt::format("[127.0.0.1]:{} {}\n", port, other.substr(0, other.rfind(' '))));
        CHECK_THROWS_WITH(repo.push_branches(access, branches, request_id()),
                          doctest::Contains("does not match"));
    }
    SUBCASE("a key the server does not accept")
    {
        write_file(dir / "known_hosts", fmt::format("[127.0.0.1]:{} {}\n", port, host_key_blob));
        keygen(dir / "stranger_key");
        access.ssh_key = dir / "stranger_key";
        const std::string expected = "ssh authentication as '" + std::string(user->pw_name) + "'";
        CHECK_THROWS_WITH(repo.push_branches(access, branches, request_id()),
                          doctest::Contains(expected.c_str()));
    }
}
