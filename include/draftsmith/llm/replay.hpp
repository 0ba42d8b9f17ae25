#pragma once
// Recorded answers: the replay provider and the recorder that writes them.
//
// A recording is a JSON-lines file, one answer per line:
//
//   {"variant":1,"turn":0,"provider":"anthropic","model":"...","response":{...}}
//
// keyed by (variant, turn) from llm::Options. `response` is to_json(Response)
// (llm/llm.hpp): message content, stop_reason, usage, model, id. The replay
// provider answers each call with the line of its key; a call with no line is
// an error (FailureKind::no_recording), never a guess. The recorder wraps a
// real provider and appends a line per answer; requests, keys and headers are
// never written, and each line passes through redacted().

#include "draftsmith/llm/llm.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

namespace draftsmith::llm {

// Reads the whole recording now. Throws Error(input) naming the file and line
// when it cannot be read or a line does not parse.
std::unique_ptr<Provider> make_replay_provider(const std::filesystem::path& recording);

// `inner`, with every answer also appended to `recording` (created or
// truncated now; Error(input) when it cannot be).
std::unique_ptr<Provider> make_recording_provider(std::unique_ptr<Provider> inner,
                                                  const std::filesystem::path& recording);

// One recording file that several recorders append to (a run's variants,
// each through its own provider). Thread-safe; whole lines.
class Recording {
public:
    // Creates or truncates `file`; Error(input) when it cannot.
    explicit Recording(const std::filesystem::path& file);
    // Appends one line; Error(input) naming the file when it cannot.
    void append(const std::string& line);

private:
    std::filesystem::path m_path;
    std::mutex m_mutex;
    std::ofstream m_out;
};

// `inner`, with every answer also appended to the shared `recording`.
std::unique_ptr<Provider> make_recording_provider(std::unique_ptr<Provider> inner,
                                                  std::shared_ptr<Recording> recording);

} // namespace draftsmith::llm
