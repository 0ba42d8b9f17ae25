// `draftsmith checks`: which request, which variants, their checks, the
// overview rewritten (run/checks.hpp). The rendering is report/'s
// (OverviewFormat); a repair turn is repair.cpp's.
#include "draftsmith/run/checks.hpp"

#include "draftsmith/config/config.hpp"
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/run/environment.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <set>

#include "checks_repair.hpp"
#include "settings.hpp"

namespace draftsmith::run {
namespace {

constexpr std::string_view k_overview_open = "<!-- draftsmith-overview: ";

// .draftsmith.yml as the checked-out repository has it (the workflow_run
// and pipeline-completion jobs check out the default branch, not a variant),
// the environment and the flags.
config::Config checks_config(const ChecksOptions& options)
{
    config::Sources sources;
    const auto file = options.repo / ".draftsmith.yml";
    std::error_code error;
    if (std::filesystem::is_regular_file(file, error)) {
        sources.file_text = file::read_all(file, limits::k_max_config_bytes);
        sources.file_name = file.string();
    }
    sources.environment = options.environment.draftsmith_variables();
    sources.flags = options.config_flags;
    auto config = config::load_config(sources);
    const std::vector<std::string> more = {config.api_key_env};
    register_environment_secrets(options.environment.lookup(), more);
    return config;
}

std::string without_heads(std::string branch)
{
    constexpr std::string_view heads = "refs/heads/";
    if (branch.rfind(heads, 0) == 0) {
        branch.erase(0, heads.size());
    }
    return branch;
}

// The variant branch this invocation is about, from --branch or the event.
std::optional<std::string> wanted_branch(const ChecksOptions& options)
{
    if (options.branch) {
        return without_heads(*options.branch);
    }
    auto event = options.event;
    if (!event && !options.pr && options.environment.ci == trigger::CiService::github) {
        event = options.environment.event_path;
    }
    if (!event) {
        return std::nullopt;
    }
    const auto branch = event_head_branch(file::read_all(*event, limits::k_max_event_bytes));
    if (!branch) {
        throw Error(ErrorCategory::usage,
                    fmt::format("checks: {} is neither a workflow_run nor a check_suite event; "
                                "give --branch B or --pr N",
                                event->filename().string()));
    }
    return without_heads(*branch);
}

// The request id the overview's marker names.
std::string request_of(std::string_view body)
{
    const auto at = body.find(k_overview_open);
    const auto start = at + k_overview_open.size();
    const auto end = body.find(' ', start);
    return std::string(body.substr(start, end == std::string_view::npos ? 0 : end - start));
}

// The overview comments on `pr`, only `request_id`'s when given: the first
// comment with each request's marker, as `run` finds it (host/idempotency),
// so a later comment copying the marker is never the one rewritten.
std::vector<host::Comment> overviews(host::Host& host, std::int64_t pr,
                                     const std::optional<std::string>& request_id)
{
    std::vector<host::Comment> found;
    std::set<std::string> seen;
    for (auto& comment : host.list_comments(pr)) {
        if (comment.body.find(k_overview_open) == std::string::npos) {
            continue;
        }
        const auto id = request_of(comment.body);
        if ((request_id && id != *request_id) || !seen.insert(id).second) {
            continue;
        }
        found.push_back(std::move(comment));
    }
    return found;
}

} // namespace

std::optional<std::int64_t> source_pr_of(std::string_view request_id)
{
    if (request_id.size() < 3 || request_id.substr(0, 2) != "pr") {
        return std::nullopt;
    }
    std::int64_t number = 0;
    const auto* first = request_id.data() + 2;
    const auto* last = request_id.data() + request_id.size();
    const auto [end, error] = std::from_chars(first, last, number);
    if (error != std::errc() || end == first || number <= 0 || (end != last && *end != '-')) {
        return std::nullopt;
    }
    return number;
}

std::optional<std::string> event_head_branch(std::string_view payload)
{
    if (limits::json_deeper_than(payload)) {
        throw Error(ErrorCategory::usage, "checks: the event nests too deeply; refused");
    }
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        throw Error(ErrorCategory::usage, "checks: the event is not a JSON object");
    }
    for (const char* key : {"workflow_run", "check_suite"}) {
        const auto it = json.find(key);
        if (it != json.end() && it->is_object()) {
            const auto branch = it->find("head_branch");
            if (branch != it->end() && branch->is_string() && !branch->get<std::string>().empty()) {
                return branch->get<std::string>();
            }
        }
    }
    return std::nullopt;
}

