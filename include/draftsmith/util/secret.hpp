#pragma once
// Secrets (API keys, tokens, passwords) and their redaction.
//
// A Secret never prints its value: formatting one gives "***". Creating a
// non-empty Secret registers its value process-wide, and redacted() replaces
// every registered value in a text. The logger, error printer and reports pass
// everything they write through redacted(), so a secret that slipped into a
// libcurl or libgit2 message is still masked.

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace draftsmith {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value);

    // The value itself, for the one place that must send it (a header).
    const std::string& reveal() const noexcept { return m_value; }
    bool empty() const noexcept { return m_value.empty(); }

private:
    std::string m_value;
};

std::ostream& operator<<(std::ostream& out, const Secret& secret);

// Register a value to be masked everywhere (also done by Secret's constructor).
// Values shorter than 4 characters are ignored: masking them would garble text.
void register_secret(std::string_view value);

// The text with every registered secret, and its common encodings (base64 of
// "user:secret" forms are registered by whoever builds them), replaced by "***".
std::string redacted(std::string_view text);

// True when the text holds a registered secret (what redacted() would mask).
// Used where masking would corrupt the output, e.g. a file about to be pushed.
bool holds_secret(std::string_view text);

// Every environment variable draftsmith knows to hold a secret, whatever the
// host or provider of this run: the model keys (ANTHROPIC_API_KEY,
// OPENAI_API_KEY, AZURE_OPENAI_API_KEY), the host tokens (GITHUB_TOKEN,
// GH_TOKEN, SYSTEM_ACCESSTOKEN, AZURE_DEVOPS_EXT_PAT) and
// DRAFTSMITH_GIT_AUTHORIZATION. The man page's ENVIRONMENT section lists them.
std::span<const std::string_view> secret_variables() noexcept;

// Registers the values of secret_variables() and of `more` (e.g. the
// configuration's api_key_env) found through `lookup`, so a token of the
// other service or an unused provider is masked too. An Authorization value
// ("Basic X", "Bearer X") registers X as well. Never throws for a missing variable.
void register_environment_secrets(
    const std::function<std::optional<std::string>(const char*)>& lookup,
    std::span<const std::string> more = {});

} // namespace draftsmith

template <>
struct fmt::formatter<draftsmith::Secret> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const draftsmith::Secret&, FormatContext& ctx) const
    {
        return fmt::formatter<std::string_view>::format("***", ctx);
    }
};
