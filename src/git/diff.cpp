#include "draftsmith/git/repository.hpp"

#include <fmt/format.h>

#include "state.hpp"

namespace draftsmith::git {
namespace {

using Diff = std::unique_ptr<git_diff, Free<git_diff_free>>;
using DiffStats = std::unique_ptr<git_diff_stats, Free<git_diff_stats_free>>;

Diff diff_commits(git_repository* repo, std::string_view from, std::string_view to)
{
    const std::string operation =
        fmt::format("compare {} with {}", from.substr(0, 12), to.substr(0, 12));
    const auto old_commit = lookup_commit(repo, from);
    const auto new_commit = lookup_commit(repo, to);
    const auto old_tree = lookup_tree(repo, *git_commit_tree_id(old_commit.get()));
    const auto new_tree = lookup_tree(repo, *git_commit_tree_id(new_commit.get()));
    git_diff* raw = nullptr;
    check(git_diff_tree_to_tree(&raw, repo, old_tree.get(), new_tree.get(), nullptr), operation);
    Diff diff(raw);
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    check(git_diff_find_similar(diff.get(), &find), operation);
    return diff;
}

} // namespace

DiffStat Repository::diff_stat(std::string_view from, std::string_view to) const
{
    const std::lock_guard lock(m_state->mutex);
    const auto diff = diff_commits(m_state->repo.get(), from, to);
    git_diff_stats* raw = nullptr;
    check(git_diff_get_stats(&raw, diff.get()), "count changed lines");
    const DiffStats stats(raw);
    DiffStat result;
    result.files = git_diff_stats_files_changed(stats.get());
    result.insertions = git_diff_stats_insertions(stats.get());
    result.deletions = git_diff_stats_deletions(stats.get());
    Buf text;
    check(git_diff_stats_to_buf(text.get(), stats.get(), GIT_DIFF_STATS_FULL, 72),
          "format the diffstat");
    result.text = text.str();
    return result;
}

std::string Repository::diff_text(std::string_view from, std::string_view to) const
{
    const std::lock_guard lock(m_state->mutex);
    const auto diff = diff_commits(m_state->repo.get(), from, to);
    Buf text;
    check(git_diff_to_buf(text.get(), diff.get(), GIT_DIFF_FORMAT_PATCH), "format the diff");
    return text.str();
}

} // namespace draftsmith::git
