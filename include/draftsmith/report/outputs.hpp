#pragma once
// Machine-readable outputs of a run: the --report JSON file, Prometheus
// metrics as a file (node_exporter's textfile collector) or pushed to a
// Pushgateway.
//
// Text that may hold a secret (summaries, reasons, errors) passes through
// redacted() first.

#include "draftsmith/net/http.hpp"
#include "draftsmith/report/run_record.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace draftsmith::report {

// The --report JSON, schema 1:
//   {"schema":1,
//    "request":{"host","repository","pr","pr_url","comment_url","requester","intent","slug",
//               "variants","request_id","run_url","dry_run","started"},
//    "variants":[{"index","state","phase","provider","model","hint","branch","commit","pr_url",
//                 "pr_number","pr_reused","duplicate_of","files","insertions","deletions",
//                 "diffstat","summary","reason","tokens","cost_usd","turns","duration_seconds",
//                 "phases"}],
//    "phases":{"intake":seconds,...},"duration_seconds":...,
//    "tokens":{"input","output","cache_read","cache_write","total"},
//    "cost_usd":...,"exit_code":...,"error":...}
// Strings that are empty when unknown or absent (URLs, phase, branch, commit,
// reason, error) are null, and so are a pr_number or duplicate_of of 0;
// durations are seconds; "started" is ISO 8601 UTC ("2026-11-23T19:30:00Z").
nlohmann::ordered_json to_json(const RunRecord& run);

// Writes to_json(run) atomically. Throws Error(input) naming the file on failure.
void write_json_report(const RunRecord& run, const std::filesystem::path& file);

// Prometheus text exposition format (0.0.4), each family with # HELP / # TYPE:
//   draftsmith_run_info{host,repository,request_id,dry_run} 1
//   draftsmith_run_duration_seconds, draftsmith_variants{state=...} (every state, zeros too),
//   draftsmith_tokens_total{kind=input|output|cache_read|cache_write}, draftsmith_cost_usd,
//   draftsmith_variant_duration_seconds{variant="i"}, draftsmith_exit_code.
// Label values are escaped (\\, \", \n).
std::string prometheus_text(const RunRecord& run);

// Writes prometheus_text(run) atomically. Throws Error(input) naming the file on failure.
void write_metrics_file(const RunRecord& run, const std::filesystem::path& file);

// PUT {gateway_url}/metrics/job/draftsmith/instance/<request_id> with the text, via
// net::HttpClient, replacing what an earlier push of this request left. Throws
// Error(network) with the gateway's status and answer.
void push_metrics(net::HttpClient& http, std::string_view gateway_url, const RunRecord& run);

} // namespace draftsmith::report
