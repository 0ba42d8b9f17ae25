// `draftsmith apply`: the edit engine on its own, like `git apply` for what
// models write. Parse, apply over the working tree, then (unless --check)
// write every changed file or none.
//
// With --commit-to the edits are applied over a commit's tree instead (the
// branch's tip, --base, or HEAD), committed onto the branch by git/ from the
// overlay, and optionally pushed: the working tree and the index are never
// touched.
#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/edit/paths.hpp"
#include "draftsmith/edit/tree.hpp"
#include "draftsmith/edit/working_tree.hpp"
#include "draftsmith/git/repository.hpp"
#include "draftsmith/run/commit_tree.hpp"
#include "draftsmith/run/environment.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "commands.hpp"

namespace draftsmith::cli {
namespace {

struct ApplyOptions {
    // From the environment: how git authenticates over http(s), and where
    // ssh's known_hosts lives.
    std::optional<Secret> git_authorization;
    std::optional<std::filesystem::path> home;
    std::string repo = ".";
    std::string format = "auto";
    std::string input;
    bool check = false;
    bool json = false;
    std::size_t max_files = edit::Limits{}.max_files;
    std::size_t max_bytes = edit::Limits{}.max_bytes_changed;
    std::string commit_to; // --commit-to BRANCH
    std::string base;      // --base REV
    std::string message;   // --message TEXT
    std::string push;      // --push REMOTE
    std::string ca_file;   // --ca-file FILE
};

edit::EditSet read_edits(const ApplyOptions& options)
{
    const auto label = options.input == "-" ? std::string("standard input") : options.input;
    const auto text = file::read_all(options.input);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        throw Error(ErrorCategory::input, fmt::format("{}: is empty; nothing to apply", label));
    }
    try {
        // A path line naming a file of the working tree is a path, extension or not.
        const edit::DiskTree tree(options.repo);
        const edit::FileExists exists = [&tree](std::string_view raw) {
            std::string why;
            const auto path = edit::normalise_path(raw, why);
            return path && !tree.is_symlink(*path) && tree.read(*path).has_value();
        };
        return edit::parse(text, *edit::parse_format_name(options.format), exists);
    } catch (const Error& e) {
        throw Error(ErrorCategory::input, fmt::format("{}: {}", label, e.what()));
    }
}

nlohmann::json to_json(const edit::ApplyResult& result, const ApplyOptions& options, bool written)
{
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : result.files) {
        nlohmann::json entry = {
            {"path", file.path},
            {"change", edit::to_string(file.kind)},
            {"ok", file.ok},
            {"stage", file.stage ? nlohmann::json(edit::to_string(*file.stage)) : nullptr},
            {"lines_added", file.lines_added},
            {"lines_removed", file.lines_removed},
            {"span", {{"first", file.span.first}, {"last", file.span.last}}},
        };
        if (!file.ok) {
            entry["message"] = file.message;
        }
        files.push_back(std::move(entry));
    }
    return {{"ok", result.ok()},
            {"check", options.check},
            {"written", written},
            {"files", std::move(files)}};
}

void print_summary(const edit::ApplyResult& result, bool check)
{
    for (const auto& file : result.files) {
        if (!file.ok) {
            continue;
        }
        const auto stage =
            file.stage ? fmt::format(", {} match", edit::to_string(*file.stage)) : std::string();
        std::printf("%s %s (+%zu -%zu%s)\n", check ? "would apply" : "applied",
                    fmt::format("{} {}", edit::to_string(file.kind), file.path).c_str(),
                    file.lines_added, file.lines_removed, stage.c_str());
    }
}

using run::CommitTree;

struct CommitOutcome {
    std::string commit;
    std::optional<git::BranchPushResult> push;
};

