#pragma once
// The world one `draftsmith run` end-to-end test lives in: a repository on a
// real git http-backend server (main, and a pull request's branch `feature`),
// a depth-1 checkout of main as CI makes it, recorded model answers, and the
// draftsmith binary started with a CI service's environment.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "git/git_server.hpp"
#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"

namespace draftsmith::test {

// One model turn: content blocks (text or tool calls) and a stop reason.
struct Turn {
    std::vector<nlohmann::json> blocks;
    std::string stop_reason = "tool_use";
};

nlohmann::json text_block(const std::string& text);
nlohmann::json tool_call(const std::string& name, nlohmann::json input);

// Variant i: replace the submit buttons' background by `colour`, then finish.
std::vector<Turn> recolour(const std::string& colour);

// tests/fakes/llm/fake_llm.py on 127.0.0.1, answering by a script.
class FakeLlm {
public:
    explicit FakeLlm(const std::filesystem::path& log_file);
    std::string base() const;
    void script(const nlohmann::json& script); // {"steps": [...], "default": {...}}
    std::size_t requests();                    // model requests seen
    nlohmann::json requests_seen();            // each: method, path, query, headers, body
    std::vector<std::string> request_bodies(); // their bodies, in order

private:
    ServerProcess m_server;
};

class World {
public:
    // `feature_files`: more files the pull request's branch adds.
    explicit World(const std::map<std::string, std::string>& feature_files = {});

    // Writes a replay recording (variant -> its turns) and returns its path.
    std::filesystem::path recording(const std::map<int, std::vector<Turn>>& variants);

    // Runs the draftsmith binary in the checkout with `environment` added.
    ProcessResult draftsmith(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& environment,
                             std::function<void(int pid)> on_start = {});

    // `git` in the server's bare repository (REQUIREs success).
    std::string server_git(const std::vector<std::string>& args) const;
    // The server's branches under draftsmith/.
    std::vector<std::string> server_variant_branches() const;
    // The Authorization header value the git server accepts.
    std::string git_authorization() const;

    const std::filesystem::path& root() const { return m_dir.path(); }
    const std::filesystem::path& checkout() const { return m_checkout; }
    const std::filesystem::path& bare() const { return m_bare; }
    const std::string& head_sha() const { return m_head; }
    const std::string& base_sha() const { return m_base; }

private:
    TempDir m_dir;
    GitHttpServer m_server;
    std::filesystem::path m_bare;
    std::filesystem::path m_checkout;
    std::string m_head;
    std::string m_base;
    int m_recordings = 0;
};

} // namespace draftsmith::test
