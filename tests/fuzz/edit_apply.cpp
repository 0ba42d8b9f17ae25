// The applier: a file's bytes, a NUL, then edits in any format; the edits are
// parsed and applied over a tree holding that file under a few names.

#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/util/error.hpp"

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    namespace edit = draftsmith::edit;
    const auto text = draftsmith::fuzz::as_text(data, size);
    const auto split = text.find('\0');
    if (split == std::string_view::npos) {
        return -1; // not shaped as FILE NUL EDITS
    }
    const std::string file(text.substr(0, split));
    const auto edits_text = text.substr(split + 1);
    edit::EditSet edits;
    try {
        edits = edit::parse(edits_text);
    } catch (const draftsmith::Error&) {
        return 0;
    }
    const edit::MemoryTree tree({{"a.txt", file}, {"src/a.c", file}, {"b.txt", "one\ntwo\n"}},
                                {"link"});
    edit::ApplyOptions options;
    options.refuse_path = [](std::string_view path) -> std::optional<std::string> {
        if (path == "b.txt") {
            return "protected";
        }
        return std::nullopt;
    };
    try {
        const auto result = edit::apply(edits, tree, {}, options);
        (void)result.failure_report();
    } catch (const draftsmith::Error&) {
        // only internal errors throw; the category tells them apart
    }
    return 0;
}
