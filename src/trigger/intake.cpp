#include "draftsmith/trigger/intake.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/limits.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>

namespace draftsmith::trigger {
namespace {

using nlohmann::json;

json parse_payload(std::string_view text, std::string_view what)
{
    if (limits::json_deeper_than(text)) {
        throw Error(ErrorCategory::input, fmt::format("{}: nested deeper than {} levels; refused",
                                                      what, limits::k_max_json_depth));
    }
    try {
        return json::parse(text);
    } catch (const json::exception& error) {
        throw Error(ErrorCategory::input, fmt::format("{}: not JSON ({})", what, error.what()));
    }
}

// The value at a '/'-separated path, or an Error(input) naming the path.
const json& at(const json& root, std::string_view path, std::string_view what)
{
    const json* node = &root;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string key(path.substr(start, end - start));
        if (!node->is_object() || !node->contains(key)) {
            throw Error(ErrorCategory::input,
                        fmt::format("{}: no field {} (is this the right payload?)", what, path));
        }
        node = &(*node)[key];
        start = end + 1;
    }
    return *node;
}

std::int64_t integer_at(const json& root, std::string_view path, std::string_view what)
{
    const auto& value = at(root, path, what);
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
        throw Error(ErrorCategory::input,
                    fmt::format("{}: {} is not a positive whole number", what, path));
    }
    return value.get<std::int64_t>();
}

std::string string_or_empty(const json& root, const json::json_pointer& pointer)
{
    return root.contains(pointer) && root.at(pointer).is_string()
               ? root.at(pointer).get<std::string>()
               : std::string();
}

// The number after "/threads/" in an Azure DevOps API link; 0 when absent.
std::int64_t thread_id_in(std::string_view href)
{
    constexpr std::string_view k_threads = "/threads/";
    const auto at_threads = href.rfind(k_threads);
    if (at_threads == std::string_view::npos) {
        return 0;
    }
    const auto digits = href.substr(at_threads + k_threads.size());
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    return error == std::errc() && end != digits.data() ? id : 0;
}

} // namespace

Intake read_github_event(std::string_view json_text, std::string_view event_name)
{
    constexpr std::string_view what = "GitHub event";
    if (!event_name.empty() && event_name != "issue_comment") {
        return Ignored{fmt::format("the {} event is not a comment (draftsmith runs on "
                                   "issue_comment)",
                                   event_name)};
    }
    const json event = parse_payload(json_text, what);
    const auto& action = at(event, "action", what);
    if (!action.is_string() || action.get<std::string>() != "created") {
        return Ignored{fmt::format("comment {} (only new comments start a run)",
                                   action.is_string() ? action.get<std::string>() : "changed")};
    }
    const auto& issue = at(event, "issue", what);
    if (!issue.is_object()) {
        throw Error(ErrorCategory::input, fmt::format("{}: 'issue' is not an object", what));
    }
    Trigger trigger;
    trigger.host = HostKind::github;
    // Issue 15: a comment on an issue asks for drafts against the default branch.
    trigger.issue = !issue.contains("pull_request") || issue["pull_request"].is_null();
    trigger.pr = integer_at(event, "issue/number", what);
    trigger.comment.id = integer_at(event, "comment/id", what);
    trigger.author = string_or_empty(event, json::json_pointer("/comment/user/login"));
    return trigger;
}

Intake read_azure_devops_event(std::string_view json_text)
{
    constexpr std::string_view what = "Azure DevOps service-hook payload";
    const json event = parse_payload(json_text, what);
    const auto& type = at(event, "eventType", what);
    if (!type.is_string() ||
        type.get<std::string>() != "ms.vss-code.git-pullrequest-comment-event") {
        return Ignored{fmt::format("the {} event is not a pull-request comment",
                                   type.is_string() ? type.get<std::string>() : "unnamed")};
    }
    const auto& comment = at(event, "resource/comment", what);
    if (comment.value("isDeleted", false)) {
        return Ignored{"the comment was deleted"};
    }
    if (comment.value("commentType", std::string("text")) == "system") {
        return Ignored{"a system comment"};
    }
    Trigger trigger;
    trigger.host = HostKind::azure_devops;
    trigger.pr = integer_at(event, "resource/pullRequest/pullRequestId", what);
    trigger.comment.id = integer_at(event, "resource/comment/id", what);
    for (const char* link :
         {"/resource/comment/_links/threads/href", "/resource/comment/_links/self/href"}) {
        if (trigger.comment.thread_id == 0) {
            trigger.comment.thread_id =
                thread_id_in(string_or_empty(event, json::json_pointer(link)));
        }
    }
    if (trigger.comment.thread_id == 0) {
        throw Error(ErrorCategory::input,
                    fmt::format("{}: resource/comment/_links names no thread (threads/N)", what));
    }
    trigger.author =
        string_or_empty(event, json::json_pointer("/resource/comment/author/uniqueName"));
    trigger.repository =
        string_or_empty(event, json::json_pointer("/resource/pullRequest/repository/id"));
    trigger.project =
        string_or_empty(event, json::json_pointer("/resource/pullRequest/repository/project/name"));
    return trigger;
}

} // namespace draftsmith::trigger
