#pragma once
// What calls cost, and the run's budgets.
//
// PriceTable maps model names (longest matching prefix, so
// "claude-sonnet-4-5-20250929" uses the "claude-sonnet-4-5" row) to USD per
// million tokens. Defaults cover current Anthropic and OpenAI models at their
// published list prices; configuration overrides or adds rows. A model with
// no row costs 0 (local servers) and is logged once.
//
// Meter is the run's accounting, shared by all variants (thread-safe): totals
// per call, per variant and per run, and the token and money budgets. The
// metered() wrapper checks the budgets before each call and records each
// answer, so a spent budget ends the variant that asks next with a
// ProviderError(budget) whose message names the budget.

#include "draftsmith/llm/llm.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace draftsmith::llm {

// USD per million tokens.
struct Price {
    double input = 0;
    double output = 0;
    double cache_write = 0; // writing the prompt cache (Anthropic: 1.25 x input)
    double cache_read = 0;  // reading it (about 0.1 x input)
};

class PriceTable {
public:
    // The built-in list prices (USD, late 2025).
    static PriceTable defaults();

    // Adds or replaces the row for a model name or prefix.
    void set(std::string model_prefix, Price price);
    // The row whose name is the longest prefix of `model`.
    std::optional<Price> find(std::string_view model) const;
    // Cost of one call; 0 when the model has no row.
    double cost_usd(std::string_view model, const Usage& usage) const;

private:
    std::vector<std::pair<std::string, Price>> m_rows;
};

struct BudgetLimits {
    std::optional<std::int64_t> max_tokens; // all tokens of the run, cached included
    std::optional<double> max_cost_usd;
};

struct Spend {
    Usage usage;
    double cost_usd = 0;
    int calls = 0;
};

class Meter {
public:
    Meter(PriceTable prices, BudgetLimits limits);

    // Throws ProviderError(budget) naming the budget when the run has spent it.
    void check_budget() const;
    // Records one answer of `variant` and returns its cost.
    double record(int variant, std::string_view model, const Usage& usage);

    Spend run_total() const;
    Spend variant_total(int variant) const; // zeros for a variant with no call
    const PriceTable& prices() const noexcept { return m_prices; }

private:
    PriceTable m_prices;
    BudgetLimits m_limits;
    mutable std::mutex m_mutex;
    Spend m_run;
    std::map<int, Spend> m_variants;
};

// `inner` with budget checks before each call and accounting after it; the
// Response's cost_usd is filled in.
std::unique_ptr<Provider> metered(std::unique_ptr<Provider> inner, std::shared_ptr<Meter> meter);

// "$0.0123" style, for reports.
std::string format_cost(double usd);

} // namespace draftsmith::llm
