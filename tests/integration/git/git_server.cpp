#include "git_server.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <stdexcept>

#include "git_cli.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace draftsmith::test {
namespace {

void run_or_throw(const std::vector<std::string>& argv, const std::filesystem::path& dir)
{
    ProcessOptions options;
    options.working_dir = dir.string();
    const auto result = run_process(argv, options);
    if (result.exit_code != 0) {
        throw std::runtime_error(fmt::format("{} failed: {}", argv[0], result.err));
    }
}

// A CA and a certificate for 127.0.0.1 signed by it. mbedTLS (libgit2's TLS
// on Debian) matches the host against DNS names, so the address is both a
// DNS and an IP subject alternative name.
void make_certificates(const std::filesystem::path& dir)
{
    write_file(dir / "server.ext", "basicConstraints=CA:FALSE\n"
                                   "keyUsage=digitalSignature,keyEncipherment\n"
                                   "extendedKeyUsage=serverAuth\n"
                                   "subjectAltName=DNS:127.0.0.1,IP:127.0.0.1\n");
    run_or_throw({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                  "-out", "ca.pem", "-days", "2", "-subj", "/CN=draftsmith test CA"},
                 dir);
    run_or_throw({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
                  "-out", "server.csr", "-subj", "/CN=127.0.0.1"},
                 dir);
    run_or_throw({"openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
                  "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile",
                  "server.ext"},
                 dir);
}

} // namespace

GitHttpServer::GitHttpServer(const std::filesystem::path& root, Tls tls)
    : m_root(root)
    , m_scheme(tls == Tls::on ? "https" : "http")
    , m_port(free_port())
{
    std::filesystem::create_directories(m_root / "repos");
    std::filesystem::create_directories(m_root / "www");
    write_file(m_root / "users", fmt::format("{}:{}\n", k_user, k_password));

    std::string tls_config;
    if (tls == Tls::on) {
        make_certificates(m_root);
        m_ca_file = m_root / "ca.pem";
        tls_config =
            fmt::format("server.modules += (\"mod_openssl\")\n"
                        "ssl.engine = \"enable\"\n"
                        "ssl.pemfile = \"{}\"\n"
                        "ssl.privkey = \"{}\"\n",
                        (m_root / "server.pem").string(), (m_root / "server.key").string());
    }
    write_file(
        m_root / "lighttpd.conf",
        fmt::format("server.modules = (\"mod_alias\", \"mod_setenv\", \"mod_auth\", "
                    "\"mod_authn_file\", \"mod_cgi\")\n"
                    "server.document-root = \"{root}/www\"\n"
                    "server.errorlog = \"{root}/lighttpd-error.log\"\n"
                    "server.bind = \"127.0.0.1\"\n"
                    "server.port = {port}\n"
                    "alias.url = (\"/git\" => \"/usr/lib/git-core/git-http-backend\")\n"
                    "$HTTP[\"url\"] =~ \"^/git\" {{\n"
                    "  cgi.assign = (\"\" => \"\")\n"
                    "  setenv.set-environment = (\"GIT_PROJECT_ROOT\" => \"{root}/repos\",\n"
                    "    \"GIT_HTTP_EXPORT_ALL\" => \"\", \"GIT_CONFIG_NOSYSTEM\" => \"1\",\n"
                    "    \"PATH\" => \"/usr/bin:/bin\")\n"
                    "}}\n"
                    "auth.backend = \"plain\"\n"
                    "auth.backend.plain.userfile = \"{root}/users\"\n"
                    "auth.require = (\"/git\" => (\"method\" => \"basic\", \"realm\" => \"git\", "
                    "\"require\" => \"valid-user\"))\n"
                    "{tls}",
                    fmt::arg("root", m_root.string()), fmt::arg("port", m_port),
                    fmt::arg("tls", tls_config)));
    m_process.emplace(std::vector<std::string>{"/usr/sbin/lighttpd", "-D", "-f",
                                               (m_root / "lighttpd.conf").string()},
                      m_root / "lighttpd.log");
    m_process->wait_until_accepting(m_port);
}

std::string GitHttpServer::url(const std::string& name) const
{
    return fmt::format("{}://127.0.0.1:{}/git/{}.git", m_scheme, m_port, name);
}

std::filesystem::path GitHttpServer::repo(const std::string& name) const
{
    return m_root / "repos" / (name + ".git");
}

std::filesystem::path GitHttpServer::create_repo(const std::string& name,
                                                 const std::filesystem::path& source) const
{
    auto path = repo(name);
    git(m_root, {"clone", "-q", "--bare", source.string(), path.string()});
    git(path, {"config", "http.receivepack", "true"});
    git(path, {"config", "uploadpack.allowReachableSHA1InWant", "true"});
    return path;
}

void GitHttpServer::refuse_pushes(const std::string& name, const std::string& message) const
{
    const auto hook = repo(name) / "hooks" / "pre-receive";
    write_file(hook, fmt::format("#!/bin/sh\necho '{}' >&2\nexit 1\n", message));
    std::filesystem::permissions(hook, std::filesystem::perms::owner_all);
}

void GitHttpServer::refuse_refs(const std::string& name, const std::string& pattern) const
{
    const auto hook = repo(name) / "hooks" / "update";
    write_file(hook, fmt::format("#!/bin/sh\ncase \"$1\" in *{}*) echo \"no pushes to $1\" >&2; "
                                 "exit 1;; esac\nexit 0\n",
                                 pattern));
    std::filesystem::permissions(hook, std::filesystem::perms::owner_all);
}

} // namespace draftsmith::test
