// The end of intake: the verdict on the comment, and the Request the other
// phases read (its key, request id, branches and the result's skeleton).
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include "request.hpp"
#include "settings.hpp"

namespace draftsmith::run {
namespace {

// Posts the verdict's reply (where the venue posts comments; else logs it;
// --dry-run posts nothing).
void reply(const Setting& setting, host::Host& host, const host::PullRequest& pr,
           const host::Comment& comment, const std::string& text)
{
    if (!setting.venue.posts_comments) {
        log::error("{}", text);
        return;
    }
    if (setting.options.dry_run) {
        return;
    }
    try {
        host.comment(pr.number, text, comment.ref);
    } catch (const std::exception& error) {
        log::warning("could not reply on the pull request: {}", error.what());
    }
}

git::RequestId request_id(const Setting& setting, const Repo& repo, const Request& request)
{
    git::RequestId id;
    id.host = host::to_string(setting.kind);
    id.repository = setting.venue.repository(setting, repo);
    if (id.repository.empty()) {
        id.repository = "repository";
    }
    id.pull_request = std::to_string(request.pr.number);
    const auto& ref = request.comment.ref;
    id.comment_id =
        ref.thread_id != 0 ? fmt::format("t{}-c{}", ref.thread_id, ref.id) : std::to_string(ref.id);
    return id;
}

RunResult describe(const Setting& setting, const Request& request)
{
    RunResult result;
    result.host = request.id.host;
    result.repository = request.id.repository;
    result.pr = request.pr.number;
    result.pr_url = request.pr.url;
    result.comment_url = request.comment.url;
    const auto& author = request.comment.author;
    result.requester = author.display_name.empty() ? author.login : author.display_name;
    result.intent = request.command.intent;
    result.slug = request.command.slug;
    result.variants = request.command.variants;
    result.request_id = host::request_id(request.key);
    result.dry_run = setting.options.dry_run;
    result.started = std::chrono::system_clock::now();
    result.run_url = setting.environment.run_url;
    TemplateValues values;
    values.pr = request.pr.number == 0 ? std::string("local") : std::to_string(request.pr.number);
    values.comment = request.id.comment_id;
    values.slug = request.command.slug;
    values.variants = request.command.variants;
    for (int i = 1; i <= request.command.variants; ++i) {
        values.variant = i;
        VariantResult variant;
        variant.index = i;
        variant.branch = variant_branch_name(request.config, values);
        result.variant_records.push_back(variant);
    }
    return result;
}

} // namespace

std::variant<ExitCode, Admitted> admit(const Setting& setting, config::Config config, Doors doors,
                                       host::PullRequest pr, host::Comment comment,
                                       const git::RemoteAccess& access)
{
    // A key pasted into the comment or the pull request's text goes no further:
    // not to the model, the branch name, the overview, the PR body or a commit.
    comment.body = redacted(comment.body);
    pr.title = redacted(pr.title);
    pr.body = redacted(pr.body);
    auto verdict = judge_comment(comment, pr, config, *doors.host, setting.observer);
    if (verdict.ended) {
        if (!verdict.reply.empty()) {
            reply(setting, *doors.host, pr, comment, verdict.reply);
        }
        return *verdict.ended;
    }
    Admitted admitted;
    auto& request = admitted.request;
    request.config = std::move(config);
    request.pr = std::move(pr);
    request.comment = std::move(comment);
    request.command = std::move(verdict.command);
    request.key = {request.pr.number, request.comment.ref};
    request.access = access;
    request.started = setting.started;
    request.id = request_id(setting, *doors.repo, request);
    request.result = describe(setting, request);
    admitted.doors = std::move(doors);
    return admitted;
}

} // namespace draftsmith::run
