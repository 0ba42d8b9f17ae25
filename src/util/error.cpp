#include "draftsmith/util/error.hpp"

namespace draftsmith {

ExitCode exit_code_for(ErrorCategory category) noexcept
{
    switch (category) {
    case ErrorCategory::usage:
    case ErrorCategory::input:
    case ErrorCategory::config:
        return ExitCode::usage;
    case ErrorCategory::refused:
        return ExitCode::refused;
    case ErrorCategory::interrupted:
        return ExitCode::interrupted;
    case ErrorCategory::network:
    case ErrorCategory::git:
    case ErrorCategory::llm:
    case ErrorCategory::host:
    case ErrorCategory::edit:
    case ErrorCategory::internal:
        break;
    }
    return ExitCode::some_failed;
}

const char* to_string(ErrorCategory category) noexcept
{
    switch (category) {
    case ErrorCategory::usage:
        return "usage";
    case ErrorCategory::input:
        return "input";
    case ErrorCategory::config:
        return "config";
    case ErrorCategory::network:
        return "network";
    case ErrorCategory::git:
        return "git";
    case ErrorCategory::llm:
        return "llm";
    case ErrorCategory::host:
        return "host";
    case ErrorCategory::edit:
        return "edit";
    case ErrorCategory::refused:
        return "refused";
    case ErrorCategory::interrupted:
        return "interrupted";
    case ErrorCategory::internal:
        return "internal";
    }
    return "internal";
}

} // namespace draftsmith
