#include "draftsmith/llm/cost.hpp"

#include "draftsmith/util/log.hpp"

#include <fmt/format.h>

#include <set>

namespace draftsmith::llm {
namespace {

constexpr double k_per_million = 1'000'000.0;

} // namespace

PriceTable PriceTable::defaults()
{
    // USD per million tokens: input, output, cache write, cache read. List
    // prices published by Anthropic and OpenAI (late 2025); override in config.
    PriceTable table;
    // Anthropic: cache writes (5 minutes) cost 1.25x input, reads 0.1x.
    table.set("claude-opus-4-5", {5.0, 25.0, 6.25, 0.50});
    table.set("claude-opus-4", {15.0, 75.0, 18.75, 1.50});
    table.set("claude-sonnet-4", {3.0, 15.0, 3.75, 0.30});
    table.set("claude-haiku-4-5", {1.0, 5.0, 1.25, 0.10});
    table.set("claude-3-7-sonnet", {3.0, 15.0, 3.75, 0.30});
    table.set("claude-3-5-sonnet", {3.0, 15.0, 3.75, 0.30});
    table.set("claude-3-5-haiku", {0.80, 4.0, 1.0, 0.08});
    table.set("claude-3-opus", {15.0, 75.0, 18.75, 1.50});
    table.set("claude-3-haiku", {0.25, 1.25, 0.30, 0.03});
    // OpenAI: no charge for writing the cache; cached input at a discount.
    table.set("gpt-5", {1.25, 10.0, 1.25, 0.125});
    table.set("gpt-5-mini", {0.25, 2.0, 0.25, 0.025});
    table.set("gpt-5-nano", {0.05, 0.40, 0.05, 0.005});
    table.set("gpt-4.1", {2.0, 8.0, 2.0, 0.50});
    table.set("gpt-4.1-mini", {0.40, 1.60, 0.40, 0.10});
    table.set("gpt-4.1-nano", {0.10, 0.40, 0.10, 0.025});
    table.set("gpt-4o", {2.50, 10.0, 2.50, 1.25});
    table.set("gpt-4o-mini", {0.15, 0.60, 0.15, 0.075});
    table.set("o3", {2.0, 8.0, 2.0, 0.50});
    table.set("o3-mini", {1.10, 4.40, 1.10, 0.55});
    table.set("o4-mini", {1.10, 4.40, 1.10, 0.275});
    return table;
}

void PriceTable::set(std::string model_prefix, Price price)
{
    for (auto& [name, row] : m_rows) {
        if (name == model_prefix) {
            row = price;
            return;
        }
    }
    m_rows.emplace_back(std::move(model_prefix), price);
}

std::optional<Price> PriceTable::find(std::string_view model) const
{
    const std::pair<std::string, Price>* best = nullptr;
    for (const auto& row : m_rows) {
        if (model.substr(0, row.first.size()) == row.first &&
            (!best || row.first.size() > best->first.size())) {
            best = &row;
        }
    }
    if (!best) {
        return std::nullopt;
    }
    return best->second;
}

double PriceTable::cost_usd(std::string_view model, const Usage& usage) const
{
    const auto price = find(model);
    if (!price) {
        return 0;
    }
    return (static_cast<double>(usage.input_tokens) * price->input +
            static_cast<double>(usage.output_tokens) * price->output +
            static_cast<double>(usage.cache_creation_input_tokens) * price->cache_write +
            static_cast<double>(usage.cache_read_input_tokens) * price->cache_read) /
           k_per_million;
}

Meter::Meter(PriceTable prices, BudgetLimits limits)
    : m_prices(std::move(prices))
    , m_limits(limits)
{
}

void Meter::check_budget() const
{
    std::lock_guard lock(m_mutex);
    const auto tokens = m_run.usage.total();
    if (m_limits.max_tokens && tokens >= *m_limits.max_tokens) {
        throw ProviderError(FailureKind::budget,
                            fmt::format("the run's token budget of {} tokens is spent ({} used)",
                                        *m_limits.max_tokens, tokens));
    }
    if (m_limits.max_cost_usd && m_run.cost_usd >= *m_limits.max_cost_usd) {
        throw ProviderError(FailureKind::budget,
                            fmt::format("the run's cost budget of {} is spent ({} used)",
                                        format_cost(*m_limits.max_cost_usd),
                                        format_cost(m_run.cost_usd)));
    }
}

double Meter::record(int variant, std::string_view model, const Usage& usage)
{
    const double cost = m_prices.cost_usd(model, usage);
    std::lock_guard lock(m_mutex);
    for (Spend* spend : {&m_run, &m_variants[variant]}) {
        spend->usage += usage;
        spend->cost_usd += cost;
        ++spend->calls;
    }
    return cost;
}

Spend Meter::run_total() const
{
    std::lock_guard lock(m_mutex);
    return m_run;
}

Spend Meter::variant_total(int variant) const
{
    std::lock_guard lock(m_mutex);
    const auto found = m_variants.find(variant);
    return found == m_variants.end() ? Spend{} : found->second;
}

std::string format_cost(double usd)
{
    if (usd >= 1.0) {
        return fmt::format("${:.2f}", usd);
    }
    return fmt::format("${:.4f}", usd);
}

namespace {

class MeteredProvider final : public Provider {
public:
    MeteredProvider(std::unique_ptr<Provider> inner, std::shared_ptr<Meter> meter)
        : m_inner(std::move(inner))
        , m_meter(std::move(meter))
    {
    }

    Response complete(const Conversation& conversation, const Tools& tools,
                      const Options& options) override
    {
        m_meter->check_budget();
        auto response = m_inner->complete(conversation, tools, options);
        const std::string model = response.model.empty() ? options.model : response.model;
        if (!m_meter->prices().find(model)) {
            warn_unpriced(model);
        }
        response.cost_usd = m_meter->record(options.variant, model, response.usage);
        const auto& u = response.usage;
        log::debug("{} {}: variant {} turn {}: {} input tokens ({} read from cache, {} written to "
                   "it), {} output, {}, {}",
                   m_inner->name(), model, options.variant, options.turn, u.input_tokens,
                   u.cache_read_input_tokens, u.cache_creation_input_tokens, u.output_tokens,
                   to_string(response.stop_reason), format_cost(response.cost_usd));
        return response;
    }

    std::string name() const override { return m_inner->name(); }

private:
    void warn_unpriced(const std::string& model)
    {
        std::lock_guard lock(m_mutex);
        if (m_unpriced.insert(model).second) {
            log::info("no price known for model '{}': its calls count as $0 (add a price for it "
                      "in the configuration)",
                      model);
        }
    }

    std::unique_ptr<Provider> m_inner;
    std::shared_ptr<Meter> m_meter;
    std::mutex m_mutex;
    std::set<std::string> m_unpriced;
};

} // namespace

std::unique_ptr<Provider> metered(std::unique_ptr<Provider> inner, std::shared_ptr<Meter> meter)
{
    return std::make_unique<MeteredProvider>(std::move(inner), std::move(meter));
}

} // namespace draftsmith::llm
