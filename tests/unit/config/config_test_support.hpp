#pragma once
// Helpers of the config/ unit tests: parse a text, the error a text or sources give.
#include "draftsmith/config/config.hpp"
#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"

#include <doctest/doctest.h>

#include "support/process.hpp"

using namespace draftsmith::config;
using draftsmith::Error;

namespace config_test_support {

inline Config parse(const std::string& yaml)
{
    return parse_config(yaml, ".draftsmith.yml");
}

// The message of the Error(config) that parsing `yaml` throws.
inline std::string error_of(const std::string& yaml)
{
    try {
        parse(yaml);
    } catch (const Error& e) {
        CHECK(e.category() == draftsmith::ErrorCategory::config);
        return e.what();
    }
    FAIL("no error for: " << yaml);
    return "";
}

inline std::string error_of(const Sources& sources)
{
    try {
        load_config(sources);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error");
    return "";
}

} // namespace config_test_support
