#include "draftsmith/agent/secrets.hpp"

#include "draftsmith/util/error.hpp"
#include "draftsmith/util/glob.hpp"
#include "draftsmith/util/secret.hpp"
#include "draftsmith/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

// Contents are searched line by line, and only lines holding a rule's literal
// "needle" go through its regex: std::regex is slow, and most lines of most
// files hold none of the needles. The needles are looked for in the whole
// file at once (lower-cased once), so lines without any are never visited.
// Overlong lines (minified code) are searched in overlapping windows so a
// regex never runs over megabytes at once.

namespace draftsmith::agent {
namespace {

struct NameRule {
    std::string_view glob;
    std::string_view reason;
};

constexpr std::array k_name_rules{
    NameRule{".env", "its name looks like an environment file with secrets"},
    NameRule{".env.*", "its name looks like an environment file with secrets"},
    NameRule{"*.pem", "its name looks like a private key or certificate"},
    NameRule{"*.key", "its name looks like a private key"},
    NameRule{"*.p12", "its name looks like a key store"},
    NameRule{"*.pfx", "its name looks like a key store"},
    NameRule{"*.keystore", "its name looks like a key store"},
    NameRule{"id_rsa*", "its name looks like an SSH key"},
    NameRule{"id_ed25519*", "its name looks like an SSH key"},
    NameRule{".npmrc", "its name looks like a package registry login"},
    NameRule{".pypirc", "its name looks like a package registry login"},
    NameRule{".netrc", "its name looks like a file of logins"},
    NameRule{"credentials*.json", "its name looks like a credentials file"},
    NameRule{"secrets.*", "its name looks like a file of secrets"},
};

// Templates of environment files hold placeholders, not secrets.
constexpr std::array<std::string_view, 4> k_env_templates{".env.example", ".env.sample",
                                                          ".env.template", ".env.dist"};

struct BuiltInContentRule {
    std::string_view pattern;
    std::string_view needles; // '|'-separated lower-case texts; a match holds one of them
    std::string_view reason;
    bool ignore_case;
    bool needs_quote = false; // a match holds ' or "
};

constexpr std::array k_content_rules{
    BuiltInContentRule{R"(-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----)", "private key",
                       "it holds a private key", false},
    BuiltInContentRule{R"(\bAKIA[0-9A-Z]{16}\b)", "akia", "it holds an AWS access key id", false},
    BuiltInContentRule{R"(\bgh[pousr]_[A-Za-z0-9]{36})", "ghp_|gho_|ghu_|ghs_|ghr_",
                       "it holds a GitHub token", false},
    BuiltInContentRule{R"(github_pat_[A-Za-z0-9_]{22})", "github_pat_", "it holds a GitHub token",
                       false},
    BuiltInContentRule{R"(xox[baprs]-[A-Za-z0-9-]{10})", "xox", "it holds a Slack token", false},
    BuiltInContentRule{R"(sk-ant-[A-Za-z0-9_-]{20})", "sk-ant-", "it holds an Anthropic API key",
                       false},
    BuiltInContentRule{R"(\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32})", "sk-",
                       "it holds an OpenAI API key", false},
    BuiltInContentRule{
        R"((api_?key|secret_?key|access_?token|auth_?token|client_?secret|password)["']?\s*[:=]\s*["'][^"'\s]{16})",
        "key|token|secret|password", "it assigns what looks like a credential", true, true},
};

constexpr std::size_t k_window = 8192;
constexpr std::size_t k_window_overlap = 256;

std::string_view file_name(std::string_view path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_env_template(std::string_view path)
{
    const auto name = file_name(path);
    return std::find(k_env_templates.begin(), k_env_templates.end(), name) != k_env_templates.end();
}

// Calls `visit(start, size)` with the line [begin, end), or each window of it
// when it is overlong, until it returns true. Empty lines are not visited.
template <typename Visit>
bool any_window(std::size_t begin, std::size_t end, Visit visit)
{
    for (std::size_t start = begin; start < end; start += k_window - k_window_overlap) {
        if (visit(start, std::min(k_window, end - start))) {
            return true;
        }
        if (start + k_window >= end) {
            break;
        }
    }
    return false;
}

std::size_t line_end(std::string_view text, std::size_t from)
{
    const auto newline = text.find('\n', from);
    return newline == std::string_view::npos ? text.size() : newline;
}

// Calls `visit(begin, end)` with each line of `text` until it returns true.
template <typename Visit>
bool any_line(std::string_view text, Visit visit)
{
    for (std::size_t begin = 0; begin < text.size();) {
        const auto end = line_end(text, begin);
        if (visit(begin, end)) {
            return true;
        }
        begin = end + 1;
    }
    return false;
}

// Calls `visit(begin, end)` with each line of `lower` that holds one of the
// needles, in order, until it returns true. One pass over the text per needle.
template <typename Visit>
bool any_line_holding(std::string_view lower, const std::vector<std::string>& needles, Visit visit)
{
    std::vector<std::size_t> next;
    next.reserve(needles.size());
    for (const auto& needle : needles) {
        next.push_back(lower.find(needle));
    }
    for (;;) {
        const auto hit = *std::min_element(next.begin(), next.end());
        if (hit == std::string_view::npos) {
            return false;
        }
        const auto newline = lower.rfind('\n', hit);
        const auto begin = newline == std::string_view::npos ? 0 : newline + 1;
        const auto end = line_end(lower, hit);
        if (visit(begin, end)) {
            return true;
        }
        for (std::size_t i = 0; i < needles.size(); ++i) {
            if (next[i] <= end) {
                next[i] = lower.find(needles[i], end); // npos past the end
            }
        }
    }
}

std::vector<std::string> split_needles(std::string_view needles)
{
    std::vector<std::string> out;
    while (!needles.empty()) {
        const auto bar = needles.find('|');
        if (bar != 0) { // an empty needle would be everywhere
            out.emplace_back(needles.substr(0, bar));
        }
        needles.remove_prefix(bar == std::string_view::npos ? needles.size() : bar + 1);
    }
    return out;
}

bool holds_any(std::string_view lower_text, const std::vector<std::string>& needles)
{
    if (needles.empty()) {
        return true;
    }
    return std::any_of(needles.begin(), needles.end(), [&](const std::string& needle) {
        return lower_text.find(needle) != std::string_view::npos;
    });
}

// Every needle of every rule, once; empty when a rule has none (then every
// line must be searched).
template <typename Rules>
std::vector<std::string> all_needles(const Rules& rules)
{
    std::vector<std::string> out;
    for (const auto& rule : rules) {
        if (rule.needles.empty()) {
            return {};
        }
        for (const auto& needle : rule.needles) {
            if (std::find(out.begin(), out.end(), needle) == out.end()) {
                out.push_back(needle);
            }
        }
    }
    return out;
}

} // namespace

SecretFilter::SecretFilter(config::SecretRules rules)
    : m_rules(std::move(rules))
{
    m_content_rules.reserve(k_content_rules.size() + m_rules.extra_patterns.size());
    for (const auto& rule : k_content_rules) {
        auto flags = std::regex::ECMAScript | std::regex::optimize;
        if (rule.ignore_case) {
            flags |= std::regex::icase;
        }
        m_content_rules.push_back({std::regex(std::string(rule.pattern), flags),
                                   split_needles(rule.needles), std::string(rule.reason),
                                   rule.needs_quote});
    }
    for (const auto& pattern : m_rules.extra_patterns) {
        try {
            m_content_rules.push_back(
                {std::regex(pattern, std::regex::ECMAScript | std::regex::optimize),
                 {},
                 fmt::format("it matches secrets.extra_patterns '{}'", pattern),
                 false});
        } catch (const std::regex_error& error) {
            throw Error(
                ErrorCategory::config,
                fmt::format("secrets.extra_patterns: '{}' is not a valid regular expression: {}",
                            pattern, error.what()));
        }
    }
    m_needles = all_needles(m_content_rules);
}

bool SecretFilter::hides_path(std::string_view path) const
{
    return why_path_hidden(path).has_value();
}

std::optional<std::string> SecretFilter::why_path_hidden(std::string_view path) const
{
    for (const auto& extra : m_rules.extra_names) {
        if (glob::matches(extra, path)) {
            return fmt::format("it matches secrets.extra_names '{}'", extra);
        }
    }
    if (is_env_template(path)) {
        return std::nullopt;
    }
    for (const auto& rule : k_name_rules) {
        if (glob::matches(rule.glob, path)) {
            return std::string(rule.reason);
        }
    }
    return std::nullopt;
}

std::optional<std::string> SecretFilter::why_content_hidden(std::string_view bytes) const
{
    if (holds_secret(bytes)) {
        return "it holds the value of a secret this run was given";
    }
    const auto lower = text::to_lower_ascii(bytes);
    std::optional<std::string> reason;
    const auto search_window = [&](std::size_t start, std::size_t size) {
        const auto window = bytes.substr(start, size);
        const auto lower_window = std::string_view(lower).substr(start, size);
        for (const auto& rule : m_content_rules) {
            if (!holds_any(lower_window, rule.needles) ||
                (rule.needs_quote && window.find_first_of("\"'") == std::string_view::npos)) {
                continue;
            }
            if (std::regex_search(window.begin(), window.end(), rule.pattern)) {
                reason = rule.reason;
                return true;
            }
        }
        return false;
    };
    const auto search_line = [&](std::size_t begin, std::size_t end) {
        return any_window(begin, end, search_window);
    };
    if (m_needles.empty()) {
        any_line(bytes, search_line);
    } else {
        any_line_holding(lower, m_needles, search_line);
    }
    return reason;
}

std::optional<std::string> SecretFilter::why_hidden(std::string_view path,
                                                    std::string_view bytes) const
{
    if (auto reason = why_path_hidden(path)) {
        return reason;
    }
    return why_content_hidden(bytes);
}

} // namespace draftsmith::agent
