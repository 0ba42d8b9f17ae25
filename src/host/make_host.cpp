// make_host() with its own libcurl client: kept apart from host.cpp so that
// code (and unit tests) that bring their own HttpClient do not link libcurl's.
#include "draftsmith/host/host.hpp"

#include "host_impl.hpp"

namespace draftsmith::host {

std::unique_ptr<Host> make_host(const Options& options)
{
    if (options.kind == Kind::local) {
        return make_local_host(options);
    }
    std::shared_ptr<net::HttpClient> client = net::make_http_client(options.http);
    return make_host(options, std::move(client));
}

} // namespace draftsmith::host
