#include "draftsmith/host/idempotency.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace draftsmith::host {
namespace {

constexpr std::string_view k_request_open = "<!-- draftsmith-request: ";
constexpr std::string_view k_comment_close = " -->";

bool is_id_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

std::optional<int> parse_variant(std::string_view text)
{
    if (text.size() < 2 || text.front() != 'v') {
        return std::nullopt;
    }
    int value = 0;
    const auto* first = text.data() + 1;
    const auto* last = text.data() + text.size();
    const auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end != last || value < 1) {
        return std::nullopt;
    }
    return value;
}

bool valid_id(std::string_view id)
{
    if (id.empty()) {
        return false;
    }
    for (const char c : id) {
        if (!is_id_char(c)) {
            return false;
        }
    }
    return true;
}

std::string normalised_prefix(std::string_view prefix)
{
    std::string out(prefix);
    if (!out.empty() && out.back() != '/') {
        out += '/';
    }
    return out;
}

} // namespace

std::string request_id(const RequestKey& key)
{
    if (key.comment.thread_id != 0) {
        return fmt::format("pr{}-t{}-c{}", key.pr, key.comment.thread_id, key.comment.id);
    }
    return fmt::format("pr{}-c{}", key.pr, key.comment.id);
}

std::string request_marker(const RequestKey& key, int variant)
{
    return fmt::format("{}{} v{}{}", k_request_open, request_id(key), variant, k_comment_close);
}

std::string overview_marker(const RequestKey& key)
{
    return fmt::format("<!-- draftsmith-overview: {}{}", request_id(key), k_comment_close);
}

std::string request_trailer(const RequestKey& key)
{
    return "Draftsmith-Request: " + request_id(key);
}

std::optional<RequestMarker> find_request_marker(std::string_view body)
{
    const auto open = body.find(k_request_open);
    if (open == std::string_view::npos) {
        return std::nullopt;
    }
    const auto start = open + k_request_open.size();
    const auto close = body.find(k_comment_close, start);
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    const auto inside = body.substr(start, close - start);
    const auto space = inside.find(' ');
    if (space == std::string_view::npos) {
        return std::nullopt;
    }
    const auto id = inside.substr(0, space);
    const auto variant = parse_variant(inside.substr(space + 1));
    if (!valid_id(id) || !variant) {
        return std::nullopt;
    }
    return RequestMarker{std::string(id), *variant};
}

std::string variant_branch(std::string_view prefix, const RequestKey& key, int variant)
{
    return fmt::format("{}{}/v{}", normalised_prefix(prefix), request_id(key), variant);
}

std::optional<RequestMarker> parse_variant_branch(std::string_view prefix, std::string_view branch)
{
    const auto full_prefix = normalised_prefix(prefix);
    if (branch.substr(0, full_prefix.size()) != full_prefix) {
        return std::nullopt;
    }
    const auto rest = branch.substr(full_prefix.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto id = rest.substr(0, slash);
    const auto variant = parse_variant(rest.substr(slash + 1));
    if (!valid_id(id) || !variant) {
        return std::nullopt;
    }
    return RequestMarker{std::string(id), *variant};
}

std::map<int, PullRequest> find_pull_requests_of_request(Host& host, std::string_view prefix,
                                                         const RequestKey& key, int variants)
{
    std::map<int, PullRequest> found;
    const auto id = request_id(key);
    for (int variant = 1; variant <= variants; ++variant) {
        for (auto& pr : host.find_pull_requests(variant_branch(prefix, key, variant))) {
            const auto marker = find_request_marker(pr.body);
            if (!marker || marker->request_id != id || marker->variant != variant) {
                continue; // someone else's pull request from a branch of that name
            }
            auto it = found.find(variant);
            const bool better = it == found.end() || (it->second.state != PullRequestState::open &&
                                                      pr.state == PullRequestState::open);
            if (better) {
                found.insert_or_assign(variant, std::move(pr));
            }
        }
    }
    return found;
}

std::optional<Comment> find_comment_with_marker(Host& host, std::int64_t pr,
                                                std::string_view marker)
{
    for (auto& comment : host.list_comments(pr)) {
        if (comment.body.find(marker) != std::string::npos) {
            return std::move(comment);
        }
    }
    return std::nullopt;
}

} // namespace draftsmith::host
