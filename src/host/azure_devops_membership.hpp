#pragma once
// Internal to host/: who may trigger on Azure DevOps. The configuration's
// allow-list, else membership (direct or through other groups) in one of
// the trigger groups, read with the identities API (Identities - Read
// Identities, queryMembership=Expanded). A group's descriptors are looked
// up once and kept for the host's life, so asking again (the run checks the
// commenter after loading the target branch's configuration) costs no call.

#include "draftsmith/host/host.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "rest.hpp"

namespace draftsmith::host {
namespace detail {

// The array of a list answer: {"count": n, "value": [...]} or a bare array.
const nlohmann::json& azure_list_items(const nlohmann::json& answer);

} // namespace detail

class AzureDevOpsMembership {
public:
    // `options` and `rest` are the host's and must outlive this;
    // `identity_url` is where the identities API lives (azure_identity_url).
    AzureDevOpsMembership(const Options& options, detail::RestClient& rest,
                          std::string identity_url);

    // Allowed by the allow-list or a group; a refusal says why (no identity
    // id, not a member, the token may not read memberships). Throws
    // Error(host) for an answer that is not JSON.
    TriggerPermission permission(const User& user, const AllowLists& allowed);

private:
    std::vector<std::string> trigger_groups(const AllowLists& allowed) const;
    static std::string cannot_read_memberships(long status);
    // The group's descriptors; nullopt when the token may not look them up.
    std::optional<std::vector<std::string>> group_descriptors(const std::string& group);

    const Options& m_options;
    detail::RestClient& m_rest;
    std::string m_identity_url;
    std::mutex m_mutex;
    std::map<std::string, std::vector<std::string>> m_group_cache;
};

} // namespace draftsmith::host
