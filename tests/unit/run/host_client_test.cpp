// run/'s HostClient is internal (src/run/host_client.hpp): the host's one
// client, renewed in place when the target's configuration is read.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "../../../src/run/host_client.hpp"

using namespace draftsmith;

namespace {

// A client that answers with its own number and the total timeout it was made with.
class NumberedClient final : public net::HttpClient {
public:
    NumberedClient(int number, net::ClientOptions options)
        : m_number(number)
        , m_options(std::move(options))
    {
    }
    net::Response send(const net::Request&) override
    {
        net::Response response;
        response.status = 200;
        response.body =
            std::to_string(m_number) + " " + std::to_string(m_options.total_timeout.count());
        return response;
    }

private:
    int m_number;
    net::ClientOptions m_options;
};

} // namespace

TEST_CASE("run::HostClient, renew sends later requests through a new client with new settings")
{
    int made = 0;
    const auto make = [&made](net::ClientOptions options) -> std::unique_ptr<net::HttpClient> {
        return std::make_unique<NumberedClient>(++made, std::move(options));
    };
    net::ClientOptions first;
    first.total_timeout = std::chrono::milliseconds(1000);
    run::HostClient client(first, make);
    CHECK(client.send({}).body == "1 1000");
    CHECK(client.send({}).body == "1 1000");

    net::ClientOptions target;
    target.total_timeout = std::chrono::milliseconds(2000);
    client.renew(target);
    CHECK(made == 2);
    CHECK(client.send({}).body == "2 2000");

    SUBCASE("a client that cannot be made leaves the old one in place")
    {
        run::HostClient failing(
            first, [&made](net::ClientOptions options) -> std::unique_ptr<net::HttpClient> {
                if (made >= 3) {
                    throw std::runtime_error("no client");
                }
                return std::make_unique<NumberedClient>(++made, std::move(options));
            });
        CHECK(failing.send({}).body == "3 1000");
        CHECK_THROWS_WITH(failing.renew(target), "no client");
        CHECK(failing.send({}).body == "3 1000");
    }
}
