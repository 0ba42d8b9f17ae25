#pragma once
// The CI service's log syntax and files: GitHub Actions workflow commands and
// environment files, Azure Pipelines logging commands.
//
// Everything written passes through redacted() (util/secret.hpp). Text from
// others (an intent, a model's words, an error message) can never form a
// command of its own: line breaks and '%' are escaped as each service
// documents, so a message stays on the command's line, and on Azure
// Pipelines, whose agent acts on "##vso[" anywhere in a line, that prefix is
// neutralised to "##vso%5B" inside any text we print.

#include "draftsmith/trigger/environment.hpp"

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace draftsmith::report {

// Which service's syntax: trigger::Environment::ci says which one runs this.
using CiService = trigger::CiService;

// Thread-safe: variants may log at the same time; each call writes whole lines.
class CiLog {
public:
    // The files named by `environment` (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
    // AGENT_TEMPDIRECTORY) are kept; out: stdout normally.
    CiLog(CiService service, const trigger::Environment& environment, std::ostream& out);

    CiService service() const noexcept { return m_service; }

    void begin_group(std::string_view name); // ::group::name / ##[group]name / nothing
    void end_group();                        // ::endgroup:: / ##[endgroup] / nothing
    // ::error::msg / ##vso[task.logissue type=error]msg / nothing (the logger
    // already told the terminal).
    void error(std::string_view message);
    void warning(std::string_view message);
    // GitHub: appends markdown to $GITHUB_STEP_SUMMARY; Azure: writes it to a new file in
    // $AGENT_TEMPDIRECTORY (else the system's temp folder) and prints
    // ##vso[task.uploadsummary]path; none: nothing. A file that cannot be
    // written becomes a warning() in the log, not an exception: the run's
    // result matters more than its summary.
    void summary(std::string_view markdown);
    // GitHub: appends name=value to $GITHUB_OUTPUT, or for a value with a line
    // break name<<DELIMITER / value / DELIMITER with a delimiter the value does
    // not contain; Azure: ##vso[task.setvariable variable=name;isOutput=true]value
    // (line breaks escaped); none: nothing. Throws Error(internal) for a name
    // that is not [A-Za-z0-9_-]+.
    void output(std::string_view name, std::string_view value);
    // Azure: ##vso[task.complete result=SucceededWithIssues;]message; others nothing.
    void partial_success(std::string_view message);

private:
    void write_line(const std::string& line);
    void append_to_env_file(const std::optional<std::filesystem::path>& path, const char* variable,
                            const std::string& text);

    CiService m_service;
    std::optional<std::filesystem::path> m_step_output;
    std::optional<std::filesystem::path> m_step_summary;
    std::optional<std::filesystem::path> m_temp_dir;
    std::ostream& m_out;
    std::mutex m_mutex;
    std::size_t m_summaries = 0;
};

} // namespace draftsmith::report
