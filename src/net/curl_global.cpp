// libcurl's process-wide state (net::GlobalInit), reference-counted so that
// main() and every client can hold one and the first sets it up.
#include "draftsmith/net/http.hpp"
#include "draftsmith/util/error.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>

namespace draftsmith::net {
namespace {

std::mutex g_global_mutex;
int g_global_users = 0;

} // namespace

GlobalInit::GlobalInit()
{
    std::lock_guard lock(g_global_mutex);
    if (g_global_users == 0) {
        const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK) {
            throw Error(ErrorCategory::internal,
                        fmt::format("libcurl could not initialise: {}", curl_easy_strerror(code)));
        }
    }
    ++g_global_users;
}

GlobalInit::~GlobalInit()
{
    std::lock_guard lock(g_global_mutex);
    if (--g_global_users == 0) {
        curl_global_cleanup();
    }
}

} // namespace draftsmith::net
