// Fetch and push: credentials, TLS, the ownership check, per-branch results.
//
// libgit2 1.5 sends no `atomic` capability, so a push is one pack and one
// receive-pack request, but refs are accepted one by one. What we do instead:
// check every branch's remote tip before pushing (so the server has nothing
// to refuse for ownership), replace our own branches with a lease (the
// push_negotiation callback aborts the whole push if a tip moved since we
// looked, before any data is sent), and report each ref's status.

#include "draftsmith/git/repository.hpp"
#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "shallow.hpp"
#include "state.hpp"

namespace draftsmith::git {
namespace {

std::string base64(std::string_view in) {
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += k_alphabet[(n >> 6) & 63];
        out += k_alphabet[n & 63];
    }
    if (i + 1 == in.size()) {
        const unsigned n = static_cast<unsigned char>(in[i]) << 16;
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8);
        out += k_alphabet[(n >> 18) & 63];
        out += k_alphabet[(n >> 12) & 63];
        out += k_alphabet[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

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
    bool must_abort() {
        if (access->should_stop && access->should_stop()) {
            stopped = true;
        } else if (access->deadline && std::chrono::steady_clock::now() > *access->deadline) {
            timed_out = true;
        }
        return stopped || timed_out;
    }
};

int abort_code(Session& session) {
    git_error_set_str(GIT_ERROR_CALLBACK, session.stopped ? "stopped" : "timed out");
    return GIT_EUSER;
}

int on_transfer_progress(const git_indexer_progress*, void* payload) {
    auto& session = *static_cast<Session*>(payload);
    return session.must_abort() ? abort_code(session) : 0;
}

int on_pack_progress(int, uint32_t, uint32_t, void* payload) {
    auto& session = *static_cast<Session*>(payload);
    return session.must_abort() ? abort_code(session) : 0;
}

int on_push_transfer_progress(unsigned int, unsigned int, size_t, void* payload) {
    auto& session = *static_cast<Session*>(payload);
    return session.must_abort() ? abort_code(session) : 0;
}

int fail_credentials(Session& session, std::string message) {
    session.credential_failure = std::move(message);
    git_error_set_str(GIT_ERROR_NET, session.credential_failure.c_str());
    return GIT_EUSER;
}

int on_credentials(git_credential** out, const char* url, const char* username_from_url,
                   unsigned int allowed_types, void* payload) {
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

// The ssh port of a URL: ssh://[user@]host[:port]/path, or 22 (scp-like
// user@host:path).
int ssh_port(std::string_view url) {
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

bool host_pattern_matches(std::string_view patterns, const std::string& host) {
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

// Checks an ssh host key against known_hosts (see RemoteAccess::ssh_known_hosts).
int check_host_key(const git_cert_hostkey& key, const char* host, Session& session) {
    const RemoteAccess& access = *session.access;
    std::filesystem::path file;
    if (access.ssh_known_hosts) {
        file = *access.ssh_known_hosts;
    } else if (const char* home = std::getenv("HOME")) {
        file = std::filesystem::path(home) / ".ssh" / "known_hosts";
    }
    const int port = ssh_port(session.url);
    const std::string name = port == 22 ? std::string(host) : fmt::format("[{}]:{}", host, port);
    if (!(key.type & GIT_CERT_SSH_RAW)) {
        return fail_credentials(session, fmt::format("ssh host key of {} could not be read", name));
    }
    const std::string offered = base64(std::string_view(key.hostkey, key.hostkey_len));
    std::ifstream in(file);
    if (!in) {
        return fail_credentials(
            session, fmt::format("ssh host key of {} cannot be checked: no known_hosts file at {} "
                                 "(add the host with: ssh-keyscan -p {} {} >> {})",
                                 name, file.string(), port, host, file.string()));
    }
    bool known_host = false;
    bool hashed = false;
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
            hashed = true;
            continue;
        }
        if (!host_pattern_matches(patterns, name)) {
            continue;
        }
        if (blob == offered) {
            if (revoked) {
                return fail_credentials(session, fmt::format("ssh host key of {} is revoked in {}",
                                                             name, file.string()));
            }
            return 0;
        }
        known_host = true;
    }
    if (known_host) {
        return fail_credentials(
            session, fmt::format("ssh host key of {} does not match {}: refusing to connect "
                                 "(the server's key changed, or someone is in between)",
                                 name, file.string()));
    }
    return fail_credentials(
        session,
        fmt::format("ssh host key of {} is not in {}{} (add it with: ssh-keyscan -p {} {} >> {})",
                    name, file.string(),
                    hashed ? "; hashed entries are not read, add a plain one" : "", port, host,
                    file.string()));
}

int on_certificate_check(git_cert* cert, int /*valid*/, const char* host, void* payload) {
    if (static_cast<Session*>(payload)->must_abort()) {
        return abort_code(*static_cast<Session*>(payload));
    }
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) {
        return GIT_PASSTHROUGH; // TLS: libgit2's own verification decides
    }
    return check_host_key(*reinterpret_cast<git_cert_hostkey*>(cert), host,
                          *static_cast<Session*>(payload));
}

int on_sideband(const char* text, int length, void* payload) {
    auto& session = *static_cast<Session*>(payload);
    session.server_output.append(text, static_cast<std::size_t>(length));
    return session.must_abort() ? abort_code(session) : 0;
}

int on_push_update_reference(const char* refname, const char* status, void* payload) {
    auto& session = *static_cast<Session*>(payload);
    session.ref_status[refname] = status ? status : "";
    return 0;
}

int on_push_negotiation(const git_push_update** updates, size_t count, void* payload) {
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

git_remote_callbacks callbacks_for(Session& session) {
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

// The header strings and the git_strarray pointing at them.
class CustomHeaders {
public:
    explicit CustomHeaders(const RemoteAccess& access) {
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
    const git_strarray* get() const noexcept { return &m_array; }

private:
    std::vector<std::string> m_lines;
    std::vector<char*> m_pointers;
    git_strarray m_array{};
};

class StrArray {
public:
    explicit StrArray(const std::vector<std::string>& values)
        : m_values(values) {
        for (auto& value : m_values) {
            m_pointers.push_back(value.data());
        }
        m_array.strings = m_pointers.data();
        m_array.count = m_pointers.size();
    }
    const git_strarray* get() const noexcept { return &m_array; }

private:
    std::vector<std::string> m_values;
    std::vector<char*> m_pointers;
    git_strarray m_array{};
};

handle::Remote find_remote(git_repository* repo, const RemoteAccess& access) {
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

handle::Remote open_remote(git_repository* repo, const RemoteAccess& access) {
    auto remote = find_remote(repo, access);
    const std::string_view url = git_remote_url(remote.get()) ? git_remote_url(remote.get()) : "";
    if (url.starts_with("https://")) {
        use_ca_file(access.ca_file);
    }
    return remote;
}

std::string remote_label(git_remote* remote) {
    const char* name = git_remote_name(remote);
    return name ? std::string(name) : url_for_log(git_remote_url(remote));
}

git_proxy_options proxy_options() {
    git_proxy_options proxy;
    git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION);
    proxy.type = GIT_PROXY_AUTO;
    return proxy;
}

// Throws for a failed libgit2 call, preferring the message our callbacks
// left (credentials, lease) and adding what the server printed.
void check_remote(int code, std::string_view operation, const Session& session) {
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
                                               const CustomHeaders& headers) {
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

git_fetch_options fetch_options(Session& session, const CustomHeaders& headers) {
    git_fetch_options options;
    git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION);
    options.callbacks = callbacks_for(session);
    options.proxy_opts = proxy_options();
    options.update_fetchhead = 0;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    options.custom_headers = *headers.get();
    return options;
}

// A temporary folder inside .git, removed with everything in it.
class ScratchFolder {
public:
    explicit ScratchFolder(const std::filesystem::path& parent) {
        std::string pattern = (parent / "draftsmith-fetch-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw_git_failure("fetch",
                              fmt::format("cannot create a folder in {}", parent.string()));
        }
        m_path = pattern;
    }
    ~ScratchFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

// See shallow.hpp: a shallow clone can vouch for no history, so it fetches
// like an empty repository and takes the packs over.
void fetch_without_haves(git_repository* repo, git_remote* remote,
                         const std::vector<std::string>& refspecs, Session& session,
                         const CustomHeaders& headers, const std::string& operation) {
    const std::filesystem::path common = git_repository_commondir(repo);
    const ScratchFolder scratch(common);
    git_repository* raw = nullptr;
    check(git_repository_init(&raw, scratch.path().c_str(), 1), operation);
    const handle::Repository empty(raw);
    git_remote* raw_remote = nullptr;
    check(git_remote_create_anonymous(&raw_remote, empty.get(), git_remote_url(remote)), operation);
    const handle::Remote fresh(raw_remote);
    const git_fetch_options options = fetch_options(session, headers);
    const StrArray specs(refspecs);
    check_remote(git_remote_fetch(fresh.get(), specs.get(), &options, "draftsmith: fetch"),
                 operation, session);

    // Move the objects over: packs (with their indexes), and loose objects if any.
    const auto from = scratch.path() / "objects";
    const auto to = common / "objects";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(from)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const auto relative = std::filesystem::relative(entry.path(), from);
        const auto target = to / relative;
        std::error_code error;
        if (std::filesystem::exists(target, error)) {
            continue;
        }
        std::filesystem::create_directories(target.parent_path(), error);
        std::filesystem::rename(entry.path(), target, error);
        if (error) {
            throw_git_failure(operation,
                              fmt::format("cannot move {} into {}: {}", relative.string(),
                                          to.string(), error.message()));
        }
    }
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), operation);
    const handle::Odb odb(raw_odb);
    check(git_odb_refresh(odb.get()), operation);
}

// What a fetch is for: a commit to build on needs every object of its tree;
// a commit we only read the message of (whose branch is this?) does not.
enum class FetchNeed { whole_tree, message_only };

constexpr std::size_t k_max_holes = 20000; // more missing objects: fetch everything

bool has_object(git_repository* repo, const git_oid& oid) {
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, repo), "open the object database");
    const handle::Odb odb(raw);
    return git_odb_exists(odb.get(), &oid) == 1;
}

