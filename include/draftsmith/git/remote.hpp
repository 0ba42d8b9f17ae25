#pragma once
// How to reach a remote, and what a push did. Used by Repository::fetch_commit
// and Repository::push_branches (repository.hpp).
//
// https: the credential is sent as an HTTP Authorization header on every
// request (libgit2's custom headers), exactly as actions/checkout and Azure
// Pipelines do with http.extraheader; build its value with
// github_token_authorization() and friends, which register every form of the
// secret for redaction. ssh: a key file, else the ssh agent, and the host key
// checked against known_hosts. file:// and local paths need nothing.

#include "draftsmith/util/secret.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::git {

struct RemoteAccess {
    // A configured remote's name ("origin") or a URL: https://..., http://...,
    // ssh://..., user@host:path, file://... or a local path.
    std::string remote = "origin";
    // The Authorization header's value for http(s), e.g. "Basic eC1hY2Nlc3M...".
    std::optional<Secret> authorization;
    // ssh: the private key (its public half at "<key>.pub" if present) and its
    // passphrase; without a key the ssh agent is asked.
    std::optional<std::filesystem::path> ssh_key;
    std::optional<Secret> ssh_passphrase;
    // ssh: the known_hosts file the server's host key must be in (plain
    // entries, as ssh-keyscan writes them; "[host]:port" for other ports).
    // Default: home/.ssh/known_hosts. An unknown or changed key is refused.
    std::optional<std::filesystem::path> ssh_known_hosts;
    // The user's home folder (HOME, as the caller read it), for the default above.
    std::optional<std::filesystem::path> home;
    // https: trust only this CA bundle (PEM) instead of the system's.
    std::optional<std::filesystem::path> ca_file;
    // Asked whenever libgit2 reports progress (connecting, negotiating,
    // sending, receiving): returning true aborts the operation with
    // Error(interrupted), e.g. on SIGTERM. libgit2 1.5 has no network
    // timeouts of its own; `deadline` aborts at the next progress report
    // after it passes, with a GitError saying so.
    std::function<bool()> should_stop;
    std::optional<std::chrono::steady_clock::time_point> deadline;
};

// "Basic base64(user:password)"; the password and the base64 are registered
// as secrets.
Secret basic_authorization(std::string_view user, const Secret& password);
// "Bearer <token>".
Secret bearer_authorization(const Secret& token);
// GitHub (GITHUB_TOKEN, installation tokens): basic x-access-token:TOKEN.
Secret github_token_authorization(const Secret& token);
// Azure DevOps: the job's System.AccessToken is sent as a bearer token; a
// personal access token as basic with an empty user name.
Secret azure_devops_access_token_authorization(const Secret& system_access_token);
Secret azure_devops_pat_authorization(const Secret& personal_access_token);

// A URL fit for logs: "https://user:token@host/x" -> "https://***@host/x",
// and registered secrets masked.
std::string url_for_log(std::string_view url);

// One branch to point at a commit on the remote.
struct BranchPush {
    std::string branch; // "draftsmith/42-1234567/v1" (no refs/heads/)
    std::string commit; // full object id
};

enum class BranchPushStatus {
    created,    // the branch did not exist on the remote and now does
    updated,    // it was ours (same Draftsmith-Request) and now points at the new commit
    up_to_date, // it already pointed there
    foreign,    // it exists and was not made by this request: left alone
    rejected,   // the server refused it (hook, permission, non-fast-forward)
};
const char* to_string(BranchPushStatus status) noexcept;

struct BranchPushResult {
    std::string branch;
    BranchPushStatus status = BranchPushStatus::rejected;
    std::string message; // why, for foreign and rejected: the server's words when it gave any
};

struct PushReport {
    std::vector<BranchPushResult> branches; // in the order asked for
    std::string server_output; // what the server printed ("remote: ..." lines, hooks' output)

    // True when every branch is created, updated or up to date.
    bool all_pushed() const noexcept;
};

} // namespace draftsmith::git
