#pragma once
// The git layer's error: a draftsmith::Error(git) that also carries what
// libgit2 said (its error class and code) and which operation failed.
//
// Every libgit2 failure is converted on the thread that made the call
// (libgit2 keeps its last error per thread), at the call, into a GitError
// whose message reads "<operation>: <libgit2's message>".

#include "draftsmith/util/error.hpp"

#include <string>

namespace draftsmith::git {

class GitError : public Error {
public:
    GitError(std::string operation, std::string detail, int code, int error_class);

    // What we were doing, e.g. "push to origin".
    const std::string& operation() const noexcept { return m_operation; }
    // libgit2's message alone.
    const std::string& detail() const noexcept { return m_detail; }
    // libgit2's return code (GIT_EAUTH, GIT_ENOTFOUND, ...), or 0 when the
    // failure was found by draftsmith rather than reported by libgit2.
    int code() const noexcept { return m_code; }
    // libgit2's error class (GIT_ERROR_NET, GIT_ERROR_SSL, ...) as a number,
    // and as a short name ("net", "ssl").
    int error_class() const noexcept { return m_error_class; }
    const char* error_class_name() const noexcept;

private:
    std::string m_operation;
    std::string m_detail;
    int m_code;
    int m_error_class;
};

} // namespace draftsmith::git
