// net::HttpClient against a real HTTP server process on 127.0.0.1
// (tests/fakes/http/scripted_server.py), scripted per test: retries, waits,
// timeouts, streaming, connection reuse and redaction.

#include "draftsmith/net/http.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
namespace net = draftsmith::net;
namespace dlog = draftsmith::log;
using draftsmith::test::ServerProcess;
using draftsmith::test::TempDir;

namespace {

// The scripted server, its base URL, and a client whose waits are recorded
// instead of slept.
struct Fixture {
    TempDir dir;
    ServerProcess server;
    std::string base;
    std::mutex waits_mutex;
    std::vector<std::chrono::milliseconds> waits;

    Fixture()
        : server(ServerProcess::reporting_port(
              {"python3", draftsmith::test::source_path("tests/fakes/http/scripted_server.py")},
              dir / "server.log"))
        , base("http://127.0.0.1:" + std::to_string(server.port()))
    {
    }

    net::ClientOptions options()
    {
        net::ClientOptions o;
        o.connect_timeout = 5000ms;
        o.total_timeout = 20000ms;
        o.idle_timeout = 1000ms;
        o.retry.max_attempts = 4;
        o.sleep = [this](std::chrono::milliseconds wait) {
            std::lock_guard lock(waits_mutex);
            waits.push_back(wait);
        };
        return o;
    }

    void script(const json& steps, const json& fallback = nullptr)
    {
        auto control = net::make_http_client({});
        json body = {{"steps", steps.is_null() ? json::array() : steps}};
        if (!fallback.is_null()) {
            body["default"] = fallback;
        }
        const auto response =
            control->send({net::Method::post, base + "/__script", {}, body.dump(), {}, {}, {}});
        REQUIRE(response.status == 200);
    }

    json requests()
    {
        auto control = net::make_http_client({});
        const auto response =
            control->send({net::Method::get, base + "/__requests", {}, {}, {}, {}, {}});
        REQUIRE(response.status == 200);
        return json::parse(response.body);
    }

