// The repair turn of `draftsmith checks` (checks_repair.hpp).
#include "checks_repair.hpp"

namespace draftsmith::run {

void maybe_repair(const ChecksOptions&, const config::Config& config, host::Host&, host::Checks&,
                  const host::PullRequest&, VariantChecks& row)
{
    if (config.repair == 0 || row.summary.failed.empty() || row.summary.running > 0) {
        return;
    }
}

} // namespace draftsmith::run
