#pragma once
// The configuration: `.draftsmith.yml`, DRAFTSMITH_* variables and flags,
// merged over built-in defaults into one Config.
//
// Precedence: flags > environment > file > defaults. Every key, its type, its
// default and its variable are in man draftsmith, CONFIGURATION. The file is
// given as text (run/ reads it from the pull request's target branch with git,
// never from the working tree), so nothing here touches the disk.
//
// Every problem is an Error(config) (exit 2) whose message starts with where it
// is: `.draftsmith.yml:7:3: unknown key 'modle' (did you mean 'model'?)`,
// `DRAFTSMITH_MAX_VARIANTS: ...` or `--max-variants: ...`.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::config {

enum class Provider { anthropic, openai, azure_openai, replay };
enum class Mode { tools, oneshot };
enum class ForkPolicy { refuse, allow };
// What becomes of a variant's edits when a limit or a signal ends it (issue 17).
enum class IncompletePolicy { keep, drop };
enum class HostKind { automatic, github, azure_devops, local };
// cache_warmup: start variant 1 alone until its answer begins (auto) or not.
enum class CacheWarmup { automatic, off };

using Seconds = std::chrono::seconds;

// "anthropic", "openai", "azure-openai", "replay" (and back; nullopt if unknown).
const char* to_string(Provider provider) noexcept;
std::optional<Provider> parse_provider(std::string_view name);
const char* to_string(Mode mode) noexcept;
std::optional<Mode> parse_mode(std::string_view name);
const char* to_string(ForkPolicy policy) noexcept;
const char* to_string(IncompletePolicy policy) noexcept; // "keep", "drop"
// "auto", "github", "azure-devops", "local".
const char* to_string(HostKind host) noexcept;
// "auto", "off".
const char* to_string(CacheWarmup mode) noexcept;

// What a provider uses when the configuration names no model, base URL or key
// variable: "claude-sonnet-4-5" / "https://api.anthropic.com" /
// "ANTHROPIC_API_KEY", "gpt-4.1" / "https://api.openai.com/v1" /
// "OPENAI_API_KEY", "" / "" / "AZURE_OPENAI_API_KEY" (Azure needs both set),
// "replay" / "" / "" for the replay provider.
std::string default_model(Provider provider);
std::string default_base_url(Provider provider);
std::string default_api_key_env(Provider provider);

// Per variant: ends that variant cleanly when one is reached.
struct Limits {
    int turns = 40;                  // model turns (requests)
    std::int64_t tokens = 2'000'000; // input + output tokens
    double cost_usd = 2.0;           // priced with `prices` or llm/'s table
    Seconds time{900};               // wall clock
};

// Per run, over all variants: ends the variants still running when reached.
struct Budget {
    std::int64_t tokens = 10'000'000;
    double cost_usd = 10.0;
    Seconds time{2700};
};

// USD per million tokens; overrides llm/'s built-in table for one model.
struct Price {
    double input = 0;
    double output = 0;
    std::optional<double> cache_write; // unset: llm/ derives it from input
    std::optional<double> cache_read;
};

// One entry of `variants`: what variant i does differently. Unset fields
// inherit the top-level setting (or the provider's default when the provider
// differs from the top-level one).
struct VariantOverride {
    std::optional<Provider> provider;
    std::optional<std::string> model;
    std::optional<std::string> base_url;
    std::optional<std::string> api_key_env;
    std::optional<double> temperature;
    std::optional<Mode> mode;
    std::optional<std::string> hint; // replaces variant i's built-in approach hint
};

// A variant's resolved model settings (see Config::variant).
struct VariantSettings {
    int index = 1; // 1-based
    Provider provider = Provider::anthropic;
    std::string model;
    std::string base_url;    // "" = the provider's own endpoint (none for replay)
    std::string api_key_env; // "" = send no key
    std::optional<double> temperature;
    Mode mode = Mode::tools;
    std::optional<std::string> hint;
};

struct CommitIdentity {
    std::string name = "draftsmith";
    std::string email = "draftsmith@localhost";
};

// Every HTTP call (LLM and host) has these.
struct Timeouts {
    Seconds connect{10};
    Seconds request{600}; // whole request, streaming included
    Seconds idle{60};     // no byte received for this long
};

struct Retries {
    int max_attempts = 4; // per request, the first attempt included
    int budget = 30;      // retries per run, over all requests
    Seconds max_wait{60}; // cap on one wait, Retry-After included
};

// What one variant's edits may amount to.
struct EditLimits {
    int max_files = 50;                 // files changed by one variant
    std::int64_t max_bytes = 1'048'576; // size of one file written
};

// In addition to the built-in rules, files never sent to a model.
struct SecretRules {
    std::vector<std::string> extra_names;    // globs on paths, e.g. "config/prod/**"
    std::vector<std::string> extra_patterns; // ECMAScript regexes on contents
};

