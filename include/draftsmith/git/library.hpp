#pragma once
// libgit2's process-wide state: initialisation and the TLS trust store.
//
// Debian's libgit2 is built with mbedTLS, which knows no default CA store, so
// the first Library also points libgit2 at the system's CA bundle (the first
// of $SSL_CERT_FILE (given by use_ssl_cert_file), /etc/ssl/certs/ca-certificates.crt,
// ... that exists).
// Without that every https remote fails with "the SSL certificate is invalid".

#include <filesystem>
#include <optional>

namespace draftsmith::git {

// Scoped libgit2 initialisation (reference counted, like libgit2's own):
// hold one for as long as any git object lives. Repository holds one, so
// code that only uses Repository needs nothing else.
class Library {
public:
    Library();
    ~Library();
    Library(const Library&);
    Library& operator=(const Library&) = default;
};

// The SSL_CERT_FILE variable's value, as the caller read it from the
// environment (cli does, once): the first candidate of system_ca_bundle().
// Call it before the first Library; nullopt forgets it. Never throws.
void use_ssl_cert_file(std::optional<std::filesystem::path> file);

// The CA bundle found on this system, or nullopt when none of the usual
// places exists.
std::optional<std::filesystem::path> system_ca_bundle();

// Chooses the certificates https remotes are verified with: only those in
// `ca_file` (PEM; a server with a private CA: --ca-file), or with nullopt the
// system bundle. Fetch and push call this for every https remote with their
// RemoteAccess::ca_file. libgit2's trust store is process-wide, so concurrent
// operations must agree on it (one run uses one). Throws GitError when the
// file cannot be read or holds no certificate.
void use_ca_file(const std::optional<std::filesystem::path>& ca_file);

} // namespace draftsmith::git
