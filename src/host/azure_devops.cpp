// Azure DevOps Git REST 7.1 (Services and Server collections).
//
// URLs are {collection}/{project}/_apis/git/repositories/{repository}/...
// with ?api-version=7.1, spelled with the exact case of the official spec
// (".../pullrequests" for pull requests, ".../pullRequests/{id}/threads" and
// ".../statuses"): the service does not care, but spec-driven mocks do.
// Enums are sent by name ("active", "text", "succeeded"), never as numbers.
// Lists come as {"count": n, "value": [...]} (a bare array is accepted too);
// pull request lists page with $top/$skip, and an x-ms-continuationtoken
// header, when a list sends one, is passed back as continuationToken.
//
// Throttling: 429 and 503 with Retry-After are retried by net/ within its
// policy; X-RateLimit-* headers only inform (logged at debug level by net/).
//
// Who may trigger: azure_devops_membership.cpp.
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "azure_devops_membership.hpp"
#include "host_impl.hpp"
#include "rest.hpp"

namespace draftsmith::host {
namespace {

using detail::azure_list_items;
using detail::child;
using detail::int64;
using detail::str;
using nlohmann::json;

constexpr std::string_view k_api_version = "api-version=7.1";
constexpr int k_page_size = 100;
// "Please note that description field will be truncated up to 400 symbols in
// the result" (Pull Requests - Get Pull Requests, REST 7.1): a listed pull
// request's description may have lost the request marker at its end.
constexpr std::size_t k_listed_description_limit = 400;

User user_from(const json& identity)
{
    User user;
    user.login = str(identity, "uniqueName");
    user.id = str(identity, "id");
    user.display_name = str(identity, "displayName");
    // Pipelines comment as "<Project> Build Service (<org>)", unique name "Build\<guid>".
    user.is_bot = user.login.rfind("Build\\", 0) == 0 ||
                  user.display_name.find("Build Service") != std::string::npos;
    return user;
}

class AzureDevOpsHost final : public Host {
public:
    AzureDevOpsHost(const Options& options, std::shared_ptr<net::HttpClient> client)
        : m_options(options)
        , m_rest(std::move(client), "Azure DevOps",
                 {{"Accept", "application/json"}, {"Authorization", authorization(options)}})
        , m_repo_url(
              detail::join_url(options.api_url, "/" + detail::percent_encode(options.project) +
                                                    "/_apis/git/repositories/" +
                                                    detail::percent_encode(options.repository)))
        , m_membership(m_options, m_rest,
                       options.identity_url.empty() ? azure_identity_url(options.api_url)
                                                    : options.identity_url)
    {
    }

    Kind kind() const noexcept override { return Kind::azure_devops; }

    PullRequest get_pull_request(std::int64_t number) override
    {
        return pull_request_from(m_rest.send_json(
            fmt::format("get pull request !{}", number), net::Method::get,
            fmt::format("{}/pullrequests/{}?{}", m_repo_url, number, k_api_version)));
    }

    std::optional<Comment> get_comment(std::int64_t pr, const CommentRef& ref) override
    {
        const auto what = fmt::format("get comment {} of thread {}", ref.id, ref.thread_id);
        const auto response =
            m_rest.send(what, net::Method::get,
                        fmt::format("{}/pullRequests/{}/threads/{}/comments/{}?{}", m_repo_url, pr,
                                    ref.thread_id, ref.id, k_api_version),
                        nullptr, {404});
        if (!response.ok()) {
            return std::nullopt;
        }
        const auto answer = detail::parse_json(m_rest.service(), what, response.body);
        if (detail::boolean(answer, "isDeleted")) {
            return std::nullopt;
        }
        return comment_from(answer, ref.thread_id, pr);
    }