// --commit-to: apply over the base commit's tree and commit the overlay onto
// the branch; the working tree and the index are never touched.
std::optional<CommitOutcome> commit_edits(const ApplyOptions& options, const edit::EditSet& edits,
                                          const edit::ApplyOptions& apply_options,
                                          edit::ApplyResult& result)
{
    auto repo = git::Repository::open(options.repo);
    if (repo.checked_out_branch() == options.commit_to) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--commit-to {}: is the branch checked out in {}; committing to it "
                                "would leave the working tree behind (name another branch, or "
                                "apply without --commit-to)",
                                options.commit_to, options.repo));
    }
    const auto tip = repo.branch_tip(options.commit_to);
    const std::string base_rev =
        !options.base.empty() ? options.base : (tip ? options.commit_to : std::string("HEAD"));
    const auto base = repo.find_commit(base_rev);
    if (!base) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--base {}: no such commit in {}", base_rev, options.repo));
    }
    if (tip && *tip != *base) {
        throw Error(ErrorCategory::usage,
                    fmt::format("--commit-to {}: the branch is at {}, not at the base {} ({}); "
                                "committing there would drop its commits",
                                options.commit_to, tip->substr(0, 12), base_rev,
                                base->substr(0, 12)));
    }
    const CommitTree tree(repo.tree(*base));
    result = edit::apply(edits, tree, {}, apply_options);
    if (!result.ok() || options.check) {
        return std::nullopt;
    }
    git::CommitSpec spec;
    spec.message = options.message.empty() ? std::string("draftsmith apply") : options.message;
    CommitOutcome outcome;
    outcome.commit = repo.commit_overlay(*base, result.overlay, spec);
    if (!repo.move_branch(options.commit_to, outcome.commit, tip)) {
        throw Error(ErrorCategory::git,
                    fmt::format("--commit-to {}: the branch moved while applying; nothing changed",
                                options.commit_to));
    }
    if (!options.push.empty()) {
        git::RemoteAccess access;
        access.remote = options.push;
        access.authorization = options.git_authorization;
        access.home = options.home;
        if (!options.ca_file.empty()) {
            access.ca_file = options.ca_file;
        }
        const auto report =
            repo.push_branches_fast_forward(access, {{options.commit_to, outcome.commit}});
        outcome.push = report.branches.at(0);
        if (!report.server_output.empty()) {
            std::fprintf(stderr, "%s", redacted(report.server_output).c_str());
        }
    }
    return outcome;
}

// --json: the result, and the commit and push when there were.
void print_json(const edit::ApplyResult& result, const ApplyOptions& options, bool write,
                const std::optional<CommitOutcome>& committed)
{
    auto json = to_json(result, options, write);
    if (committed) {
        json["commit"] = {{"branch", options.commit_to}, {"id", committed->commit}};
        if (committed->push) {
            json["push"] = {{"remote", git::url_for_log(options.push)},
                            {"status", git::to_string(committed->push->status)},
                            {"message", committed->push->message}};
        }
    }
    std::printf("%s\n", json.dump(2).c_str());
}

// For people: the summary, the commit and push; or what failed.
void print_text(const edit::ApplyResult& result, const ApplyOptions& options,
                const std::optional<CommitOutcome>& committed, bool pushed)
{
    if (!result.ok()) {
        std::fprintf(stderr, "%s", result.failure_report().c_str());
        std::fprintf(
            stderr, "draftsmith: nothing was written: %zu of %zu changes failed\n",
            static_cast<std::size_t>(std::count_if(result.files.begin(), result.files.end(),
                                                   [](const auto& file) { return !file.ok; })),
            result.files.size());
        return;
    }
    print_summary(result, options.check);
    if (committed) {
        std::printf("committed %s on %s\n", committed->commit.substr(0, 12).c_str(),
                    options.commit_to.c_str());
    }
    if (committed && committed->push && pushed) {
        std::printf("pushed %s to %s (%s)\n", options.commit_to.c_str(),
                    git::url_for_log(options.push).c_str(),
                    git::to_string(committed->push->status));
    } else if (committed && committed->push) {
        std::fprintf(stderr, "draftsmith: error: push of %s to %s %s: %s\n",
                     options.commit_to.c_str(), git::url_for_log(options.push).c_str(),
                     git::to_string(committed->push->status),
                     redacted(committed->push->message).c_str());
    }
}

