#include "rest.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>

namespace draftsmith::host::detail {

std::string percent_encode(std::string_view text)
{
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' ||
                                byte == '_' || byte == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += k_hex[byte >> 4];
            out += k_hex[byte & 0x0f];
        }
    }
    return out;
}

std::optional<std::string> next_link(std::string_view link_header)
{
    // <https://api.github.com/...&page=2>; rel="next", <...>; rel="last"
    std::size_t pos = 0;
    while (pos < link_header.size()) {
        const auto open = link_header.find('<', pos);
        if (open == std::string_view::npos) {
            break;
        }
        const auto close = link_header.find('>', open);
        if (close == std::string_view::npos) {
            break;
        }
        const auto url = link_header.substr(open + 1, close - open - 1);
        auto end = link_header.find(',', close);
        // A ',' inside <...> was skipped by searching from `close`.
        const auto params = link_header.substr(
            close + 1, end == std::string_view::npos ? std::string_view::npos : end - close - 1);
        std::size_t p = 0;
        while (p < params.size()) {
            auto semi = params.find(';', p);
            auto part = text::trim(params.substr(
                p, semi == std::string_view::npos ? std::string_view::npos : semi - p));
            if (part.size() > 4 && text::iequals_ascii(part.substr(0, 4), "rel=")) {
                auto value = part.substr(4);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                    value = value.substr(1, value.size() - 2);
                }
                // rel may hold several space-separated relation types.
                std::size_t q = 0;
                while (q <= value.size()) {
                    auto space = value.find(' ', q);
                    const auto length =
                        space == std::string_view::npos ? std::string_view::npos : space - q;
                    auto rel = value.substr(q, length);
                    if (text::iequals_ascii(rel, "next")) {
                        return std::string(url);
                    }
                    if (space == std::string_view::npos) {
                        break;
                    }
                    q = space + 1;
                }
            }
            if (semi == std::string_view::npos) {
                break;
            }
            p = semi + 1;
        }
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    return std::nullopt;
}

std::string origin_of(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return {};
    }
    const auto authority_end = url.find_first_of("/?#", scheme_end + 3);
    return text::to_lower_ascii(url.substr(0, authority_end));
}

std::string join_url(std::string_view base, std::string_view path)
{
    while (!base.empty() && base.back() == '/') {
        base.remove_suffix(1);
    }
    return std::string(base) + std::string(path);
}

const char* method_name(net::Method method) noexcept
{
    switch (method) {
    case net::Method::get:
        return "GET";
    case net::Method::post:
        return "POST";
    case net::Method::put:
        return "PUT";
    case net::Method::patch:
        return "PATCH";
    case net::Method::del:
        return "DELETE";
    }
    return "?";
}

namespace {

std::string service_message(std::string_view body)
{
    auto json = limits::json_deeper_than(body) ? nlohmann::json(nlohmann::json::value_t::discarded)
                                               : nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        auto trimmed = std::string(text::trim(body));
        if (trimmed.size() > 300) {
            trimmed = trimmed.substr(0, 300) + "...";
        }
        return trimmed;
    }
    std::string message = str(json, "message");
    if (json.contains("errors") && json["errors"].is_array()) {
        for (const auto& error : json["errors"]) {
            std::string detail;
            if (error.is_string()) {
                detail = error.get<std::string>();
            } else if (error.is_object()) {
                detail = str(error, "message");
                if (detail.empty()) {
                    detail = fmt::format("{} {} {}", str(error, "resource"), str(error, "field"),
                                         str(error, "code"));
                }
            }
            if (!detail.empty()) {
                message += (message.empty() ? "" : "; ") + detail;
            }
        }
    }
    return message;
}

std::string utc_time(std::int64_t epoch_seconds)
{
    const auto t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> buffer{};
    std::strftime(buffer.data(), buffer.size(), "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buffer.data();
}

std::string hint(const net::Response& response)
{
    const auto remaining = net::find_header(response.headers, "x-ratelimit-remaining");
    switch (response.status) {
    case 401:
        return "the token was rejected: check that it is set, unexpired and for this service";
    case 403:
        if (remaining && text::trim(*remaining) == "0") {
            std::string until;
            if (const auto reset = net::find_header(response.headers, "x-ratelimit-reset")) {
                try {
                    until = " until " + utc_time(std::stoll(*reset));
                } catch (const std::exception&) {
                    until = " until " + *reset;
                }
            }
            return "rate limit exhausted" + until + " (403 is never retried; run again later)";
        }
        // GitHub's secondary limits answer 403 (or 429) with retry-after.
        if (const auto retry_after = net::find_header(response.headers, "retry-after")) {
            return "secondary rate limit: the service asks to wait " + *retry_after +
                   " s (403 is never retried; run again later)";
        }
        return "the token lacks the permission for this (GitHub: pull-requests, issues and "
               "statuses write; Azure DevOps: Contribute to pull requests)";
    case 404:
        return "not found, or the token cannot see it";
    case 429:
        return "rate limited, and the retries allowed are spent";
    default:
        return {};
    }
}

} // namespace

