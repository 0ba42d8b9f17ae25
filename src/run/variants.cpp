// The variants: N agents on a bounded pool, each over the pull request's head
// commit onto its own overlay, committed as soon as it finishes. Identical
// trees are duplicates of the lowest-numbered variant with that tree.
#include "draftsmith/agent/agent.hpp"
#include "draftsmith/llm/cache_warmup.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/llm/replay.hpp"
#include "draftsmith/report/comments.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include "settings.hpp"
#include "state.hpp"

#include <fmt/format.h>

#include <atomic>
#include <thread>

namespace draftsmith::run {
namespace {


// Everything one variant needs that differs between variants.
struct VariantPlan {
    int index = 1;
    config::VariantSettings settings;
    std::unique_ptr<llm::Provider> provider;
    llm::ProviderOptions options; // what `provider` was made from
};

std::unique_ptr<llm::Provider> make_variant_provider(RunState& state,
                                                     const llm::ProviderOptions& options)
{
    auto provider = llm::make_provider(options, state.http);
    return llm::metered(std::move(provider), state.meter);
}

agent::Settings agent_settings(RunState& state, const config::VariantSettings& variant)
{
    agent::Settings settings;
    settings.mode = variant.mode;
    settings.limits = state.config.limits;
    settings.call.model = variant.model;
    settings.call.temperature = variant.temperature;
    settings.call.max_output_tokens = state.config.max_output_tokens;
    settings.apply.limits.max_files = static_cast<std::size_t>(state.config.edit.max_files);
    settings.apply.limits.max_file_bytes = static_cast<std::size_t>(state.config.edit.max_bytes);
    const config::Config& config = state.config;
    settings.apply.refuse_path = [&config](std::string_view path) -> std::optional<std::string> {
        if (config.is_protected(path)) {
            return fmt::format("{} is a protected path (protected_paths in .draftsmith.yml); "
                               "leave it unchanged",
                               path);
        }
        return std::nullopt;
    };
    settings.secrets = &*state.secrets;
    settings.base_files = state.base_files;
    settings.should_stop = [] { return stop_requested(); };
    settings.deadline = state.started + state.config.budget.time;
    return settings;
}

agent::Task variant_task(const RunState& state, const config::VariantSettings& settings)
{
    agent::Task task;
    task.intent = state.command.intent;
    task.variant = settings.index;
    task.variants = state.command.variants;
    task.hint = settings.hint ? *settings.hint : agent::approach_hint(settings.index);
    task.pr_title = state.pr.title;
    task.pr_body = state.pr.body.substr(0, 4000);
    return task;
}

void commit_variant(RunState& state, const agent::Outcome& outcome, report::VariantRecord& record)
{
    const auto started = Clock::now();
    git::CommitSpec spec;
    {
        std::lock_guard lock(state.mutex);
        record.phase = "commit";
        spec.message = report::commit_message(state.record, record);
    }
    spec.committer = {state.config.commit.name, state.config.commit.email};
    spec.requester = git::Requester{state.comment.author.display_name.empty()
                                        ? state.comment.author.login
                                        : state.comment.author.display_name,
                                    std::nullopt};
    spec.request = state.request;
    spec.variant = git::VariantNumber{record.index, state.command.variants};
    const auto commit = state.repo->commit_overlay(state.base_commit, outcome.overlay, spec);
    const auto stat = state.repo->diff_stat(state.base_commit, commit);
    std::lock_guard lock(state.mutex);
    record.commit = commit;
    record.files = stat.files;
    record.insertions = stat.insertions;
    record.deletions = stat.deletions;
    record.diffstat = stat.text;
    record.phases.emplace_back("commit", since(started));
}

// The first changed path whose name or new contents hold a registered
// secret: such a variant is refused rather than pushed (masking the file
// would push a broken one).
std::optional<std::string> path_with_secret(const Overlay& overlay)
{
    for (const auto& [path, bytes] : overlay) {
        if (holds_secret(path) || (bytes && holds_secret(*bytes))) {
            return redacted(path);
        }
    }
    return std::nullopt;
}

// What the agent's outcome makes of the variant, before publishing.
void settle(RunState& state, const agent::Outcome& outcome, report::VariantRecord& record)
{
    const auto leaking = outcome.status == agent::Status::finished
                             ? path_with_secret(outcome.overlay)
                             : std::nullopt;
    {
        std::lock_guard lock(state.mutex);
        record.summary = redacted(outcome.summary);
        record.usage = outcome.usage;
        record.cost_usd = outcome.cost_usd;
        record.turns = outcome.turns;
    }
    if (outcome.status == agent::Status::finished && !outcome.overlay.empty() && !leaking) {
        commit_variant(state, outcome, record);
    }
    std::lock_guard lock(state.mutex);
    if (leaking) {
        record.state = report::VariantState::failed;
        record.reason = fmt::format("refused: {} would hold the value of a secret this run was "
                                    "given (an API key or token); nothing committed or pushed",
                                    *leaking);
    } else if (outcome.status == agent::Status::interrupted) {
        record.state = report::VariantState::interrupted;
        record.reason = "interrupted (SIGINT/SIGTERM) before it finished";
    } else if (outcome.status != agent::Status::finished) {
        record.state = report::VariantState::failed;
        record.reason = outcome.reason;
    } else if (record.commit.empty() || record.files == 0) {
        record.state = report::VariantState::no_changes;
        record.reason = "the model finished without changing any file";
    } else {
        record.state = report::VariantState::succeeded; // publish() may still fail it
    }
    record.phase.clear();
}

void run_one(RunState& state, VariantPlan& plan)
{
    auto& record = state.variant(plan.index);
    const auto started = Clock::now();
    {
        std::lock_guard lock(state.mutex);
        record.state = report::VariantState::running;
        record.phase = "model";
        state.progress->update(record);
    }
    try {
        if (stop_requested()) {
            agent::Outcome stopped;
            stopped.status = agent::Status::interrupted;
            settle(state, stopped, record);
        } else {
            const auto model_started = Clock::now();
            const auto outcome =
                agent::run_variant(*plan.provider, *state.base_tree, state.files,
                                   variant_task(state, plan.settings),
                                   agent_settings(state, plan.settings));
            {
                std::lock_guard lock(state.mutex);
                record.phases.emplace_back("model", since(model_started));
            }
            settle(state, outcome, record);
        }
    } catch (const std::exception& error) {
        std::lock_guard lock(state.mutex);
        record.state = report::VariantState::failed;
        record.reason = error.what();
        record.phase.clear();
    }
    {
        std::lock_guard lock(state.mutex);
        record.duration = since(started);
        state.progress->update(record);
        log::debug("variant {}: {}{}{}", record.index, report::to_string(record.state),
                  record.reason.empty() ? "" : ": ", record.reason);
    }
    update_progress(state);
}

// One provider used by every variant (--record writes one file for the run).
class SharedProvider : public llm::Provider {
public:
    explicit SharedProvider(std::shared_ptr<llm::Provider> inner)
        : m_inner(std::move(inner))
    {
    }
    llm::Response complete(const llm::Conversation& conversation, const llm::Tools& tools,
                           const llm::Options& options) override
    {
        return m_inner->complete(conversation, tools, options);
    }
    std::string name() const override { return m_inner->name(); }

private:
    std::shared_ptr<llm::Provider> m_inner;
};

void mark_duplicates(RunState& state)
{
    std::map<std::string, int> first_with_tree;
    for (auto& record : state.record.variant_records) {
        // Kept pull requests are left out: their commits may not be in this clone.
        if (record.state != report::VariantState::succeeded || record.commit.empty() ||
            record.pr_reused) {
            continue;
        }
        const auto tree = state.repo->tree_id(record.commit);
        const auto [at, inserted] = first_with_tree.emplace(tree, record.index);
        if (!inserted) {
            record.state = report::VariantState::duplicate;
            record.duplicate_of = at->second;
            record.reason = fmt::format("the same change as variant {}", at->second);
        }
    }
}

} // namespace

void run_variants(RunState& state, const std::vector<int>& which)
{
    std::vector<VariantPlan> plans;
    plans.reserve(which.size());
    for (const int index : which) {
        VariantPlan plan;
        plan.index = index;
        plan.settings = state.config.variant(index);
        plan.options = provider_options(state.config, plan.settings);
        plan.provider = make_variant_provider(state, plan.options);
        auto& record = state.variant(index);
        record.provider = config::to_string(plan.settings.provider);
        record.model = plan.settings.model;
        plans.push_back(std::move(plan));
    }
    if (state.options.record) {
        // One recording for the run: every variant's answers, keyed by variant and turn.
        auto shared = std::shared_ptr<llm::Provider>(llm::make_recording_provider(
            llm::make_provider(provider_options(state.config, state.config.variant(1)),
                               state.http),
            *state.options.record));
        for (auto& plan : plans) {
            plan.provider =
                llm::metered(std::make_unique<SharedProvider>(shared), state.meter);
        }
    }

    // Prompt-cache warm-up (llm/cache_warmup.hpp): the variants that share the
    // first one's prompt cache start once its first answer has begun.
    const auto warmup = std::make_shared<llm::CacheWarmup>();
    for (std::size_t i = 1; i < plans.size(); ++i) {
        if (state.config.cache_warmup == config::CacheWarmup::automatic &&
            plans[i].settings.mode == plans[0].settings.mode &&
            llm::shares_prompt_cache(plans[0].options, plans[i].options)) {
            plans[i].provider = llm::warmup_follower(std::move(plans[i].provider), warmup);
        }
    }
    if (!plans.empty()) {
        plans[0].provider = llm::warmup_leader(std::move(plans[0].provider), warmup);
    }

    const auto jobs = state.config.jobs > 0
                          ? std::min<std::size_t>(static_cast<std::size_t>(state.config.jobs),
                                                  plans.size())
                          : plans.size();
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    workers.reserve(jobs);
    for (std::size_t w = 0; w < jobs; ++w) {
        workers.emplace_back([&] {
            for (auto i = next.fetch_add(1); i < plans.size(); i = next.fetch_add(1)) {
                run_one(state, plans[i]);
                if (i == 0) {
                    warmup->release(); // whatever happened to the first variant
                }
            }
        });
    }
    for (auto& worker : workers) {
        worker.join();
    }
    mark_duplicates(state);
}

} // namespace draftsmith::run
