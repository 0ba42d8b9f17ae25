// make_checks() with its own libcurl client, apart from checks.cpp for the
// reason make_host.cpp is apart from host.cpp: unit tests bring their own client.
#include "draftsmith/host/checks.hpp"

namespace draftsmith::host {

std::unique_ptr<Checks> make_checks(const Options& options)
{
    if (options.kind == Kind::local) {
        return make_checks(options, nullptr);
    }
    std::shared_ptr<net::HttpClient> client = net::make_http_client(options.http);
    return make_checks(options, std::move(client));
}

} // namespace draftsmith::host
