#include "host_client.hpp"

#include <utility>

namespace draftsmith::run {

HostClient::HostClient(net::ClientOptions options, Make make)
    : m_make(std::move(make))
    , m_client(m_make(std::move(options)))
{
}

void HostClient::renew(net::ClientOptions options)
{
    std::shared_ptr<net::HttpClient> renewed = m_make(std::move(options));
    std::lock_guard lock(m_mutex);
    m_client.swap(renewed); // the old one goes when its last request ends
}

net::Response HostClient::send(const net::Request& request)
{
    std::shared_ptr<net::HttpClient> client;
    {
        std::lock_guard lock(m_mutex);
        client = m_client;
    }
    return client->send(request);
}

} // namespace draftsmith::run
