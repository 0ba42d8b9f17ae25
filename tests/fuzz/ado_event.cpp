// Event intake, Azure Pipelines: the "pull request commented on" service-hook
// payload (what the public incoming-webhook endpoint passes on).

#include "draftsmith/run/intake.hpp"
#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = draftsmith::fuzz::as_text(data, size);
    if (draftsmith::fuzz::known_deep_nesting(text)) {
        return -1; // issue 12 item 4, see fuzz_common.hpp
    }
    try {
        (void)draftsmith::run::read_azure_devops_event(text);
    } catch (const draftsmith::Error&) {
        // refused with a message: the contract
    }
    return 0;
}
