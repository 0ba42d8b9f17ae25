#pragma once
// What a request leaves behind, so a re-run finds it instead of making it twice.
//
// One request is one triggering comment on one pull request. Its id
// ("pr12-c345", on Azure DevOps "pr12-t5-c2") names its branches
// ("draftsmith/pr12-c345/v2"), goes into its commits as a trailer
// ("Draftsmith-Request: pr12-c345") and into the bodies of its pull requests
// and overview comment as an HTML comment, invisible when rendered:
//   <!-- draftsmith-request: pr12-c345 v2 -->
//   <!-- draftsmith-overview: pr12-c345 -->

#include "draftsmith/host/host.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::host {

struct RequestKey {
    std::int64_t pr = 0;
    CommentRef comment;
};

inline constexpr std::string_view k_default_branch_prefix = "draftsmith/";

std::string request_id(const RequestKey& key);

// "<!-- draftsmith-request: ID vN -->" for variant N (1-based).
std::string request_marker(const RequestKey& key, int variant);
// "<!-- draftsmith-overview: ID -->"
std::string overview_marker(const RequestKey& key);
// "Draftsmith-Request: ID" (a git trailer line, no newline).
std::string request_trailer(const RequestKey& key);

struct RequestMarker {
    std::string request_id;
    int variant = 0;
    bool operator==(const RequestMarker&) const = default;
};

// The first request marker in a pull request body; nullopt when there is none
// or it is malformed.
std::optional<RequestMarker> find_request_marker(std::string_view body);

// "draftsmith/pr12-c345/v2" with prefix "draftsmith/".
std::string variant_branch(std::string_view prefix, const RequestKey& key, int variant);

// The request id and variant of a branch made by variant_branch with this
// prefix; nullopt for any other branch.
std::optional<RequestMarker> parse_variant_branch(std::string_view prefix, std::string_view branch);

// The pull requests an earlier run of this request opened, by variant
// (1..variants): found by branch name, confirmed by the body's marker. Open
// ones are preferred over closed ones.
std::map<int, PullRequest> find_pull_requests_of_request(Host& host, std::string_view prefix,
                                                         const RequestKey& key, int variants);

// The first comment on the pull request whose body contains `marker`.
std::optional<Comment> find_comment_with_marker(Host& host, std::int64_t pr,
                                                std::string_view marker);

} // namespace draftsmith::host
