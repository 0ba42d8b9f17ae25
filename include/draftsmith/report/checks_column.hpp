#pragma once
// The overview's Checks column (issue 15): what `draftsmith checks` writes
// into the overview comment `run` posted, and how it reads that comment back.
//
// The overview is the only record of which pull request is which variant, so
// its table is read as written by overview_comment() (comments.hpp):
//   | Variant | Status | Pull request | Files | ... |
//   |---:|---|---|---:| ... |
//   | 2 | ✅ done | [#13](https://...) | 3 | ... |
// A Checks column is appended to that table, or replaced when one is there.

#include "draftsmith/run/checks.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::report {

// Variant number -> pull request number, for every row whose Pull request
// cell links "#N". Rows without a pull request are left out.
std::map<int, std::int64_t> overview_variant_prs(std::string_view overview);

// One cell: "✅ 12/12", "❌ 2 of 12 failed: build, test-linux", "⏳ 3 of 12
// running", "— no checks"; linked to the run to look at when the service gave
// an http(s) link; "· repaired once" / "· repaired 2 times" after it, and the
// repair's or the read's trouble in words. Names are made table-safe.
std::string checks_cell(const run::VariantChecks& checks);

// `overview` with its table's Checks column set from `checks` (a row with no
// entry gets "—"). Text outside the table is kept byte for byte; an overview
// without the table comes back unchanged.
std::string overview_with_checks(std::string_view overview,
                                 const std::vector<run::VariantChecks>& checks);

} // namespace draftsmith::report
