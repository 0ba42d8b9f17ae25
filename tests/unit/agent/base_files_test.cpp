#include "draftsmith/agent/base_files.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

namespace agent = draftsmith::agent;
using draftsmith::edit::MemoryTree;

namespace {

// A MemoryTree that counts its reads.
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

TEST_CASE("agent::BaseFiles, each listed file is read and scanned once")
{
    const CountingTree tree({{"a.txt", "hello\n"},
                             {"k.py", "AWS = 'AKIAIOSFODNN7EXAMPLE'\n"},
                             {"extra.txt", "not listed\n"}});
    const agent::SecretFilter secrets;
    const agent::BaseFiles base(tree, {"k.py", "a.txt", "gone.txt"}, secrets);

    CHECK(base.read("a.txt") == "hello\n");
    CHECK(base.read("a.txt") == "hello\n");
    REQUIRE(base.bytes("a.txt") != nullptr);
    CHECK(*base.bytes("a.txt") == "hello\n");
    CHECK(tree.reads == 1);
    CHECK_FALSE(base.why_content_hidden("a.txt"));
    CHECK(base.why_content_hidden("k.py") == "it holds an AWS access key id");
    CHECK(base.why_content_hidden("k.py") == "it holds an AWS access key id");
    CHECK(tree.reads == 2);

    // listed but absent: nullopt, once
    CHECK_FALSE(base.read("gone.txt"));
    CHECK(base.bytes("gone.txt") == nullptr);
    CHECK_FALSE(base.why_content_hidden("gone.txt"));
    CHECK(tree.reads == 3);

    // not listed: the base answers each time, nothing is kept
    CHECK(base.read("extra.txt") == "not listed\n");
    CHECK(base.read("extra.txt") == "not listed\n");
    CHECK(base.bytes("extra.txt") == nullptr);
    CHECK(tree.reads == 5);
    CHECK(base.exists("extra.txt"));
    CHECK_FALSE(base.exists("nowhere"));
}

TEST_CASE("agent::BaseFiles, threads share one read")
{
    std::map<std::string, std::string, std::less<>> files;
    std::vector<std::string> paths;
    for (int i = 0; i < 50; ++i) {
        const auto path = "f" + std::to_string(i) + ".txt";
        files[path] = "text " + std::to_string(i) + "\n";
        paths.push_back(path);
    }
    const CountingTree tree(files);
    const agent::SecretFilter secrets;
    const agent::BaseFiles base(tree, paths, secrets);

    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (const auto& path : paths) {
                const auto bytes = base.bytes(path);
                if (bytes == nullptr || *bytes != files.at(path) || base.why_content_hidden(path)) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(wrong == 0);
    CHECK(tree.reads == 50);
}

TEST_CASE("agent::BaseFiles, prepare shares the reading between threads")
{
    std::map<std::string, std::string, std::less<>> files;
    std::vector<std::string> paths;
    for (int i = 0; i < 200; ++i) {
        const auto path = "d/f" + std::to_string(i) + ".txt";
        files[path] = i == 150 ? "AKIAIOSFODNN7EXAMPLE\n" : "text\n";
        paths.push_back(path);
    }
    const CountingTree tree(files);
    const agent::SecretFilter secrets;
    const agent::BaseFiles base(tree, paths, secrets);

    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] { base.prepare(); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    base.prepare();
    CHECK(tree.reads == 200);
    CHECK(base.why_content_hidden("d/f150.txt") == "it holds an AWS access key id");
    CHECK_FALSE(base.why_content_hidden("d/f149.txt"));
    CHECK(tree.reads == 200);
}
