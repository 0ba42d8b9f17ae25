// Conformance of host/'s requests with the official API descriptions, checked
// by Prism mock servers (tests/specs, installed by the spec_kit fixture):
//   - GitHub: github/github-rest.trimmed.json
//   - Azure DevOps: ado/ado-git-7.1.strict.json, plus the thread and comment
//     operations it lacks (get/update a comment, update a thread), trimmed
//     here from the same upstream ado/7.1/git.json with the kit's own tool
//     and the same strictness (ado-extra-ops.json).
// Operations no spec in the kit describes, so only the fakes check them:
// GitHub "get an issue comment" and "get repository permissions for a user",
// Azure DevOps "read identities" (a different API area than git).
#include "draftsmith/host/host.hpp"
#include "draftsmith/host/idempotency.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/server.hpp"
#include "support/temp_dir.hpp"

using nlohmann::json;
namespace host = draftsmith::host;
namespace net = draftsmith::net;
using draftsmith::test::ServerProcess;
using draftsmith::test::TempDir;

namespace {

const std::string k_kit = DRAFTSMITH_SPEC_KIT;

// Passes requests to the libcurl client and keeps every exchange.
class RecordingClient : public net::HttpClient {
public:
    struct Exchange {
        net::Request request;
        net::Response response;
    };

    RecordingClient()
        : m_client(net::make_http_client(options()))
    {
    }

    net::Response send(const net::Request& request) override
    {
        auto response = m_client->send(request);
        std::lock_guard lock(m_mutex);
        m_exchanges.push_back({request, response});
        return response;
    }

    std::vector<Exchange> exchanges()
    {
        std::lock_guard lock(m_mutex);
        return m_exchanges;
    }

private:
    static net::ClientOptions options()
    {
        net::ClientOptions o;
        o.retry.max_attempts = 1; // a validation failure must show, not be retried away
        o.total_timeout = std::chrono::milliseconds(30000);
        return o;
    }

    std::unique_ptr<net::HttpClient> m_client;
    std::mutex m_mutex;
    std::vector<Exchange> m_exchanges;
};

struct Prism {
    int port;
    ServerProcess server;

    Prism(const std::string& spec, const std::filesystem::path& log)
        : port(draftsmith::test::free_port())
        , server({k_kit + "/node_modules/.bin/prism", "mock", "-h", "127.0.0.1", "-p",
                  std::to_string(port), spec},
                 log)
    {
        server.wait_until_accepting(port, std::chrono::seconds(120));
    }

    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }
};

std::size_t count(const std::string& text, const std::string& needle)
{
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

// The sl-violations Prism reports about the request (it also reports its own
// example responses, e.g. Azure DevOps' {count, value} where the spec says
// array: not ours to fix).
std::vector<std::string> request_violations(const net::Response& response)
{
    std::vector<std::string> found;
    const auto header = response.header("sl-violations");
    if (!header) {
        return found;
    }
    const auto violations = json::parse(*header, nullptr, false);
    if (!violations.is_array()) {
        found.push_back("unparsable sl-violations: " + *header);
        return found;
    }
    for (const auto& violation : violations) {
        const auto& location = violation.value("location", json::array());
        if (location.empty() || location[0] != "response") {
            found.push_back(violation.dump());
        }
    }
    return found;
}

// Every exchange passed validation: no 422, no request violation, a 2xx.
void check_all_valid(RecordingClient& client)
{
    const auto exchanges = client.exchanges();
    CHECK(exchanges.size() > 0);
    for (const auto& exchange : exchanges) {
        INFO(net::to_string(exchange.request.method), " ", exchange.request.url, " ",
             exchange.request.body, " -> ", exchange.response.status, " ",
             exchange.response.body.substr(0, 600));
        CHECK(exchange.response.status != 422);
        CHECK(request_violations(exchange.response).empty());
        CHECK(exchange.response.ok());
    }
}

// A request the spec forbids must come back 422: Prism is really validating.
void check_rejected(const std::string& url, const std::string& body, const net::Headers& headers)
{
    auto client = net::make_http_client({});
    net::Request request;
    request.method = net::Method::post;
    request.url = url;
    request.body = body;
    request.headers = headers;
    request.headers.emplace_back("Content-Type", "application/json");
    const auto response = client->send(request);
    INFO(url, " ", body, " -> ", response.status, " ", response.body);
    CHECK(response.status == 422);
}

} // namespace

TEST_CASE("conformance::host github, every operation against the official spec")
{
    TempDir dir;
    Prism prism(k_kit + "/github/github-rest.trimmed.json", dir / "prism-github.log");
    auto client = std::make_shared<RecordingClient>();

    host::Options options;
    options.kind = host::Kind::github;
    options.api_url = prism.base();
    options.token = draftsmith::Secret("ghs_conformance_token");
    options.owner = "octo-org";
    options.repository = "app";
    auto github = host::make_host(options, client);

    const host::RequestKey key{1347, {1, 0}};
    const auto pr = github->get_pull_request(1347);
    CHECK(pr.number == 1347);
    github->find_pull_requests(host::variant_branch("draftsmith/", key, 1));
    github->create_pull_request({host::variant_branch("draftsmith/", key, 1), pr.head_branch,
                                 "🔧 AI Edit v1: buttons", "body\n" + host::request_marker(key, 1)});
    github->update_pull_request(1347, {std::string("🔧 AI Edit v1: buttons"),
                                       std::string("body\n" + host::request_marker(key, 1)), true});
    const auto reply = github->comment(1347, "Working on 3 variants");
    github->update_comment(1347, reply, "Done");
    github->list_comments(1347);
    github->set_status(pr, {host::StatusState::pending, "working", "https://ci.example/1"});
    github->set_status(pr, {host::StatusState::succeeded, "done", ""});
    github->set_status(pr, {host::StatusState::failed, "failed", ""});
    for (const auto reaction :
         {host::Reaction::eyes, host::Reaction::rocket, host::Reaction::confused}) {
        github->react(1347, {1, 0}, reaction);
    }
    check_all_valid(*client);

    check_rejected(prism.base() + "/repos/octo-org/app/statuses/" + pr.head_sha,
                   R"({"state":"green","context":"draftsmith"})",
                   {{"Authorization", "Bearer x"}, {"Accept", "application/vnd.github+json"}});
    const auto log = draftsmith::file::read_all(dir / "prism-github.log");
    CHECK(count(log, "did not pass the validation rules") == 1);
    CHECK(count(log, "The request passed the validation rules") == client->exchanges().size());
}