struct Config {
    // The model.
    Provider provider = Provider::anthropic;
    std::string model;                      // resolved: default_model(provider) unless set
    std::string base_url;                   // resolved: default_base_url(provider) unless set
    std::string api_key_env;                // resolved: default_api_key_env(provider) unless set
    std::string api_version = "2024-10-21"; // Azure OpenAI's api-version
    std::optional<double> temperature;      // unset: the provider's default
    int max_output_tokens = 8192;
    Mode mode = Mode::tools;
    std::string replay; // recording file for provider replay

    // The run.
    HostKind host = HostKind::automatic; // automatic: GITHUB_ACTIONS, TF_BUILD, else local
    int max_variants = 5;                // upper bound of /N, 1..10
    int jobs = 0;                        // variants at once; 0 = all of them
    // auto: when variants share a provider that caches prompts, the others
    // start once variant 1's first answer has begun (llm/cache_warmup.hpp).
    CacheWarmup cache_warmup = CacheWarmup::automatic;
    std::vector<VariantOverride> variants;
    Limits limits;
    Budget budget;
    std::map<std::string, Price> prices; // model name -> price

    // What gets written.
    std::string branch_template = "draftsmith/pr-{pr}/{comment}-{slug}/v{i}";
    std::string title_template = "\xF0\x9F\x94\xA7 AI Edit v{i}: {slug}"; // U+1F527 wrench
    CommitIdentity commit;
    std::vector<std::string> protected_paths{".github/workflows/**",  "azure-pipelines*.yml",
                                             "azure-pipelines*.yaml", ".azure-pipelines/**",
                                             ".draftsmith.yml",       ".git*"};
    bool allow_protected = false;

    // Who may trigger.
    std::vector<std::string> allowed_users;  // besides users with write access
    std::vector<std::string> allowed_groups; // Azure DevOps groups, e.g. "[Proj]\\Editors"
    ForkPolicy forks = ForkPolicy::refuse;

    // keep: a variant a limit or a signal ended keeps its edits as a draft
    // pull request marked incomplete; drop: they are discarded.
    IncompletePolicy incomplete = IncompletePolicy::keep;

    Timeouts timeouts;
    Retries retries;
    EditLimits edit;
    SecretRules secrets;

    // Outputs besides the comments; "" = none.
    std::string report;       // JSON report file
    std::string metrics_file; // Prometheus text format file
    std::string pushgateway;  // Prometheus Pushgateway URL

    // --- issue 15: the variants' CI (the Checks column, starting CI, repair) ---
    // checks.workflow: GitHub, with GITHUB_TOKEN only: the workflow (file
    // name or id) dispatched on each variant branch after the push; "" = none.
    // checks.pipeline: Azure DevOps: the pipeline (definition id or name)
    // queued for each variant branch; "" = none.
    struct Checks {
        std::string workflow;
        std::string pipeline;
    } checks;
    // How many repair turns `draftsmith checks` may give a failing variant (0-2).
    int repair = 0;

    // Variant `index` (1-based) with its `variants` entry applied.
    VariantSettings variant(int index) const;

    // May a variant not change `path` (repository-relative)? False when
    // allow_protected is set; else whether a protected_paths glob matches it
    // (util/glob.hpp).
    bool is_protected(std::string_view path) const;
};

// Where the settings come from, lowest precedence first.
struct Sources {
    // The text of .draftsmith.yml, or nullopt when there is none.
    std::optional<std::string> file_text;
    // Names the file in messages ("main:.draftsmith.yml", "./.draftsmith.yml").
    std::string file_name = ".draftsmith.yml";
    // Environment variables; only DRAFTSMITH_* names are read.
    std::map<std::string, std::string> environment;
    // Flags by key ("model", "max_variants", "limits.turns"; '-' works as '_').
    std::map<std::string, std::string> flags;
};

// The defaults with `yaml` applied. Throws Error(config) for a YAML syntax
// error, a document that is not a mapping, an unknown or duplicate key, a
// wrong type or an out-of-range value, each as `SOURCE:LINE:COL: message`.
Config parse_config(std::string_view yaml, std::string_view source_name);

// Defaults < file < environment < flags, then provider defaults resolved.
// Throws Error(config) as parse_config does; environment and flag errors
// name the variable or the flag. A flag that is no key (or is `variants` or
// `prices`, which only the file sets) is Error(usage).
Config load_config(const Sources& sources);

// Every key, dotted ("limits.turns"), in the order of the manual; `variants`
// and `prices` included. For documentation checks.
std::vector<std::string> known_keys();

// The environment variable for a key: "limits.cost_usd" ->
// "DRAFTSMITH_LIMITS_COST_USD"; "" for `variants` and `prices` (file only).
std::string environment_name(std::string_view key);

// The effective configuration as `draftsmith config check` prints it;
// durations in seconds, unset optional values as null.
nlohmann::ordered_json to_json(const Config& config);

} // namespace draftsmith::config
