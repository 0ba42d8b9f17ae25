// Property: for random pairs of file versions, the diff real git makes
// between them, parsed and applied by the engine, reproduces the new version
// byte for byte. Seeded, so a failure reproduces; one git run per batch of
// files, so hundreds of cases stay fast.
#include "draftsmith/edit/apply.hpp"
#include "draftsmith/edit/parse.hpp"
#include "draftsmith/edit/tree.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <random>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace draftsmith::edit;
using draftsmith::test::run_process;
using draftsmith::test::TempDir;
using draftsmith::test::write_file;

namespace {

// Few distinct lines, so that hunks' text repeats in the file and only the
// line numbers can place them.
const std::vector<std::string> k_vocabulary = {
    "{",
    "}",
    "",
    "    return 0;",
    "int x = 1;",
    "    x += 2;",
    "// comment",
    "\tif (x) {",
    "\t\ty();",
    "end",
    "  indented two",
    "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D",
    "x",
    "trailing space ",
    "a longer line of text that looks like prose in a comment block"};

std::vector<std::string> random_lines(std::mt19937& random, std::size_t count)
{
    std::uniform_int_distribution<std::size_t> pick(0, k_vocabulary.size() - 1);
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < count; ++i) {
        lines.push_back(k_vocabulary[pick(random)]);
    }
    return lines;
}

std::vector<std::string> mutate(std::mt19937& random, std::vector<std::string> lines)
{
    std::uniform_int_distribution<int> edits(1, 6);
    const int count = edits(random);
    for (int e = 0; e < count; ++e) {
        std::uniform_int_distribution<std::size_t> at(0, lines.size());
        const auto where = at(random);
        std::uniform_int_distribution<int> kind(0, 2);
        std::uniform_int_distribution<std::size_t> length(1, 4);
        const auto n = length(random);
        switch (kind(random)) {
        case 0: { // insert
            const auto added = random_lines(random, n);
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(where), added.begin(),
                         added.end());
            break;
        }
        case 1: // delete
            lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(where),
                        lines.begin() +
                            static_cast<std::ptrdiff_t>(std::min(lines.size(), where + n)));
            break;
        default: // change
            for (std::size_t i = where; i < std::min(lines.size(), where + n); ++i) {
                lines[i] = random_lines(random, 1).front() + "!";
            }
        }
    }
    return lines;
}

std::string join(const std::vector<std::string>& lines, const std::string& eol, bool final_newline)
{
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        text += lines[i];
        if (i + 1 < lines.size() || final_newline) {
            text += eol;
        }
    }
    return text;
}

std::string git(const TempDir& dir, std::vector<std::string> args)
{
    args.insert(args.begin(), {"git", "-C", dir.path().string(), "-c", "core.autocrlf=false", "-c",
                               "user.name=t", "-c", "user.email=t@example.com"});
    const auto result = run_process(args);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    return result.out;
}

} // namespace

TEST_CASE("edit::apply, git diff between random versions reproduces the new version")
{
    const std::vector<std::vector<std::string>> diff_options = {
        {}, {"-U0"}, {"-U1"}, {"--no-prefix"}, {"--diff-algorithm=patience", "-U5"}, {"-M"}};
    std::size_t cases = 0;
    for (std::size_t batch = 0; batch < diff_options.size(); ++batch) {
        CAPTURE(batch);
        std::mt19937 random(static_cast<unsigned>(1234 + batch));
        TempDir dir;
        git(dir, {"init", "-q"});
        std::map<std::string, std::string, std::less<>> old_files;
        std::map<std::string, std::optional<std::string>> new_files;
        for (std::size_t i = 0; i < 60; ++i) {
            const auto path = fmt::format("d{}/file{}.txt", i % 4, i);
            std::uniform_int_distribution<int> die(0, 19);
            const bool crlf = die(random) < 3;
            const std::string eol = crlf ? "\r\n" : "\n";
            std::uniform_int_distribution<std::size_t> size(0, 60);
            const auto old_lines = random_lines(random, size(random));
            const bool old_final = die(random) >= 3;
            const int fate = die(random);
            std::optional<std::string> old_text = join(old_lines, eol, old_final);
            std::optional<std::string> new_text;
            if (fate == 0) {
                old_text.reset(); // created
                new_text = join(random_lines(random, size(random) + 1), eol, true);
            } else if (fate == 1) {
                new_text.reset(); // deleted
            } else {
                const bool new_final = die(random) < 2 ? !old_final : old_final;
                new_text = join(mutate(random, old_lines), eol, new_final);
            }
            if (old_text) {
                old_files[path] = *old_text;
                write_file(dir / path, *old_text);
            }
            new_files[path] = new_text;
        }
        git(dir, {"add", "-A"});
        git(dir, {"commit", "-q", "-m", "old", "--allow-empty"});
        for (const auto& [path, text] : new_files) {
            if (text) {
                write_file(dir / path, *text);
            } else {
                std::filesystem::remove(dir / path);
            }
        }
        git(dir, {"add", "-A"});
        auto args = std::vector<std::string>{"diff", "--cached"};
        args.insert(args.end(), diff_options[batch].begin(), diff_options[batch].end());
        const auto diff = git(dir, args);

        const MemoryTree tree(old_files);
        const auto result = apply(parse(diff, Format::unified_diff), tree);
        REQUIRE_MESSAGE(result.ok(), result.failure_report());
        for (const auto& [path, text] : new_files) {
            // Clang 14 cannot capture a structured binding in CAPTURE's lambda.
            const std::string& file = path;
            CAPTURE(file);
            const auto found = result.overlay.find(path);
            const auto old = old_files.find(path);
            std::optional<std::string> got;
            if (found != result.overlay.end()) {
                got = found->second;
            } else if (old != old_files.end()) {
                got = old->second;
            }
            CHECK(got.value_or("<absent>") == text.value_or("<absent>"));
            ++cases;
        }
        // Every hunk of a diff git made matches exactly at its own line number.
        for (const auto& file : result.files) {
            CHECK((!file.stage || *file.stage == Stage::exact));
        }
    }
    CHECK(cases == 360);
}
