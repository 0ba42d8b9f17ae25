// The local host: no service. Comments are printed (stdout unless
// Options::out says otherwise) and all of them, in order, are written to
// Options::overview_file as markdown; "pull requests" are the branches
// themselves, so nothing is found from earlier runs here (git/ finds the
// branches) and everyone may trigger.
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include <iostream>
#include <mutex>

#include "host_impl.hpp"

namespace draftsmith::host {
namespace {

class LocalHost final : public Host {
public:
    explicit LocalHost(const Options& options)
        : m_options(options)
        , m_out(options.out != nullptr ? *options.out : std::cout)
    {
    }

    Kind kind() const noexcept override { return Kind::local; }

    PullRequest get_pull_request(std::int64_t number) override
    {
        auto pr = m_options.local_pr;
        if (pr.number == 0) {
            pr.number = number;
        }
        return pr;
    }

    std::optional<Comment> get_comment(std::int64_t, const CommentRef& ref) override
    {
        std::lock_guard lock(m_mutex);
        if (m_options.local_comment && m_options.local_comment->ref == ref) {
            return m_options.local_comment;
        }
        for (const auto& comment : m_comments) {
            if (comment.ref == ref) {
                return comment;
            }
        }
        return std::nullopt;
    }

    std::vector<Comment> list_comments(std::int64_t) override
    {
        std::lock_guard lock(m_mutex);
        return m_comments;
    }

    std::vector<PullRequest> find_pull_requests(std::string_view) override { return {}; }

    PullRequest create_pull_request(const NewPullRequest& request) override
    {
        std::lock_guard lock(m_mutex);
        PullRequest pr;
        pr.number = ++m_next_pr;
        pr.title = request.title;
        pr.body = request.body;
        pr.url = "branch " + request.source_branch;
        pr.head_branch = request.source_branch;
        pr.base_branch = request.target_branch;
        pr.draft = true;
        return pr;
    }

    PullRequest update_pull_request(std::int64_t number, const PullRequestUpdate& update) override
    {
        PullRequest pr;
        pr.number = number;
        pr.title = update.title.value_or("");
        pr.body = update.body.value_or("");
        pr.draft = true;
        return pr;
    }

    CommentRef comment(std::int64_t, std::string_view body, std::optional<CommentRef>) override
    {
        std::lock_guard lock(m_mutex);
        Comment comment;
        comment.ref.id = static_cast<std::int64_t>(m_comments.size()) + 1;
        comment.author.login = "draftsmith";
        comment.author.display_name = "draftsmith";
        comment.author.is_bot = true;
        comment.body = body;
        m_comments.push_back(comment);
        publish(comment);
        return comment.ref;
    }

    void update_comment(std::int64_t, const CommentRef& ref, std::string_view body) override
    {
        std::lock_guard lock(m_mutex);
        for (auto& comment : m_comments) {
            if (comment.ref == ref) {
                comment.body = body;
                publish(comment);
                return;
            }
        }
        throw Error(ErrorCategory::internal,
                    fmt::format("local: update of comment {} that was never made", ref.id));
    }

    void set_status(const PullRequest&, const Status& status) override
    {
        const char* state = status.state == StatusState::pending     ? "pending"
                            : status.state == StatusState::succeeded ? "succeeded"
                                                                     : "failed";
        log::info("status: {}: {}", state, status.description);
    }

    TriggerPermission permission(const User&, const AllowLists&) override
    {
        return {true, "local run"};
    }

    std::string head_ref(const PullRequest& pr) const override
    {
        return "refs/heads/" + pr.head_branch;
    }
    void react(std::int64_t, const CommentRef&, Reaction) override {}

private:
    // Called with m_mutex held.
    void publish(const Comment& comment)
    {
        m_out << redacted(comment.body); // the terminal is an output like any other
        if (comment.body.empty() || comment.body.back() != '\n') {
            m_out << '\n';
        }
        m_out.flush();
        std::string all;
        for (const auto& each : m_comments) {
            if (!all.empty()) {
                all += "\n\n";
            }
            all += each.body;
        }
        if (!all.empty() && all.back() != '\n') {
            all += '\n';
        }
        if (!m_options.overview_file.empty()) {
            file::write_atomically(m_options.overview_file, redacted(all));
        }
    }

    Options m_options;
    std::ostream& m_out;
    std::mutex m_mutex;
    std::vector<Comment> m_comments;
    std::int64_t m_next_pr = 0;
};

} // namespace

std::unique_ptr<Host> make_local_host(const Options& options)
{
    return std::make_unique<LocalHost>(options);
}

} // namespace draftsmith::host
