#pragma once
// Internal to host/: the provider factories make_host() chooses from, and the
// pure decisions the unit tests check directly.

#include "draftsmith/host/host.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::host {

std::unique_ptr<Host> make_github_host(const Options& options,
                                       std::shared_ptr<net::HttpClient> client);
std::unique_ptr<Host> make_azure_devops_host(const Options& options,
                                             std::shared_ptr<net::HttpClient> client);
std::unique_ptr<Host> make_local_host(const Options& options);

// Throws Error(config) saying what to set when `options` lack GitHub's token
// or repository (both the host and its checks need them).
void require_github_target(const Options& options);

// The headers every GitHub REST call sends (media type, API version, token).
net::Headers github_headers(const Options& options);

// https://api.github.com/repos/OWNER/NAME (or GITHUB_API_URL's), encoded.
std::string github_repo_url(const Options& options);

// GitHub's collaborator permission answer -> may trigger (admin, maintain, write).
TriggerPermission decide_github_permission(std::string_view permission, std::string_view role_name);

// Allowed when the user's login or id is on allowed.users; nullopt
// when not on it (the service decides then).
std::optional<TriggerPermission> allowed_by_list(const AllowLists& allowed, const User& user);

// Where Azure DevOps' identities API lives for this collection URL.
std::string azure_identity_url(std::string_view collection_url);

// The text cut to at most `limit` bytes (on a UTF-8 boundary) with a note
// that it was, the draftsmith markers (HTML comments) kept at its end.
std::string fit_text(std::string_view body, std::size_t limit);

inline constexpr std::size_t k_github_body_limit = 65536;
inline constexpr std::size_t k_azure_description_limit = 4000;
inline constexpr std::size_t k_azure_comment_limit = 150000;

// "refs/heads/x" -> "x"; other text unchanged.
std::string branch_of_ref(std::string_view ref);

} // namespace draftsmith::host
