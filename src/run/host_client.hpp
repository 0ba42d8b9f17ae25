#pragma once
// Internal to run/: the host's HTTP client, made once with the host.
//
// The host is made before the target branch's .draftsmith.yml is read (the
// host names that branch), yet that file's timeouts and retries govern every
// host call after it, as they did when run/ made a second host. So the host
// talks through this client, whose settings (and connections) are renewed in
// place: after intake reads the file, and in the parent after a crashed
// worker, whose connections it shared, instead of making a new host.

#include "draftsmith/net/http.hpp"

#include <functional>
#include <memory>
#include <mutex>

namespace draftsmith::run {

class HostClient final : public net::HttpClient {
public:
    using Make = std::function<std::unique_ptr<net::HttpClient>(net::ClientOptions)>;

    // A client made by `make` (the libcurl one unless a test gives another).
    explicit HostClient(net::ClientOptions options, Make make = net::make_http_client);

    // Requests sent from now on go through a new client with `options` (new
    // connections); requests in flight finish on the old one. Throws what
    // `make` throws, and then keeps the old client.
    void renew(net::ClientOptions options);

    // Sends through the current client (net::HttpClient::send).
    net::Response send(const net::Request& request) override;

private:
    Make m_make;
    std::mutex m_mutex; // guards m_client only, never held across a request
    std::shared_ptr<net::HttpClient> m_client;
};

} // namespace draftsmith::run
