#pragma once
// A fake hosting service process (tests/fakes/hosts/) for one test case: its
// base URL, control endpoints (/__state, /__faults), and host options whose
// client records its waits instead of sleeping them.

#include "draftsmith/host/host.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "support/server.hpp"
#include "support/temp_dir.hpp"

namespace draftsmith::test {

class FakeHost {
public:
    // script: "fake_github.py" or "fake_azure_devops.py"; token: what it demands;
    // more: further arguments ("--git-dir", DIR).
    FakeHost(const std::string& script, const std::string& token,
             const std::vector<std::string>& more = {});

    const std::string& base() const { return m_base; }
    nlohmann::json state();
    void seed(const nlohmann::json& state);
    void inject(const nlohmann::json& faults);
    void forget_requests();
    // How many API requests (control endpoints excluded) the fake has seen.
    std::size_t requests();
    std::string log() const; // the fake's stderr

    // Retry: max_attempts attempts, waits recorded in waits().
    net::ClientOptions http(int max_attempts = 3);
    std::vector<std::chrono::milliseconds> waits();

private:
    nlohmann::json control(net::Method method, const std::string& path,
                           const std::string& body = {});

    TempDir m_dir;
    ServerProcess m_server;
    std::string m_base;
    std::mutex m_mutex;
    std::vector<std::chrono::milliseconds> m_waits;
};

// Log lines written while it lives, at trace level.
class CapturedLog {
public:
    CapturedLog();
    ~CapturedLog();
    std::string text();

private:
    std::mutex m_mutex;
    std::string m_text;
};

} // namespace draftsmith::test
