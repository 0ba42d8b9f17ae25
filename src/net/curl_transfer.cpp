// What libcurl calls back during one transfer (see curl_transfer.hpp):
// progress with the idle check, headers, body, and the verbose trace.
//
// The trace (only produced when the log is at trace level) passes through
// redacted(); header lines that carry credentials are masked by name as
// well, whether or not the value was registered as a Secret.
#include "curl_transfer.hpp"

#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdlib>

namespace draftsmith::net::detail {
namespace {

bool is_credential_header(std::string_view name)
{
    static constexpr std::array<std::string_view, 8> k_names = {
        "authorization", "proxy-authorization", "x-api-key",     "api-key",
        "cookie",        "set-cookie",          "private-token", "x-goog-api-key"};
    for (auto known : k_names) {
        if (text::iequals_ascii(name, known)) {
            return true;
        }
    }
    return false;
}

// One line of curl's verbose output with credential header values masked and
// registered secrets redacted.
std::string redacted_trace_line(std::string_view line)
{
    const auto colon = line.find(':');
    if (colon != std::string_view::npos &&
        is_credential_header(text::trim(line.substr(0, colon)))) {
        return fmt::format("{}: ***", line.substr(0, colon));
    }
    return redacted(line);
}

} // namespace

int trace_callback(CURL*, curl_infotype type, char* data, size_t size, void*)
{
    const char* prefix = nullptr;
    switch (type) {
    case CURLINFO_TEXT:
        prefix = "*";
        break;
    case CURLINFO_HEADER_IN:
        prefix = "<";
        break;
    case CURLINFO_HEADER_OUT:
        prefix = ">";
        break;
    default:
        return 0; // bodies are not traced: they can hold prompts and code
    }
    try {
        for (auto line : text::split_lines(std::string_view(data, size))) {
            if (!line.empty()) {
                log::trace("curl: {} {}", prefix, redacted_trace_line(line));
            }
        }
    } catch (...) {
        // Tracing must never break a transfer.
    }
    return 0;
}

int on_progress(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up)
{
    auto& attempt = *static_cast<Attempt*>(user);
    if (interrupted()) {
        attempt.interrupted = true;
        return 1;
    }
    const auto now = std::chrono::steady_clock::now();
    if (down != attempt.last_down || up != attempt.last_up) {
        attempt.last_down = down;
        attempt.last_up = up;
        attempt.last_activity = now;
        return 0;
    }
    if (now - attempt.last_activity >= attempt.idle_timeout) {
        attempt.idle_expired = true;
        return 1; // aborts with CURLE_ABORTED_BY_CALLBACK
    }
    return 0;
}

size_t on_header(char* data, size_t size, size_t count, void* user)
{
    auto& attempt = *static_cast<Attempt*>(user);
    const auto bytes = size * count;
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    if (line.substr(0, 5) == "HTTP/") {
        // A new response (after 100 Continue, or a redirect): start over.
        attempt.headers.clear();
        const auto space = line.find(' ');
        if (space != std::string_view::npos) {
            attempt.status =
                std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
        }
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0) {
        attempt.headers.emplace_back(std::string(text::trim(line.substr(0, colon))),
                                     std::string(text::trim(line.substr(colon + 1))));
    }
    return bytes;
}

size_t on_body(char* data, size_t size, size_t count, void* user)
{
    auto& attempt = *static_cast<Attempt*>(user);
    const auto bytes = size * count;
    const bool success = attempt.status >= 200 && attempt.status < 300;
    if (attempt.request->on_body_chunk && success) {
        attempt.delivered_chunk = true;
        try {
            attempt.request->on_body_chunk(std::string_view(data, bytes));
        } catch (...) {
            attempt.callback_error = std::current_exception();
            return 0; // aborts the transfer with CURLE_WRITE_ERROR
        }
        return bytes;
    }
    attempt.body.append(data, bytes);
    return bytes;
}

bool is_retryable(CURLcode code)
{
    switch (code) {
    case CURLE_ABORTED_BY_CALLBACK: // the idle check (interruptions are handled before)
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

} // namespace draftsmith::net::detail
