#pragma once
// The two doors of run/: the repository it reads and writes (Repo, over
// git::Repository in production, in memory in tests) and the Observer it tells
// what happens (report::Reporter above run/, a recorder in tests). The host
// comes in as host::Host. With these three as values the run's policy --
// reuse, re-make, refusal, duplicates, exit status -- is tested without a
// server or a process (tests/unit/run/).

#include "draftsmith/edit/tree.hpp"
#include "draftsmith/git/repository.hpp"
#include "draftsmith/host/host.hpp"
#include "draftsmith/net/http.hpp"
#include "draftsmith/run/result.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::run {

// What run/ uses of a git repository. Every method may be called from
// several threads. Failures throw (git::GitError, Error) as git::Repository's
// methods of the same name say.
class Repo {
public:
    virtual ~Repo() = default;
    virtual std::filesystem::path git_dir() const = 0;
    virtual std::optional<std::string> find_commit(std::string_view rev) const = 0;
    virtual std::optional<std::string> checked_out_branch() const = 0;
    virtual std::string find_or_fetch_commit(std::string_view rev, const git::RemoteAccess& access,
                                             std::string_view fetch_ref) = 0;
    // The commit's tree for the edit engine and its sorted file list.
    virtual std::shared_ptr<const edit::BaseTree> tree(std::string_view commit) const = 0;
    virtual std::vector<std::string> list_files(std::string_view commit) const = 0;
    virtual std::string tree_id(std::string_view commit) const = 0;
    virtual std::string commit_overlay(std::string_view base, const Overlay& overlay,
                                       const git::CommitSpec& spec) = 0;
    virtual git::DiffStat diff_stat(std::string_view from, std::string_view to) const = 0;
    virtual bool set_branch(std::string_view branch, std::string_view commit,
                            const git::RequestId& owner) = 0;
    virtual git::PushReport push_branches(const git::RemoteAccess& access,
                                          const std::vector<git::BranchPush>& branches,
                                          const git::RequestId& owner) = 0;
    virtual std::vector<git::RequestBranch>
    find_local_request_branches(const git::RequestId& request) const = 0;
    // Issue 17: the remote's branches of `request`, a commit's message and
    // the unified diff between two commits (continuing an incomplete variant).
    virtual std::vector<git::RequestBranch>
    find_request_branches(const git::RemoteAccess& access, const git::RequestId& request) = 0;
    virtual std::string message(std::string_view commit) const = 0;
    virtual std::string diff_text(std::string_view from, std::string_view to) const = 0;
    // Issue 15 (follow-ups): the remote branch's tip, fetched (git::Repository::
    // fetch_commit); a commit's first parent when it is here; a push that only
    // creates or fast-forwards. The defaults throw / find nothing: doubles
    // that do not test follow-ups need not implement them.
    virtual std::string fetch_commit(const git::RemoteAccess& access, std::string_view ref);
    virtual std::optional<std::string> first_parent(std::string_view commit) const;
    virtual git::PushReport push_fast_forward(const git::RemoteAccess& access,
                                              const std::vector<git::BranchPush>& branches);
};

// The Repo of a real repository (git::Repository::open). Throws GitError
// naming the path when there is none.
std::unique_ptr<Repo> open_repo(const std::filesystem::path& path);

// Where the run's story is told: the overview comment on the source pull
// request (or the terminal and a file, --local; stdout, --dry-run).
struct Audience {
    host::Host* host = nullptr;    // null: nothing posted (not known yet)
    host::PullRequest pr;          // the source pull request
    host::CommentRef comment;      // the request; replies go there
    std::string marker;            // host::overview_marker: finds the comment again
    bool post = true;              // false for --dry-run: print to `out` instead
    bool progress_comments = true; // false for --local and --dry-run
    std::ostream* out = nullptr;   // --dry-run's overview; null: stdout
};

// The machine-readable outputs the configuration asks for ("" when not).
struct Outputs {
    std::filesystem::path report;       // --report / report:
    std::filesystem::path metrics_file; // metrics_file:
    std::string pushgateway;            // pushgateway:
    net::HttpClient* http = nullptr;    // for the Pushgateway
};

// What run/ tells as it goes, and the texts it puts on the host and into
// git (report/ writes them; report/comments.hpp says what each holds).
// variant_changed() and progress() may be called from variant workers and
// never wait for a host call: posting happens on the observer's own thread
// between begin_updates() and end_updates(), else at once.
class Observer {
public:
    virtual ~Observer() = default;

    virtual std::string commit_message(const RunResult& run,
                                       const VariantResult& variant) const = 0;
    virtual std::string pull_request_title(std::string_view title_template, const RunResult& run,
                                           int variant) const = 0;
    virtual std::string pull_request_body(const RunResult& run, const VariantResult& variant,
                                          std::string_view marker) const = 0;
    virtual std::string refusal_comment(std::string_view user, std::string_view reason) const = 0;
    virtual std::string usage_comment(std::string_view message) const = 0;

    // The CI log's group around a phase ("draftsmith: context").
    virtual void phase_begins(std::string_view name) = 0;
    virtual void phase_ends() = 0;

    // Where the overview goes from now on (again after a crash: a new host).
    virtual void attach(const Audience& audience) = 0;
    // The whole run as it is now: the progress comment.
    virtual void progress(const RunResult& run) = 0;
    // One variant changed state or phase: the terminal's progress line, and
    // the progress comment when updates run.
    virtual void variant_changed(const VariantResult& variant) = 0;
    // Posting from here on happens on the observer's own thread (joined by
    // end_updates(), which posts what is still pending).
    virtual void begin_updates() = 0;
    virtual void end_updates() = 0;

    // The final overview, the reaction and the status, each on its own; the
    // error text when one of them could not be posted.
    virtual std::optional<std::string> post_outcome(const RunResult& run) = 0;
    // The CI log's errors for failed variants, its outputs and summary,
    // --report and metrics. Failures are warnings.
    virtual void write_outputs(const RunResult& run, const Outputs& outputs) = 0;
};

} // namespace draftsmith::run
