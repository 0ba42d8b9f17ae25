#include "draftsmith/report/ci_log.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <fstream>
#include <ostream>
#include <random>
#include <unistd.h>

namespace draftsmith::report {

namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to)
{
    std::size_t at = 0;
    while ((at = text.find(from, at)) != std::string::npos) {
        text.replace(at, from.size(), to);
        at += to.size();
    }
    return text;
}

// GitHub's escaping of a workflow command's message ("data").
std::string github_data(std::string_view text)
{
    auto out = replace_all(redacted(text), "%", "%25");
    out = replace_all(std::move(out), "\r", "%0D");
    return replace_all(std::move(out), "\n", "%0A");
}

// The agent's escaping of a logging command's message, plus the "##vso["
// prefix broken up: the agent acts on it anywhere in a line.
std::string azure_data(std::string_view text)
{
    auto out = replace_all(redacted(text), "%", "%AZP25");
    out = replace_all(std::move(out), "\r", "%0D");
    out = replace_all(std::move(out), "\n", "%0A");
    return replace_all(std::move(out), "##vso[", "##vso%5B");
}

// A property value additionally may not end the property list or the command.
std::string azure_property(std::string_view text)
{
    auto out = azure_data(text);
    out = replace_all(std::move(out), "]", "%5D");
    return replace_all(std::move(out), ";", "%3B");
}

bool valid_output_name(std::string_view name)
{
    if (name.empty()) {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// "ghadelimiter_<random hex>" as GitHub's own toolkit does, chosen again in
// the unlikely case the value contains it.
std::string heredoc_delimiter(std::string_view value)
{
    std::random_device seed;
    std::mt19937_64 random(seed());
    for (;;) {
        auto delimiter = fmt::format("ghadelimiter_{:016x}", random());
        if (value.find(delimiter) == std::string_view::npos) {
            return delimiter;
        }
    }
}

} // namespace

CiLog::CiLog(CiService service, const trigger::Environment& environment, std::ostream& out)
    : m_service(service)
    , m_step_output(environment.step_output)
    , m_step_summary(environment.step_summary)
    , m_temp_dir(environment.temp_dir)
    , m_out(out)
{
}

void CiLog::write_line(const std::string& line)
{
    const std::lock_guard lock(m_mutex);
    m_out << line << '\n';
    m_out.flush();
}

void CiLog::append_to_env_file(const std::optional<std::filesystem::path>& path,
                               const char* variable, const std::string& text)
{
    if (!path || path->empty()) {
        warning(fmt::format("{} is not set; this output is lost", variable));
        return;
    }
    bool written = false;
    {
        const std::lock_guard lock(m_mutex);
        std::ofstream file(*path, std::ios::binary | std::ios::app);
        file << text;
        file.close();
        written = !file.fail();
    }
    if (!written) {
        warning(fmt::format("cannot append to {} ({})", path->string(), variable));
    }
}

void CiLog::begin_group(std::string_view name)
{
    switch (m_service) {
    case CiService::github:
        write_line("::group::" + github_data(name));
        break;
    case CiService::azure_pipelines:
        write_line("##[group]" + azure_data(name));
        break;
    case CiService::none:
        break;
    }
}

void CiLog::end_group()
{
    switch (m_service) {
    case CiService::github:
        write_line("::endgroup::");
        break;
    case CiService::azure_pipelines:
        write_line("##[endgroup]");
        break;
    case CiService::none:
        break;
    }
}

void CiLog::error(std::string_view message)
{
    switch (m_service) {
    case CiService::github:
        write_line("::error::" + github_data(message));
        break;
    case CiService::azure_pipelines:
        write_line("##vso[task.logissue type=error]" + azure_data(message));
        break;
    case CiService::none:
        break;
    }
}

void CiLog::warning(std::string_view message)
{
    switch (m_service) {
    case CiService::github:
        write_line("::warning::" + github_data(message));
        break;
    case CiService::azure_pipelines:
        write_line("##vso[task.logissue type=warning]" + azure_data(message));
        break;
    case CiService::none:
        break;
    }
}

void CiLog::summary(std::string_view markdown)
{
    if (m_service == CiService::github) {
        auto text = redacted(markdown);
        if (!text.empty() && text.back() != '\n') {
            text += '\n';
        }
        append_to_env_file(m_step_summary, "GITHUB_STEP_SUMMARY", text);
        return;
    }
    if (m_service != CiService::azure_pipelines) {
        return;
    }
    std::error_code ignored;
    const std::filesystem::path folder = m_temp_dir && !m_temp_dir->empty()
                                             ? *m_temp_dir
                                             : std::filesystem::temp_directory_path(ignored);
    std::size_t number = 0;
    {
        const std::lock_guard lock(m_mutex);
        number = ++m_summaries;
    }
    const auto file_name = folder / fmt::format("draftsmith-summary-{}-{}.md", ::getpid(), number);
    std::ofstream file(file_name, std::ios::binary | std::ios::trunc);
    file << redacted(markdown);
    file.close();
    if (file.fail()) {
        warning(fmt::format("cannot write the summary to {}", file_name.string()));
        return;
    }
    write_line("##vso[task.uploadsummary]" + azure_data(file_name.string()));
}

void CiLog::output(std::string_view name, std::string_view value)
{
    if (!valid_output_name(name)) {
        throw Error(ErrorCategory::internal, fmt::format("invalid CI output name '{}'", name));
    }
    switch (m_service) {
    case CiService::github: {
        const auto text = redacted(value);
        if (text.find_first_of("\r\n") == std::string::npos) {
            append_to_env_file(m_step_output, "GITHUB_OUTPUT", fmt::format("{}={}\n", name, text));
        } else {
            const auto delimiter = heredoc_delimiter(text);
            append_to_env_file(m_step_output, "GITHUB_OUTPUT",
                               fmt::format("{}<<{}\n{}\n{}\n", name, delimiter, text, delimiter));
        }
        break;
    }
    case CiService::azure_pipelines:
        write_line(fmt::format("##vso[task.setvariable variable={};isOutput=true]{}",
                               azure_property(name), azure_data(value)));
        break;
    case CiService::none:
        break;
    }
}

void CiLog::partial_success(std::string_view message)
{
    if (m_service == CiService::azure_pipelines) {
        write_line("##vso[task.complete result=SucceededWithIssues;]" + azure_data(message));
    }
}

} // namespace draftsmith::report
