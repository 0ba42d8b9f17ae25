// Event intake, Azure Pipelines: the "pull request commented on" service-hook
// payload (what the public incoming-webhook endpoint passes on).

#include "draftsmith/trigger/intake.hpp"
#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = draftsmith::fuzz::as_text(data, size);
    try {
        (void)draftsmith::trigger::read_azure_devops_event(text);
    } catch (const draftsmith::Error&) {
        // refused with a message: the contract
    }
    return 0;
}
