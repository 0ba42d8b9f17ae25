// The comment grammar (trigger/): parse_comment() never throws for any text,
// and what it accepts survives the JSON `draftsmith parse` prints.

#include "draftsmith/trigger/command.hpp"
#include "draftsmith/trigger/hidden.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = draftsmith::fuzz::as_text(data, size);
    const int max_variants = size > 0 ? 1 + data[0] % 10 : 5;
    const auto result = draftsmith::trigger::parse_comment(text, max_variants);
    // Intents and messages may hold any bytes; the JSON printer must say so
    // with an exception, never by crashing.
    try {
        (void)draftsmith::trigger::to_json(result).dump();
    } catch (const nlohmann::json::type_error&) {
        // invalid UTF-8: `draftsmith parse` reports it as bad input
    }
    if (const auto* command = std::get_if<draftsmith::trigger::Command>(&result)) {
        if (command->variants < 1 || command->variants > max_variants || command->intent.empty() ||
            command->slug.empty() || command->slug.size() > 40) {
            __builtin_trap(); // the grammar's own promises
        }
    }
    (void)draftsmith::trigger::make_slug(text);
    (void)draftsmith::trigger::visible_text(text);
    return 0;
}
