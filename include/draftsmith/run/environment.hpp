#pragma once
// The CI environment (trigger::Environment) turned into what host/ and git/
// take: run/ is the first module that sees both, so the joins live here.

#include "draftsmith/config/config.hpp"
#include "draftsmith/host/host.hpp"
#include "draftsmith/trigger/environment.hpp"
#include "draftsmith/util/secret.hpp"

#include <optional>

namespace draftsmith::run {

// trigger's name of a hosting service as host/ names it.
host::Kind to_host_kind(trigger::HostKind kind) noexcept;

// The run's host: the configured one (config `host`, --host), else the one
// the CI environment names (`detected`).
host::Kind to_host_kind(config::HostKind configured, trigger::HostKind detected) noexcept;

// `base` with what the CI environment says for base.kind: GitHub (API URL,
// owner, repository, GITHUB_TOKEN) or Azure DevOps (collection, project,
// repository, SYSTEM_ACCESSTOKEN as bearer, else AZURE_DEVOPS_EXT_PAT as a
// PAT). Values already set in `base` win. Never throws.
host::Options host_options(host::Options base, const trigger::Environment& environment);

// The Authorization header git sends over http(s) in this CI job:
//   DRAFTSMITH_GIT_AUTHORIZATION            -> as is ("Basic ...", "Bearer ...")
//   GitHub Actions with GITHUB_TOKEN        -> git::github_token_authorization
//   Azure Pipelines with SYSTEM_ACCESSTOKEN -> git::azure_devops_access_token_authorization
//   Azure Pipelines with AZURE_DEVOPS_EXT_PAT -> git::azure_devops_pat_authorization
// nullopt when none applies (file:// and ssh need none). Never throws.
std::optional<Secret> git_authorization(const trigger::Environment& environment);

} // namespace draftsmith::run
