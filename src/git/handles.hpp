#pragma once
// Internal to git/: owning handles for libgit2 objects and the conversion of
// libgit2's return codes into GitError. The only header that includes <git2.h>.

#include "draftsmith/git/error.hpp"

#include <git2.h>

#include <memory>
#include <string>
#include <string_view>

namespace draftsmith::git {

template <auto free_function>
struct Free {
    template <typename T>
    void operator()(T* handle) const noexcept
    {
        free_function(handle);
    }
};

namespace handle {
using Repository = std::unique_ptr<git_repository, Free<git_repository_free>>;
using Object = std::unique_ptr<git_object, Free<git_object_free>>;
using Commit = std::unique_ptr<git_commit, Free<git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Free<git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Free<git_tree_entry_free>>;
using TreeBuilder = std::unique_ptr<git_treebuilder, Free<git_treebuilder_free>>;
using Blob = std::unique_ptr<git_blob, Free<git_blob_free>>;
using Reference = std::unique_ptr<git_reference, Free<git_reference_free>>;
using Signature = std::unique_ptr<git_signature, Free<git_signature_free>>;
using Remote = std::unique_ptr<git_remote, Free<git_remote_free>>;
using Odb = std::unique_ptr<git_odb, Free<git_odb_free>>;
} // namespace handle

// git_buf is a value type with its own dispose function.
class Buf {
public:
    Buf() = default;
    ~Buf() { git_buf_dispose(&m_buf); }
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;
    git_buf* get() noexcept { return &m_buf; }
    std::string str() const
    {
        return m_buf.ptr ? std::string(m_buf.ptr, m_buf.size) : std::string();
    }

private:
    git_buf m_buf = GIT_BUF_INIT;
};

// Throws GitError for libgit2's last error on this thread, naming `operation`.
[[noreturn]] void throw_git_error(std::string_view operation, int code);

// A failure found by draftsmith itself (no libgit2 error behind it).
[[noreturn]] void throw_git_failure(std::string_view operation, std::string_view detail);

// Returns `code` when it is not an error, throws GitError otherwise.
inline int check(int code, std::string_view operation)
{
    if (code < 0) {
        throw_git_error(operation, code);
    }
    return code;
}

std::string to_hex(const git_oid& oid);
git_oid to_oid(std::string_view hex); // throws GitError for a malformed id

} // namespace draftsmith::git
