// GitHub REST (api.github.com and Enterprise Server's /api/v3).
//
// Every request carries Accept: application/vnd.github+json,
// X-GitHub-Api-Version: 2022-11-28 and the token as Bearer. Lists follow the
// Link header's rel="next" (per_page=100), at most k_max_pages pages.
//
// Rate limits: 429 and 5xx (secondary limits answer 429 with retry-after) are
// retried by net/ within its RetryPolicy. A 403 is never retried, also when
// x-ratelimit-remaining is 0 (the primary limit): waiting up to an hour for
// x-ratelimit-reset inside a CI job is worse than failing with a message
// that says until when the limit holds, so that is what failure_message does.
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "host_impl.hpp"
#include "rest.hpp"

namespace draftsmith::host {
namespace {

using detail::child;
using detail::int64;
using detail::str;
using nlohmann::json;

// GitHub's commit status description is limited to 140 characters.
constexpr std::size_t k_status_description_limit = 140;

User user_from(const json& object)
{
    User user;
    user.login = str(object, "login");
    user.id = str(object, "id");
    user.display_name = user.login;
    user.is_bot = str(object, "type") == "Bot" || user.login.ends_with("[bot]");
    return user;
}

std::string repo_name(const json& branch)
{
    return text::to_lower_ascii(str(child(branch, "repo"), "full_name"));
}

PullRequest pull_request_from(const json& object)
{
    PullRequest pr;
    pr.number = int64(object, "number");
    pr.title = str(object, "title");
    pr.body = str(object, "body");
    pr.url = str(object, "html_url");
    pr.author = user_from(child(object, "user"));
    const auto& head = child(object, "head");
    const auto& base = child(object, "base");
    pr.head_branch = str(head, "ref");
    pr.head_sha = str(head, "sha");
    pr.base_branch = str(base, "ref");
    pr.base_sha = str(base, "sha");
    // A deleted fork leaves head.repo null: still not our repository.
    pr.from_fork = repo_name(head).empty() || repo_name(head) != repo_name(base);
    pr.draft = detail::boolean(object, "draft");
    if (str(object, "state") == "closed") {
        pr.state =
            str(object, "merged_at").empty() ? PullRequestState::closed : PullRequestState::merged;
    }
    return pr;
}

Comment comment_from(const json& object)
{
    Comment comment;
    comment.ref.id = int64(object, "id");
    comment.author = user_from(child(object, "user"));
    comment.body = str(object, "body");
    comment.created_at = str(object, "created_at");
    comment.updated_at = str(object, "updated_at");
    comment.url = str(object, "html_url");
    return comment;
}

const char* status_state(StatusState state)
{
    switch (state) {
    case StatusState::pending:
        return "pending";
    case StatusState::succeeded:
        return "success";
    case StatusState::failed:
        return "failure";
    }
    return "error";
}

const char* reaction_content(Reaction reaction)
{
    switch (reaction) {
    case Reaction::eyes:
        return "eyes";
    case Reaction::rocket:
        return "rocket";
    case Reaction::confused:
        return "confused";
    }
    return "eyes";
}

class GitHubHost final : public Host {
public:
    GitHubHost(const Options& options, std::shared_ptr<net::HttpClient> client)
        : m_options(options)
        , m_rest(std::move(client), "GitHub", github_headers(options))
        , m_repo_url(github_repo_url(options))
    {
    }

    Kind kind() const noexcept override { return Kind::github; }

    PullRequest get_pull_request(std::int64_t number) override
    {
        return pull_request_from(m_rest.send_json(fmt::format("get pull request #{}", number),
                                                  net::Method::get,
                                                  fmt::format("{}/pulls/{}", m_repo_url, number)));
    }

    std::optional<Comment> get_comment(std::int64_t, const CommentRef& ref) override
    {
        const auto url = fmt::format("{}/issues/comments/{}", m_repo_url, ref.id);
        const auto what = fmt::format("get comment {}", ref.id);
        const auto response = m_rest.send(what, net::Method::get, url, nullptr, {404, 410});
        if (!response.ok()) {
            return std::nullopt;
        }
        return comment_from(detail::parse_json(m_rest.service(), what, response.body));
    }

    std::vector<Comment> list_comments(std::int64_t pr) override
    {
        std::vector<Comment> comments;
        for_each_page(fmt::format("list comments of #{}", pr),
                      fmt::format("{}/issues/{}/comments?per_page=100", m_repo_url, pr),
                      [&](const json& item) { comments.push_back(comment_from(item)); });
        return comments;
    }

