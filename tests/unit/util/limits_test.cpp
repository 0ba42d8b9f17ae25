#include "draftsmith/util/error.hpp"
#include "draftsmith/util/file.hpp"
#include "draftsmith/util/limits.hpp"
#include "draftsmith/util/text.hpp"

#include <doctest/doctest.h>

#include <sstream>

#include "support/temp_dir.hpp"

namespace limits = draftsmith::limits;
namespace file = draftsmith::file;
namespace text = draftsmith::text;

TEST_CASE("util::limits, JSON nesting is measured without parsing")
{
    const auto nested = [](std::size_t depth) {
        return std::string(depth, '[') + std::string(depth, ']');
    };
    CHECK_FALSE(limits::json_deeper_than(nested(256)));
    CHECK(limits::json_deeper_than(nested(257)));
    CHECK(limits::json_deeper_than(std::string(50'000, '['))); // not even valid JSON
    CHECK(limits::json_deeper_than(R"({"a":{"b":[1]}})", 2));
    CHECK_FALSE(limits::json_deeper_than(R"({"a":{"b":1}})", 2));
    // Brackets inside strings, escaped quotes included, are text.
    CHECK_FALSE(limits::json_deeper_than(R"(["[[[[\"[[[[", "{{{{"])", 1));
    CHECK(limits::json_deeper_than(R"(["\\", [[]]])", 2));
}

TEST_CASE("util::limits, sizes as the manual writes them")
{
    CHECK(limits::describe_bytes(256 * 1024) == "256 KiB");
    CHECK(limits::describe_bytes(16 * 1024 * 1024) == "16 MiB");
    CHECK(limits::describe_bytes(1000) == "1000 bytes");
}

TEST_CASE("util::file, reads are capped and failures name the file")
{
    draftsmith::test::TempDir dir;
    SUBCASE("an endless file fails at the cap instead of filling memory")
    {
        CHECK_THROWS_WITH_AS(file::read_all("/dev/zero", 1024 * 1024),
                             "/dev/zero: larger than 1 MiB, the most draftsmith reads from it "
                             "(see LIMITS in man draftsmith)",
                             draftsmith::Error);
    }
    SUBCASE("a file at the cap is read whole")
    {
        draftsmith::test::write_file(dir / "a.txt", std::string(1024, 'a'));
        CHECK(file::read_all(dir / "a.txt", 1024).size() == 1024);
        CHECK_THROWS_WITH_AS(file::read_all(dir / "a.txt", 1023),
                             doctest::Contains("a.txt: larger than 1023 bytes"), draftsmith::Error);
    }
    SUBCASE("a folder, a missing file, a file that cannot be read")
    {
        CHECK_THROWS_WITH_AS(file::read_all(dir.path()),
                             (dir.path().string() + ": cannot read: Is a directory").c_str(),
                             draftsmith::Error);
        CHECK_THROWS_WITH_AS(
            file::read_all(dir / "none"),
            ((dir / "none").string() + ": cannot read: No such file or directory").c_str(),
            draftsmith::Error);
        // Even root cannot read() this one.
        CHECK_THROWS_WITH_AS(file::read_all("/proc/self/mem"),
                             "/proc/self/mem: cannot read: Input/output error", draftsmith::Error);
    }
    SUBCASE("lines are read up to a cap")
    {
        std::istringstream in("short\n" + std::string(100, 'x') + "\nlast");
        std::string line;
        CHECK(file::read_line(in, line, 10) == file::LineRead::line);
        CHECK(line == "short");
        CHECK(file::read_line(in, line, 10) == file::LineRead::too_long);
        CHECK(line.size() == 10);
        std::istringstream rest("last");
        CHECK(file::read_line(rest, line, 10) == file::LineRead::line);
        CHECK(line == "last");
        CHECK(file::read_line(rest, line, 10) == file::LineRead::end);
    }
}

TEST_CASE("util::text, UTF-8 and branch names")
{
    CHECK_FALSE(text::invalid_utf8_at("caf\xC3\xA9 \xF0\x9F\x94\xA7").has_value());
    CHECK(text::invalid_utf8_at("caf\xE9!") == 3u);
    CHECK(text::invalid_utf8_at("\xED\xA0\x80") == 0u); // a surrogate
    CHECK(text::is_valid_branch_name("draftsmith/pr-7/v1"));
    for (const char* bad : {"x/v1.lock", "x/.v1", "x@{1", "x/v1.", "-x", "a\tb", ""}) {
        CAPTURE(bad);
        CHECK_FALSE(text::is_valid_branch_name(bad));
    }
}
