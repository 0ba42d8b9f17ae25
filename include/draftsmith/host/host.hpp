#pragma once
// host/: the hosting service a pull request lives on, behind one interface.
//
// Host is implemented by GitHub (REST, GITHUB_API_URL for Enterprise Server),
// Azure DevOps (REST 7.1, Services and Server collections) and Local (no
// service: the overview goes to stdout and a markdown file, the branches are
// the result). run/ uses only this interface; make_host() picks one.
//
// A Host is thread-safe: variants call it in parallel.
//
// Every call goes through net::HttpClient, which retries 408/429/5xx as its
// RetryPolicy says and never retries other 4xx. A non-2xx answer becomes
// Error(host) naming the service, the operation and the service's own message;
// tokens never appear in it. Expected outcomes ("no such comment", "no pull
// request for this branch") are return values.

#include "draftsmith/net/http.hpp"
#include "draftsmith/util/secret.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::host {

enum class Kind { github, azure_devops, local };

const char* to_string(Kind kind) noexcept; // "github", "azure-devops", "local"
std::optional<Kind> parse_kind(std::string_view text);

// A person or bot as the service names it.
struct User {
    std::string login;        // GitHub login; Azure DevOps uniqueName
    std::string id;           // GitHub numeric id; Azure DevOps identity GUID
    std::string display_name; // Azure DevOps displayName; GitHub login
    bool is_bot = false;      // GitHub type "Bot"; Azure DevOps build service identities
};

enum class PullRequestState { open, closed, merged };

struct PullRequest {
    std::int64_t number = 0;
    std::string title;
    std::string body;
    std::string url; // for people (html_url / web URL)
    User author;
    std::string head_branch; // "feature/x" (no refs/heads/)
    std::string head_sha;
    std::string base_branch;
    std::string base_sha;
    bool from_fork = false;
    bool draft = false;
    PullRequestState state = PullRequestState::open;
    // Issue 15: not a pull request but an issue standing in for one (get_issue):
    // drafts target head_branch, the repository's default branch; no status is set.
    bool issue = false;
};

// Which comment: GitHub comment ids are global; Azure DevOps comments live in
// a thread (thread_id) and are numbered within it.
struct CommentRef {
    std::int64_t id = 0;
    std::int64_t thread_id = 0; // Azure DevOps only; 0 elsewhere
    bool operator==(const CommentRef&) const = default;
};

struct Comment {
    CommentRef ref;
    User author;
    std::string body;
    std::string created_at; // ISO 8601 as the service wrote it
    std::string updated_at; // last change of the text (equal to created_at when never edited)
    std::string url;

    bool edited() const { return !updated_at.empty() && updated_at != created_at; }
};

struct NewPullRequest {
    std::string source_branch; // the variant's branch, "draftsmith/..." (no refs/heads/)
    std::string target_branch; // the source PR's head branch
    std::string title;
    std::string body; // keep the request marker (idempotency.hpp) in it
};

// What update_pull_request changes (--force re-runs); unset fields stay.
struct PullRequestUpdate {
    std::optional<std::string> title;
    std::optional<std::string> body;
    bool reopen = false; // a closed (GitHub) / abandoned (Azure DevOps) one becomes open again
};

enum class StatusState { pending, succeeded, failed };

struct Status {
    StatusState state = StatusState::pending;
    std::string description;
    std::string target_url; // the pipeline run; may be empty
};

// GitHub reactions; Azure DevOps has none on comments, so there the thread of
// the comment gets a status instead (eyes: pending, rocket: fixed, confused: active).
enum class Reaction { eyes, rocket, confused };

// Who may trigger besides what the service says: the target branch's
// .draftsmith.yml (allowed_users, allowed_groups). Passed with each question
// rather than built into the Host, because the host is made before that file
// is read (the file lives on the branch the host names).
struct AllowLists {
    std::vector<std::string> users; // logins / uniqueNames / ids
    // Azure DevOps: groups whose (transitive) members may trigger, e.g.
    // "[MyProject]\\Contributors". Empty: "[PROJECT]\\Contributors" and
    // "[PROJECT]\\Project Administrators".
    std::vector<std::string> groups;
};

struct TriggerPermission {
    bool allowed = false;
    std::string reason; // for logs and the refusal reply: "write access", "read access only"
};

// What list calls page through at most, so a misbehaving server cannot loop us.
inline constexpr int k_max_pages = 50;

class Host {
public:
    virtual ~Host() = default;

    virtual Kind kind() const noexcept = 0;

    // The pull request. Throws Error(host) when it does not exist or cannot be read.
    virtual PullRequest get_pull_request(std::int64_t number) = 0;

