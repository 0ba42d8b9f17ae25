#pragma once
// A real smart-HTTP git server for tests: `git http-backend` as a CGI behind
// lighttpd on 127.0.0.1 (free port), with basic auth for every request, and
// optionally TLS with a CA and server certificate made by openssl for this
// run. Bare repositories live under root/repos; stopped by the destructor.

#include <filesystem>
#include <optional>
#include <string>

#include "support/server.hpp"

namespace draftsmith::test {

enum class Tls { off, on };

class GitHttpServer {
public:
    static constexpr const char* k_user = "ann";
    static constexpr const char* k_password = "correct-horse-battery";

    GitHttpServer(const std::filesystem::path& root, Tls tls);

    // http(s)://127.0.0.1:<port>/git/<name>.git
    std::string url(const std::string& name) const;
    // The bare repository behind url(name).
    std::filesystem::path repo(const std::string& name) const;
    // Makes the bare repository `name` holding what `source` has on main.
    std::filesystem::path create_repo(const std::string& name,
                                      const std::filesystem::path& source) const;
    // Installs a pre-receive hook that prints `message` and refuses every push.
    void refuse_pushes(const std::string& name, const std::string& message) const;
    // Installs an update hook that refuses refs whose name contains `pattern`.
    void refuse_refs(const std::string& name, const std::string& pattern) const;
    // The CA that signed the server certificate (Tls::on).
    const std::filesystem::path& ca_file() const noexcept { return m_ca_file; }

private:
    std::filesystem::path m_root;
    std::filesystem::path m_ca_file;
    std::string m_scheme;
    int m_port = 0;
    std::optional<ServerProcess> m_process;
};

} // namespace draftsmith::test
