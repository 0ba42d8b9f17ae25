#pragma once
// Secrets (API keys, tokens, passwords) and their redaction.
//
// A Secret never prints its value: formatting one gives "***". Creating a
// non-empty Secret registers its value process-wide, and redacted() replaces
// every registered value in a text. The logger, error printer and reports pass
// everything they write through redacted(), so a secret that slipped into a
// libcurl or libgit2 message is still masked.

#include <fmt/format.h>

#include <ostream>
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

} // namespace draftsmith

template <>
struct fmt::formatter<draftsmith::Secret> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const draftsmith::Secret&, FormatContext& ctx) const
    {
        return fmt::formatter<std::string_view>::format("***", ctx);
    }
};
