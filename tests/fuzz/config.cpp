// The configuration file (.draftsmith.yml): parse_config() and what
// `draftsmith config check` prints of it.

#include "draftsmith/config/config.hpp"

#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = draftsmith::fuzz::as_text(data, size);
    try {
        const auto config = draftsmith::config::parse_config(text, ".draftsmith.yml");
        try {
            (void)draftsmith::config::to_json(config).dump();
        } catch (const nlohmann::json::type_error&) {
            // a non-UTF-8 value: issue 12 item 6 (harden-a) rejects it at load time
        }
    } catch (const draftsmith::Error&) {
        // refused with FILE:LINE:COL: message: the contract
    }
    return 0;
}
