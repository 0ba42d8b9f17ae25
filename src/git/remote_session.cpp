// A session with a remote: libgit2's callbacks, custom headers, opening
// and listing a remote, and turning its failures into GitError.
//
// libgit2 1.5 sends no `atomic` capability, so a push is one pack and one
// receive-pack request, but refs are accepted one by one. What we do instead:
// check every branch's remote tip before pushing (so the server has nothing
// to refuse for ownership), replace our own branches with a lease (the
// push_negotiation callback aborts the whole push if a tip moved since we
// looked, before any data is sent), and report each ref's status.

#include "remote_session.hpp"

#include "draftsmith/git/library.hpp"
#include "draftsmith/git/repository.hpp"

#include <fmt/format.h>

namespace draftsmith::git {

Session Session::for_remote(const RemoteAccess& access, git_remote* remote)
{
    Session session;
    session.access = &access;
    session.url = git_remote_url(remote);
    return session;
}

bool Session::must_abort()
{
    if (access->should_stop && access->should_stop()) {
        stopped = true;
    } else if (access->deadline && std::chrono::steady_clock::now() > *access->deadline) {
        timed_out = true;
    }
    return stopped || timed_out;
}

int abort_code(Session& session)
{
    git_error_set_str(GIT_ERROR_CALLBACK, session.stopped ? "stopped" : "timed out");
    return GIT_EUSER;
}

namespace {

int on_transfer_progress(const git_indexer_progress*, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    return session.must_abort() ? abort_code(session) : 0;
}

int on_pack_progress(int, uint32_t, uint32_t, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    return session.must_abort() ? abort_code(session) : 0;
}

int on_push_transfer_progress(unsigned int, unsigned int, size_t, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    return session.must_abort() ? abort_code(session) : 0;
}

int on_sideband(const char* text, int length, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    session.server_output.append(text, static_cast<std::size_t>(length));
    return session.must_abort() ? abort_code(session) : 0;
}

int on_push_update_reference(const char* refname, const char* status, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    session.ref_status[refname] = status ? status : "";
    return 0;
}

int on_push_negotiation(const git_push_update** updates, size_t count, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    for (size_t i = 0; i < count; ++i) {
        const auto it = session.lease.find(updates[i]->dst_refname);
        if (it == session.lease.end()) {
            continue;
        }
        const std::string now = git_oid_is_zero(&updates[i]->src) ? "" : to_hex(updates[i]->src);
        if (now != it->second) {
            session.lease_failure =
                fmt::format("{} changed on the server while pushing (expected {}, found {}); "
                            "nothing was pushed",
                            updates[i]->dst_refname,
                            it->second.empty() ? "no branch" : it->second.substr(0, 12),
                            now.empty() ? "no branch" : now.substr(0, 12));
            git_error_set_str(GIT_ERROR_REFERENCE, session.lease_failure.c_str());
            return GIT_EUSER;
        }
    }
    return 0;
}

} // namespace

git_remote_callbacks callbacks_for(Session& session)
{
    git_remote_callbacks callbacks;
    git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION);
    callbacks.credentials = on_credentials;
    callbacks.certificate_check = on_certificate_check;
    callbacks.sideband_progress = on_sideband;
    callbacks.transfer_progress = on_transfer_progress;
    callbacks.pack_progress = on_pack_progress;
    callbacks.push_transfer_progress = on_push_transfer_progress;
    callbacks.push_update_reference = on_push_update_reference;
    callbacks.push_negotiation = on_push_negotiation;
    callbacks.payload = &session;
    return callbacks;
}

CustomHeaders::CustomHeaders(const RemoteAccess& access)
{
    if (access.authorization) {
        m_lines.push_back("Authorization: " + access.authorization->reveal());
        register_secret(m_lines.back());
    }
    for (auto& line : m_lines) {
        m_pointers.push_back(line.data());
    }
    m_array.strings = m_pointers.data();
    m_array.count = m_pointers.size();
}

StrArray::StrArray(const std::vector<std::string>& values)
    : m_values(values)
{
    for (auto& value : m_values) {
        m_pointers.push_back(value.data());
    }
    m_array.strings = m_pointers.data();
    m_array.count = m_pointers.size();
}

