#include "draftsmith/edit/working_tree.hpp"

#include "draftsmith/util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <unistd.h>
#include <vector>

namespace draftsmith::edit {
namespace fs = std::filesystem;

namespace {

struct Pending {
    fs::path target;
    fs::path temporary;
};

class Transaction {
public:
    Transaction() = default;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction()
    {
        if (m_committed) {
            return;
        }
        std::error_code ignored;
        for (const auto& pending : m_pending) {
            fs::remove(pending.temporary, ignored);
        }
        for (auto folder = m_created.rbegin(); folder != m_created.rend(); ++folder) {
            fs::remove(*folder, ignored); // only removes it while empty
        }
    }

    void create_folders(const fs::path& root, const fs::path& folder)
    {
        std::vector<fs::path> missing;
        for (auto at = folder; at != root && !at.empty() && !fs::exists(at);
             at = at.parent_path()) {
            missing.push_back(at);
        }
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
            std::error_code error;
            fs::create_directory(*it, error);
            if (error) {
                throw Error(ErrorCategory::edit, fmt::format("cannot create folder {}: {}",
                                                             it->string(), error.message()));
            }
            m_created.push_back(*it);
        }
    }

    void stage(const fs::path& target, const std::string& bytes)
    {
        auto temporary = target;
        temporary += fmt::format(".draftsmith-{}.tmp", ::getpid());
        m_pending.push_back({target, temporary});
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            throw Error(ErrorCategory::edit,
                        fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
        }
        std::error_code error;
        const auto status = fs::status(target, error);
        if (!error && fs::is_regular_file(status)) {
            fs::permissions(temporary, status.permissions(), error);
        }
    }

    void commit()
    {
        for (const auto& pending : m_pending) {
            std::error_code error;
            fs::rename(pending.temporary, pending.target, error);
            if (error) {
                throw Error(
                    ErrorCategory::edit,
                    fmt::format("cannot write {}: {}", pending.target.string(), error.message()));
            }
        }
        m_committed = true;
    }

private:
    std::vector<Pending> m_pending;
    std::vector<fs::path> m_created;
    bool m_committed = false;
};

} // namespace

void write_overlay(const fs::path& root, const Overlay& overlay)
{
    Transaction transaction;
    for (const auto& [path, bytes] : overlay) {
        if (!bytes) {
            continue;
        }
        const auto target = root / path;
        transaction.create_folders(root, target.parent_path());
        transaction.stage(target, *bytes);
    }
    transaction.commit();
    for (const auto& [path, bytes] : overlay) {
        if (bytes) {
            continue;
        }
        const auto target = root / path;
        std::error_code error;
        fs::remove(target, error);
        if (error) {
            throw Error(ErrorCategory::edit,
                        fmt::format("cannot delete {}: {}", target.string(), error.message()));
        }
        for (auto folder = target.parent_path(); folder != root && fs::is_empty(folder, error);
             folder = folder.parent_path()) {
            fs::remove(folder, error);
        }
    }
}

} // namespace draftsmith::edit
