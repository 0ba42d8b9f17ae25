// The server-sent-events parser (llm/wire.hpp) fed the stream in chunks of
// fuzzer-chosen sizes, and the tool-input JSON a model streams.

#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"
#include "llm/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace detail = draftsmith::llm::detail;
    if (size == 0) {
        return 0;
    }
    const std::size_t chunk = 1 + data[0] % 64;
    const auto text = draftsmith::fuzz::as_text(data + 1, size - 1);
    detail::SseParser parser;
    std::size_t events = 0;
    const detail::SseParser::Sink sink = [&](const detail::SseEvent& event) {
        ++events;
        if (event.event.empty()) {
            __builtin_trap(); // "message" when the server named none
        }
    };
    for (std::size_t at = 0; at < text.size(); at += chunk) {
        parser.feed(text.substr(at, chunk), sink);
    }
    parser.finish(sink);
    try {
        (void)detail::parse_tool_input("anthropic", std::string(text));
    } catch (const draftsmith::Error&) {
        // a ProviderError: the model's JSON is refused
    }
    return 0;
}
