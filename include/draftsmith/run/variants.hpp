#pragma once
// The variant phase: one agent per variant on a bounded pool of worker
// threads (run/phases.hpp for the other phases).

#include "draftsmith/llm/provider.hpp"
#include "draftsmith/llm/replay.hpp"
#include "draftsmith/run/phases.hpp"
#include "draftsmith/run/run.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace draftsmith::run {

// What every variant of a run reads (nothing here is written by a worker
// but through Repo and Observer, which are thread-safe).
struct Job {
    const Request& request;
    const Context& context;
    Repo& repo;
    Observer& observer;
    std::optional<std::filesystem::path> record;  // --record FILE: every variant's answers
    const trigger::Environment& environment;      // where providers find their keys
    const Continuations* continuations = nullptr; // issue 17: variants continued, by index
};

// A variant's own provider, made from `options` (run/settings.hpp's
// provider_options), over the run's model client and meter; with
// `recording`, its answers are also written there.
std::unique_ptr<llm::Provider>
make_variant_provider(const Job& job, const llm::ProviderOptions& options,
                      const std::shared_ptr<llm::Recording>& recording);

// Runs one variant's agent through `provider`, commits what it made and
// returns its result (failed with the reason on any exception: the variant
// boundary).
VariantResult make_variant(const Job& job, llm::Provider& provider,
                           const config::VariantSettings& settings, VariantResult variant);

// Calls work(0..count-1) on at most `jobs` std::jthread workers; returns
// when all are done (the workers are always joined).
void fan_out(std::size_t count, std::size_t jobs, const std::function<void(std::size_t)>& work);

// Makes the variants `which` (1-based) of `variants` on config.jobs workers
// and returns all variants, duplicates marked.
std::vector<VariantResult> run_variants(const Job& job, std::vector<VariantResult> variants,
                                        const std::vector<int>& which);

} // namespace draftsmith::run
