// agent::BaseFiles keeps file contents only up to its budget (issue 14): a
// search of a repository larger than that streams through it.
#include "draftsmith/agent/base_files.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace agent = draftsmith::agent;
using draftsmith::edit::MemoryTree;

namespace {

class CountingTree final : public draftsmith::edit::BaseTree {
public:
    explicit CountingTree(std::map<std::string, std::string, std::less<>> files)
        : m_tree(std::move(files))
    {
    }
    std::optional<std::string> read(std::string_view path) const override
    {
        ++reads;
        return m_tree.read(path);
    }
    bool exists(std::string_view path) const override { return m_tree.exists(path); }
    bool is_symlink(std::string_view path) const override { return m_tree.is_symlink(path); }

    mutable std::atomic<int> reads{0};

private:
    MemoryTree m_tree;
};

} // namespace

TEST_CASE("agent::BaseFiles, contents kept only up to the budget")
{
    std::map<std::string, std::string, std::less<>> files;
    std::vector<std::string> paths;
    for (int i = 0; i < 10; ++i) {
        const auto path = "f" + std::to_string(i) + ".txt";
        files[path] = std::string(100, static_cast<char>('a' + i)) + "\n"; // 101 bytes
        paths.push_back(path);
    }
    files["k.py"] = "AWS = 'AKIAIOSFODNN7EXAMPLE'\n";
    paths.push_back("k.py");
    const CountingTree tree(files);
    const agent::SecretFilter secrets;
    const agent::BaseFiles base(tree, paths, secrets, 350); // room for 3 files

    SUBCASE("the first files fit and are read once; the others each time, never kept")
    {
        for (int round = 0; round < 2; ++round) {
            for (const auto& path : paths) {
                const auto bytes = base.bytes(path);
                REQUIRE(bytes != nullptr);
                CHECK(*bytes == files.at(path));
            }
        }
        // f0-f2 (303 bytes) and k.py (29) fit; f3-f9 do not: 11 first
        // reads, then those 7 again.
        CHECK(base.kept_bytes() == 332);
        CHECK(tree.reads == 11 + 7);
    }
    SUBCASE("prepare stops reading ahead once the budget is full")
    {
        base.prepare();
        CHECK(tree.reads == 4); // 3 kept, the 4th did not fit
        CHECK(base.kept_bytes() == 303);
    }
    SUBCASE("verdicts are kept for every file, from the bytes the caller has")
    {
        const auto bytes = base.bytes("k.py");
        REQUIRE(bytes != nullptr);
        const auto reads = tree.reads.load();
        CHECK(base.why_content_hidden("k.py", *bytes) == "it holds an AWS access key id");
        CHECK(base.why_content_hidden("k.py") == "it holds an AWS access key id");
        CHECK(tree.reads == reads); // neither read the file again
        CHECK_FALSE(base.why_content_hidden("f9.txt"));
        CHECK_FALSE(base.why_content_hidden("f9.txt"));
        CHECK(base.lists("f9.txt"));
        CHECK_FALSE(base.lists("nowhere.txt"));
    }
}
