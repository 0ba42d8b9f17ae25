#include <doctest/doctest.h>

#include "support/server.hpp"
#include "support/temp_dir.hpp"

using draftsmith::test::ServerProcess;
using draftsmith::test::TempDir;

namespace {

// A server that binds port 0, announces it on stdout and serves until stopped.
const std::vector<std::string> k_announcing_server = {
    "python3", "-c",
    "import socket,sys\n"
    "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\n"
    "print(s.getsockname()[1], flush=True)\n"
    "while True: s.accept()[0].close()\n"};

} // namespace

TEST_CASE("test support, server processes")
{
    TempDir dir;
    SUBCASE("a server that reports its port is reachable on it, and stops")
    {
        auto server = ServerProcess::reporting_port(k_announcing_server, dir / "server.log");
        CHECK(server.port() > 0);
        server.wait_until_accepting(server.port());
        server.stop();
        CHECK(server.pid() == -1);
    }
    SUBCASE("a server that dies before reporting is an error with its log")
    {
        CHECK_THROWS_WITH(ServerProcess::reporting_port(
                              {"python3", "-c", "import sys; sys.exit('boom')"}, dir / "x.log"),
                          doctest::Contains("boom"));
    }
    SUBCASE("waiting on a port nobody opens fails when the server exits")
    {
        ServerProcess server({"true"}, dir / "true.log");
        CHECK_THROWS_WITH(server.wait_until_accepting(draftsmith::test::free_port()),
                          doctest::Contains("exited"));
    }
}
