#pragma once
// A commit's tree as the edit engine and the agent read it: git::TreeReader
// behind edit::BaseTree. Used by `draftsmith apply --commit-to` and by run/.

#include "draftsmith/edit/tree.hpp"
#include "draftsmith/git/repository.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace draftsmith::run {

class CommitTree : public edit::BaseTree {
public:
    explicit CommitTree(git::TreeReader reader)
        : m_reader(std::move(reader))
    {
    }
    std::optional<std::string> read(std::string_view path) const override
    {
        return m_reader.read(path);
    }
    bool exists(std::string_view path) const override { return m_reader.exists(path); }
    bool is_symlink(std::string_view path) const override { return m_reader.is_symlink(path); }
    const git::TreeReader& reader() const noexcept { return m_reader; }

private:
    git::TreeReader m_reader;
};

} // namespace draftsmith::run