ExitCode run_apply(const ApplyOptions& options)
{
    if (!std::filesystem::is_directory(options.repo)) {
        throw Error(ErrorCategory::usage, fmt::format("--repo {}: is not a folder", options.repo));
    }
    const auto edits = read_edits(options);
    edit::ApplyOptions apply_options;
    apply_options.limits.max_files = options.max_files;
    apply_options.limits.max_bytes_changed = options.max_bytes;
    edit::ApplyResult result;
    std::optional<CommitOutcome> committed;
    bool write = false;
    if (!options.commit_to.empty()) {
        committed = commit_edits(options, edits, apply_options, result);
    } else {
        const edit::DiskTree tree(options.repo);
        result = edit::apply(edits, tree, {}, apply_options);
        write = result.ok() && !options.check;
        if (write) {
            edit::write_overlay(options.repo, result.overlay);
        }
    }
    const bool pushed = !committed || !committed->push ||
                        committed->push->status == git::BranchPushStatus::created ||
                        committed->push->status == git::BranchPushStatus::updated ||
                        committed->push->status == git::BranchPushStatus::up_to_date;
    if (options.json) {
        print_json(result, options, write, committed);
    } else {
        print_text(result, options, committed, pushed);
    }
    return result.ok() && pushed ? ExitCode::success : ExitCode::some_failed;
}

} // namespace

void add_apply_command(CLI::App& app, Action& chosen, const trigger::Environment& environment)
{
    auto options = std::make_shared<ApplyOptions>();
    options->git_authorization = run::git_authorization(environment);
    options->home = environment.home;
    auto* command = app.add_subcommand(
        "apply", "Apply a model's edits (unified diff, search/replace blocks, whole files, "
                 "*** Begin Patch, JSON tool calls) to a working tree, all files or none");
    command->footer("Exit status: 0 applied, 1 some edits failed (nothing written) or the push "
                    "was rejected, 2 unreadable input or usage.\n" +
                    k_help_footer);
    command->add_option("FILE", options->input, "The model's text; - reads standard input")
        ->required();
    command->add_option("--repo", options->repo, "The working tree to change (default .)");
    command
        ->add_option("--format", options->format,
                     "auto (default), diff, search-replace, whole-file, codex or json")
        ->check(CLI::IsMember({"auto", "diff", "search-replace", "whole-file", "codex", "json"}));
    command->add_flag("--check", options->check, "Apply in memory only; write nothing");
    command->add_flag("--json", options->json,
                      "Print per-file results (stage used, lines, failures) as JSON on stdout");
    auto* limits = command->add_option_group("Limits");
    limits->add_option("--max-files", options->max_files,
                       "Refuse edits that change more files (default 200)");
    limits->add_option("--max-bytes", options->max_bytes,
                       "Refuse edits that change more bytes in all (default 16777216)");
    auto* commit = command->add_option_group(
        "Commit", "Commit the edits onto a branch instead of writing the working tree");
    auto* commit_to = commit->add_option(
        "--commit-to", options->commit_to,
        "Apply over a commit and commit the result onto BRANCH (created if missing); the "
        "working tree and index are left alone");
    commit
        ->add_option("--base", options->base,
                     "The commit to apply over (default: BRANCH's tip, else HEAD)")
        ->needs(commit_to);
    commit
        ->add_option("--message", options->message,
                     "The commit message (default \"draftsmith apply\")")
        ->needs(commit_to);
    auto* push =
        commit
            ->add_option("--push", options->push,
                         "Push BRANCH to REMOTE (a remote's name or a URL), creating or "
                         "fast-forwarding it only; https credentials come from the environment")
            ->needs(commit_to);
    commit
        ->add_option("--ca-file", options->ca_file,
                     "https: trust this CA bundle (PEM) instead of the system's")
        ->needs(push);
    command->callback([&chosen, options] { chosen = [options] { return run_apply(*options); }; });
}

} // namespace draftsmith::cli
