// Who may trigger on Azure DevOps (see azure_devops_membership.hpp).
#include "azure_devops_membership.hpp"

#include "draftsmith/util/log.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <set>

#include "host_impl.hpp"

namespace draftsmith::host {
namespace detail {

using nlohmann::json;

const json& azure_list_items(const json& answer)
{
    static const json k_empty = json::array();
    if (answer.is_array()) {
        return answer;
    }
    const auto& value = child(answer, "value");
    return value.is_array() ? value : k_empty;
}

} // namespace detail

namespace {

using detail::child;
using detail::str;
using nlohmann::json;

constexpr std::string_view k_api_version = "api-version=7.1";

std::string descriptor_text(const json& descriptor)
{
    if (descriptor.is_string()) {
        return descriptor.get<std::string>();
    }
    if (descriptor.is_object()) {
        return str(descriptor, "identityType") + ";" + str(descriptor, "identifier");
    }
    return {};
}

} // namespace

AzureDevOpsMembership::AzureDevOpsMembership(const Options& options, detail::RestClient& rest,
                                             std::string identity_url)
    : m_options(options)
    , m_rest(rest)
    , m_identity_url(std::move(identity_url))
{
}

TriggerPermission AzureDevOpsMembership::permission(const User& user, const AllowLists& allowed)
{
    if (auto listed = allowed_by_list(allowed, user)) {
        return *listed;
    }
    if (user.id.empty()) {
        return {false, fmt::format("{} has no identity id to check", user.display_name)};
    }
    const auto groups = trigger_groups(allowed);
    const auto what = fmt::format("group memberships of {}", user.display_name);
    const auto response =
        m_rest.send(what, net::Method::get,
                    fmt::format("{}/_apis/identities?identityIds={}&queryMembership=Expanded&{}",
                                detail::join_url(m_identity_url, ""),
                                detail::percent_encode(user.id), k_api_version),
                    nullptr, {401, 403});
    if (!response.ok()) {
        return {false, cannot_read_memberships(response.status)};
    }
    const auto answer = detail::parse_json(m_rest.service(), what, response.body);
    std::set<std::string> member_of;
    for (const auto& identity : detail::azure_list_items(answer)) {
        const auto& groups_of = child(identity, "memberOf");
        if (groups_of.is_array()) {
            for (const auto& descriptor : groups_of) {
                member_of.insert(text::to_lower_ascii(descriptor_text(descriptor)));
            }
        }
    }
    for (const auto& group : groups) {
        const auto descriptors = group_descriptors(group);
        if (!descriptors) {
            return {false, cannot_read_memberships(403)};
        }
        for (const auto& descriptor : *descriptors) {
            if (member_of.count(text::to_lower_ascii(descriptor)) != 0) {
                return {true, fmt::format("member of {}", group)};
            }
        }
    }
    return {false,
            fmt::format("{} is not a member of {}", user.display_name, fmt::join(groups, " or "))};
}

std::vector<std::string> AzureDevOpsMembership::trigger_groups(const AllowLists& allowed) const
{
    if (!allowed.groups.empty()) {
        return allowed.groups;
    }
    return {fmt::format("[{}]\\Contributors", m_options.project),
            fmt::format("[{}]\\Project Administrators", m_options.project)};
}

std::string AzureDevOpsMembership::cannot_read_memberships(long status)
{
    return fmt::format("the token may not read group memberships (HTTP {}); put the user on "
                       "the allow-list or let the pipeline's identity read identities",
                       status);
}

// The group's descriptors; nullopt when the token may not look them up.
std::optional<std::vector<std::string>>
AzureDevOpsMembership::group_descriptors(const std::string& group)
{
    std::lock_guard lock(m_mutex);
    if (auto it = m_group_cache.find(group); it != m_group_cache.end()) {
        return it->second;
    }
    const auto what = fmt::format("find group {}", group);
    const auto response =
        m_rest.send(what, net::Method::get,
                    fmt::format("{}/_apis/identities?searchFilter=General&filterValue={}"
                                "&queryMembership=None&{}",
                                detail::join_url(m_identity_url, ""), detail::percent_encode(group),
                                k_api_version),
                    nullptr, {401, 403});
    if (!response.ok()) {
        return std::nullopt;
    }
    const auto answer = detail::parse_json(m_rest.service(), what, response.body);
    std::vector<std::string> descriptors;
    for (const auto& identity : detail::azure_list_items(answer)) {
        if (auto text = descriptor_text(child(identity, "descriptor")); !text.empty()) {
            descriptors.push_back(std::move(text));
        }
    }
    if (descriptors.empty()) {
        log::warning("Azure DevOps: no group named '{}': nobody is allowed through it", group);
    }
    m_group_cache.emplace(group, descriptors);
    return descriptors;
}

} // namespace draftsmith::host
