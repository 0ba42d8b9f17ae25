#pragma once
// Runs a program (usually the draftsmith binary) and captures what it wrote.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace draftsmith::test {

struct ProcessResult {
    int exit_code = -1; // 128 + signal when killed by one
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::optional<std::string> stdin_text;
    std::optional<std::string> working_dir;
    // Set (or with an empty optional, unset) these variables for the child.
    std::map<std::string, std::optional<std::string>> environment;
    // Called with the child's pid once it runs (to signal it from another thread).
    std::function<void(int pid)> on_start;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// The draftsmith binary under test with the given arguments.
ProcessResult run_draftsmith(const std::vector<std::string>& args,
                             const ProcessOptions& options = {});

// Paths of the source tree, for fixtures.
std::string source_path(const std::string& relative);

} // namespace draftsmith::test