    std::vector<PullRequest> find_pull_requests(std::string_view source_branch) override
    {
        std::vector<PullRequest> found;
        const auto head = m_options.owner + ":" + std::string(source_branch);
        for_each_page(fmt::format("find pull requests from {}", source_branch),
                      fmt::format("{}/pulls?head={}&state=all&per_page=100", m_repo_url,
                                  detail::percent_encode(head)),
                      [&](const json& item) {
                          auto pr = pull_request_from(item);
                          // GitHub ignores an unknown head filter and lists everything.
                          if (pr.head_branch == source_branch && !pr.from_fork) {
                              found.push_back(std::move(pr));
                          }
                      });
        return found;
    }

    PullRequest create_pull_request(const NewPullRequest& request) override
    {
        const json body = {{"title", request.title},
                           {"head", request.source_branch},
                           {"base", request.target_branch},
                           {"body", fit_text(request.body, k_github_body_limit)},
                           {"draft", true}};
        const auto what = fmt::format("create draft pull request from {}", request.source_branch);
        return pull_request_from(
            m_rest.send_json(what, net::Method::post, m_repo_url + "/pulls", &body));
    }

    PullRequest update_pull_request(std::int64_t number, const PullRequestUpdate& update) override
    {
        json payload = json::object();
        if (update.title) {
            payload["title"] = *update.title;
        }
        if (update.body) {
            payload["body"] = fit_text(*update.body, k_github_body_limit);
        }
        if (update.reopen) {
            payload["state"] = "open";
        }
        return pull_request_from(
            m_rest.send_json(fmt::format("update pull request #{}", number), net::Method::patch,
                             fmt::format("{}/pulls/{}", m_repo_url, number), &payload));
    }

    CommentRef comment(std::int64_t pr, std::string_view body, std::optional<CommentRef>) override
    {
        const json payload = {{"body", fit_text(body, k_github_body_limit)}};
        const auto created =
            m_rest.send_json(fmt::format("comment on #{}", pr), net::Method::post,
                             fmt::format("{}/issues/{}/comments", m_repo_url, pr), &payload);
        return CommentRef{int64(created, "id"), 0};
    }

    void update_comment(std::int64_t, const CommentRef& ref, std::string_view body) override
    {
        const json payload = {{"body", fit_text(body, k_github_body_limit)}};
        // An answer that is not JSON (a proxy's, a sign-in page) did not do it.
        m_rest.send_json(fmt::format("update comment {}", ref.id), net::Method::patch,
                         fmt::format("{}/issues/comments/{}", m_repo_url, ref.id), &payload);
    }

    void set_status(const PullRequest& pr, const Status& status) override
    {
        if (pr.issue) {
            return; // issue 15: no commit of an issue's own to mark
        }
        auto description = status.description;
        if (description.size() > k_status_description_limit) {
            description = description.substr(0, k_status_description_limit - 3) + "...";
        }
        json payload = {{"state", status_state(status.state)},
                        {"description", description},
                        {"context", m_options.status_name}};
        if (!status.target_url.empty()) {
            payload["target_url"] = status.target_url;
        }
        // An answer that is not JSON (a proxy's, a sign-in page) did not do it.
        m_rest.send_json(
            fmt::format("set status on {}", pr.head_sha), net::Method::post,
            fmt::format("{}/statuses/{}", m_repo_url, detail::percent_encode(pr.head_sha)),
            &payload);
    }

    TriggerPermission permission(const User& user, const AllowLists& allowed) override
    {
        if (auto listed = allowed_by_list(allowed, user)) {
            return *listed;
        }
        const auto what = fmt::format("permission of {}", user.login);
        const auto response = m_rest.send(what, net::Method::get,
                                          fmt::format("{}/collaborators/{}/permission", m_repo_url,
                                                      detail::percent_encode(user.login)),
                                          nullptr, {401, 403, 404});
        if (response.status == 401 || response.status == 403) {
            return {false, fmt::format("the token may not read {}'s permission (HTTP {}); put the "
                                       "user on the allow-list or give the token metadata read",
                                       user.login, response.status)};
        }
        if (response.status == 404) {
            return {false, fmt::format("{} is not a collaborator of {}/{}", user.login,
                                       m_options.owner, m_options.repository)};
        }
        const auto answer = detail::parse_json(m_rest.service(), what, response.body);
        return decide_github_permission(str(answer, "permission"), str(answer, "role_name"));
    }

    std::string head_ref(const PullRequest& pr) const override
    {
        if (pr.issue) { // issue 15: the default branch
            return "refs/heads/" + pr.head_branch;
        }
        return "refs/pull/" + std::to_string(pr.number) + "/head";
    }

