// Starting CI on the variant branches (start_ci.hpp).
#include "start_ci.hpp"

#include "draftsmith/host/checks.hpp"
#include "draftsmith/run/environment.hpp"
#include "draftsmith/util/log.hpp"

#include "settings.hpp"

namespace draftsmith::run {

void start_variant_ci(const Setting& setting, const config::Config& config,
                      const std::vector<VariantResult>& variants)
{
    const auto& what =
        setting.kind == host::Kind::github ? config.checks.workflow : config.checks.pipeline;
    if (setting.kind == host::Kind::local || setting.options.dry_run || what.empty()) {
        return;
    }
    try {
        host::Options base;
        base.kind = setting.kind;
        base.http = http_options(config, setting.retry_budget);
        const auto checks = host::make_checks(host_options(base, setting.environment));
        for (const auto& variant : variants) {
            const bool pushed = variant.state == VariantState::succeeded ||
                                variant.state == VariantState::incomplete;
            if (!pushed || variant.commit.empty() || variant.branch.empty() || variant.pr_reused) {
                continue;
            }
            try {
                checks->start(variant.branch, what);
                log::info("started {} on {}", what, variant.branch);
            } catch (const Error& e) {
                if (e.category() == ErrorCategory::interrupted) {
                    throw;
                }
                log::warning("could not start {} on {}: {}", what, variant.branch, e.what());
            }
        }
    } catch (const Error& e) {
        if (e.category() == ErrorCategory::interrupted) {
            throw;
        }
        log::warning("could not start CI on the variant branches: {}", e.what());
    }
}

} // namespace draftsmith::run
