#include "draftsmith/llm/replay.hpp"

#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

namespace draftsmith::llm {
namespace {

using nlohmann::json;

class ReplayProvider final : public Provider {
public:
    explicit ReplayProvider(const std::filesystem::path& recording)
        : m_path(recording)
    {
        std::ifstream in(recording, std::ios::binary);
        if (std::error_code ignored; std::filesystem::is_directory(recording, ignored)) {
            throw Error(
                ErrorCategory::input,
                fmt::format("{}: cannot read the recording: it is a folder", recording.string()));
        }
        if (!in) {
            throw Error(ErrorCategory::input,
                        fmt::format("{}: cannot read the recording", recording.string()));
        }
        std::string line;
        int number = 0;
        for (;;) {
            const auto read = file::read_line(in, line, limits::k_max_recording_line_bytes);
            if (read == file::LineRead::end) {
                break;
            }
            ++number;
            if (read == file::LineRead::too_long) {
                throw Error(
                    ErrorCategory::input,
                    fmt::format("{}:{}: the line is larger than {}, the most one recorded "
                                "answer may hold (see LIMITS in man draftsmith)",
                                recording.string(), number,
                                limits::describe_bytes(limits::k_max_recording_line_bytes)));
            }
            if (text::trim(line).empty()) {
                continue;
            }
            try {
                if (limits::json_deeper_than(line)) {
                    throw Error(ErrorCategory::input, fmt::format("nested deeper than {} levels",
                                                                  limits::k_max_json_depth));
                }
                const auto value = json::parse(line);
                const auto key =
                    std::pair{value.at("variant").get<int>(), value.at("turn").get<int>()};
                m_answers[key] = response_from_json(value.at("response"));
            } catch (const std::exception& e) {
                throw Error(ErrorCategory::input,
                            fmt::format("{}:{}: not a recorded answer: {}", recording.string(),
                                        number, e.what()));
            }
        }
    }

    Response complete(const Conversation&, const Tools&, const Options& options) override
    {
        const auto found = m_answers.find({options.variant, options.turn});
        if (found == m_answers.end()) {
            std::set<int> variants;
            for (const auto& [key, answer] : m_answers) {
                variants.insert(key.first);
            }
            std::string known;
            for (int variant : variants) {
                known += (known.empty() ? "" : ", ") + std::to_string(variant);
            }
            throw ProviderError(
                FailureKind::no_recording,
                fmt::format(
                    "replay: {} has no answer for variant {}, turn {} (it has variants: {}); "
                    "record one with --record",
                    m_path.string(), options.variant, options.turn,
                    known.empty() ? "none" : known));
        }
        return found->second;
    }

    std::string name() const override { return "replay"; }

private:
    std::filesystem::path m_path;
    std::map<std::pair<int, int>, Response> m_answers;
};

class RecordingProvider final : public Provider {
public:
    RecordingProvider(std::unique_ptr<Provider> inner, std::shared_ptr<Recording> recording)
        : m_inner(std::move(inner))
        , m_recording(std::move(recording))
    {
    }

    Response complete(const Conversation& conversation, const Tools& tools,
                      const Options& options) override
    {
        auto response = m_inner->complete(conversation, tools, options);
        const json line = {{"variant", options.variant},
                           {"turn", options.turn},
                           {"provider", m_inner->name()},
                           {"model", response.model},
                           {"response", to_json(response)}};
        m_recording->append(redacted(line.dump(-1, ' ', false, json::error_handler_t::replace)));
        return response;
    }

    std::string name() const override { return m_inner->name(); }

private:
    std::unique_ptr<Provider> m_inner;
    std::shared_ptr<Recording> m_recording;
};

} // namespace

std::unique_ptr<Provider> make_replay_provider(const std::filesystem::path& recording)
{
    return std::make_unique<ReplayProvider>(recording);
}

Recording::Recording(const std::filesystem::path& file)
    : m_path(file)
    , m_out(file, std::ios::binary | std::ios::trunc)
{
    if (!m_out) {
        throw Error(ErrorCategory::input,
                    fmt::format("{}: cannot write the recording", file.string()));
    }
}

void Recording::append(const std::string& line)
{
    std::lock_guard lock(m_mutex);
    m_out << line << '\n';
    m_out.flush();
    if (!m_out) {
        throw Error(ErrorCategory::input,
                    fmt::format("{}: cannot write the recording", m_path.string()));
    }
}

std::unique_ptr<Provider> make_recording_provider(std::unique_ptr<Provider> inner,
                                                  std::shared_ptr<Recording> recording)
{
    return std::make_unique<RecordingProvider>(std::move(inner), std::move(recording));
}

std::unique_ptr<Provider> make_recording_provider(std::unique_ptr<Provider> inner,
                                                  const std::filesystem::path& recording)
{
    return make_recording_provider(std::move(inner), std::make_shared<Recording>(recording));
}

} // namespace draftsmith::llm
