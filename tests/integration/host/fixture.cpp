#include "fixture.hpp"

#include "draftsmith/util/file.hpp"
#include "draftsmith/util/log.hpp"

#include <doctest/doctest.h>

#include "support/process.hpp"

namespace draftsmith::test {

using nlohmann::json;

namespace {

std::vector<std::string> fake_argv(const std::string& script, const std::string& token,
                                   const std::vector<std::string>& more)
{
    std::vector<std::string> argv = {DRAFTSMITH_PYTHON, source_path("tests/fakes/hosts/" + script),
                                     "--token", token};
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
}

} // namespace

FakeHost::FakeHost(const std::string& script, const std::string& token,
                   const std::vector<std::string>& more)
    : m_server(ServerProcess::reporting_port(fake_argv(script, token, more), m_dir / "fake.log"))
    , m_base("http://127.0.0.1:" + std::to_string(m_server.port()))
{
}

json FakeHost::control(net::Method method, const std::string& path, const std::string& body)
{
    auto client = net::make_http_client({});
    net::Request request;
    request.method = method;
    request.url = m_base + path;
    request.body = body;
    const auto response = client->send(request);
    REQUIRE(response.status == 200);
    return json::parse(response.body);
}

json FakeHost::state()
{
    return control(net::Method::get, "/__state");
}

void FakeHost::seed(const json& state)
{
    control(net::Method::post, "/__state", state.dump());
}

void FakeHost::inject(const json& faults)
{
    control(net::Method::post, "/__faults", json{{"faults", faults}}.dump());
}

void FakeHost::forget_requests()
{
    control(net::Method::del, "/__requests");
}

std::size_t FakeHost::requests()
{
    return state()["requests"].size();
}

std::string FakeHost::log() const
{
    return file::read_all(m_server.log_file());
}

net::ClientOptions FakeHost::http(int max_attempts)
{
    net::ClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    options.total_timeout = std::chrono::milliseconds(20000);
    options.idle_timeout = std::chrono::milliseconds(5000);
    options.retry.max_attempts = max_attempts;
    options.retry.initial_backoff = std::chrono::milliseconds(1);
    options.retry.max_backoff = std::chrono::milliseconds(2);
    options.sleep = [this](std::chrono::milliseconds wait) {
        std::lock_guard lock(m_mutex);
        m_waits.push_back(wait);
    };
    return options;
}

std::vector<std::chrono::milliseconds> FakeHost::waits()
{
    std::lock_guard lock(m_mutex);
    return m_waits;
}

CapturedLog::CapturedLog()
{
    log::configure(log::Level::trace, log::Format::text, log::Color::never);
    log::set_sink([this](std::string_view line) {
        std::lock_guard lock(m_mutex);
        m_text += line;
        m_text += '\n';
    });
}

CapturedLog::~CapturedLog()
{
    log::set_sink({});
    log::configure(log::Level::warning, log::Format::text, log::Color::never);
}

std::string CapturedLog::text()
{
    std::lock_guard lock(m_mutex);
    return m_text;
}

} // namespace draftsmith::test
