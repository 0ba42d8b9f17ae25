#pragma once
// Internal to git/: what fetch.cpp, push.cpp and credentials.cpp share for
// talking to a remote — the state libgit2's callbacks of one fetch or push
// write into (Session), the callbacks themselves, and opening, listing and
// error checking around a git_remote. See remote_session.cpp for why pushes
// carry a lease.

#include "draftsmith/git/repository.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "handles.hpp"

namespace draftsmith::git {

// Everything the libgit2 callbacks of one fetch or push need.
struct Session {
    const RemoteAccess* access = nullptr;
    std::string url;
    int credential_calls = 0;
    std::string credential_failure; // also a refused ssh host key
    std::string server_output;
    std::map<std::string, std::string> ref_status; // ref -> rejection message ("" = ok)
    std::map<std::string, std::string> lease;      // ref -> expected remote tip (hex, "" = absent)
    std::string lease_failure;
    bool stopped = false;
    bool timed_out = false;

    // True (and the operation aborts) when asked to stop or past the deadline.
    bool must_abort();

    // A session for one operation on `remote`, opened with `access`.
    static Session for_remote(const RemoteAccess& access, git_remote* remote);
};

// Sets libgit2's error to "stopped" or "timed out" and returns GIT_EUSER.
int abort_code(Session& session);

// libgit2 callbacks (credentials.cpp): credentials for http and ssh, and the
// ssh host key check against known_hosts. `payload` is the Session.
int on_credentials(git_credential** out, const char* url, const char* username_from_url,
                   unsigned int allowed_types, void* payload);
int on_certificate_check(git_cert* cert, int valid, const char* host, void* payload);

// All callbacks of a fetch or push, writing into `session`.
git_remote_callbacks callbacks_for(Session& session);

// The header strings (the Authorization header, registered as a secret) and
// the git_strarray pointing at them.
class CustomHeaders {
public:
    explicit CustomHeaders(const RemoteAccess& access);
    const git_strarray* get() const noexcept { return &m_array; }

private:
    std::vector<std::string> m_lines;
    std::vector<char*> m_pointers;
    git_strarray m_array{};
};

// Owned strings and the git_strarray pointing at them (refspecs).
class StrArray {
public:
    explicit StrArray(const std::vector<std::string>& values);
    const git_strarray* get() const noexcept { return &m_array; }

private:
    std::vector<std::string> m_values;
    std::vector<char*> m_pointers;
    git_strarray m_array{};
};

// The remote named by access.remote (a configured name or a URL), with the CA
// file in effect for https. Throws GitError for an unknown name.
handle::Remote open_remote(git_repository* repo, const RemoteAccess& access);

// The remote's name, or its URL without credentials.
std::string remote_label(git_remote* remote);

git_proxy_options proxy_options();

// Throws for a failed libgit2 call, preferring the message our callbacks
// left (credentials, lease) and adding what the server printed.
void check_remote(int code, std::string_view operation, const Session& session);

// The remote's refs as it advertises them: name -> id. Throws like check_remote.
std::map<std::string, std::string> list_remote(git_remote* remote, Session& session,
                                               const CustomHeaders& headers);

// What a fetch is for: a commit to build on needs every object of its tree;
// a commit we only read the message of (whose branch is this?) does not.
enum class FetchNeed { whole_tree, message_only };

// Fetches `refspecs` from `remote` into `repo` (fetch.cpp), in a shallow clone
// by the cheapest way that brings `expected` whole. Throws like check_remote.
void fetch_refspecs(git_repository* repo, git_remote* remote,
                    const std::vector<std::string>& refspecs, Session& session,
                    const CustomHeaders& headers, FetchNeed need,
                    const std::optional<std::string>& expected = std::nullopt);

// True when the object with hex id `id` is in `repo`'s object database.
bool has_object(git_repository* repo, const std::string& id);

} // namespace draftsmith::git
