#include "temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace draftsmith::test {
namespace {

std::mutex g_mutex;
std::vector<std::filesystem::path> g_pending;

} // namespace

TempDir::TempDir()
{
    std::string pattern =
        (std::filesystem::temp_directory_path() / "draftsmith-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    m_path = pattern;
    std::lock_guard lock(g_mutex);
    g_pending.push_back(m_path);
}

void write_file(const std::filesystem::path& path, std::string_view bytes)
{
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

void finish_temp_dirs(bool test_case_passed)
{
    std::lock_guard lock(g_mutex);
    for (const auto& path : g_pending) {
        if (test_case_passed) {
            std::error_code ignored;
            std::filesystem::remove_all(path, ignored);
        } else {
            std::fprintf(stderr, "kept test directory: %s\n", path.c_str());
        }
    }
    g_pending.clear();
}

} // namespace draftsmith::test