    net::Request post(const std::string& path, std::string body = "{}")
    {
        net::Request request;
        request.method = net::Method::post;
        request.url = base + path;
        request.headers = {{"content-type", "application/json"}};
        request.body = std::move(body);
        return request;
    }
};

json status(int code, json headers = json::object(), json body = json::object())
{
    return {{"status", code}, {"headers", std::move(headers)}, {"body", std::move(body)}};
}

const json k_reset = {{"fault", "reset"}};
const json k_ok = {{"status", 200}, {"body", {{"ok", true}}}};
const json k_overloaded = {
    {"status", 529},
    {"body",
     {{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}}};

} // namespace

TEST_CASE("net::HttpClient, retries on 408, 429, 5xx and 529")
{
    Fixture fake;
    auto client = net::make_http_client(fake.options());

    SUBCASE("a 529 storm of 3 then success costs exactly 4 requests")
    {
        fake.script(json::array({k_overloaded, k_overloaded, k_overloaded, k_ok}));
        const auto response = client->send(fake.post("/v1/messages"));
        CHECK(response.status == 200);
        CHECK(response.attempts == 4);
        CHECK(json::parse(response.body)["ok"] == true);
        CHECK(fake.requests().size() == 4);
        REQUIRE(fake.waits.size() == 3);
        // Backoff with full jitter: never above 0.5 s, 1 s, 2 s.
        CHECK(fake.waits[0] <= 500ms);
        CHECK(fake.waits[1] <= 1000ms);
        CHECK(fake.waits[2] <= 2000ms);
    }
    SUBCASE("408, 500, 503 are retried too")
    {
        fake.script(json::array({status(408), status(500), status(503), k_ok}));
        CHECK(client->send(fake.post("/x")).attempts == 4);
    }
    SUBCASE("after the last attempt the last response is returned, not thrown")
    {
        fake.script(json::array({k_overloaded, k_overloaded, k_overloaded, k_overloaded, k_ok}));
        const auto response = client->send(fake.post("/v1/messages"));
        CHECK(response.status == 529);
        CHECK(response.attempts == 4);
        CHECK(json::parse(response.body)["error"]["type"] == "overloaded_error");
        CHECK(fake.requests().size() == 4);
    }
}

TEST_CASE("net::HttpClient, never retries other 4xx")
{
    Fixture fake;
    auto client = net::make_http_client(fake.options());
    for (int code : {400, 401, 403, 404, 409, 422}) {
        CAPTURE(code);
        fake.script(json::array({status(code), k_ok}));
        const auto response = client->send(fake.post("/x"));
        CHECK(response.status == code);
        CHECK(response.attempts == 1);
        CHECK(fake.requests().size() == 1);
    }
    CHECK(fake.waits.empty());
}

TEST_CASE("net::HttpClient, x-should-retry overrides the status")
{
    Fixture fake;
    auto client = net::make_http_client(fake.options());
    SUBCASE("false on a 500: no retry")
    {
        fake.script(json::array({status(500, {{"x-should-retry", "false"}}), k_ok}));
        CHECK(client->send(fake.post("/x")).status == 500);
        CHECK(fake.requests().size() == 1);
    }
    SUBCASE("true on a 400: retried")
    {
        fake.script(json::array({status(400, {{"x-should-retry", "true"}}), k_ok}));
        CHECK(client->send(fake.post("/x")).attempts == 2);
    }
}

TEST_CASE("net::HttpClient, waits the server asks for")
{
    Fixture fake;
    auto client = net::make_http_client(fake.options());
    SUBCASE("retry-after-ms")
    {
        fake.script(json::array({status(429, {{"retry-after-ms", "250"}}), k_ok}));
        CHECK(client->send(fake.post("/x")).attempts == 2);
        CHECK(fake.waits == std::vector<std::chrono::milliseconds>{250ms});
    }
    SUBCASE("Retry-After in seconds")
    {
        fake.script(json::array(
            {status(429, {{"Retry-After", "7"}}), status(503, {{"Retry-After", "0.5"}}), k_ok}));
        CHECK(client->send(fake.post("/x")).attempts == 3);
        CHECK(fake.waits == std::vector<std::chrono::milliseconds>{7000ms, 500ms});
    }
    SUBCASE("Retry-After as an HTTP date")
    {
        fake.script(
            json::array({status(429, {{"Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT"}}), k_ok}));
        // Decades away: beyond the cap, so the 429 comes back at once.
        const auto response = client->send(fake.post("/x"));
        CHECK(response.status == 429);
        CHECK(response.attempts == 1);
        CHECK(fake.waits.empty());
    }
    SUBCASE("a wait beyond the cap is not waited for")
    {
        fake.script(json::array({status(429, {{"retry-after", "120"}}), k_ok}));
        const auto response = client->send(fake.post("/x"));
        CHECK(response.status == 429);
        CHECK(fake.requests().size() == 1);
        CHECK(fake.waits.empty());
    }
}

TEST_CASE("net::HttpClient, the retry budget is shared by every request of a run")
{
    Fixture fake;
    auto options = fake.options();
    options.retry.budget = std::make_shared<net::RetryBudget>(2);
    auto client = net::make_http_client(options);
    auto other = net::make_http_client(options);
    fake.script(json::array(), status(500));
    CHECK(client->send(fake.post("/x")).attempts == 3); // 2 retries spent
    CHECK(other->send(fake.post("/x")).attempts == 1);  // none left
    CHECK(fake.requests().size() == 4);
    CHECK(options.retry.budget->left() <= 0);
}

TEST_CASE("net::HttpClient, transport failures")
{
    Fixture fake;
    SUBCASE("a connection reset is retried")
    {
        auto client = net::make_http_client(fake.options());
        fake.script(json::array({k_reset, k_ok}));
        const auto response = client->send(fake.post("/x"));
        CHECK(response.status == 200);
        CHECK(response.attempts == 2);
        CHECK(fake.requests().size() == 2);
    }
    SUBCASE("a stalled body ends with an idle-timeout error, after the retries")
    {
        auto options = fake.options();
        options.retry.max_attempts = 2;
        auto client = net::make_http_client(options);
        fake.script(json::array(), {{"fault", "stall"}, {"body", "{\"partial\":"}, {"seconds", 4}});
        CHECK_THROWS_WITH_AS(client->send(fake.post("/slow")),
                             doctest::Contains(("POST " + fake.base +
                                                "/slow: no data received for 1 s (idle timeout) "
                                                "(after 2 attempts)")
                                                   .c_str()),
                             draftsmith::Error);
        CHECK(fake.requests().size() == 2);
        CHECK(fake.waits.size() == 1);
    }
    SUBCASE("a refused connection is retried, then reported")
    {
        auto options = fake.options();
        options.retry.max_attempts = 3;
        auto client = net::make_http_client(options);
        const auto port = draftsmith::test::free_port();
        net::Request request;
        request.url = "http://127.0.0.1:" + std::to_string(port) + "/nothing";
        try {
            client->send(request);
            FAIL("no error");
        } catch (const draftsmith::Error& e) {
            CHECK(e.category() == draftsmith::ErrorCategory::network);
            CHECK(std::string(e.what()).find("GET " + request.url + ": ") == 0);
            CHECK(std::string(e.what()).find("(after 3 attempts)") != std::string::npos);
        }
        CHECK(fake.waits.size() == 2);
    }
    SUBCASE("a body cut short is retried")
    {
        auto client = net::make_http_client(fake.options());
        fake.script(json::array({{{"fault", "cut"}, {"body", "{\"half\":"}}, k_ok}));
        CHECK(client->send(fake.post("/x")).attempts == 2);
    }
}

TEST_CASE("net::HttpClient, streamed bodies")
{
    Fixture fake;
    auto client = net::make_http_client(fake.options());
    std::string received;
    int chunks = 0;
    auto request = fake.post("/stream");
    request.on_body_chunk = [&](std::string_view chunk) {
        received += chunk;
        ++chunks;
    };
    SUBCASE("a 2xx body arrives through the callback")
    {
        fake.script(json::array(
            {{{"chunks", json::array({"event: a\n\n", "event: b\n\n"})}, {"chunk_delay", 0.05}}}));
        const auto response = client->send(request);
        CHECK(response.status == 200);
        CHECK(response.body.empty());
        CHECK(received == "event: a\n\nevent: b\n\n");
        CHECK(chunks >= 2);
    }
    SUBCASE("a non-2xx body is collected, and retried as usual")
    {
        fake.script(json::array({k_overloaded, {{"chunks", json::array({"data: x\n\n"})}}}));
        const auto response = client->send(request);
        CHECK(response.attempts == 2);
        CHECK(received == "data: x\n\n");
    }
    SUBCASE("a stream that breaks after a chunk is not retried")
    {
        fake.script(json::array({{{"fault", "cut"}, {"body", "event: message_start\n"}}, k_ok}));
        CHECK_THROWS_WITH(client->send(request),
                          doctest::Contains("the response stream broke off"));
        CHECK(received == "event: message_start\n");
        CHECK(fake.requests().size() == 1);
    }
    SUBCASE("an exception from the callback reaches the caller unchanged")
    {
        fake.script(json::array({{{"chunks", json::array({"event: error\n\n"})}}}));
        request.on_body_chunk = [](std::string_view) {
            throw std::runtime_error("overloaded in stream");
        };
        CHECK_THROWS_WITH_AS(client->send(request), "overloaded in stream", std::runtime_error);
        CHECK(fake.requests().size() == 1);
    }
}

TEST_CASE("net::HttpClient, connections are reused and requests may run in parallel")
{
    Fixture fake;
    auto client = net::make_http_client(fake.options());
    fake.script(json::array(), k_ok);
    SUBCASE("sequential requests share one connection")
    {
        for (int i = 0; i < 5; ++i) {
            CHECK(client->send(fake.post("/x")).status == 200);
        }
        std::set<int> ports;
        for (const auto& request : fake.requests()) {
            ports.insert(request["peer_port"].get<int>());
        }
        CHECK(ports.size() == 1);
    }
    SUBCASE("parallel requests from 6 threads all succeed")
    {
        std::vector<std::thread> threads;
        std::atomic<int> succeeded{0};
        for (int t = 0; t < 6; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 5; ++i) {
                    if (client->send(fake.post("/x")).status == 200) {
                        ++succeeded;
                    }
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        CHECK(succeeded == 30);
        std::set<int> ports;
        for (const auto& request : fake.requests()) {
            ports.insert(request["peer_port"].get<int>());
        }
        CHECK(fake.requests().size() == 30);
        CHECK(ports.size() <= 6); // pooled: no more connections than threads
    }
}

TEST_CASE("net::HttpClient, a key never appears in errors or logs")
{
    Fixture fake;
    const draftsmith::Secret key("sk-ant-test-KEY-0123456789");
    std::vector<std::string> lines;
    std::mutex lines_mutex;
    dlog::set_sink([&](std::string_view line) {
        std::lock_guard lock(lines_mutex);
        lines.emplace_back(line);
    });
    dlog::configure(dlog::Level::trace, dlog::Format::text, dlog::Color::never);

    auto options = fake.options();
    options.retry.max_attempts = 2;
    auto client = net::make_http_client(options);
    std::string message;
    SUBCASE("in a transport error, the trace and the retry notes")
    {
        fake.script(json::array({k_overloaded}), k_reset);
        auto request = fake.post("/v1/messages?key=" + key.reveal());
        request.headers.emplace_back("x-api-key", key.reveal());
        request.headers.emplace_back("authorization", "Bearer unregistered-token-value");
        try {
            client->send(request);
        } catch (const draftsmith::Error& e) {
            message = e.what();
        }
        CHECK(message.find("?key=***") != std::string::npos);
        // The server did receive the key: it was sent, only never shown.
        CHECK(fake.requests()[0]["headers"]["x-api-key"] == key.reveal());
    }
    dlog::set_sink({});
    dlog::configure(dlog::Level::info, dlog::Format::text, dlog::Color::never);

    CHECK_FALSE(message.empty());
    CHECK(message.find(key.reveal()) == std::string::npos);
    bool saw_masked_header = false;
    bool saw_retry_note = false;
    for (const auto& line : lines) {
        CAPTURE(line);
        CHECK(line.find(key.reveal()) == std::string::npos);
        CHECK(line.find("unregistered-token-value") == std::string::npos);
        saw_masked_header = saw_masked_header || line.find("x-api-key: ***") != std::string::npos;
        saw_retry_note = saw_retry_note || line.find("HTTP 529; retry 1 of 1") != std::string::npos;
    }
    CHECK(saw_masked_header);
    CHECK(saw_retry_note);
}

TEST_CASE("net::interrupt_all, ends transfers and waits at once")
{
    Fixture fake;
    auto options = fake.options();
    options.sleep = nullptr; // the real, interruptible wait
    options.idle_timeout = 60000ms;
    auto client = net::make_http_client(options);
    const auto wait_for_request = [&] {
        for (int i = 0; i < 400 && fake.requests().empty(); ++i) {
            std::this_thread::sleep_for(25ms); // polling the fake, not timing the code
        }
        REQUIRE(fake.requests().size() == 1);
    };
    std::string message;
    draftsmith::ErrorCategory category = draftsmith::ErrorCategory::internal;
    const auto send_in_background = [&] {
        return std::thread([&] {
            try {
                client->send(fake.post("/v1/messages"));
            } catch (const draftsmith::Error& e) {
                message = e.what();
                category = e.category();
            }
        });
    };
    SUBCASE("a transfer that waits for a slow server")
    {
        fake.script(json::array({{{"fault", "stall"}, {"body", "{"}, {"seconds", 30}}}));
        auto thread = send_in_background();
        wait_for_request();
        net::interrupt_all();
        thread.join();
    }
    SUBCASE("a long Retry-After wait")
    {
        fake.script(json::array({status(429, {{"retry-after", "50"}}), k_ok}));
        auto thread = send_in_background();
        wait_for_request();
        net::interrupt_all();
        thread.join();
        net::clear_interrupt();
        CHECK(fake.requests().size() == 1); // never sent again
        net::interrupt_all();
    }
    CHECK(net::interrupted());
    net::clear_interrupt();
    CHECK(category == draftsmith::ErrorCategory::interrupted);
    CHECK(message == "POST " + fake.base + "/v1/messages: interrupted");
}

TEST_CASE("net::HttpClient, redirects are never followed, so a token never goes elsewhere")
{
    // A host or proxy answering 301/302/307/308 could point the client (and the
    // Authorization header it carries) anywhere; draftsmith reports the status
    // instead of following it.
    Fixture fake;
    auto client = net::make_http_client(fake.options());
    for (int code : {301, 302, 303, 307, 308}) {
        CAPTURE(code);
        fake.script(json::array({status(code, {{"Location", fake.base + "/elsewhere"}}), k_ok}));
        auto request = fake.post("/repos/o/r/pulls");
        request.headers.emplace_back("authorization", "Bearer ghp_redirecttoken");
        const auto response = client->send(request);
        CHECK(response.status == code);
        CHECK(response.attempts == 1);
        const auto seen = fake.requests();
        REQUIRE(seen.size() == 1);
        CHECK(seen[0]["path"] == "/repos/o/r/pulls");
    }
}