namespace {

struct Checker {
    const ChecksOptions& options;
    const OverviewFormat& format;
    config::Config config;
    std::unique_ptr<host::Host> host;
    std::unique_ptr<host::Checks> checks;
    bool partial = false;

    // One variant's row: its pull request, confirmed by the request marker.
    std::optional<VariantChecks> variant(const std::string& request_id, int index,
                                         std::int64_t number)
    {
        VariantChecks row;
        row.variant = index;
        row.pr = number;
        try {
            const auto pr = host->get_pull_request(number);
            const auto marker = host::find_request_marker(pr.body);
            if (!marker || marker->request_id != request_id || marker->variant != index) {
                log::warning("checks: pull request {} is not variant {} of {}; skipped", number,
                             index, request_id);
                return std::nullopt;
            }
            row.summary = checks->read(pr);
            maybe_repair(options, config, *host, *checks, pr, row);
        } catch (const Error& e) {
            if (e.category() == ErrorCategory::interrupted) {
                throw;
            }
            log::error("checks: variant {} (#{}): {}", index, number, e.what());
            row.read_error = redacted(e.what());
            partial = true;
        }
        if (!row.repair_note.empty()) {
            partial = true;
        }
        return row;
    }

    void overview(const host::Comment& comment, std::int64_t pr)
    {
        const auto request_id = request_of(comment.body);
        std::vector<VariantChecks> rows;
        for (const auto& [index, number] : format.variant_prs(comment.body)) {
            if (auto row = variant(request_id, index, number)) {
                rows.push_back(std::move(*row));
            }
        }
        const auto body = format.with_checks(comment.body, rows);
        if (body == comment.body) {
            log::info("checks: the overview of {} is up to date", request_id);
            return;
        }
        if (options.dry_run) {
            log::info("checks: --dry-run: the overview of {} would become:\n{}", request_id, body);
            return;
        }
        host->update_comment(pr, comment.ref, body);
        log::info("checks: updated the overview of {} ({} variants)", request_id, rows.size());
    }
};

// The source pull request and request id a variant branch belongs to.
std::optional<std::pair<std::int64_t, std::string>> request_of_branch(host::Host& host,
                                                                      const std::string& branch)
{
    for (const auto& pr : host.find_pull_requests(branch)) {
        if (const auto marker = host::find_request_marker(pr.body)) {
            if (const auto source = source_pr_of(marker->request_id)) {
                return std::pair{*source, marker->request_id};
            }
        }
    }
    return std::nullopt;
}

} // namespace

ExitCode check_variants(const ChecksOptions& options, const OverviewFormat& format)
{
    Checker checker{options, format, checks_config(options), nullptr, nullptr};
    const auto kind = to_host_kind(checker.config.host, options.environment.host);
    if (kind == host::Kind::local) {
        throw Error(ErrorCategory::usage,
                    "checks needs a hosting service (--host github or azure-devops, or a "
                    "GitHub Actions / Azure Pipelines job): a local run has no CI to read");
    }
    host::Options base;
    base.kind = kind;
    base.http = http_options(checker.config,
                             std::make_shared<net::RetryBudget>(checker.config.retries.budget));
    const auto host_options_ = host_options(base, options.environment);
    checker.host = host::make_host(host_options_);
    checker.checks = host::make_checks(host_options_);

    std::optional<std::string> request_id;
    std::optional<std::int64_t> pr = options.pr;
    if (const auto branch = wanted_branch(options)) {
        const auto found = request_of_branch(*checker.host, *branch);
        if (!found) {
            log::info("checks: {} is no draftsmith variant branch with a pull request; nothing "
                      "to do",
                      *branch);
            return ExitCode::success;
        }
        pr = found->first;
        request_id = found->second;
    }
    if (!pr) {
        throw Error(ErrorCategory::usage,
                    "checks: which request? Give --branch B (a variant branch), --pr N, or "
                    "--event FILE (a workflow_run or check_suite payload)");
    }
    const auto found = overviews(*checker.host, *pr, request_id);
    if (found.empty()) {
        log::info("checks: no draftsmith overview on pull request {}; nothing to do", *pr);
    }
    for (const auto& comment : found) {
        checker.overview(comment, *pr);
    }
    return checker.partial ? ExitCode::some_failed : ExitCode::success;
}

} // namespace draftsmith::run
