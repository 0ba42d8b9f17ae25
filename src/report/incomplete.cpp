// Incomplete variants in what people read (issue 17): see incomplete.hpp.
#include "incomplete.hpp"

#include "draftsmith/llm/cost.hpp"

#include <fmt/format.h>

#include "markdown.hpp"

namespace draftsmith::report::detail {

std::string incomplete_notice(const VariantRecord& variant)
{
    const auto why = variant.incomplete.empty() ? std::string("a limit") : variant.incomplete;
    auto out = fmt::format("> [!WARNING]\n> **Incomplete ({}):** this variant stopped before it "
                           "finished",
                           neutralise_markers(one_line(why)));
    if (!variant.reason.empty()) {
        out += fmt::format(" \xE2\x80\x94 {}", neutralise_markers(one_line(variant.reason)));
    }
    out += fmt::format(". It cost {} tokens \xC2\xB7 {} \xC2\xB7 {} turn{} \xC2\xB7 {}. These are "
                       "its edits so far, not a finished change.\n> Post the same comment again "
                       "to continue it from here; `--force` starts it over.\n\n",
                       format_tokens(variant.usage.total()), llm::format_cost(variant.cost_usd),
                       variant.turns, variant.turns == 1 ? "" : "s",
                       format_duration(variant.duration));
    return out;
}

std::string kept_and_lost(const RunRecord& run)
{
    std::string kept;
    std::string lost;
    for (const auto& variant : run.variant_records) {
        if (variant.state != VariantState::incomplete && variant.state != VariantState::succeeded &&
            variant.kept) {
            continue;
        }
        auto& list = variant.kept ? kept : lost;
        list += fmt::format("{}{}", list.empty() ? "" : ", ", variant.index);
    }
    if (lost.empty()) {
        return {};
    }
    return fmt::format("\xE2\x9A\xA0 **Cancelled:** kept variant(s) {}; not kept: variant(s) {} "
                       "(their edits could not be pushed before the job ends; see why above).\n\n",
                       kept.empty() ? std::string("none") : kept, lost);
}

} // namespace draftsmith::report::detail
