#include "draftsmith/util/secret.hpp"

#include <algorithm>
#include <array>
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
        for (auto pos = out.find(value); pos != std::string::npos; pos = out.find(value, pos + 3)) {
            out.replace(pos, value.size(), "***");
        }
    }
    return out;
}

bool holds_secret(std::string_view text)
{
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    return std::any_of(reg.values.begin(), reg.values.end(), [&](const std::string& value) {
        return text.find(value) != std::string_view::npos;
    });
}

std::span<const std::string_view> secret_variables() noexcept
{
    static constexpr std::array<std::string_view, 8> names = {"ANTHROPIC_API_KEY",
                                                              "OPENAI_API_KEY",
                                                              "AZURE_OPENAI_API_KEY",
                                                              "GITHUB_TOKEN",
                                                              "GH_TOKEN",
                                                              "SYSTEM_ACCESSTOKEN",
                                                              "AZURE_DEVOPS_EXT_PAT",
                                                              "DRAFTSMITH_GIT_AUTHORIZATION"};
    return names;
}

void register_environment_secrets(
    const std::function<std::optional<std::string>(const char*)>& lookup,
    std::span<const std::string> more)
{
    const auto add = [&](const std::string& name) {
        const auto value = lookup(name.c_str());
        if (!value || value->empty()) {
            return;
        }
        register_secret(*value);
        // The credential of an Authorization value, which may also appear alone.
        if (const auto space = value->find(' '); space != std::string::npos) {
            register_secret(std::string_view(*value).substr(space + 1));
        }
    };
    for (const auto name : secret_variables()) {
        add(std::string(name));
    }
    for (const auto& name : more) {
        if (!name.empty()) {
            add(name);
        }
    }
}

} // namespace draftsmith