TEST_CASE("conformance::host azure devops, every operation against the official spec")
{
    TempDir dir;
    // The operations the kit's strict spec lacks, trimmed from the same upstream file.
    const auto extra = dir / "ado-extra.json";
    const auto trim = draftsmith::test::run_process(
        {DRAFTSMITH_NODE, k_kit + "/tools/trim-spec.mjs", "--in", k_kit + "/ado/7.1/git.json",
         "--out", extra.string(), "--config",
         std::string(DRAFTSMITH_CONFORMANCE_DIR) + "/ado-extra-ops.json"});
    REQUIRE_MESSAGE(trim.exit_code == 0, trim.err);
    const auto compiles =
        draftsmith::test::run_process({DRAFTSMITH_NODE, k_kit + "/tools/prism-schema-check.cjs",
                                       extra.string(), k_kit + "/ado/ado-git-7.1.strict.json"});
    REQUIRE_MESSAGE(compiles.exit_code == 0, compiles.out, compiles.err);

    Prism strict(k_kit + "/ado/ado-git-7.1.strict.json", dir / "prism-ado.log");
    Prism more(extra.string(), dir / "prism-ado-extra.log");
    auto client = std::make_shared<RecordingClient>();
    auto extra_client = std::make_shared<RecordingClient>();

    host::Options options;
    options.kind = host::Kind::azure_devops;
    options.project = "MyProject";
    options.repository = "3411ebc1-d5aa-464f-9615-0b527bc66719";
    options.token = draftsmith::Secret("ado_conformance_token");
    options.api_url = strict.base() + "/fabrikam/";
    auto ado = host::make_host(options, client);
    options.api_url = more.base() + "/fabrikam/";
    auto ado_extra = host::make_host(options, extra_client);
    options.auth = host::AuthScheme::basic_pat;
    options.api_url = strict.base() + "/fabrikam/";
    auto ado_pat = host::make_host(options, client);

    const host::RequestKey key{22, {2, 5}};
    const auto pr = ado->get_pull_request(22);
    CHECK(pr.number == 22);
    ado_pat->get_pull_request(22);
    ado->find_pull_requests(host::variant_branch("draftsmith/", key, 1));
    ado->create_pull_request({host::variant_branch("draftsmith/", key, 1), "feature/buttons",
                              "🔧 AI Edit v1: buttons", "body\n" + host::request_marker(key, 1)});
    ado->update_pull_request(22, {std::string("🔧 AI Edit v1: buttons"),
                                  std::string("body\n" + host::request_marker(key, 1)), true});
    ado->comment(22, "Working on 3 variants");
    ado->comment(22, "Working on it", host::CommentRef{2, 5});
    ado->list_comments(22);
    for (const auto state :
         {host::StatusState::pending, host::StatusState::succeeded, host::StatusState::failed}) {
        ado->set_status(pr, {state, "3 variants", "https://dev.azure.com/fabrikam/run/1"});
    }
    check_all_valid(*client);

    ado_extra->get_comment(22, {2, 5}); // Prism's generated comment may say isDeleted
    ado_extra->update_comment(22, {2, 5}, "Done: 3 draft pull requests");
    for (const auto reaction :
         {host::Reaction::eyes, host::Reaction::rocket, host::Reaction::confused}) {
        ado_extra->react(22, {2, 5}, reaction);
    }
    check_all_valid(*extra_client);

    const net::Headers auth = {{"Authorization", "Basic OnBhdA=="}};
    const auto repo = "/fabrikam/MyProject/_apis/git/repositories/repo1";
    check_rejected(strict.base() + repo + "/pullrequests?api-version=7.1",
                   R"({"sourceRefName":"refs/heads/a","title":"t","isDraft":true})", auth);
    check_rejected(
        strict.base() + repo + "/pullRequests/22/threads?api-version=7.1",
        R"({"comments":[{"parentCommentId":0,"content":"x","commentType":1}],"status":1})", auth);
    const auto log = draftsmith::file::read_all(dir / "prism-ado.log");
    CHECK(count(log, "did not pass the validation rules") == 2);
    CHECK(count(log, "The request passed the validation rules") == client->exchanges().size());
    const auto extra_log = draftsmith::file::read_all(dir / "prism-ado-extra.log");
    CHECK(count(extra_log, "did not pass the validation rules") == 0);
    CHECK(count(extra_log, "The request passed the validation rules") ==
          extra_client->exchanges().size());
}
