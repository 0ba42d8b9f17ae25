#include "draftsmith/report/outputs.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/secret.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>

#include "support/server.hpp"
#include "support/temp_dir.hpp"

namespace report = draftsmith::report;
namespace net = draftsmith::net;
using draftsmith::test::TempDir;
using nlohmann::ordered_json;
using report::VariantState;
using namespace std::chrono_literals;

namespace {

report::RunRecord sample_run()
{
    report::RunRecord run;
    run.host = "github";
    run.repository = "octo/app \"main\"\\x";
    run.pr = 12;
    run.pr_url = "https://github.com/octo/app/pull/12";
    run.requester = "alice";
    run.intent = "Add retries";
    run.slug = "add-retries";
    run.variants = 2;
    run.request_id = "pr12-c345";
    run.started = std::chrono::system_clock::time_point(
        std::chrono::seconds(1'763'926'200)); // 2025-11-23T19:30:00Z
    run.duration = 185'500ms;
    run.phases = {{"intake", 1200ms}, {"variants", 180s}};
    run.usage.input_tokens = 48000;
    run.usage.output_tokens = 900;
    run.usage.cache_read_input_tokens = 30000;
    run.usage.cache_creation_input_tokens = 12000;
    run.cost_usd = 0.1684;
    run.exit_code = 1;

    report::VariantRecord ok;
    ok.index = 1;
    ok.state = VariantState::succeeded;
    ok.branch = "draftsmith/pr12-c345/v1";
    ok.commit = std::string(40, 'a');
    ok.pr_url = "https://github.com/octo/app/pull/13";
    ok.pr_number = 13;
    ok.files = 2;
    ok.insertions = 10;
    ok.deletions = 1;
    ok.duration = 90s;
    ok.phases = {{"model", 80s}, {"push", 2s}};
    ok.usage.input_tokens = 24000;
    report::VariantRecord failed;
    failed.index = 2;
    failed.state = VariantState::failed;
    failed.reason = "turn limit of 40 reached";
    failed.duration = 95s;
    run.variant_records = {ok, failed};
    return run;
}

} // namespace

TEST_CASE("report::to_json, schema 1")
{
    const auto json = report::to_json(sample_run());
    CAPTURE(json.dump(2));
    CHECK(json["schema"] == 1);
    CHECK(json["request"]["repository"] == "octo/app \"main\"\\x");
    CHECK(json["request"]["pr"] == 12);
    CHECK(json["request"]["comment_url"].is_null());
    CHECK(json["request"]["started"] == "2025-11-23T19:30:00Z");
    CHECK(json["request"]["dry_run"] == false);
    REQUIRE(json["variants"].size() == 2);
    CHECK(json["variants"][0]["state"] == "succeeded");
    CHECK(json["variants"][0]["pr_number"] == 13);
    CHECK(json["variants"][0]["duplicate_of"].is_null());
    CHECK(json["variants"][0]["phases"]["model"] == 80.0);
    CHECK(json["variants"][0]["tokens"]["input"] == 24000);
    CHECK(json["variants"][1]["state"] == "failed");
    CHECK(json["variants"][1]["reason"] == "turn limit of 40 reached");
    CHECK(json["variants"][1]["branch"].is_null());
    CHECK(json["phases"]["intake"] == 1.2);
    CHECK(json["duration_seconds"] == 185.5);
    CHECK(json["tokens"] == ordered_json{{"input", 48000},
                                         {"output", 900},
                                         {"cache_read", 30000},
                                         {"cache_write", 12000},
                                         {"total", 90900}});
    CHECK(json["cost_usd"] == 0.1684);
    CHECK(json["exit_code"] == 1);
    CHECK(json["error"].is_null());
    std::vector<std::string> keys;
    for (const auto& item : json.items()) {
        keys.push_back(item.key());
    }
    CHECK(keys == std::vector<std::string>{"schema", "request", "variants", "phases",
                                           "duration_seconds", "tokens", "cost_usd", "exit_code",
                                           "error"});
}

TEST_CASE("report::write_json_report, secrets masked, errors name the file")
{
    const TempDir dir;
    auto run = sample_run();
    draftsmith::register_secret("sk-outputs-test-4c3b2a");
    run.error = "provider said: bad key sk-outputs-test-4c3b2a";
    report::write_json_report(run, dir / "report.json");
    const auto text = draftsmith::file::read_all(dir / "report.json");
    CHECK(text.find("sk-outputs-test") == std::string::npos);
    CHECK(ordered_json::parse(text)["error"] == "provider said: bad key ***");

    const auto missing = dir / "no" / "such" / "folder" / "report.json";
    try {
        report::write_json_report(run, missing);
        FAIL("expected an error");
    } catch (const draftsmith::Error& error) {
        CHECK(error.category() == draftsmith::ErrorCategory::input);
        CHECK(std::string(error.what()).find(missing.string()) != std::string::npos);
    }
}

TEST_CASE("report::prometheus_text, the exposition format")
{
    const auto text = report::prometheus_text(sample_run());
    CAPTURE(text);

    // Every sample belongs to a family announced by # HELP and # TYPE before it.
    const std::regex help(R"(# HELP ([a-z_]+) .+)");
    const std::regex type(R"(# TYPE ([a-z_]+) (gauge|counter))");
    const std::regex sample(
        R"(([a-z_]+)(\{([a-z_]+="([^"\\\n]|\\[\\"n])*")(,[a-z_]+="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?))");
    std::set<std::string> helped;
    std::set<std::string> typed;
    std::size_t samples = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        REQUIRE(end != std::string::npos); // every line ends with a newline
        const auto line = text.substr(start, end - start);
        CAPTURE(line);
        std::smatch match;
        if (std::regex_match(line, match, help)) {
            helped.insert(match[1]);
        } else if (std::regex_match(line, match, type)) {
            CHECK(helped.count(match[1]) == 1);
            typed.insert(match[1]);
        } else {
            REQUIRE(std::regex_match(line, match, sample));
            CHECK(typed.count(match[1]) == 1);
            ++samples;
        }
        start = end + 1;
    }
    CHECK(samples == 1 + 1 + 9 + 4 + 1 + 2 + 1);

