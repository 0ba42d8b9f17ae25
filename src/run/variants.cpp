// The variants: N agents on a bounded pool of std::jthread workers, each over
// the pull request's head commit onto its own overlay, committed as soon as
// it finishes. A worker returns its variant's result into its own slot;
// nothing else is shared between workers but the observer, which never
// waits for a host call. Identical trees are duplicates of the
// lowest-numbered variant with that tree.
#include "draftsmith/run/variants.hpp"

#include "draftsmith/llm/cache_warmup.hpp"
#include "draftsmith/llm/provider.hpp"
#include "draftsmith/llm/replay.hpp"
#include "draftsmith/util/log.hpp"
#include "draftsmith/util/secret.hpp"

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "incomplete.hpp"
#include "settings.hpp"

namespace draftsmith::run {
namespace {

using Clock = std::chrono::steady_clock;

agent::Settings agent_settings(const Request& request, const Context& context,
                               const config::VariantSettings& variant)
{
    const config::Config& config = request.config;
    auto settings = agent_settings_for(config, variant);
    settings.secrets = context.secrets.get();
    settings.base_files = context.base_files;
    settings.deadline = request.started + config.budget.time;
    return settings;
}

agent::Task variant_task(const Request& request, const config::VariantSettings& settings)
{
    agent::Task task;
    task.intent = request.command.intent;
    task.variant = settings.index;
    task.variants = request.command.variants;
    task.hint = settings.hint ? *settings.hint : agent::approach_hint(settings.index);
    task.pr_title = request.pr.title;
    task.pr_body = request.pr.body.substr(0, 4000);
    task.history = request.history; // issue 15: a follow-up's earlier requests
    return task;
}

const Continuation* continuation_of(const Job& job, int index)
{
    if (job.continuations == nullptr) {
        return nullptr;
    }
    const auto found = job.continuations->find(index);
    return found == job.continuations->end() ? nullptr : found->second.get();
}

// `parent`: the pull request's head, or the earlier incomplete commit a
// continued variant goes on from (issue 17).
Committed commit_variant(const Job& job, const VariantResult& variant, const Overlay& overlay,
                         const std::string& parent)
{
    const auto started = Clock::now();
    const auto& request = job.request;
    git::CommitSpec spec;
    spec.message = job.observer.commit_message(request.result, variant);
    spec.committer = {request.config.commit.name, request.config.commit.email};
    spec.requester = git::Requester{request.result.requester, std::nullopt};
    spec.request = request.id;
    spec.variant = git::VariantNumber{variant.index, request.command.variants};
    if (variant.state == VariantState::incomplete) {
        spec.incomplete = variant.incomplete; // issue 17: Draftsmith-Incomplete
    }
    spec.follow_up = request.follow_up; // issue 15: Draftsmith-Follow-Up
    Committed made;
    made.commit = job.repo.commit_overlay(parent, overlay, spec);
    made.stat = job.repo.diff_stat(job.context.base_commit, made.commit);
    made.took = since(started);
    return made;
}

} // namespace

std::unique_ptr<llm::Provider>
make_variant_provider(const Job& job, const llm::ProviderOptions& options,
                      const std::shared_ptr<llm::Recording>& recording)
{
    auto provider = llm::make_provider(options, job.context.http);
    if (recording) {
        // Each variant through its own provider, all into the run's one file.
        provider = llm::make_recording_provider(std::move(provider), recording);
    }
    return llm::metered(std::move(provider), job.context.meter);
}

VariantResult make_variant(const Job& job, llm::Provider& provider,
                           const config::VariantSettings& settings, VariantResult variant)
{
    const auto started = Clock::now();
    variant.state = VariantState::running;
    variant.phase = "model";
    job.observer.variant_changed(variant);
    // issue 17: a continued variant starts from its earlier commit, told what it did
    const auto* continuation = continuation_of(job, variant.index);
    const auto& parent = continuation ? continuation->commit : job.context.base_commit;
    const auto commit = [&job, &parent](const VariantResult& made, const Overlay& overlay) {
        return commit_variant(job, made, overlay, parent);
    };
    try {
        agent::Outcome outcome;
        outcome.status = agent::Status::interrupted;
        if (!stop_requested()) {
            const auto model_started = Clock::now();
            auto task = variant_task(job.request, settings);
            if (continuation) {
                task.earlier = continuation->earlier;
            }
            outcome = agent::run_variant(
                provider, continuation ? *continuation->tree : *job.context.base_tree,
                continuation ? continuation->files : job.context.files, task,
                agent_settings(job.request, job.context, settings));
            variant.phases.emplace_back("model", since(model_started));
        }
        const IncompleteRules rules{job.request.config.incomplete == config::IncompletePolicy::keep,
                                    continuation != nullptr, incomplete_why(outcome)};
        variant = settle(std::move(variant), outcome, commit, rules);
    } catch (const std::exception& error) {
        variant.state = VariantState::failed;
        variant.reason = error.what();
        variant.phase.clear();
    }
    variant.duration = since(started);
    log::debug("variant {}: {}{}{}", variant.index, to_string(variant.state),
               variant.reason.empty() ? "" : ": ", variant.reason);
    job.observer.variant_changed(variant);
    return variant;
}

void fan_out(std::size_t count, std::size_t jobs, const std::function<void(std::size_t)>& work)
{
    std::atomic<std::size_t> next{0};
    std::vector<std::jthread> workers;
    workers.reserve(std::min(jobs, count));
    for (std::size_t w = 0; w < std::min(jobs, count); ++w) {
        workers.emplace_back([&](const std::stop_token& stop) {
            for (auto i = next.fetch_add(1); i < count && !stop.stop_requested();
                 i = next.fetch_add(1)) {
                work(i);
            }
        });
    }
    // Joined here, all work done; should starting a thread throw, the
    // destructors ask the others to stop after their current variant, and join.
    for (auto& worker : workers) {
        worker.join();
    }
}

std::vector<VariantResult> run_variants(const Job& job, std::vector<VariantResult> variants,
                                        const std::vector<int>& which)
{
    std::shared_ptr<llm::Recording> recording;
    if (job.record) {
        recording = std::make_shared<llm::Recording>(*job.record);
    }
    struct Slot {
        config::VariantSettings settings;
        llm::ProviderOptions options; // what `provider` was made from
        std::unique_ptr<llm::Provider> provider;
        VariantResult result;
    };
    std::vector<Slot> slots;
    for (const int index : which) {
        Slot slot;
        slot.settings = job.request.config.variant(index);
        slot.options = provider_options(job.request.config, slot.settings, job.environment,
                                        job.context.retry_budget);
        slot.provider = make_variant_provider(job, slot.options, recording);
        slot.result = variants.at(static_cast<std::size_t>(index - 1));
        slot.result.provider = config::to_string(slot.settings.provider);
        slot.result.model = slot.settings.model;
        slots.push_back(std::move(slot));
    }
    const auto jobs = job.request.config.jobs > 0
                          ? static_cast<std::size_t>(job.request.config.jobs)
                          : slots.size();
    // Prompt-cache warm-up (llm/cache_warmup.hpp): the variants that share the
    // first one's prompt cache start once its first answer has begun.
    const auto warmup = std::make_shared<llm::CacheWarmup>();
    for (std::size_t i = 1; i < slots.size(); ++i) {
        if (job.request.config.cache_warmup == config::CacheWarmup::automatic &&
            slots[i].settings.mode == slots[0].settings.mode &&
            llm::shares_prompt_cache(slots[0].options, slots[i].options)) {
            slots[i].provider = llm::warmup_follower(std::move(slots[i].provider), warmup);
        }
    }
    if (!slots.empty()) {
        slots[0].provider = llm::warmup_leader(std::move(slots[0].provider), warmup);
    }
    job.observer.begin_updates();
    fan_out(slots.size(), jobs, [&](std::size_t i) {
        auto& slot = slots[i];
        slot.result = make_variant(job, *slot.provider, slot.settings, std::move(slot.result));
        if (i == 0) {
            warmup->release(); // whatever happened to the first variant
        }
    });
    job.observer.end_updates();
    for (auto& slot : slots) {
        variants.at(static_cast<std::size_t>(slot.result.index - 1)) = std::move(slot.result);
    }
    return mark_duplicates(std::move(variants),
                           [&](const std::string& commit) { return job.repo.tree_id(commit); });
}

} // namespace draftsmith::run