void collect_missing(git_repository* repo, const git_oid& tree_id,
                     std::vector<std::string>& missing) {
    if (missing.size() >= k_max_holes) {
        return;
    }
    if (!has_object(repo, tree_id)) {
        missing.push_back(to_hex(tree_id));
        return;
    }
    const auto tree = lookup_tree(repo, tree_id);
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
        const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
        const git_object_t type = git_tree_entry_type(entry);
        if (type == GIT_OBJECT_TREE) {
            collect_missing(repo, *git_tree_entry_id(entry), missing);
        } else if (type == GIT_OBJECT_BLOB && !has_object(repo, *git_tree_entry_id(entry))) {
            missing.push_back(to_hex(*git_tree_entry_id(entry)));
        }
    }
}

// The objects of `id`'s tree (id: a commit or a tag of one) that are not
// here; {id} when `id` itself is not. At most k_max_holes.
std::vector<std::string> missing_objects(git_repository* repo, const std::string& id) {
    const git_oid oid = to_oid(id);
    if (!has_object(repo, oid)) {
        return {id};
    }
    git_object* object = nullptr;
    check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), fmt::format("read {}", id));
    const handle::Object owned(object);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) < 0) {
        git_error_clear();
        return {};
    }
    const handle::Object owned_peeled(peeled);
    std::vector<std::string> missing;
    const git_oid* tree = git_commit_tree_id(reinterpret_cast<git_commit*>(peeled));
    collect_missing(repo, *tree, missing);
    return missing;
}

