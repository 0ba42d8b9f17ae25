#pragma once
// Internal to host/: the service implementations make_checks() chooses from.

#include "draftsmith/host/checks.hpp"

#include <memory>

namespace draftsmith::host {

// Throw Error(config) for a missing token or repository, like make_host.
std::unique_ptr<Checks> make_github_checks(const Options& options,
                                           std::shared_ptr<net::HttpClient> client);
std::unique_ptr<Checks> make_azure_devops_checks(const Options& options,
                                                 std::shared_ptr<net::HttpClient> client);

} // namespace draftsmith::host
