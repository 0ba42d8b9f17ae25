// Every edit-format parser (edit/parse.hpp) on the same bytes: unified diff,
// search/replace, whole files, codex patch, tool-call JSON and detection.

#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"

namespace {

template <typename Parse>
void parse_or_refuse(Parse parse, std::string_view text)
{
    try {
        (void)parse(text);
    } catch (const draftsmith::Error&) {
        // refused with a message naming the line: the contract
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace edit = draftsmith::edit;
    const auto text = draftsmith::fuzz::as_text(data, size);
    (void)edit::detect_format(text);
    parse_or_refuse([](std::string_view t) { return edit::parse(t); }, text);
    parse_or_refuse(edit::parse_unified_diff, text);
    // A tree in which any short word names a file, so that lines without an
    // extension are taken as paths too (edit::FileExists).
    const edit::FileExists exists = [](std::string_view path) {
        return !path.empty() && path.size() < 64 && path.find(' ') == std::string_view::npos;
    };
    parse_or_refuse(
        [&](std::string_view t) { return edit::parse(t, edit::Format::automatic, exists); }, text);
    parse_or_refuse([&](std::string_view t) { return edit::parse_search_replace(t, exists); },
                    text);
    parse_or_refuse([](std::string_view t) { return edit::parse_search_replace(t); }, text);
    parse_or_refuse([&](std::string_view t) { return edit::parse_whole_files(t, exists); }, text);
    parse_or_refuse(edit::parse_codex_patch, text);
    parse_or_refuse(edit::parse_tool_calls, text);
    return 0;
}