namespace {

handle::Remote find_remote(git_repository* repo, const RemoteAccess& access)
{
    git_remote* remote = nullptr;
    int valid_name = 0;
    check(git_remote_name_is_valid(&valid_name, access.remote.c_str()), "check a remote name");
    if (valid_name) {
        const int code = git_remote_lookup(&remote, repo, access.remote.c_str());
        if (code == 0) {
            return handle::Remote(remote);
        }
        if (code != GIT_ENOTFOUND) {
            check(code, fmt::format("read remote '{}'", access.remote));
        }
        git_error_clear();
        if (access.remote.find_first_of("/:") == std::string::npos) {
            throw_git_failure(fmt::format("use remote '{}'", access.remote),
                              "no such remote in this repository (give its name or a URL)");
        }
    }
    check(git_remote_create_anonymous(&remote, repo, access.remote.c_str()),
          fmt::format("use remote {}", url_for_log(access.remote)));
    return handle::Remote(remote);
}

} // namespace

handle::Remote open_remote(git_repository* repo, const RemoteAccess& access)
{
    auto remote = find_remote(repo, access);
    const std::string_view url = git_remote_url(remote.get()) ? git_remote_url(remote.get()) : "";
    if (url.starts_with("https://")) {
        use_ca_file(access.ca_file);
    }
    return remote;
}

std::string remote_label(git_remote* remote)
{
    const char* name = git_remote_name(remote);
    return name ? std::string(name) : url_for_log(git_remote_url(remote));
}

git_proxy_options proxy_options()
{
    git_proxy_options proxy;
    git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION);
    proxy.type = GIT_PROXY_AUTO;
    return proxy;
}

// Throws for a failed libgit2 call, preferring the message our callbacks
// left (credentials, lease) and adding what the server printed.
void check_remote(int code, std::string_view operation, const Session& session)
{
    if (code >= 0) {
        return;
    }
    if (code == GIT_EUSER && session.stopped) {
        git_error_clear();
        throw Error(ErrorCategory::interrupted, fmt::format("{}: stopped", operation));
    }
    if (code == GIT_EUSER && session.timed_out) {
        git_error_clear();
        throw GitError(std::string(operation), "timed out (the deadline passed)", code,
                       GIT_ERROR_CALLBACK);
    }
    if (code == GIT_EUSER && !session.credential_failure.empty()) {
        git_error_clear();
        throw GitError(std::string(operation), session.credential_failure, GIT_EAUTH,
                       GIT_ERROR_NET);
    }
    if (code == GIT_EUSER && !session.lease_failure.empty()) {
        git_error_clear();
        throw GitError(std::string(operation), session.lease_failure, code, GIT_ERROR_REFERENCE);
    }
    const git_error* last = git_error_last();
    std::string detail =
        last && last->message ? last->message : fmt::format("libgit2 error {}", code);
    const int error_class = last ? last->klass : GIT_ERROR_NONE;
    git_error_clear();
    // libgit2 names only the status; say what it means for us.
    if (detail.find("status code: 403") != std::string::npos) {
        detail = "the server refused access (HTTP 403): the credentials may not read or write "
                 "this repository, or pushing is turned off there";
    } else if (detail.find("status code: 404") != std::string::npos) {
        detail = "no repository at this URL (HTTP 404), or the credentials may not see it";
    }
    if (!session.server_output.empty()) {
        detail += fmt::format(" (server said: {})", std::string_view(session.server_output));
    }
    throw GitError(std::string(operation), redacted(detail), code, error_class);
}

// The remote's refs as it advertises them: name -> id.
std::map<std::string, std::string> list_remote(git_remote* remote, Session& session,
                                               const CustomHeaders& headers)
{
    const git_remote_callbacks callbacks = callbacks_for(session);
    const git_proxy_options proxy = proxy_options();
    check_remote(git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, &proxy, headers.get()),
                 fmt::format("connect to {}", remote_label(remote)), session);
    const git_remote_head** heads = nullptr;
    size_t count = 0;
    const int code = git_remote_ls(&heads, &count, remote);
    std::map<std::string, std::string> refs;
    for (size_t i = 0; i < count && code == 0; ++i) {
        refs[heads[i]->name] = to_hex(heads[i]->oid);
    }
    git_remote_disconnect(remote);
    check(code, fmt::format("list the refs of {}", remote_label(remote)));
    return refs;
}
} // namespace draftsmith::git
