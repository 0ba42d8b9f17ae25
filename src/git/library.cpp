#include "draftsmith/git/library.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <system_error>

#include "handles.hpp"

namespace draftsmith::git {
namespace {

// The trust store chosen by use_ca_file(), re-applied when libgit2 is
// initialised again after a full shutdown (which forgets it).
std::mutex g_ca_mutex;
std::optional<std::filesystem::path> g_ca_file;
// SSL_CERT_FILE as the caller read it (use_ssl_cert_file); its own lock,
// because system_ca_bundle() runs under g_ca_mutex.
std::mutex g_ssl_cert_mutex;
std::optional<std::filesystem::path> g_ssl_cert_file;

void set_cert_locations(const char* file, const char* folder, std::string_view operation)
{
    check(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, folder), operation);
}

void apply_trust_store()
{
    const std::lock_guard lock(g_ca_mutex);
    if (const auto bundle = g_ca_file ? g_ca_file : system_ca_bundle()) {
        try {
            set_cert_locations(bundle->c_str(), nullptr, "load the system CA bundle");
        } catch (const GitError&) {
            // A broken system bundle only matters for https remotes, which
            // then fail with libgit2's certificate error.
        }
    }
}

// libgit2 reads packs through mmap windows and keeps up to 8 GiB of them
// mapped (64-bit default); every page read stays in the resident set, so a
// search of a 1 GB repository would end up holding its whole pack. A small
// bound keeps the run's memory flat whatever the repository's size (the
// least recently used windows are unmapped first).
constexpr std::size_t k_pack_window_size = std::size_t{16} << 20;
constexpr std::size_t k_pack_mapped_limit = std::size_t{96} << 20;

void bound_pack_windows()
{
    check(git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, k_pack_window_size),
          "set the pack window size");
    check(git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, k_pack_mapped_limit),
          "bound the mapped pack windows");
}

} // namespace

Library::Library()
{
    if (git_libgit2_init() == 1) {
        apply_trust_store();
        bound_pack_windows();
    }
}

Library::Library(const Library&)
    : Library()
{
}

Library::~Library()
{
    git_libgit2_shutdown();
}

void use_ssl_cert_file(std::optional<std::filesystem::path> file)
{
    const std::lock_guard lock(g_ssl_cert_mutex);
    g_ssl_cert_file = std::move(file);
}

std::optional<std::filesystem::path> system_ca_bundle()
{
    std::error_code ignored;
    {
        const std::lock_guard lock(g_ssl_cert_mutex);
        if (g_ssl_cert_file && std::filesystem::is_regular_file(*g_ssl_cert_file, ignored)) {
            return g_ssl_cert_file;
        }
    }
    for (const char* candidate : {"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu
                                  "/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL
                                  "/etc/ssl/ca-bundle.pem",             // openSUSE
                                  "/etc/ssl/cert.pem"}) {               // Alpine, macOS
        if (std::filesystem::is_regular_file(candidate, ignored)) {
            return std::filesystem::path(candidate);
        }
    }
    return std::nullopt;
}

void use_ca_file(const std::optional<std::filesystem::path>& ca_file)
{
    const Library library;
    const std::lock_guard lock(g_ca_mutex);
    if (!ca_file) {
        if (const auto bundle = system_ca_bundle()) {
            set_cert_locations(bundle->c_str(), nullptr,
                               fmt::format("load the system CA bundle {}", bundle->string()));
        }
        g_ca_file.reset();
        return;
    }
    const std::string operation = fmt::format("use CA file {}", ca_file->string());
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(*ca_file, ignored)) {
        throw_git_failure(operation, "no such file");
    }
    set_cert_locations(ca_file->c_str(), nullptr, operation);
    g_ca_file = ca_file;
}

} // namespace draftsmith::git
