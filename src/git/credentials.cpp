// Credentials for a remote: the libgit2 credential callback (http
// Authorization header, ssh keys or the agent), the ssh host key check
// against known_hosts, and the Authorization values built from tokens.

#include "draftsmith/git/repository.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "remote_session.hpp"

namespace draftsmith::git {
namespace {

int fail_credentials(Session& session, std::string message)
{
    session.credential_failure = std::move(message);
    git_error_set_str(GIT_ERROR_NET, session.credential_failure.c_str());
    return GIT_EUSER;
}

} // namespace

int on_credentials(git_credential** out, const char* url, const char* username_from_url,
                   unsigned int allowed_types, void* payload)
{
    auto& session = *static_cast<Session*>(payload);
    if (session.must_abort()) {
        return abort_code(session);
    }
    const RemoteAccess& access = *session.access;
    const char* user = username_from_url && *username_from_url ? username_from_url : "git";
    ++session.credential_calls;

    if (allowed_types & GIT_CREDENTIAL_USERNAME) {
        return git_credential_username_new(out, user);
    }
    if (allowed_types & (GIT_CREDENTIAL_SSH_KEY | GIT_CREDENTIAL_SSH_MEMORY)) {
        if (session.credential_calls > 2) {
            return fail_credentials(
                session, fmt::format("ssh authentication as '{}' to {} failed with {}", user, url,
                                     access.ssh_key ? "key " + access.ssh_key->string()
                                                    : std::string("the ssh agent's keys")));
        }
        if (access.ssh_key) {
            const std::string public_key = access.ssh_key->string() + ".pub";
            std::error_code ignored;
            const bool has_public = std::filesystem::exists(public_key, ignored);
            return git_credential_ssh_key_new(
                out, user, has_public ? public_key.c_str() : nullptr, access.ssh_key->c_str(),
                access.ssh_passphrase ? access.ssh_passphrase->reveal().c_str() : nullptr);
        }
        return git_credential_ssh_key_from_agent(out, user);
    }
    if (allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
        // The Authorization header went with the request: a second prompt
        // means the server refused it.
        return fail_credentials(
            session,
            access.authorization
                ? fmt::format(
                      "authentication failed for {}: the server refused the credentials "
                      "(HTTP 401); check the token and that it may write to this repository",
                      url)
                : fmt::format("authentication required by {}: no credentials were given "
                              "(set a token for the host)",
                              url));
    }
    return fail_credentials(session, fmt::format("no usable credentials for {}", url));
}

namespace {

// The ssh port of a URL: ssh://[user@]host[:port]/path, or 22 (scp-like
// user@host:path).
int ssh_port(std::string_view url)
{
    if (!url.starts_with("ssh://")) {
        return 22;
    }
    url.remove_prefix(6);
    url = url.substr(0, url.find('/'));
    if (const auto at = url.rfind('@'); at != std::string_view::npos) {
        url.remove_prefix(at + 1);
    }
    const auto colon = url.rfind(':');
    if (colon == std::string_view::npos || url.ends_with(']')) {
        return 22;
    }
    int port = 22;
    std::from_chars(url.data() + colon + 1, url.data() + url.size(), port);
    return port;
}

bool host_pattern_matches(std::string_view patterns, const std::string& host)
{
    std::size_t start = 0;
    while (start <= patterns.size()) {
        const auto comma = patterns.find(',', start);
        const auto pattern =
            patterns.substr(start, comma == std::string_view::npos ? comma : comma - start);
        if (pattern == host) {
            return true;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return false;
}

// What known_hosts says about the key a host offered.
enum class KnownKey { trusted, revoked, other_key, not_listed };

struct KnownHostsAnswer {
    KnownKey key = KnownKey::not_listed;
    bool hashed = false; // hashed entries were seen (and skipped: they are not read)
};

// Reads known_hosts lines for `name` (plain host patterns; @revoked is
// honoured, @cert-authority and hashed entries never match).
KnownHostsAnswer look_up_known_host(std::istream& in, const std::string& name,
                                    const std::string& offered)
{
    KnownHostsAnswer answer;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string patterns, type, blob;
        fields >> patterns;
        bool revoked = false;
        if (patterns == "@revoked") {
            revoked = true;
            fields >> patterns;
        } else if (patterns.starts_with("@")) {
            continue; // @cert-authority: not supported, never matches
        }
        fields >> type >> blob;
        if (patterns.empty() || patterns.starts_with("#") || blob.empty()) {
            continue;
        }
        if (patterns.starts_with("|1|")) {
            answer.hashed = true;
            continue;
        }
        if (!host_pattern_matches(patterns, name)) {
            continue;
        }
        if (blob == offered) {
            answer.key = revoked ? KnownKey::revoked : KnownKey::trusted;
            return answer;
        }
        answer.key = KnownKey::other_key;
    }
    return answer;
}

std::filesystem::path known_hosts_file(const RemoteAccess& access)
{
    if (access.ssh_known_hosts) {
        return *access.ssh_known_hosts;
    }
    if (access.home) {
        return *access.home / ".ssh" / "known_hosts";
    }
    return {};
}

// Checks an ssh host key against known_hosts (see RemoteAccess::ssh_known_hosts).
int check_host_key(const git_cert_hostkey& key, const char* host, Session& session)
{
    const std::filesystem::path file = known_hosts_file(*session.access);
    const int port = ssh_port(session.url);
    const std::string name = port == 22 ? std::string(host) : fmt::format("[{}]:{}", host, port);
    if (!(key.type & GIT_CERT_SSH_RAW)) {
        return fail_credentials(session, fmt::format("ssh host key of {} could not be read", name));
    }
    const std::string offered = text::base64(std::string_view(key.hostkey, key.hostkey_len));
    std::ifstream in(file);
    if (!in) {
        return fail_credentials(
            session, fmt::format("ssh host key of {} cannot be checked: no known_hosts file at {} "
                                 "(add the host with: ssh-keyscan -p {} {} >> {})",
                                 name, file.string(), port, host, file.string()));
    }
    const KnownHostsAnswer answer = look_up_known_host(in, name, offered);
    switch (answer.key) {
    case KnownKey::trusted:
        return 0;
    case KnownKey::revoked:
        return fail_credentials(
            session, fmt::format("ssh host key of {} is revoked in {}", name, file.string()));
    case KnownKey::other_key:
        return fail_credentials(
            session, fmt::format("ssh host key of {} does not match {}: refusing to connect "
                                 "(the server's key changed, or someone is in between)",
                                 name, file.string()));
    case KnownKey::not_listed:
        break;
    }
    return fail_credentials(
        session,
        fmt::format("ssh host key of {} is not in {}{} (add it with: ssh-keyscan -p {} {} >> {})",
                    name, file.string(),
                    answer.hashed ? "; hashed entries are not read, add a plain one" : "", port,
                    host, file.string()));
}

} // namespace

int on_certificate_check(git_cert* cert, int /*valid*/, const char* host, void* payload)
{
    if (static_cast<Session*>(payload)->must_abort()) {
        return abort_code(*static_cast<Session*>(payload));
    }
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) {
        return GIT_PASSTHROUGH; // TLS: libgit2's own verification decides
    }
    return check_host_key(*reinterpret_cast<git_cert_hostkey*>(cert), host,
                          *static_cast<Session*>(payload));
}

// ---- authorization values ---------------------------------------------------

std::string url_for_log(std::string_view url)
{
    const auto scheme = url.find("://");
    if (scheme != std::string_view::npos) {
        const auto authority = scheme + 3;
        const auto end = url.find('/', authority);
        const auto at = url.rfind('@', end == std::string_view::npos ? url.size() : end);
        if (at != std::string_view::npos && at >= authority) {
            const auto user = url.substr(authority, at - authority);
            if (user.find(':') != std::string_view::npos) {
                return redacted(
                    fmt::format("{}***@{}", url.substr(0, authority), url.substr(at + 1)));
            }
        }
    }
    return redacted(url);
}

Secret basic_authorization(std::string_view user, const Secret& password)
{
    const std::string encoded = text::base64(fmt::format("{}:{}", user, password.reveal()));
    register_secret(encoded);
    return Secret("Basic " + encoded);
}

Secret bearer_authorization(const Secret& token)
{
    register_secret(token.reveal());
    return Secret("Bearer " + token.reveal());
}

Secret github_token_authorization(const Secret& token)
{
    return basic_authorization("x-access-token", token);
}

Secret azure_devops_access_token_authorization(const Secret& system_access_token)
{
    return bearer_authorization(system_access_token);
}

Secret azure_devops_pat_authorization(const Secret& personal_access_token)
{
    return basic_authorization("", personal_access_token);
}

} // namespace draftsmith::git
