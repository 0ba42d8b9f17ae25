#include "draftsmith/report/outputs.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <array>
#include <ctime>

namespace draftsmith::report {

namespace {

using nlohmann::ordered_json;

constexpr std::array k_states = {
    VariantState::queued,      VariantState::running,   VariantState::succeeded,
    VariantState::failed,      VariantState::duplicate, VariantState::no_changes,
    VariantState::interrupted, VariantState::dry_run,   VariantState::incomplete};

double seconds(std::chrono::milliseconds duration)
{
    return static_cast<double>(duration.count()) / 1000.0;
}

ordered_json or_null(const std::string& text)
{
    return text.empty() ? ordered_json(nullptr) : ordered_json(redacted(text));
}

ordered_json tokens_json(const llm::Usage& usage)
{
    return ordered_json{{"input", usage.input_tokens},
                        {"output", usage.output_tokens},
                        {"cache_read", usage.cache_read_input_tokens},
                        {"cache_write", usage.cache_creation_input_tokens},
                        {"total", usage.total()}};
}

ordered_json phases_json(const Phases& phases)
{
    auto out = ordered_json::object();
    for (const auto& [name, duration] : phases) {
        out[name] = seconds(duration);
    }
    return out;
}

std::string iso8601(std::chrono::system_clock::time_point when)
{
    const auto time = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    ::gmtime_r(&time, &utc);
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc);
}

ordered_json variant_json(const VariantRecord& variant)
{
    return ordered_json{{"index", variant.index},
                        {"state", to_string(variant.state)},
                        {"phase", or_null(variant.phase)},
                        {"provider", variant.provider},
                        {"model", variant.model},
                        {"hint", redacted(variant.hint)},
                        {"branch", or_null(variant.branch)},
                        {"commit", or_null(variant.commit)},
                        {"pr_url", or_null(variant.pr_url)},
                        {"pr_number", variant.pr_number > 0 ? ordered_json(variant.pr_number)
                                                            : ordered_json(nullptr)},
                        {"pr_reused", variant.pr_reused},
                        {"duplicate_of", variant.duplicate_of > 0
                                             ? ordered_json(variant.duplicate_of)
                                             : ordered_json(nullptr)},
                        {"files", variant.files},
                        {"insertions", variant.insertions},
                        {"deletions", variant.deletions},
                        {"diffstat", redacted(variant.diffstat)},
                        {"summary", redacted(variant.summary)},
                        {"reason", or_null(variant.reason)},
                        {"incomplete", or_null(variant.incomplete)},
                        {"continued", variant.continued},
                        {"tokens", tokens_json(variant.usage)},
                        {"cost_usd", variant.cost_usd},
                        {"turns", variant.turns},
                        {"duration_seconds", seconds(variant.duration)},
                        {"phases", phases_json(variant.phases)}};
}

std::string label_value(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
{
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// A path segment of the Pushgateway's URL: percent-encoded, or the base64
// form for an empty value, which a plain path cannot carry.
std::string path_segment(std::string_view label, std::string_view value)
{
    if (value.empty()) {
        return fmt::format("{}@base64/=", label);
    }
    std::string out(label);
    out += '/';
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
        out += plain ? std::string(1, c) : fmt::format("%{:02X}", byte);
    }
    return out;
}

// The start of a server's answer, enough to say what went wrong.
std::string answer_excerpt(std::string_view body)
{
    constexpr std::size_t k_max = 500;
    auto text = std::string(body.substr(0, k_max));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    if (body.size() > k_max) {
        text += " ...";
    }
    return text.empty() ? std::string("(no body)") : text;
}

} // namespace

nlohmann::ordered_json to_json(const RunRecord& run)
{
    ordered_json request{{"host", run.host},
                         {"repository", run.repository},
                         {"pr", run.pr},
                         {"pr_url", or_null(run.pr_url)},
                         {"comment_url", or_null(run.comment_url)},
                         {"requester", run.requester},
                         {"intent", redacted(run.intent)},
                         {"slug", run.slug},
                         {"variants", run.variants},
                         {"request_id", run.request_id},
                         {"run_url", or_null(run.run_url)},
                         {"dry_run", run.dry_run},
                         {"started", iso8601(run.started)}};
    auto variants = ordered_json::array();
    for (const auto& variant : run.variant_records) {
        variants.push_back(variant_json(variant));
    }
    return ordered_json{{"schema", 1},
                        {"request", std::move(request)},
                        {"variants", std::move(variants)},
                        {"phases", phases_json(run.phases)},
                        {"duration_seconds", seconds(run.duration)},
                        {"tokens", tokens_json(run.usage)},
                        {"cost_usd", run.cost_usd},
                        {"exit_code", run.exit_code},
                        {"error", or_null(run.error)}};
}

void write_json_report(const RunRecord& run, const std::filesystem::path& file)
{
    // Every field is masked already; the whole text once more, for any field added later.
    file::write_atomically(file, redacted(to_json(run).dump(2) + "\n"));
}

std::string prometheus_text(const RunRecord& run)
{
    std::string out;
    family(out, "draftsmith_run_info", "gauge", "The request this run answered (always 1).");
    out += fmt::format(
        "draftsmith_run_info{{host=\"{}\",repository=\"{}\",request_id=\"{}\",dry_run=\"{}\"}} 1\n",
        label_value(run.host), label_value(run.repository), label_value(run.request_id),
        run.dry_run ? "true" : "false");

    family(out, "draftsmith_run_duration_seconds", "gauge", "How long the run took, in seconds.");
    out += fmt::format("draftsmith_run_duration_seconds {}\n", seconds(run.duration));

    family(out, "draftsmith_variants", "gauge", "The run's variants by state.");
    for (const auto state : k_states) {
        std::size_t count = 0;
        for (const auto& variant : run.variant_records) {
            count += variant.state == state ? 1 : 0;
        }
        out += fmt::format("draftsmith_variants{{state=\"{}\"}} {}\n", to_string(state), count);
    }

    family(out, "draftsmith_tokens_total", "counter",
           "Tokens the run's model calls used, by kind.");
    out += fmt::format("draftsmith_tokens_total{{kind=\"input\"}} {}\n", run.usage.input_tokens);
    out += fmt::format("draftsmith_tokens_total{{kind=\"output\"}} {}\n", run.usage.output_tokens);
    out += fmt::format("draftsmith_tokens_total{{kind=\"cache_read\"}} {}\n",
                       run.usage.cache_read_input_tokens);
    out += fmt::format("draftsmith_tokens_total{{kind=\"cache_write\"}} {}\n",
                       run.usage.cache_creation_input_tokens);

    family(out, "draftsmith_cost_usd", "gauge", "What the run's model calls cost, in US dollars.");
    out += fmt::format("draftsmith_cost_usd {}\n", run.cost_usd);

    family(out, "draftsmith_variant_duration_seconds", "gauge",
           "How long each variant took, in seconds.");
    for (const auto& variant : run.variant_records) {
        out += fmt::format("draftsmith_variant_duration_seconds{{variant=\"{}\"}} {}\n",
                           variant.index, seconds(variant.duration));
    }

    family(out, "draftsmith_exit_code", "gauge",
           "The run's exit status (see man draftsmith, EXIT STATUS).");
    out += fmt::format("draftsmith_exit_code {}\n", run.exit_code);
    return out;
}

void write_metrics_file(const RunRecord& run, const std::filesystem::path& file)
{
    file::write_atomically(file, redacted(prometheus_text(run)));
}

void push_metrics(net::HttpClient& http, std::string_view gateway_url, const RunRecord& run)
{
    auto base = std::string(gateway_url);
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    net::Request request;
    request.method = net::Method::put;
    request.url =
        fmt::format("{}/metrics/job/draftsmith/{}", base, path_segment("instance", run.request_id));
    request.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
    request.body = prometheus_text(run);
    const auto response = http.send(request);
    if (!response.ok()) {
        throw Error(
            ErrorCategory::network,
            redacted(fmt::format("pushing metrics to {}: the Pushgateway answered {}: {}",
                                 request.url, response.status, answer_excerpt(response.body))));
    }
}

} // namespace draftsmith::report
