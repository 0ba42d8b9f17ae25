#include "draftsmith/run/environment.hpp"

#include "draftsmith/git/remote.hpp"

namespace draftsmith::run {

host::Kind to_host_kind(trigger::HostKind kind) noexcept
{
    switch (kind) {
    case trigger::HostKind::github:
        return host::Kind::github;
    case trigger::HostKind::azure_devops:
        return host::Kind::azure_devops;
    case trigger::HostKind::local:
        break;
    }
    return host::Kind::local;
}

host::Kind to_host_kind(config::HostKind configured, trigger::HostKind detected) noexcept
{
    switch (configured) {
    case config::HostKind::github:
        return host::Kind::github;
    case config::HostKind::azure_devops:
        return host::Kind::azure_devops;
    case config::HostKind::local:
        return host::Kind::local;
    case config::HostKind::automatic:
        break;
    }
    return to_host_kind(detected);
}

host::Options host_options(host::Options base, const trigger::Environment& environment)
{
    const auto fill = [](std::string& field, const std::string& value) {
        if (field.empty()) {
            field = value;
        }
    };
    switch (base.kind) {
    case host::Kind::github: {
        const auto& github = environment.github;
        fill(base.api_url, github.api_url);
        fill(base.owner, github.owner);
        fill(base.repository, github.repository);
        if (base.token.empty()) {
            base.token = github.token;
        }
        break;
    }
    case host::Kind::azure_devops: {
        const auto& azure = environment.azure_devops;
        fill(base.api_url, azure.collection_uri);
        fill(base.project, azure.project);
        fill(base.repository, azure.repository);
        if (base.token.empty() && !azure.access_token.empty()) {
            base.token = azure.access_token;
            base.auth = host::AuthScheme::bearer;
        } else if (base.token.empty() && !azure.personal_access_token.empty()) {
            base.token = azure.personal_access_token;
            base.auth = host::AuthScheme::basic_pat;
        }
        break;
    }
    case host::Kind::local:
        break;
    }
    return base;
}

std::optional<Secret> git_authorization(const trigger::Environment& environment)
{
    if (environment.git_authorization) {
        return environment.git_authorization;
    }
    switch (environment.ci) {
    case trigger::CiService::github:
        if (!environment.github.token.empty()) {
            return git::github_token_authorization(environment.github.token);
        }
        break;
    case trigger::CiService::azure_pipelines: {
        const auto& azure = environment.azure_devops;
        if (!azure.access_token.empty()) {
            return git::azure_devops_access_token_authorization(azure.access_token);
        }
        if (!azure.personal_access_token.empty()) {
            return git::azure_devops_pat_authorization(azure.personal_access_token);
        }
        break;
    }
    case trigger::CiService::none:
        break;
    }
    return std::nullopt;
}

} // namespace draftsmith::run