// Fetches through the stand-in view (shallow.hpp), claiming what a depth-1
// clone has as "haves", so the server sends little. Throws like a fetch.
void fetch_through_view(git_repository* repo, git_remote* remote, const StrArray& specs,
                        Session& session, const CustomHeaders& headers,
                        const std::string& operation) {
    const ShallowPushView view(repo);
    git_remote* raw = nullptr;
    check(git_remote_create_anonymous(&raw, view.get(), git_remote_url(remote)), operation);
    const handle::Remote through_view(raw);
    const git_fetch_options options = fetch_options(session, headers);
    check_remote(git_remote_fetch(through_view.get(), specs.get(), &options, "draftsmith: fetch"),
                 operation, session);
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), operation);
    const handle::Odb odb(raw_odb);
    check(git_odb_refresh(odb.get()), operation);
}

// True for failures worth another way of fetching (not credentials, not a
// deadline, not a stop).
bool worth_retrying(const GitError& error, const Session& session) {
    return error.code() != GIT_EAUTH && session.credential_failure.empty() && !session.timed_out;
}

// In a shallow clone (see shallow.hpp), the cheap way first:
//   1. fetch claiming the clone's commits as haves (through the stand-in view);
//      enough for message_only;
//   2. for whole_tree, the server left out what it believes we have from
//      history (older versions of files): fetch exactly those objects by id
//      without haves, when the server allows fetching by id;
//   3. otherwise fetch without haves: the ref's whole history.
void fetch_into_shallow(git_repository* repo, git_remote* remote,
                        const std::vector<std::string>& refspecs, Session& session,
                        const CustomHeaders& headers, FetchNeed need,
                        const std::optional<std::string>& expected, const std::string& operation) {
    const StrArray specs(refspecs);
    try {
        fetch_through_view(repo, remote, specs, session, headers, operation);
        if (need == FetchNeed::message_only || !expected) {
            return;
        }
        const auto holes = missing_objects(repo, *expected);
        if (holes.empty()) {
            return;
        }
        if (holes.size() < k_max_holes) {
            log::debug("{}: {} object(s) the server assumed we had; fetching them by id", operation,
                       holes.size());
            fetch_without_haves(repo, remote, holes, session, headers, operation);
            if (missing_objects(repo, *expected).empty()) {
                return;
            }
        }
    } catch (const GitError& e) {
        if (!worth_retrying(e, session)) {
            throw;
        }
        log::debug("{}: fetching the whole history after: {}", operation, e.what());
    }
    fetch_without_haves(repo, remote, refspecs, session, headers, operation);
}

