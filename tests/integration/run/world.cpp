#include "world.hpp"

#include "draftsmith/net/http.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "git_cli.hpp"

namespace draftsmith::test {

using nlohmann::json;

namespace {

std::string base64(std::string_view in)
{
    static constexpr char k_alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (const unsigned char c : in) {
        bits = (bits << 8U) | c;
        count += 8;
        while (count >= 6) {
            count -= 6;
            out += k_alphabet[(bits >> static_cast<unsigned>(count)) & 0x3FU];
        }
    }
    if (count > 0) {
        out += k_alphabet[(bits << static_cast<unsigned>(6 - count)) & 0x3FU];
    }
    while (out.size() % 4 != 0) {
        out += '=';
    }
    return out;
}

} // namespace

json text_block(const std::string& text)
{
    return {{"type", "text"}, {"text", text}};
}

json tool_call(const std::string& name, json input)
{
    static int next = 0;
    return {{"type", "tool_call"},
            {"id", fmt::format("toolu_test_{}", ++next)},
            {"name", name},
            {"input", std::move(input)}};
}

FakeLlm::FakeLlm(const std::filesystem::path& log_file)
    : m_server(ServerProcess::reporting_port(
          {DRAFTSMITH_PYTHON, source_path("tests/fakes/llm/fake_llm.py")}, log_file))
{
}

std::string FakeLlm::base() const
{
    return "http://127.0.0.1:" + std::to_string(m_server.port());
}

namespace {

std::string control(const std::string& url, net::Method method, const std::string& body = {})
{
    auto client = net::make_http_client({});
    net::Request request;
    request.method = method;
    request.url = url;
    request.body = body;
    const auto response = client->send(request);
    REQUIRE(response.ok());
    return response.body;
}

} // namespace

void FakeLlm::script(const json& script)
{
    control(base() + "/__script", net::Method::post, script.dump());
}

std::size_t FakeLlm::requests()
{
    return json::parse(control(base() + "/__requests", net::Method::get)).size();
}

json FakeLlm::requests_seen()
{
    return json::parse(control(base() + "/__requests", net::Method::get));
}

std::vector<std::string> FakeLlm::request_bodies()
{
    std::vector<std::string> bodies;
    for (const auto& request : requests_seen()) {
        bodies.push_back(request["body"].get<std::string>());
    }
    return bodies;
}

std::vector<Turn> recolour(const std::string& colour)
{
    return {
        {{tool_call("str_replace", {{"path", "css/style.css"},
                                    {"old_str", "  background: #2d6cdf;"},
                                    {"new_str", "  background: " + colour + ";"}})}},
        {{tool_call("finish", {{"summary", "The submit buttons are now " + colour + "."}})}},
    };
}

World::World(const std::map<std::string, std::string>& feature_files)
    : m_server(m_dir.path() / "server", Tls::off)
{
    const auto source = m_dir.path() / "source";
    const auto site = std::filesystem::path(source_path("examples/demo-site"));
    std::filesystem::create_directories(source);
    std::filesystem::copy(site, source, std::filesystem::copy_options::recursive);
    git(source, {"init", "-q"});
    git(source, {"add", "-A"});
    git(source, {"commit", "-q", "-m", "Newsletter page"});
    m_base = git(source, {"rev-parse", "HEAD"});
    git(source, {"checkout", "-q", "-b", "feature"});
    write_file(source / "about.html", "<p>About us</p>\n");
    for (const auto& [path, bytes] : feature_files) {
        write_file(source / path, bytes);
    }
    git(source, {"add", "-A"});
    git(source, {"commit", "-q", "-m", "About page"});
    m_head = git(source, {"rev-parse", "HEAD"});
    git(source, {"checkout", "-q", "main"});
    m_bare = m_server.create_repo("app", source);
    // GitHub keeps every pull request's head at refs/pull/N/head.
    server_git({"update-ref", "refs/pull/7/head", m_head});
    // What actions/checkout and Azure Pipelines make: depth 1, one branch.
    m_checkout = m_dir.path() / "checkout";
    git(m_dir.path(),
        {"-c", "http.extraHeader=Authorization: " + git_authorization(), "clone", "-q", "--depth",
         "1", "--branch", "main", m_server.url("app"), m_checkout.string()});
    REQUIRE(git(m_checkout, {"rev-parse", "--is-shallow-repository"}) == "true");
}

std::string World::git_authorization() const
{
    return "Basic " +
           base64(fmt::format("{}:{}", GitHttpServer::k_user, GitHttpServer::k_password));
}

std::filesystem::path World::recording(const std::map<int, std::vector<Turn>>& variants)
{
    std::string lines;
    for (const auto& [variant, turns] : variants) {
        for (std::size_t turn = 0; turn < turns.size(); ++turn) {
            const json response = {{"content", turns[turn].blocks},
                                   {"stop_reason", turns[turn].stop_reason},
                                   {"usage", {{"input_tokens", 1000}, {"output_tokens", 100}}},
                                   {"model", "claude-sonnet-4-5-20250929"},
                                   {"id", fmt::format("msg_{}_{}", variant, turn)}};
            lines += json{{"variant", variant},
                          {"turn", turn},
                          {"provider", "anthropic"},
                          {"model", "claude-sonnet-4-5"},
                          {"response", response}}
                         .dump() +
                     "\n";
        }
    }
    const auto path = m_dir.path() / fmt::format("recording-{}.jsonl", ++m_recordings);
    write_file(path, lines);
    return path;
}

ProcessResult World::draftsmith(const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& environment,
                                std::function<void(int pid)> on_start)
{
    ProcessOptions options;
    options.on_start = std::move(on_start);
    options.working_dir = m_checkout.string();
    for (const auto& [name, value] : environment) {
        options.environment[name] = value;
    }
    // Nothing of the machine's own CI or keys may leak into the run.
    for (const char* name : {"GITHUB_ACTIONS", "TF_BUILD", "GITHUB_EVENT_PATH", "GITHUB_TOKEN",
                             "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "SYSTEM_ACCESSTOKEN"}) {
        if (environment.count(name) == 0) {
            options.environment[name] = std::nullopt;
        }
    }
    options.environment["DRAFTSMITH_GIT_AUTHORIZATION"] = git_authorization();
    const auto result = run_draftsmith(args, options);
    INFO("draftsmith stderr:\n", result.err);
    return result;
}

std::string World::server_git(const std::vector<std::string>& args) const
{
    return git(m_bare, args);
}

std::vector<std::string> World::server_variant_branches() const
{
    const auto out =
        git(m_bare, {"for-each-ref", "--format=%(refname:short)", "refs/heads/draftsmith/"});
    std::vector<std::string> branches;
    std::size_t start = 0;
    while (start < out.size()) {
        const auto end = std::min(out.find('\n', start), out.size());
        branches.push_back(out.substr(start, end - start));
        start = end + 1;
    }
    return branches;
}

} // namespace draftsmith::test