std::string failure_message(std::string_view service, std::string_view what, net::Method method,
                            std::string_view url, const net::Response& response)
{
    auto message = fmt::format("{}: {} ({} {}): HTTP {}", service, what, method_name(method), url,
                               response.status);
    if (auto detail = service_message(response.body); !detail.empty()) {
        message += ": " + detail;
    }
    if (auto advice = hint(response); !advice.empty()) {
        message += " (" + advice + ")";
    }
    if (response.attempts > 1) {
        message += fmt::format(" after {} attempts", response.attempts);
    }
    return redacted(message);
}

void RestClient::note_rate_limit(const net::Response& response)
{
    // GitHub: x-ratelimit-remaining of the primary limit. Azure DevOps:
    // X-RateLimit-Remaining of its throttling window, X-RateLimit-Delay when
    // requests are being slowed down. Retry-After itself is net/'s business.
    const auto remaining = net::find_header(response.headers, "x-ratelimit-remaining");
    if (remaining) {
        try {
            const auto left = std::stol(*remaining);
            if (left < k_rate_limit_warning && !m_warned.exchange(true)) {
                const auto reset = net::find_header(response.headers, "x-ratelimit-reset");
                std::string until;
                if (reset) {
                    try {
                        until = ", resets " + utc_time(std::stoll(*reset));
                    } catch (const std::exception&) {
                    }
                }
                log::warning("{}: only {} requests left in the rate limit{}", m_service, left,
                             until);
            }
        } catch (const std::exception&) {
        }
    }
    if (const auto delay = net::find_header(response.headers, "x-ratelimit-delay");
        delay && text::trim(*delay) != "0" && !text::trim(*delay).empty()) {
        log::info("{}: the service is delaying requests (X-RateLimit-Delay: {})", m_service,
                  text::trim(*delay));
    }
}

RestClient::RestClient(std::shared_ptr<net::HttpClient> client, std::string service,
                       net::Headers common)
    : m_client(std::move(client))
    , m_service(std::move(service))
    , m_common(std::move(common))
{
}

net::Response RestClient::send(std::string_view what, net::Method method, const std::string& url,
                               const nlohmann::json* body, std::initializer_list<long> accepted)
{
    net::Request request;
    request.method = method;
    request.url = url;
    request.headers = m_common;
    if (body != nullptr) {
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = body->dump();
    }
    auto response = m_client->send(request);
    note_rate_limit(response);
    if (response.ok() ||
        std::find(accepted.begin(), accepted.end(), response.status) != accepted.end()) {
        return response;
    }
    throw Error(ErrorCategory::host, failure_message(m_service, what, method, url, response));
}

nlohmann::json RestClient::send_json(std::string_view what, net::Method method,
                                     const std::string& url, const nlohmann::json* body)
{
    const auto response = send(what, method, url, body);
    return parse_json(m_service, what, response.body);
}

nlohmann::json parse_json(std::string_view service, std::string_view what, std::string_view body)
{
    if (limits::json_deeper_than(body)) {
        throw Error(ErrorCategory::host,
                    fmt::format("{}: {}: the answer nests deeper than {} levels; refused", service,
                                what, limits::k_max_json_depth));
    }
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded()) {
        auto start = std::string(body.substr(0, 120));
        throw Error(ErrorCategory::host, redacted(fmt::format("{}: {}: the answer is not JSON: {}",
                                                              service, what, start)));
    }
    return json;
}

std::string str(const nlohmann::json& object, std::string_view key)
{
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    return it->dump();
}

std::int64_t int64(const nlohmann::json& object, std::string_view key)
{
    if (!object.is_object()) {
        return 0;
    }
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return 0;
    }
    if (it->is_number_integer()) {
        return it->get<std::int64_t>();
    }
    if (it->is_string()) {
        try {
            return std::stoll(it->get<std::string>());
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

bool boolean(const nlohmann::json& object, std::string_view key)
{
    if (!object.is_object()) {
        return false;
    }
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
}

const nlohmann::json& child(const nlohmann::json& object, std::string_view key)
{
    static const nlohmann::json k_null;
    if (!object.is_object()) {
        return k_null;
    }
    const auto it = object.find(key);
    return it == object.end() ? k_null : *it;
}

} // namespace draftsmith::host::detail