void fetch_refspecs(git_repository* repo, git_remote* remote,
                    const std::vector<std::string>& refspecs, Session& session,
                    const CustomHeaders& headers, FetchNeed need,
                    const std::optional<std::string>& expected = std::nullopt) {
    const std::string operation =
        fmt::format("fetch {} from {}", fmt::join(refspecs, ", "), remote_label(remote));
    if (check(git_repository_is_shallow(repo), "check for a shallow clone") == 1) {
        fetch_into_shallow(repo, remote, refspecs, session, headers, need, expected, operation);
        return;
    }
    const StrArray specs(refspecs);
    const git_fetch_options options = fetch_options(session, headers);
    check_remote(git_remote_fetch(remote, specs.get(), &options, "draftsmith: fetch"), operation,
                 session);
}

bool is_full_id(std::string_view text) {
    return text.size() == GIT_OID_HEXSZ &&
           text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

bool has_object(git_repository* repo, const std::string& id) {
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, repo), "open the object database");
    const handle::Odb odb(raw);
    const git_oid oid = to_oid(id);
    return git_odb_exists(odb.get(), &oid) == 1;
}

} // namespace

// ---- authorization values ---------------------------------------------------

std::optional<std::string> environment_variable(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
}

std::string url_for_log(std::string_view url) {
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

std::optional<Secret> authorization_from_environment(
    const std::function<std::optional<std::string>(const char*)>& getenv) {
    const auto get = [&](const char* name) -> std::optional<std::string> {
        auto value = getenv(name);
        if (value && value->empty()) {
            return std::nullopt;
        }
        return value;
    };
    if (const auto header = get("DRAFTSMITH_GIT_AUTHORIZATION")) {
        return Secret(*header);
    }
    if (get("GITHUB_ACTIONS") == "true") {
        if (const auto token = get("GITHUB_TOKEN")) {
            return github_token_authorization(Secret(*token));
        }
    }
    if (get("TF_BUILD")) {
        if (const auto token = get("SYSTEM_ACCESSTOKEN")) {
            return azure_devops_access_token_authorization(Secret(*token));
        }
        if (const auto pat = get("AZURE_DEVOPS_EXT_PAT")) {
            return azure_devops_pat_authorization(Secret(*pat));
        }
    }
    return std::nullopt;
}

Secret basic_authorization(std::string_view user, const Secret& password) {
    const std::string encoded = base64(fmt::format("{}:{}", user, password.reveal()));
    register_secret(encoded);
    return Secret("Basic " + encoded);
}

Secret bearer_authorization(const Secret& token) {
    register_secret(token.reveal());
    return Secret("Bearer " + token.reveal());
}

Secret github_token_authorization(const Secret& token) {
    return basic_authorization("x-access-token", token);
}

Secret azure_devops_access_token_authorization(const Secret& system_access_token) {
    return bearer_authorization(system_access_token);
}

Secret azure_devops_pat_authorization(const Secret& personal_access_token) {
    return basic_authorization("", personal_access_token);
}

const char* to_string(BranchPushStatus status) noexcept {
    switch (status) {
    case BranchPushStatus::created:
        return "created";
    case BranchPushStatus::updated:
        return "updated";
    case BranchPushStatus::up_to_date:
        return "up to date";
    case BranchPushStatus::foreign:
        return "foreign";
    case BranchPushStatus::rejected:
        return "rejected";
    }
    return "rejected";
}

bool PushReport::all_pushed() const noexcept {
    for (const auto& branch : branches) {
        if (branch.status == BranchPushStatus::foreign ||
            branch.status == BranchPushStatus::rejected) {
            return false;
        }
    }
    return true;
}

// ---- fetch ------------------------------------------------------------------

std::string Repository::fetch_commit(const RemoteAccess& access, std::string_view ref) {
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto remote = open_remote(repo, access);
    Session session;
    session.access = &access;
    session.url = git_remote_url(remote.get());
    const CustomHeaders headers(access);

    std::string wanted(ref);
    std::string commit;
    if (is_full_id(ref)) {
        commit = wanted;
    } else {
        const auto refs = list_remote(remote.get(), session, headers);
        for (const std::string& candidate :
             {wanted, "refs/heads/" + wanted, "refs/tags/" + wanted, "refs/" + wanted}) {
            if (const auto it = refs.find(candidate); it != refs.end()) {
                wanted = candidate;
                commit = it->second;
                break;
            }
        }
        if (commit.empty()) {
            throw_git_failure(fmt::format("fetch {} from {}", ref, remote_label(remote.get())),
                              "the remote has no such ref");
        }
    }
    if (!has_object(repo, commit)) {
        fetch_refspecs(repo, remote.get(), {wanted}, session, headers, FetchNeed::whole_tree,
                       commit);
    }
    if (!has_object(repo, commit)) {
        throw_git_failure(fmt::format("fetch {} from {}", ref, remote_label(remote.get())),
                          fmt::format("the server did not send commit {}", commit));
    }
    // Peel an annotated tag to its commit.
    git_object* object = nullptr;
    const git_oid oid = to_oid(commit);
    check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), fmt::format("read {}", commit));
    const handle::Object owned(object);
    git_object* peeled = nullptr;
    check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT),
          fmt::format("{} ({}) is not a commit", ref, commit.substr(0, 12)));
    const handle::Object owned_peeled(peeled);
    return to_hex(*git_object_id(peeled));
}

