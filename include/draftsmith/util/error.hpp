#pragma once
// Errors and exit codes shared by every module.
//
// A fatal problem is a draftsmith::Error whose category decides the process
// exit code (see man draftsmith, EXIT STATUS). Expected outcomes ("not a
// command", "no such branch") are return values, never exceptions.

#include <stdexcept>
#include <string>

namespace draftsmith {

// The process exit codes; the man page is the contract.
enum class ExitCode : int {
    success = 0,      // done, or nothing to do
    some_failed = 1,  // some variants failed, or the run failed outside the input
    usage = 2,        // bad input, configuration or usage
    all_failed = 3,   // every variant failed
    refused = 4,      // the requester may not run draftsmith here
    interrupted = 130 // SIGINT/SIGTERM: stopped cleanly
};

enum class ErrorCategory {
    usage,   // command line
    input,   // a file or payload we were given
    config,  // .draftsmith.yml, environment
    network, // HTTP transport or status
    git,     // libgit2
    llm,     // model provider
    host,    // GitHub / Azure DevOps
    edit,    // edit engine
    refused, // authorization
    interrupted,
    internal,
};

class Error : public std::runtime_error {
public:
    Error(ErrorCategory category, const std::string& message)
        : std::runtime_error(message)
        , m_category(category)
    {
    }

    ErrorCategory category() const noexcept { return m_category; }

private:
    ErrorCategory m_category;
};

// The exit code a fatal error of this category ends the process with.
ExitCode exit_code_for(ErrorCategory category) noexcept;

// Short lower-case name, as printed in logs and JSON reports ("config").
const char* to_string(ErrorCategory category) noexcept;

} // namespace draftsmith
