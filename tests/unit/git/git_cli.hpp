#pragma once
// Test helpers: the git command line, to set repositories up and to check
// what draftsmith wrote (the product itself never runs git).

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace draftsmith::test {

// Runs git in `dir` with a fixed identity and no user or system config;
// REQUIREs success and returns stdout with the final newline removed.
inline std::string git(const std::filesystem::path& dir, std::vector<std::string> args)
{
    std::vector<std::string> argv{"git",
                                  "-c",
                                  "user.name=Tester",
                                  "-c",
                                  "user.email=tester@example.com",
                                  "-c",
                                  "init.defaultBranch=main",
                                  "-c",
                                  "protocol.file.allow=always"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions options;
    options.working_dir = dir.string();
    options.environment["GIT_CONFIG_NOSYSTEM"] = "1";
    options.environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
    options.environment["GIT_TERMINAL_PROMPT"] = "0";
    const ProcessResult result = run_process(argv, options);
    INFO("git ", args.empty() ? std::string() : args[0], " in ", dir.string(), ": ", result.err);
    REQUIRE(result.exit_code == 0);
    std::string out = result.out;
    if (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

// A repository in `dir` with the given files committed on main; returns HEAD's id.
inline std::string make_repository(const std::filesystem::path& dir,
                                   const std::vector<std::pair<std::string, std::string>>& files)
{
    std::filesystem::create_directories(dir);
    git(dir, {"init", "-q"});
    for (const auto& [path, bytes] : files) {
        write_file(dir / path, bytes);
    }
    git(dir, {"add", "-A"});
    git(dir, {"commit", "-q", "--allow-empty", "-m", "base"});
    return git(dir, {"rev-parse", "HEAD"});
}

} // namespace draftsmith::test