// ---- push -------------------------------------------------------------------

PushReport Repository::push_branches(const RemoteAccess& access,
                                     const std::vector<BranchPush>& branches,
                                     const RequestId& owner) {
    return push(access, branches, &owner);
}

PushReport Repository::push_branches_fast_forward(const RemoteAccess& access,
                                                  const std::vector<BranchPush>& branches) {
    return push(access, branches, nullptr);
}

PushReport Repository::push(const RemoteAccess& access, const std::vector<BranchPush>& branches,
                            const RequestId* owner) {
    PushReport report;
    std::vector<std::size_t> to_push; // indexes into report.branches
    for (const auto& branch : branches) {
        BranchPushResult result{branch.branch, BranchPushStatus::rejected, ""};
        if (owner && !set_branch(branch.branch, branch.commit, *owner)) {
            result.status = BranchPushStatus::foreign;
            result.message =
                fmt::format("local branch '{}' exists and was not made by request {}; left alone",
                            branch.branch, owner->to_string());
        } else if (!owner) {
            const auto tip = branch_tip(branch.branch);
            if (!tip) {
                move_branch(branch.branch, branch.commit, std::nullopt);
            } else if (*tip != branch.commit) {
                throw_git_failure(fmt::format("push branch '{}'", branch.branch),
                                  fmt::format("the local branch points at {}, not at {}",
                                              tip->substr(0, 12), branch.commit.substr(0, 12)));
            }
        }
        report.branches.push_back(result);
    }

    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto remote = open_remote(repo, access);
    const std::string label = remote_label(remote.get());
    const CustomHeaders headers(access);
    Session session;
    session.access = &access;
    session.url = git_remote_url(remote.get());

    const auto remote_refs = list_remote(remote.get(), session, headers);

    // Remote tips we must read to know whose they are.
    std::vector<std::string> missing;
    for (const auto& result : report.branches) {
        if (!owner) {
            break; // fast-forward only: the tips' authors do not matter
        }
        const auto it = remote_refs.find("refs/heads/" + result.branch);
        if (it != remote_refs.end() && !has_object(repo, it->second)) {
            missing.push_back(it->first);
        }
    }
    if (!missing.empty()) {
        fetch_refspecs(repo, remote.get(), missing, session, headers, FetchNeed::message_only);
    }

    std::vector<std::string> refspecs;
    for (std::size_t i = 0; i < branches.size(); ++i) {
        auto& result = report.branches[i];
        if (result.status == BranchPushStatus::foreign) {
            continue;
        }
        const std::string ref = "refs/heads/" + branches[i].branch;
        const auto it = remote_refs.find(ref);
        if (it == remote_refs.end()) {
            result.status = BranchPushStatus::created;
            session.lease[ref] = "";
            refspecs.push_back(fmt::format("{}:{}", ref, ref));
        } else if (it->second == branches[i].commit) {
            result.status = BranchPushStatus::up_to_date;
            continue;
        } else if (!owner) {
            const git_oid new_tip = to_oid(branches[i].commit);
            const git_oid old_tip = to_oid(it->second);
            if (!has_object(repo, it->second) ||
                git_graph_descendant_of(repo, &new_tip, &old_tip) != 1) {
                git_error_clear();
                result.status = BranchPushStatus::rejected;
                result.message = fmt::format(
                    "non-fast-forward: branch '{}' on {} is at {}, which {} is not built on; "
                    "left alone",
                    branches[i].branch, label, it->second.substr(0, 12),
                    branches[i].commit.substr(0, 12));
                continue;
            }
            result.status = BranchPushStatus::updated;
            session.lease[ref] = it->second;
            refspecs.push_back(fmt::format("{}:{}", ref, ref));
        } else {
            const auto tip = lookup_commit(repo, it->second);
            const auto trailers = parse_trailers(git_commit_message(tip.get()));
            if (trailers.request != *owner) {
                result.status = BranchPushStatus::foreign;
                result.message = fmt::format("branch '{}' exists on {} and its tip {} was not made "
                                             "by request {}; left alone",
                                             branches[i].branch, label, it->second.substr(0, 12),
                                             owner->to_string());
                continue;
            }
            result.status = BranchPushStatus::updated;
            session.lease[ref] = it->second;
            refspecs.push_back(fmt::format("+{}:{}", ref, ref));
        }
        to_push.push_back(i);
    }
    if (refspecs.empty()) {
        return report;
    }

    // In a shallow clone, push through a view whose walk stops at the boundary.
    const ShallowPushView view(repo);
    const auto push_remote =
        view.get() == repo ? handle::Remote() : open_remote(view.get(), access);
    git_remote* pushing = push_remote ? push_remote.get() : remote.get();

    git_push_options options;
    git_push_options_init(&options, GIT_PUSH_OPTIONS_VERSION);
    options.callbacks = callbacks_for(session);
    options.proxy_opts = proxy_options();
    options.custom_headers = *headers.get();
    const StrArray specs(refspecs);
    check_remote(git_remote_push(pushing, specs.get(), &options),
                 fmt::format("push {} to {}", fmt::join(refspecs, " "), label), session);

    report.server_output = session.server_output;
    for (const std::size_t i : to_push) {
        auto& result = report.branches[i];
        const auto it = session.ref_status.find("refs/heads/" + result.branch);
        if (it == session.ref_status.end()) {
            result.status = BranchPushStatus::rejected;
            result.message = "the server did not report on this branch";
        } else if (!it->second.empty()) {
            result.status = BranchPushStatus::rejected;
            result.message = it->second;
        }
    }
    return report;
}

