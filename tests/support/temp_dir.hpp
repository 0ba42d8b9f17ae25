#pragma once
// A fresh temporary directory per test: removed when the test case passed,
// kept (and its path printed) when it failed, so the evidence survives.

#include <filesystem>

namespace draftsmith::test {

class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const noexcept { return m_path; }
    std::filesystem::path operator/(const std::filesystem::path& relative) const
    {
        return m_path / relative;
    }

private:
    std::filesystem::path m_path;
};

// Writes `bytes` to `path`, creating parent folders.
void write_file(const std::filesystem::path& path, std::string_view bytes);

// Called by the doctest listener at the end of each test case.
void finish_temp_dirs(bool test_case_passed);

} // namespace draftsmith::test
