// Issue 14: a run touches only the base files a variant asks for, and the
// search tool (several threads at once) streams a base larger than the
// shared budget and answers as a search in path order would.
#include "draftsmith/agent/base_files.hpp"

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <memory>

#include "agent_test_support.hpp"

using namespace agent_test_support;

namespace {

// A tree that counts the files it read (from any thread); a folder's path
// (the edit engine asks whether a parent folder is a file) reads nothing.
class CountingTree final : public draftsmith::edit::BaseTree {
public:
    explicit CountingTree(std::map<std::string, std::string, std::less<>> files)
        : m_tree(std::move(files))
    {
    }
    std::optional<std::string> read(std::string_view path) const override
    {
        auto bytes = m_tree.read(path);
        reads += bytes ? 1 : 0;
        return bytes;
    }
    bool exists(std::string_view path) const override { return m_tree.exists(path); }
    bool is_symlink(std::string_view path) const override { return m_tree.is_symlink(path); }

    mutable std::atomic<int> reads{0};

private:
    MemoryTree m_tree;
};

struct Many {
    std::map<std::string, std::string, std::less<>> files;
    std::vector<std::string> paths;
};

// `count` files f0000.txt ..., each with `needle <i>` on line 2 (`twice`:
// every seventh file has it on line 4 as well).
Many many_files(int count, bool twice = false)
{
    Many many;
    for (int i = 0; i < count; ++i) {
        const auto path = fmt::format("d{}/f{:04}.txt", i % 3, i);
        auto text = fmt::format("file {}\nneedle {}\nfiller line\n", i, i);
        if (twice && i % 7 == 0) {
            text += fmt::format("needle again {}\n", i);
        }
        many.files[path] = text + std::string(200, 'x') + "\n";
        many.paths.push_back(path);
    }
    return many;
}

// The tool results of a variant that makes `calls` in one turn.
std::vector<llm::ToolResult> run_calls(const CountingTree& tree, const Many& many,
                                       std::shared_ptr<const agent::BaseFiles> base,
                                       std::vector<std::pair<std::string, json>> calls)
{
    ScriptedProvider provider;
    provider.add(tool_use(std::move(calls)));
    provider.add(tool_use("finish", {{"summary", "ok"}}));
    agent::Settings settings;
    settings.secrets = &base->secrets();
    settings.base_files = std::move(base);
    agent::run_variant(provider, tree, many.paths, task(), settings);
    return results_of(provider.conversations.at(1));
}

} // namespace

TEST_CASE("agent::BaseFiles, a variant that reads one file reads no other from the base")
{
    const auto many = many_files(1000);
    const CountingTree tree(many.files);
    const agent::SecretFilter secrets;
    const auto base = std::make_shared<const agent::BaseFiles>(tree, many.paths, secrets);

    const auto results =
        run_calls(tree, many, base,
                  {{"list_files", {{"path_prefix", "d1/"}}},
                   {"read_file", {{"path", "d1/f0004.txt"}, {"end_line", 2}}},
                   {"str_replace",
                    {{"path", "d1/f0004.txt"}, {"old_str", "needle 4"}, {"new_str", "pin 4"}}}});

    REQUIRE(results.size() == 3);
    CHECK(results[0].content.find("333 files\nd1/f0001.txt\n") == 0);
    CHECK(results[1].content ==
          "d1/f0004.txt (lines 1-2 of 4)\n     1\tfile 4\n     2\tneedle 4\n");
    CHECK_FALSE(results[2].is_error);
    CHECK(base->base_reads() == 1); // read once, kept, edited from the kept bytes
    CHECK(tree.reads.load() == 1);
    CHECK(base->kept_bytes() == many.files.at("d1/f0004.txt").size());
}

TEST_CASE("agent::run_variant, a search of a base larger than the budget finds every match")
{
    const auto many = many_files(700);
    const CountingTree tree(many.files);
    const agent::SecretFilter secrets;
    // Room for 10 of the 700 files: the others stream through the search.
    const auto base = std::make_shared<const agent::BaseFiles>(tree, many.paths, secrets, 2400);

    const auto results = run_calls(tree, many, base,
                                   {{"search", {{"query", "needle 6"}}},
                                    {"search", {{"query", "needle"}, {"path_prefix", "d2/"}}}});

    REQUIRE(results.size() == 2);
    // needle 6, 60-69 and 600-699 (111 files), in path order: d0/, d1/, d2/.
    std::string expected;
    for (int folder = 0; folder < 3; ++folder) {
        for (int i = 0; i < 700; ++i) {
            if (i % 3 == folder && (i == 6 || (i >= 60 && i <= 69) || (i >= 600 && i <= 699))) {
                expected += fmt::format("d{}/f{:04}.txt:2: needle {}\n", folder, i, i);
            }
        }
    }
    CHECK(results[0].content == expected + "111 matches in 111 files\n");
    // Every file of d2/ holds a match: more than the limit, cut at 200 in order.
    std::string limited;
    for (int i = 2, shown = 0; shown < 200; i += 3, ++shown) {
        limited += fmt::format("d2/f{:04}.txt:2: needle {}\n", i, i);
    }
    CHECK(results[1].content ==
          limited +
              "[stopped at 200 matches; narrow the search with path_prefix or a longer query]\n");
    CHECK(base->kept_bytes() <= 2400);
    CHECK(base->base_reads() >= 700); // every file read; most of them not kept
}

TEST_CASE("agent::run_variant, the search's limit counts as a search in order would")
{
    auto many = many_files(600, true);
    // A binary and a withheld file with matches early on: they never count.
    many.files["d0/f0000.txt"] = std::string("needle 0\n\0binary\n", 17);
    many.files["d0/f0003.txt"] = "needle 3\nAWS = 'AKIAIOSFODNN7EXAMPLE'\n";
    const CountingTree tree(many.files);
    const agent::SecretFilter secrets;
    const auto base = std::make_shared<const agent::BaseFiles>(tree, many.paths, secrets, 4096);

    const auto results = run_calls(tree, many, base, {{"search", {{"query", "needle"}}}});

    REQUIRE(results.size() == 1);
    std::string expected;
    int shown = 0;
    for (int i = 0; i < 600 && shown < 200; i += 3) { // d0/ in order
        if (i == 0 || i == 3) {
            continue;
        }
        expected += fmt::format("d0/f{:04}.txt:2: needle {}\n", i, i);
        ++shown;
        if (i % 7 == 0 && shown < 200) {
            expected += fmt::format("d0/f{:04}.txt:4: needle again {}\n", i, i);
            ++shown;
        }
    }
    CHECK(results[0].content ==
          expected +
              "[stopped at 200 matches; narrow the search with path_prefix or a longer query]\n");
}
