#pragma once
// Intake: which comment started this run, read from what the CI service hands
// over. The payload is only a pointer (host, pull request, comment id): the
// comment's text and author are read again from the host by id, so a forged
// or stale payload cannot put words in anyone's mouth.
//
//   GitHub Actions   the event file at GITHUB_EVENT_PATH (GITHUB_EVENT_NAME
//                    issue_comment, action created, on a pull request or,
//                    issue 15, on an issue: Trigger::issue)
//   Azure Pipelines  the "pull request commented on" service-hook payload
//                    (ms.vss-code.git-pullrequest-comment-event), --event FILE
//   anywhere         --comment TEXT --pr N --user NAME

#include "draftsmith/trigger/environment.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace draftsmith::trigger {

// A comment on the hosting service: its id, and on Azure DevOps its thread
// (0 elsewhere). The same as host::CommentRef, which trigger/ cannot see.
struct CommentRef {
    std::int64_t id = 0;
    std::int64_t thread_id = 0;
    bool operator==(const CommentRef&) const = default;
};

// The comment that asks for a run, as the payload names it.
struct Trigger {
    HostKind host = HostKind::local;
    std::int64_t pr = 0;
    CommentRef comment;
    // Who the payload says wrote it: for logs only, the host's answer decides.
    std::string author;
    // Azure DevOps: the repository id and project of the pull request, for
    // when the environment names none (the pipeline may live elsewhere).
    std::string repository;
    std::string project;
    // Issue 15: the comment is on an issue (GitHub: no issue.pull_request),
    // not a pull request; `pr` is then the issue's number.
    bool issue = false;
};

// A payload that is not for us (an edited or deleted comment, another
// event): nothing to do, exit 0.
struct Ignored {
    std::string reason;
};

using Intake = std::variant<Trigger, Ignored>;

// The GitHub event file's JSON; `event_name` is GITHUB_EVENT_NAME (empty:
// assumed issue_comment). Throws Error(input) naming the field that is
// missing or has the wrong type.
Intake read_github_event(std::string_view json_text, std::string_view event_name);

// An Azure DevOps service-hook payload. Throws Error(input) as above.
Intake read_azure_devops_event(std::string_view json_text);

} // namespace draftsmith::trigger
