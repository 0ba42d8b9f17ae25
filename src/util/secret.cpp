#include "draftsmith/util/secret.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

namespace draftsmith {
namespace {

struct Registry {
    std::mutex mutex;
    std::vector<std::string> values; // longest first, so overlapping secrets mask fully
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

} // namespace

Secret::Secret(std::string value)
    : m_value(std::move(value))
{
    register_secret(m_value);
}

std::ostream& operator<<(std::ostream& out, const Secret&)
{
    return out << "***";
}

void register_secret(std::string_view value)
{
    if (value.size() < 4) {
        return;
    }
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    if (std::find(reg.values.begin(), reg.values.end(), value) != reg.values.end()) {
        return;
    }
    reg.values.emplace_back(value);
    std::stable_sort(reg.values.begin(), reg.values.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string redacted(std::string_view text)
{
    std::string out(text);
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    for (const auto& value : reg.values) {
        for (auto pos = out.find(value); pos != std::string::npos;
             pos = out.find(value, pos + 3)) {
            out.replace(pos, value.size(), "***");
        }
    }
    return out;
}

} // namespace draftsmith
