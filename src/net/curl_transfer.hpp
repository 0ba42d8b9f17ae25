#pragma once
// Internal to net/: one transfer's state and the libcurl callbacks that fill
// it (curl_transfer.cpp). curl_client.cpp sets them on an easy handle and
// decides, from what they recorded, whether to retry.

#include "draftsmith/net/http.hpp"

#include <curl/curl.h>

#include <array>
#include <chrono>
#include <exception>
#include <string>

namespace draftsmith::net::detail {

// One try of one request: what the callbacks saw.
struct Attempt {
    const Request* request = nullptr;
    CURL* easy = nullptr;
    long status = 0;
    Headers headers;
    std::string body;
    bool delivered_chunk = false;
    std::exception_ptr callback_error;
    std::array<char, CURL_ERROR_SIZE> error_text{};
    // Idle detection: libcurl's low-speed check averages over a window of
    // seconds, so a stall right after some bytes is noticed late; this one
    // measures the time since the last byte moved either way.
    std::chrono::milliseconds idle_timeout{0};
    std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
    curl_off_t last_down = 0;
    curl_off_t last_up = 0;
    bool idle_expired = false;
    bool interrupted = false;
    bool cut_at_deadline = false; // the request's deadline set the total timeout
};

// CURLOPT_XFERINFOFUNCTION, `user` an Attempt: aborts on interrupt_all() or
// when no byte moved for attempt.idle_timeout.
int on_progress(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up);
// CURLOPT_HEADERFUNCTION: the status line and headers of the last response.
size_t on_header(char* data, size_t size, size_t count, void* user);
// CURLOPT_WRITEFUNCTION: the body, or each chunk to request->on_body_chunk
// for a 2xx answer (an exception it throws is kept and aborts the transfer).
size_t on_body(char* data, size_t size, size_t count, void* user);
// CURLOPT_DEBUGFUNCTION: headers and text at trace level, credentials masked;
// bodies are never traced.
int trace_callback(CURL*, curl_infotype type, char* data, size_t size, void*);
// Whether a failed transfer may be tried again (connection-level failures).
bool is_retryable(CURLcode code);

} // namespace draftsmith::net::detail
