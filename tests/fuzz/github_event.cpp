// Event intake, GitHub Actions: the event file at GITHUB_EVENT_PATH.

#include "draftsmith/trigger/intake.hpp"
#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto text = draftsmith::fuzz::as_text(data, size);
    for (const char* event : {"issue_comment", "", "pull_request_review_comment"}) {
        try {
            (void)draftsmith::trigger::read_github_event(text, event);
        } catch (const draftsmith::Error&) {
            // refused with a message: the contract
        }
    }
    return 0;
}