    std::vector<Comment> list_comments(std::int64_t pr) override
    {
        const auto answer = m_rest.send_json(
            fmt::format("list threads of !{}", pr), net::Method::get,
            fmt::format("{}/pullRequests/{}/threads?{}", m_repo_url, pr, k_api_version));
        std::vector<Comment> comments;
        for (const auto& thread : azure_list_items(answer)) {
            if (detail::boolean(thread, "isDeleted")) {
                continue;
            }
            const auto thread_id = int64(thread, "id");
            const auto& items = child(thread, "comments");
            if (!items.is_array()) {
                continue;
            }
            for (const auto& item : items) {
                if (!detail::boolean(item, "isDeleted")) {
                    comments.push_back(comment_from(item, thread_id, pr));
                }
            }
        }
        std::stable_sort(comments.begin(), comments.end(),
                         [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
        return comments;
    }

    std::vector<PullRequest> find_pull_requests(std::string_view source_branch) override
    {
        const auto what = fmt::format("find pull requests from {}", source_branch);
        const auto ref = "refs/heads/" + std::string(source_branch);
        std::vector<PullRequest> found;
        int skip = 0;
        std::string continuation;
        for (int page = 0; page < k_max_pages; ++page) {
            auto url = fmt::format("{}/pullrequests?searchCriteria.sourceRefName={}"
                                   "&searchCriteria.status=all&$top={}&$skip={}&{}",
                                   m_repo_url, detail::percent_encode(ref), k_page_size, skip,
                                   k_api_version);
            if (!continuation.empty()) {
                url += "&continuationToken=" + detail::percent_encode(continuation);
            }
            const auto response = m_rest.send(what, net::Method::get, url);
            const auto answer = detail::parse_json(m_rest.service(), what, response.body);
            const auto& items = azure_list_items(answer);
            for (const auto& item : items) {
                auto pr = pull_request_from(item);
                if (pr.head_branch == source_branch && !pr.from_fork) {
                    found.push_back(whole(std::move(pr)));
                }
            }
            const auto token = net::find_header(response.headers, "x-ms-continuationtoken");
            if (token && !token->empty()) {
                continuation = *token;
            } else if (static_cast<int>(items.size()) < k_page_size) {
                return found;
            }
            skip += static_cast<int>(items.size());
            if (items.empty()) {
                return found;
            }
        }
        log::warning("Azure DevOps: {}: stopped after {} pages", what, k_max_pages);
        return found;
    }

    PullRequest create_pull_request(const NewPullRequest& request) override
    {
        const json body = {{"sourceRefName", "refs/heads/" + request.source_branch},
                           {"targetRefName", "refs/heads/" + request.target_branch},
                           {"title", request.title},
                           {"description", fit_text(request.body, k_azure_description_limit)},
                           {"isDraft", true}};
        const auto what = fmt::format("create draft pull request from {}", request.source_branch);
        const auto url = fmt::format("{}/pullrequests?{}", m_repo_url, k_api_version);
        const auto response = m_rest.send(what, net::Method::post, url, &body, {409});
        if (response.status == 409) {
            // TF401179 "An active pull request for the source and target branch
            // already exists": an earlier run's (or a racing job's). Reuse it.
            if (auto existing = active_pull_request(request)) {
                PullRequestUpdate update;
                update.title = request.title;
                update.body = request.body;
                return update_pull_request(existing->number, update);
            }
            throw Error(
                ErrorCategory::host,
                detail::failure_message(m_rest.service(), what, net::Method::post, url, response));
        }
        return pull_request_from(detail::parse_json(m_rest.service(), what, response.body));
    }

    // A listed pull request with its whole description, read again by id
    // when the listing may have cut it.
    PullRequest whole(PullRequest listed)
    {
        if (listed.body.size() < k_listed_description_limit - 10) {
            return listed; // room to spare: not cut (the limit counts UTF-16 units)
        }
        return get_pull_request(listed.number);
    }

    // The active pull request from request.source_branch into request.target_branch.
    std::optional<PullRequest> active_pull_request(const NewPullRequest& request)
    {
        for (auto& pr : find_pull_requests(request.source_branch)) {
            if (pr.state == PullRequestState::open && pr.base_branch == request.target_branch) {
                return std::move(pr);
            }
        }
        return std::nullopt;
    }

    PullRequest update_pull_request(std::int64_t number, const PullRequestUpdate& update) override
    {
        json payload = json::object();
        if (update.title) {
            payload["title"] = *update.title;
        }
        if (update.body) {
            payload["description"] = fit_text(*update.body, k_azure_description_limit);
        }
        if (update.reopen) {
            payload["status"] = "active";
        }
        return pull_request_from(m_rest.send_json(
            fmt::format("update pull request !{}", number), net::Method::patch,
            fmt::format("{}/pullrequests/{}?{}", m_repo_url, number, k_api_version), &payload));
    }

    CommentRef comment(std::int64_t pr, std::string_view body,
                       std::optional<CommentRef> reply_to) override
    {
        if (reply_to && reply_to->thread_id != 0) {
            const json payload = {{"content", fit_text(body, k_azure_comment_limit)},
                                  {"parentCommentId", reply_to->id},
                                  {"commentType", "text"}};
            const auto created =
                m_rest.send_json(fmt::format("reply in thread {} of !{}", reply_to->thread_id, pr),
                                 net::Method::post,
                                 fmt::format("{}/pullRequests/{}/threads/{}/comments?{}",
                                             m_repo_url, pr, reply_to->thread_id, k_api_version),
                                 &payload);
            return CommentRef{int64(created, "id"), reply_to->thread_id};
        }
        // Closed: an informational thread must not block the PR's
        // "all comments resolved" policy.
        const json payload = {
            {"comments", json::array({{{"parentCommentId", 0},
                                       {"content", fit_text(body, k_azure_comment_limit)},
                                       {"commentType", "text"}}})},
            {"status", "closed"}};
        const auto thread = m_rest.send_json(
            fmt::format("comment on !{}", pr), net::Method::post,
            fmt::format("{}/pullRequests/{}/threads?{}", m_repo_url, pr, k_api_version), &payload);
        std::int64_t comment_id = 1;
        const auto& comments = child(thread, "comments");
        if (comments.is_array() && !comments.empty()) {
            comment_id = std::max<std::int64_t>(1, int64(comments.front(), "id"));
        }
        return CommentRef{comment_id, int64(thread, "id")};
    }

    void update_comment(std::int64_t pr, const CommentRef& ref, std::string_view body) override
    {
        const json payload = {{"content", fit_text(body, k_azure_comment_limit)}};
        // An answer that is not JSON (a proxy's, a sign-in page) did not do it.
        m_rest.send_json(fmt::format("update comment {} of thread {}", ref.id, ref.thread_id),
                         net::Method::patch,
                         fmt::format("{}/pullRequests/{}/threads/{}/comments/{}?{}", m_repo_url, pr,
                                     ref.thread_id, ref.id, k_api_version),
                         &payload);
    }

    void set_status(const PullRequest& pr, const Status& status) override
    {
        json payload = {{"state", state_name(status.state)},
                        {"description", status.description},
                        {"context", {{"genre", "draftsmith"}, {"name", m_options.status_name}}}};
        if (!status.target_url.empty()) {
            payload["targetUrl"] = status.target_url;
        }
        // An answer that is not JSON (a proxy's, a sign-in page) did not do it.
        m_rest.send_json(
            fmt::format("set status on !{}", pr.number), net::Method::post,
            fmt::format("{}/pullRequests/{}/statuses?{}", m_repo_url, pr.number, k_api_version),
            &payload);
    }

    TriggerPermission permission(const User& user, const AllowLists& allowed) override
    {
        return m_membership.permission(user, allowed);
    }

    std::string head_ref(const PullRequest& pr) const override
    {
        return "refs/heads/" + pr.head_branch;
    }

    void react(std::int64_t pr, const CommentRef& ref, Reaction reaction) override
    {
        const char* status = "active";
        switch (reaction) {
        case Reaction::eyes:
            status = "pending";
            break;
        case Reaction::rocket:
            status = "fixed";
            break;
        case Reaction::confused:
            status = "active";
            break;
        }
        const json payload = {{"status", status}};
        m_rest.send(fmt::format("set status of thread {} to {}", ref.thread_id, status),
                    net::Method::patch,
                    fmt::format("{}/pullRequests/{}/threads/{}?{}", m_repo_url, pr, ref.thread_id,
                                k_api_version),
                    &payload);
    }

private:
    static std::string authorization(const Options& options)
    {
        if (options.auth == AuthScheme::basic_pat) {
            auto encoded = detail::base64(":" + options.token.reveal());
            register_secret(encoded);
            return "Basic " + encoded;
        }
        return "Bearer " + options.token.reveal();
    }

    static const char* state_name(StatusState state)
    {
        switch (state) {
        case StatusState::pending:
            return "pending";
        case StatusState::succeeded:
            return "succeeded";
        case StatusState::failed:
            return "failed";
        }
        return "error";
    }

    std::string web_url(const json& pr) const
    {
        auto name = str(child(pr, "repository"), "name");
        if (name.empty()) {
            name = m_options.repository;
        }
        return detail::join_url(
            m_options.api_url,
            fmt::format("/{}/_git/{}/pullrequest/{}", detail::percent_encode(m_options.project),
                        detail::percent_encode(name), int64(pr, "pullRequestId")));
    }

    PullRequest pull_request_from(const json& object) const
    {
        PullRequest pr;
        pr.number = int64(object, "pullRequestId");
        pr.title = str(object, "title");
        pr.body = str(object, "description");
        pr.url = web_url(object);
        pr.author = user_from(child(object, "createdBy"));
        pr.head_branch = branch_of_ref(str(object, "sourceRefName"));
        pr.base_branch = branch_of_ref(str(object, "targetRefName"));
        pr.head_sha = str(child(object, "lastMergeSourceCommit"), "commitId");
        pr.base_sha = str(child(object, "lastMergeTargetCommit"), "commitId");
        pr.from_fork = child(object, "forkSource").is_object();
        pr.draft = detail::boolean(object, "isDraft");
        const auto status = str(object, "status");
        if (status == "completed") {
            pr.state = PullRequestState::merged;
        } else if (status == "abandoned") {
            pr.state = PullRequestState::closed;
        }
        return pr;
    }

    Comment comment_from(const json& object, std::int64_t thread_id, std::int64_t pr) const
    {
        Comment comment;
        comment.ref = CommentRef{int64(object, "id"), thread_id};
        comment.author = user_from(child(object, "author"));
        comment.body = str(object, "content");
        comment.created_at = str(object, "publishedDate");
        comment.updated_at = str(object, "lastContentUpdatedDate");
        if (comment.updated_at.empty()) {
            comment.updated_at = str(object, "lastUpdatedDate");
        }
        comment.url = detail::join_url(m_options.api_url,
                                       fmt::format("/{}/_git/{}/pullrequest/{}?discussionId={}",
                                                   detail::percent_encode(m_options.project),
                                                   detail::percent_encode(m_options.repository), pr,
                                                   thread_id));
        return comment;
    }

    Options m_options;
    detail::RestClient m_rest;
    std::string m_repo_url;
    AzureDevOpsMembership m_membership;
};

} // namespace

std::string branch_of_ref(std::string_view ref)
{
    constexpr std::string_view k_heads = "refs/heads/";
    if (ref.substr(0, k_heads.size()) == k_heads) {
        ref.remove_prefix(k_heads.size());
    }
    return std::string(ref);
}

std::string azure_identity_url(std::string_view collection_url)
{
    // scheme://host/path...
    const auto scheme_end = collection_url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(collection_url);
    }
    const auto host_start = scheme_end + 3;
    const auto host_end = collection_url.find('/', host_start);
    const auto host = text::to_lower_ascii(collection_url.substr(
        host_start,
        host_end == std::string_view::npos ? std::string_view::npos : host_end - host_start));
    const auto scheme = collection_url.substr(0, scheme_end);
    if (host == "dev.azure.com" && host_end != std::string_view::npos) {
        auto rest = collection_url.substr(host_end + 1);
        const auto org = rest.substr(0, rest.find('/'));
        return fmt::format("{}://vssps.dev.azure.com/{}", scheme, org);
    }
    constexpr std::string_view k_vs = ".visualstudio.com";
    if (host.size() > k_vs.size() && host.ends_with(k_vs) &&
        host.find(".vssps.") == std::string::npos) {
        const auto org = host.substr(0, host.size() - k_vs.size());
        return fmt::format("{}://{}.vssps.visualstudio.com", scheme, org);
    }
    // Azure DevOps Server: the collection serves identities itself.
    return detail::join_url(collection_url, "");
}

std::unique_ptr<Host> make_azure_devops_host(const Options& options,
                                             std::shared_ptr<net::HttpClient> client)
{
    if (options.api_url.empty()) {
        throw Error(ErrorCategory::config,
                    "Azure DevOps: no collection URL: set SYSTEM_COLLECTIONURI "
                    "(https://dev.azure.com/ORG/) or pass --api-url");
    }
    if (options.project.empty() || options.repository.empty()) {
        throw Error(ErrorCategory::config,
                    "Azure DevOps: no project or repository: set SYSTEM_TEAMPROJECT and "
                    "BUILD_REPOSITORY_ID or pass --project and --repository");
    }
    if (options.token.empty()) {
        throw Error(ErrorCategory::config,
                    "Azure DevOps: no token: map System.AccessToken into the step "
                    "(env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) or set AZURE_DEVOPS_EXT_PAT");
    }
    return std::make_unique<AzureDevOpsHost>(options, std::move(client));
}

} // namespace draftsmith::host