    // Issue 15: GET /repos/{o}/{r}/issues/{n} and the repository's default_branch.
    PullRequest get_issue(std::int64_t number) override
    {
        const auto issue = m_rest.send_json(fmt::format("get issue #{}", number), net::Method::get,
                                            fmt::format("{}/issues/{}", m_repo_url, number));
        if (issue.contains("pull_request") && !issue["pull_request"].is_null()) {
            throw Error(ErrorCategory::host,
                        fmt::format("GitHub: #{} is a pull request, not an issue", number));
        }
        const auto repository =
            m_rest.send_json("get the repository", net::Method::get, m_repo_url);
        PullRequest pr;
        pr.issue = true;
        pr.number = int64(issue, "number");
        pr.title = str(issue, "title");
        pr.body = str(issue, "body");
        pr.url = str(issue, "html_url");
        pr.author = user_from(child(issue, "user"));
        pr.head_branch = str(repository, "default_branch");
        pr.base_branch = pr.head_branch;
        if (str(issue, "state") == "closed") {
            pr.state = PullRequestState::closed;
        }
        return pr;
    }

    void react(std::int64_t, const CommentRef& ref, Reaction reaction) override
    {
        const json payload = {{"content", reaction_content(reaction)}};
        // 200: the same reaction was already there; 201: added.
        m_rest.send(fmt::format("react {} to comment {}", reaction_content(reaction), ref.id),
                    net::Method::post,
                    fmt::format("{}/issues/comments/{}/reactions", m_repo_url, ref.id), &payload);
    }

private:
    template <typename OnItem>
    void for_each_page(const std::string& what, std::string url, OnItem on_item)
    {
        for (int page = 0; page < k_max_pages; ++page) {
            const auto response = m_rest.send(what, net::Method::get, url);
            const auto items = detail::parse_json(m_rest.service(), what, response.body);
            if (!items.is_array()) {
                throw Error(ErrorCategory::host,
                            fmt::format("GitHub: {}: expected a JSON array, got {}", what,
                                        items.type_name()));
            }
            for (const auto& item : items) {
                on_item(item);
            }
            const auto link = net::find_header(response.headers, "link");
            const auto next = link ? detail::next_link(*link) : std::nullopt;
            if (!next) {
                return;
            }
            // The token goes with every request: never follow a link elsewhere.
            if (detail::origin_of(*next) != detail::origin_of(m_repo_url)) {
                log::warning("GitHub: {}: not following the next page at another host ({})", what,
                             detail::origin_of(*next));
                return;
            }
            url = *next;
        }
        log::warning("GitHub: {}: stopped after {} pages", what, k_max_pages);
    }

    Options m_options;
    detail::RestClient m_rest;
    std::string m_repo_url;
};

} // namespace

TriggerPermission decide_github_permission(std::string_view permission, std::string_view role_name)
{
    // permission is the legacy admin/write/read/none; role_name also names
    // maintain and triage (and custom roles, which inherit from one of them).
    for (const auto level : {role_name, permission}) {
        if (level == "admin" || level == "maintain" || level == "write") {
            return {true, fmt::format("{} access", level)};
        }
    }
    if (permission.empty()) {
        return {false, "no access to the repository"};
    }
    return {false, fmt::format("{} access only; write access is needed", permission)};
}

std::optional<TriggerPermission> allowed_by_list(const AllowLists& allowed, const User& user)
{
    for (const auto& entry : allowed.users) {
        if ((!user.login.empty() && text::iequals_ascii(entry, user.login)) ||
            (!user.id.empty() && text::iequals_ascii(entry, user.id))) {
            return TriggerPermission{true, "on the allow-list"};
        }
    }
    return std::nullopt;
}

net::Headers github_headers(const Options& options)
{
    return {{"Accept", "application/vnd.github+json"},
            {"X-GitHub-Api-Version", "2022-11-28"},
            {"Authorization", "Bearer " + options.token.reveal()}};
}

std::string github_repo_url(const Options& options)
{
    return detail::join_url(options.api_url.empty() ? "https://api.github.com" : options.api_url,
                            "/repos/" + detail::percent_encode(options.owner) + "/" +
                                detail::percent_encode(options.repository));
}

void require_github_target(const Options& options)
{
    if (options.token.empty()) {
        throw Error(ErrorCategory::config,
                    "GitHub: no token: set GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ "
                    "secrets.GITHUB_TOKEN }}) or pass --token");
    }
    if (options.owner.empty() || options.repository.empty()) {
        throw Error(ErrorCategory::config,
                    "GitHub: no repository: set GITHUB_REPOSITORY=owner/name or pass --repository");
    }
}

std::unique_ptr<Host> make_github_host(const Options& options,
                                       std::shared_ptr<net::HttpClient> client)
{
    require_github_target(options);
    return std::make_unique<GitHubHost>(options, std::move(client));
}

} // namespace draftsmith::host