    CHECK(text.find("draftsmith_run_info{host=\"github\",repository=\"octo/app \\\"main\\\"\\\\x\","
                    "request_id=\"pr12-c345\",dry_run=\"false\"} 1\n") != std::string::npos);
    CHECK(text.find("draftsmith_run_duration_seconds 185.5\n") != std::string::npos);
    CHECK(text.find("draftsmith_variants{state=\"succeeded\"} 1\n") != std::string::npos);
    CHECK(text.find("draftsmith_variants{state=\"no-changes\"} 0\n") != std::string::npos);
    CHECK(text.find("draftsmith_tokens_total{kind=\"cache_write\"} 12000\n") != std::string::npos);
    CHECK(text.find("draftsmith_cost_usd 0.1684\n") != std::string::npos);
    CHECK(text.find("draftsmith_variant_duration_seconds{variant=\"2\"} 95\n") !=
          std::string::npos);
    CHECK(text.find("draftsmith_exit_code 1\n") != std::string::npos);

    const TempDir dir;
    report::write_metrics_file(sample_run(), dir / "draftsmith.prom");
    CHECK(draftsmith::file::read_all(dir / "draftsmith.prom") == text);
}

TEST_CASE("report::push_metrics, a real Pushgateway")
{
    const std::filesystem::path binary = "/usr/bin/prometheus-pushgateway";
    REQUIRE_MESSAGE(std::filesystem::exists(binary),
                    "prometheus-pushgateway is missing: run scripts/setup-debian.sh");
    const TempDir dir;
    const int port = draftsmith::test::free_port();
    draftsmith::test::ServerProcess gateway(
        {binary.string(), "--web.listen-address=127.0.0.1:" + std::to_string(port),
         "--persistence.file="},
        dir / "pushgateway.log");
    gateway.wait_until_accepting(port);
    const auto base = "http://127.0.0.1:" + std::to_string(port);

    net::ClientOptions options;
    options.retry.max_attempts = 1;
    const auto http = net::make_http_client(options);

    auto run = sample_run();
    report::push_metrics(*http, base + "/", run);
    const auto first = http->send({net::Method::get, base + "/metrics", {}, {}, {}, {}, {}});
    REQUIRE(first.status == 200);
    CAPTURE(first.body);
    CHECK(
        first.body.find("draftsmith_cost_usd{instance=\"pr12-c345\",job=\"draftsmith\"} 0.1684") !=
        std::string::npos);
    CHECK(
        first.body.find(
            "draftsmith_variants{instance=\"pr12-c345\",job=\"draftsmith\",state=\"failed\"} 1") !=
        std::string::npos);

    SUBCASE("a second push replaces the first")
    {
        run.cost_usd = 0.5;
        report::push_metrics(*http, base, run);
        const auto second = http->send({net::Method::get, base + "/metrics", {}, {}, {}, {}, {}});
        CHECK(second.body.find(
                  "draftsmith_cost_usd{instance=\"pr12-c345\",job=\"draftsmith\"} 0.5\n") !=
              std::string::npos);
        CHECK(second.body.find("0.1684") == std::string::npos);
    }

    SUBCASE("a refusal is an Error(network) with the gateway's answer")
    {
        try {
            report::push_metrics(*http, base + "/nowhere", run);
            FAIL("expected an error");
        } catch (const draftsmith::Error& error) {
            CHECK(error.category() == draftsmith::ErrorCategory::network);
            const std::string message = error.what();
            CAPTURE(message);
            CHECK(message.find("the Pushgateway answered 404") != std::string::npos);
            CHECK(message.find(base + "/nowhere/metrics/job/draftsmith/instance/pr12-c345") !=
                  std::string::npos);
        }
    }
}
