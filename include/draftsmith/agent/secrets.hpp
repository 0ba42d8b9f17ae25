#pragma once
// Which files of a repository never reach a model.
//
// A file is withheld when its name looks like a secret, when its contents
// hold something that looks like a credential, or when the configuration's
// `secrets` section says so. The agent hides withheld files from list_files,
// search and the repository context, answers read_file with "withheld", and
// refuses edits to them (an edit's failure message could quote the file).
//
// By name (globs of util/glob.hpp, at any depth): .env, .env.* (except
// .env.example, .env.sample, .env.template, .env.dist), *.pem, *.key, *.p12,
// *.pfx, id_rsa*, id_ed25519*, *.keystore, .npmrc, .pypirc, .netrc,
// credentials*.json, secrets.*; plus SecretRules::extra_names.
//
// By content: the value of any registered secret (util/secret.hpp), anywhere
// in the file; then, line by line: PEM private key headers, AWS access key ids
// (AKIA + 16), GitHub tokens (gh[pousr]_..., github_pat_...), Slack tokens
// (xox[baprs]-...), Anthropic and OpenAI keys (sk-ant-..., sk-...), and
// assignments of a long quoted literal to api_key / secret_key / access_token /
// auth_token / client_secret / password; plus SecretRules::extra_patterns
// (ECMAScript regexes, searched in each line).

#include "draftsmith/config/config.hpp"

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::agent {

class SecretFilter {
public:
    // Throws Error(config) naming the pattern when an extra regex is invalid.
    explicit SecretFilter(config::SecretRules rules = {});

    // True when the path alone withholds the file (its name, or an extra glob).
    bool hides_path(std::string_view path) const;

    // Why the file is withheld ("its name looks like a private key"), or
    // nullopt when it may be shown. `bytes` are the file's contents.
    std::optional<std::string> why_hidden(std::string_view path, std::string_view bytes) const;

    // Why the path alone withholds the file, or nullopt.
    std::optional<std::string> why_path_hidden(std::string_view path) const;

    // Why the contents withhold the file, or nullopt.
    std::optional<std::string> why_content_hidden(std::string_view bytes) const;

private:
    struct ContentRule {
        std::regex pattern;
        // Lower-case texts of which every match holds one; empty: unknown, always search.
        std::vector<std::string> needles;
        std::string reason;
        bool needs_quote = false; // every match holds ' or ": lines without one are skipped
    };

    config::SecretRules m_rules;
    std::vector<ContentRule> m_content_rules;
    // Every rule's needles, to find the lines worth searching; empty when a
    // rule has none (extra_patterns): then every line is searched.
    std::vector<std::string> m_needles;
};

} // namespace draftsmith::agent
