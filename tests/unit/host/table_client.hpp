#pragma once
// An HttpClient for unit tests that answers from a table instead of a socket
// and records every request it was sent.

#include "draftsmith/net/http.hpp"

#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace draftsmith::test {

class TableClient : public net::HttpClient {
public:
    struct Row {
        net::Method method;
        std::string url_prefix; // the request URL must start with this
        net::Response response;
    };

    // Answers the next request matching (method, URL prefix) with `response`;
    // rows are used once each, in the order added.
    TableClient& on(net::Method method, std::string url_prefix, long status, std::string body,
                    net::Headers headers = {})
    {
        net::Response response;
        response.status = status;
        response.body = std::move(body);
        response.headers = std::move(headers);
        m_rows.push_back({method, std::move(url_prefix), std::move(response)});
        return *this;
    }

    net::Response send(const net::Request& request) override
    {
        std::lock_guard lock(m_mutex);
        m_sent.push_back(request);
        for (auto it = m_rows.begin(); it != m_rows.end(); ++it) {
            if (it->method == request.method && request.url.rfind(it->url_prefix, 0) == 0) {
                auto response = it->response;
                m_rows.erase(it);
                return response;
            }
        }
        throw std::runtime_error("TableClient: no answer for " + request.url);
    }

    const std::vector<net::Request>& sent() const { return m_sent; }
    const net::Request& last() const { return m_sent.back(); }
    std::size_t unused() const { return m_rows.size(); }

private:
    std::mutex m_mutex;
    std::deque<Row> m_rows;
    std::vector<net::Request> m_sent;
};

inline std::string header_of(const net::Request& request, const std::string& name)
{
    for (const auto& [key, value] : request.headers) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

} // namespace draftsmith::test
