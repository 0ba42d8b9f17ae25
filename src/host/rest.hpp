#pragma once
// Internal to host/: what the GitHub and Azure DevOps clients share — URL
// encoding, Link-header pagination, Basic auth, and turning a failed response
// into an Error(host) that says what to do. Not a public header.

#include "draftsmith/net/http.hpp"
#include "draftsmith/util/text.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::host::detail {

// RFC 3986 unreserved characters stay, everything else becomes %XX ('/' too,
// so "heads/main" as one path segment is "heads%2Fmain").
std::string percent_encode(std::string_view text);

// The rel="next" target of an RFC 8288 Link header, if any.
std::optional<std::string> next_link(std::string_view link_header);

// One base64 for the whole program (util/text.hpp); Basic auth uses it here.
using text::base64;

// "scheme://host[:port]" of a URL, lower-cased; empty when it has no scheme.
std::string origin_of(std::string_view url);

// base without trailing '/' + path (which starts with '/').
std::string join_url(std::string_view base, std::string_view path);

const char* method_name(net::Method method) noexcept;

// The error text for a failed response: "<service>: <what> (<METHOD> <url>):
// HTTP <status>: <service message>[; hint]". Redacted.
std::string failure_message(std::string_view service, std::string_view what, net::Method method,
                            std::string_view url, const net::Response& response);

// Sends JSON requests with the service's common headers; throws Error(host)
// (failure_message) unless the status is 2xx or listed in `accepted`.
class RestClient {
public:
    RestClient(std::shared_ptr<net::HttpClient> client, std::string service, net::Headers common);

    net::Response send(std::string_view what, net::Method method, const std::string& url,
                       const nlohmann::json* body = nullptr,
                       std::initializer_list<long> accepted = {});

    // send() and parse the body as JSON; throws Error(host) for a body that is not JSON.
    nlohmann::json send_json(std::string_view what, net::Method method, const std::string& url,
                             const nlohmann::json* body = nullptr);

    const std::string& service() const noexcept { return m_service; }

private:
    static constexpr long k_rate_limit_warning = 100;
    void note_rate_limit(const net::Response& response);

    std::shared_ptr<net::HttpClient> m_client;
    std::string m_service;
    net::Headers m_common;
    std::atomic<bool> m_warned{false};
};

nlohmann::json parse_json(std::string_view service, std::string_view what, std::string_view body);

// Field access that tolerates null and missing values.
std::string str(const nlohmann::json& object, std::string_view key);
std::int64_t int64(const nlohmann::json& object, std::string_view key);
bool boolean(const nlohmann::json& object, std::string_view key);
const nlohmann::json& child(const nlohmann::json& object, std::string_view key);

} // namespace draftsmith::host::detail
