#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

using draftsmith::test::ProcessOptions;
using draftsmith::test::run_draftsmith;
using draftsmith::test::TempDir;
using draftsmith::test::write_file;

namespace {

// Runs `draftsmith config check ARGS` in `dir` with no DRAFTSMITH_* variables
// except those given.
draftsmith::test::ProcessResult check_in(const TempDir& dir, std::vector<std::string> args,
                                         std::map<std::string, std::optional<std::string>> env = {})
{
    ProcessOptions options;
    options.working_dir = dir.path().string();
    for (const char* name : {"DRAFTSMITH_MODEL", "DRAFTSMITH_PROVIDER", "DRAFTSMITH_MAX_VARIANTS",
                             "DRAFTSMITH_JOBS"}) {
        options.environment.emplace(name, std::nullopt);
    }
    for (auto& [name, value] : env) {
        options.environment[name] = value;
    }
    args.insert(args.begin(), {"config", "check"});
    return run_draftsmith(args, options);
}

} // namespace

TEST_CASE("cli::config check, the effective configuration as JSON")
{
    TempDir dir;
    SUBCASE("no file: the defaults")
    {
        const auto result = check_in(dir, {});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        const auto json = nlohmann::json::parse(result.out);
        CHECK(json["provider"] == "anthropic");
        CHECK(json["max_variants"] == 5);
        CHECK(json["limits"]["time"] == 900);
    }
    SUBCASE("./.draftsmith.yml is read by default")
    {
        write_file(dir / ".draftsmith.yml", "max_variants: 3\n");
        const auto result = check_in(dir, {});
        CHECK(result.exit_code == 0);
        CHECK(nlohmann::json::parse(result.out)["max_variants"] == 3);
    }
    SUBCASE("an explicit file")
    {
        write_file(dir / "other.yml", "provider: openai\n");
        const auto result = check_in(dir, {"other.yml"});
        CHECK(result.exit_code == 0);
        CHECK(nlohmann::json::parse(result.out)["api_key_env"] == "OPENAI_API_KEY");
    }
    SUBCASE("standard input")
    {
        ProcessOptions options;
        options.working_dir = dir.path().string();
        options.stdin_text = "jobs: 2\n";
        const auto result = run_draftsmith({"config", "check", "-"}, options);
        CHECK(result.exit_code == 0);
        CHECK(nlohmann::json::parse(result.out)["jobs"] == 2);
    }
    SUBCASE("--set before the file takes one value each time")
    {
        write_file(dir / "other.yml", "jobs: 3\n");
        const auto result =
            check_in(dir, {"--set", "model=m", "--set", "max_variants=8", "other.yml"});
        CHECK(result.exit_code == 0);
        const auto json = nlohmann::json::parse(result.out);
        CHECK(json["model"] == "m");
        CHECK(json["max_variants"] == 8);
        CHECK(json["jobs"] == 3);
    }
    SUBCASE("flags > environment > file")
    {
        write_file(dir / ".draftsmith.yml", "model: file\njobs: 1\nmax_variants: 2\n");
        const auto result = check_in(dir, {"--set", "model=flag"},
                                     {{"DRAFTSMITH_MODEL", "env"}, {"DRAFTSMITH_JOBS", "4"}});
        CHECK(result.exit_code == 0);
        const auto json = nlohmann::json::parse(result.out);
        CHECK(json["model"] == "flag");
        CHECK(json["jobs"] == 4);
        CHECK(json["max_variants"] == 2);
    }
}

TEST_CASE("cli::config check, bad input exits 2 with FILE:LINE:COL")
{
    TempDir dir;
    auto check_error = [&](const std::string& yaml, const std::string& expected) {
        write_file(dir / "c.yml", yaml);
        const auto result = check_in(dir, {"c.yml"});
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(result.err == "draftsmith: error: " + expected + "\n");
    };
    SUBCASE("unknown key")
    {
        check_error("provider: openai\nmodle: x\n",
                    "c.yml:2:1: unknown key 'modle' (did you mean 'model'?)");
    }
    SUBCASE("wrong type")
    {
        check_error("jobs: many\n",
                    "c.yml:1:7: jobs: expected an integer from 0 to 64, got 'many'");
    }
    SUBCASE("out of range")
    {
        check_error("max_variants: 11\n",
                    "c.yml:1:15: max_variants: 11 is out of range: use an integer from 1 to 10");
    }
    SUBCASE("not a mapping")
    {
        check_error("[1, 2]\n", "c.yml:1:1: the configuration must be a mapping of keys to "
                                "values, not a list");
    }
    SUBCASE("duplicate key")
    {
        check_error("jobs: 1\njobs: 2\n", "c.yml:2:1: duplicate key 'jobs' (first at line 1)");
    }
    SUBCASE("invalid YAML")
    {
        check_error("jobs: [1\n", "c.yml:2:1: invalid YAML: end of sequence flow not found");
    }
    SUBCASE("a bad variable")
    {
        const auto result = check_in(dir, {}, {{"DRAFTSMITH_MAX_VARIANTS", "0"}});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: DRAFTSMITH_MAX_VARIANTS: max_variants: 0 is out "
                            "of range: use an integer from 1 to 10\n");
    }
    SUBCASE("a bad --set")
    {
        auto result = check_in(dir, {"--set", "colour=red"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: --colour: not a configuration key\n");
        result = check_in(dir, {"--set", "model"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("write --set KEY=VALUE") != std::string::npos);
    }
    SUBCASE("an explicit file that does not exist")
    {
        const auto result = check_in(dir, {"missing.yml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err ==
              "draftsmith: error: missing.yml: cannot read: No such file or directory\n");
    }
}

TEST_CASE("cli::config check, files that are no configuration: FILE: message, exit 2")
{
    TempDir dir;
    std::filesystem::create_directory(dir / "folder.yml");
    SUBCASE("a folder")
    {
        const auto result = check_in(dir, {"folder.yml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: folder.yml: cannot read: Is a directory\n");
    }
    SUBCASE("./.draftsmith.yml is a folder")
    {
        std::filesystem::create_directory(dir / ".draftsmith.yml");
        const auto result = check_in(dir, {});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: .draftsmith.yml: cannot read: Is a directory\n");
    }
    SUBCASE("a file the system refuses to read")
    {
        const auto result = check_in(dir, {"/proc/self/mem"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: /proc/self/mem: cannot read: Input/output error\n");
    }
    SUBCASE("an endless file: the limit, at once")
    {
        const auto result = check_in(dir, {"/dev/zero"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: /dev/zero: larger than 1 MiB, the most "
                            "draftsmith reads from it (see LIMITS in man draftsmith)\n");
    }
    SUBCASE("a value that is not UTF-8")
    {
        write_file(dir / "latin1.yml", "commit:\n  name: Ren\xE9\n");
        const auto result = check_in(dir, {"latin1.yml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err == "draftsmith: error: latin1.yml:2:12: not valid UTF-8: the "
                            "configuration must be UTF-8 text\n");
    }
    SUBCASE("a second document")
    {
        write_file(dir / "two.yml", "model: a\n---\nmodel: b\n");
        const auto result = check_in(dir, {"two.yml"});
        CHECK(result.exit_code == 2);
        CHECK(result.err.find("two.yml:3:1: a second YAML document") != std::string::npos);
    }
}
