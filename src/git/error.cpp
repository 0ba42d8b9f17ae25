#include "draftsmith/git/error.hpp"

#include <fmt/format.h>

#include "handles.hpp"

namespace draftsmith::git {
namespace {

std::string compose(const std::string& operation, const std::string& detail)
{
    return detail.empty() ? operation : fmt::format("{}: {}", operation, detail);
}

} // namespace

GitError::GitError(std::string operation, std::string detail, int code, int error_class)
    : Error(ErrorCategory::git, compose(operation, detail))
    , m_operation(std::move(operation))
    , m_detail(std::move(detail))
    , m_code(code)
    , m_error_class(error_class)
{
}

// NOLINTBEGIN(readability-function-size): a table, one libgit2 error class a case
const char* GitError::error_class_name() const noexcept
{
    switch (m_error_class) {
    case GIT_ERROR_NONE:
        return "none";
    case GIT_ERROR_NOMEMORY:
        return "nomemory";
    case GIT_ERROR_OS:
        return "os";
    case GIT_ERROR_INVALID:
        return "invalid";
    case GIT_ERROR_REFERENCE:
        return "reference";
    case GIT_ERROR_ZLIB:
        return "zlib";
    case GIT_ERROR_REPOSITORY:
        return "repository";
    case GIT_ERROR_CONFIG:
        return "config";
    case GIT_ERROR_REGEX:
        return "regex";
    case GIT_ERROR_ODB:
        return "odb";
    case GIT_ERROR_INDEX:
        return "index";
    case GIT_ERROR_OBJECT:
        return "object";
    case GIT_ERROR_NET:
        return "net";
    case GIT_ERROR_TAG:
        return "tag";
    case GIT_ERROR_TREE:
        return "tree";
    case GIT_ERROR_INDEXER:
        return "indexer";
    case GIT_ERROR_SSL:
        return "ssl";
    case GIT_ERROR_SUBMODULE:
        return "submodule";
    case GIT_ERROR_THREAD:
        return "thread";
    case GIT_ERROR_STASH:
        return "stash";
    case GIT_ERROR_CHECKOUT:
        return "checkout";
    case GIT_ERROR_FETCHHEAD:
        return "fetchhead";
    case GIT_ERROR_MERGE:
        return "merge";
    case GIT_ERROR_SSH:
        return "ssh";
    case GIT_ERROR_FILTER:
        return "filter";
    case GIT_ERROR_REVERT:
        return "revert";
    case GIT_ERROR_CALLBACK:
        return "callback";
    case GIT_ERROR_CHERRYPICK:
        return "cherrypick";
    case GIT_ERROR_DESCRIBE:
        return "describe";
    case GIT_ERROR_REBASE:
        return "rebase";
    case GIT_ERROR_FILESYSTEM:
        return "filesystem";
    case GIT_ERROR_PATCH:
        return "patch";
    case GIT_ERROR_WORKTREE:
        return "worktree";
    case GIT_ERROR_SHA1:
        return "sha1";
    case GIT_ERROR_HTTP:
        return "http";
    case GIT_ERROR_INTERNAL:
        return "internal";
    default:
        return "unknown";
    }
}
// NOLINTEND(readability-function-size)

void throw_git_error(std::string_view operation, int code)
{
    const git_error* last = git_error_last();
    std::string detail = last && last->message ? last->message : "";
    const int error_class = last ? last->klass : GIT_ERROR_NONE;
    if (detail.empty()) {
        detail = fmt::format("libgit2 error {}", code);
    }
    git_error_clear();
    throw GitError(std::string(operation), detail, code, error_class);
}

void throw_git_failure(std::string_view operation, std::string_view detail)
{
    throw GitError(std::string(operation), std::string(detail), 0, GIT_ERROR_NONE);
}

std::string to_hex(const git_oid& oid)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    return std::string(hex);
}

git_oid to_oid(std::string_view hex)
{
    git_oid oid;
    if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) < 0) {
        git_error_clear();
        throw_git_failure("read object id",
                          fmt::format("'{}' is not a full 40-digit object id", hex));
    }
    return oid;
}

} // namespace draftsmith::git