// ---- finding earlier work ----------------------------------------------------

std::vector<RequestBranch> Repository::find_request_branches(const RemoteAccess& access,
                                                             const RequestId& request,
                                                             std::string_view prefix) {
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    const auto remote = open_remote(repo, access);
    Session session;
    session.access = &access;
    session.url = git_remote_url(remote.get());
    const CustomHeaders headers(access);

    const std::string wanted_prefix = "refs/heads/" + std::string(prefix);
    std::vector<std::pair<std::string, std::string>> candidates; // ref, tip
    std::vector<std::string> missing;
    for (const auto& [ref, tip] : list_remote(remote.get(), session, headers)) {
        if (!ref.starts_with(wanted_prefix)) {
            continue;
        }
        candidates.emplace_back(ref, tip);
        if (!has_object(repo, tip)) {
            missing.push_back(ref);
        }
    }
    if (!missing.empty()) {
        fetch_refspecs(repo, remote.get(), missing, session, headers, FetchNeed::message_only);
    }
    std::vector<RequestBranch> found;
    for (const auto& [ref, tip] : candidates) {
        if (!has_object(repo, tip)) {
            continue; // the server did not send it: not readable, so not provably ours
        }
        git_object* object = nullptr;
        const git_oid oid = to_oid(tip);
        check(git_object_lookup(&object, repo, &oid, GIT_OBJECT_ANY), fmt::format("read {}", ref));
        const handle::Object owned(object);
        if (git_object_type(object) != GIT_OBJECT_COMMIT) {
            continue;
        }
        const auto trailers =
            parse_trailers(git_commit_message(reinterpret_cast<git_commit*>(object)));
        if (trailers.request == request) {
            found.push_back(
                {ref.substr(std::string_view("refs/heads/").size()), tip, trailers.variant});
        }
    }
    return found;
}

std::vector<RequestBranch> Repository::find_local_request_branches(const RequestId& request,
                                                                   std::string_view prefix) const {
    const std::lock_guard lock(m_state->mutex);
    git_repository* repo = m_state->repo.get();
    git_reference_iterator* raw = nullptr;
    const std::string glob = "refs/heads/" + std::string(prefix) + "*";
    check(git_reference_iterator_glob_new(&raw, repo, glob.c_str()), "list local branches");
    const std::unique_ptr<git_reference_iterator, Free<git_reference_iterator_free>> iterator(raw);
    std::vector<RequestBranch> found;
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, iterator.get()) == 0) {
        const handle::Reference owned(ref);
        git_object* object = nullptr;
        if (git_reference_peel(&object, ref, GIT_OBJECT_COMMIT) < 0) {
            git_error_clear();
            continue;
        }
        const handle::Object owned_object(object);
        const auto trailers =
            parse_trailers(git_commit_message(reinterpret_cast<git_commit*>(object)));
        if (trailers.request == request) {
            found.push_back(
                {git_reference_shorthand(ref), to_hex(*git_object_id(object)), trailers.variant});
        }
    }
    git_error_clear();
    return found;
}

} // namespace draftsmith::git
