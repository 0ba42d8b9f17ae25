#pragma once
// Texts and a table row type shared by the edit::apply unit tests.
#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/parse.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace draftsmith::edit;
using draftsmith::test::after;
using draftsmith::test::apply_text;
using draftsmith::test::Files;

namespace apply_test_support {

inline const std::string k_app = "#include <stdio.h>\n"
                                 "\n"
                                 "int add(int a, int b)\n"
                                 "{\n"
                                 "    return a + b;\n"
                                 "}\n"
                                 "\n"
                                 "int main(void)\n"
                                 "{\n"
                                 "    printf(\"%d\\n\", add(1, 2));\n"
                                 "    return 0;\n"
                                 "}\n";

inline const std::string k_app_sub = "#include <stdio.h>\n"
                                     "\n"
                                     "int add(int a, int b)\n"
                                     "{\n"
                                     "    return a - b;\n"
                                     "}\n"
                                     "\n"
                                     "int main(void)\n"
                                     "{\n"
                                     "    printf(\"%d\\n\", add(1, 2));\n"
                                     "    return 0;\n"
                                     "}\n";

struct Row {
    const char* name;
    std::string model_text;
    bool ok;
    std::optional<Stage> stage;
};

} // namespace apply_test_support