    // The comment as the service has it now; nullopt when it is missing or deleted.
    virtual std::optional<Comment> get_comment(std::int64_t pr, const CommentRef& ref) = 0;

    // Every comment on the pull request (issue comments; Azure DevOps: all
    // threads' comments), oldest first, all pages.
    virtual std::vector<Comment> list_comments(std::int64_t pr) = 0;

    // Pull requests (any state) whose source is this branch of this repository, all pages.
    virtual std::vector<PullRequest> find_pull_requests(std::string_view source_branch) = 0;

    // Opens a draft pull request. Bodies longer than the service takes (GitHub
    // 65536, Azure DevOps 4000 characters) are shortened, keeping the
    // draftsmith markers. Throws Error(host) with the service's reason.
    virtual PullRequest create_pull_request(const NewPullRequest& request) = 0;

    // Changes title, body or state of a pull request (one of ours). Throws Error(host).
    virtual PullRequest update_pull_request(std::int64_t number,
                                            const PullRequestUpdate& update) = 0;

    // Posts a comment on the pull request; with reply_to on Azure DevOps a
    // reply in that comment's thread (GitHub comments are flat: a new comment).
    virtual CommentRef comment(std::int64_t pr, std::string_view body,
                               std::optional<CommentRef> reply_to = std::nullopt) = 0;

    virtual void update_comment(std::int64_t pr, const CommentRef& ref, std::string_view body) = 0;

    // The "draftsmith" status on the pull request (GitHub: commit status on its head SHA).
    virtual void set_status(const PullRequest& pr, const Status& status) = 0;

    // May this user start a run? `allowed.users` first, then the service's
    // answer (Azure DevOps: membership of `allowed.groups`). When the service
    // will not say (401/403 on the lookup), the answer is "no", with the
    // reason; other failures throw Error(host).
    virtual TriggerPermission permission(const User& user, const AllowLists& allowed) = 0;

    virtual void react(std::int64_t pr, const CommentRef& ref, Reaction reaction) = 0;

    // The ref a clone fetches to get the pull request's head commit when it
    // lacks it: GitHub "refs/pull/N/head" (forks' heads too), Azure DevOps
    // "refs/heads/<source branch>", local the branch (already here).
    virtual std::string head_ref(const PullRequest& pr) const = 0;

    // Issue 15: an issue as the source of a request: number, title, body, url
    // and author, `issue` set, head and base the repository's default branch
    // (head_sha empty: the caller reads the branch's tip from git). Throws
    // Error(host) when it does not exist (GitHub: or is a pull request), or
    // on a host without issues (the default).
    virtual PullRequest get_issue(std::int64_t number);
};

enum class AuthScheme {
    bearer,    // GitHub tokens, Azure DevOps System.AccessToken
    basic_pat, // Azure DevOps personal access token, sent as Basic ":PAT"
};

struct Options {
    Kind kind = Kind::local;

    // GitHub: API root (GITHUB_API_URL, default https://api.github.com; GHES
    // https://HOST/api/v3). Azure DevOps: collection URL (SYSTEM_COLLECTIONURI,
    // https://dev.azure.com/ORG/ or https://SERVER/tfs/COLLECTION/).
    std::string api_url;
    Secret token;
    AuthScheme auth = AuthScheme::bearer;

    std::string owner;      // GitHub owner (GITHUB_REPOSITORY's first part)
    std::string repository; // GitHub repo name; Azure DevOps repository id or name
    std::string project;    // Azure DevOps project (SYSTEM_TEAMPROJECT)
    // Azure DevOps identities API root; empty: vssps.dev.azure.com/ORG for
    // dev.azure.com, ORG.vssps.visualstudio.com for visualstudio.com, else the collection.
    std::string identity_url;

    // GitHub status context; Azure DevOps status context {genre: "draftsmith", name: this}.
    std::string status_name = "draftsmith";

    net::ClientOptions http; // timeouts and retry policy for this host's client

    // Local host.
    std::filesystem::path overview_file = "draftsmith-overview.md";
    PullRequest local_pr;                 // what get_pull_request returns
    std::optional<Comment> local_comment; // what get_comment returns (the --comment text)
    std::ostream* out = nullptr;          // where comments are printed; null: stdout
};

// The host for options.kind with its own HTTP client (net::make_http_client
// with options.http). Throws Error(config) naming the missing setting
// (token, repository, ...).
std::unique_ptr<Host> make_host(const Options& options);

// The same, talking through `client` (tests; a client shared with others).
std::unique_ptr<Host> make_host(const Options& options, std::shared_ptr<net::HttpClient> client);

} // namespace draftsmith::host
