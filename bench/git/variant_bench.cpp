// One variant as draftsmith makes it: open the repository, commit a 3-file
// overlay onto the base (no working tree), push the branch. Prints the
// phases' times as one JSON line; run.py measures the process around it.
//
//   variant_bench REPO REMOTE BASE BRANCH PATH1 PATH2 PATH3

#include "draftsmith/git/repository.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

int main(int argc, char** argv)
{
    using Clock = std::chrono::steady_clock;
    if (argc != 8) {
        std::fprintf(stderr, "usage: variant_bench REPO REMOTE BASE BRANCH PATH1 PATH2 PATH3\n");
        return 2;
    }
    try {
        namespace git = draftsmith::git;
        const auto start = Clock::now();
        auto repo = git::Repository::open(argv[1]);
        const std::string base = repo.find_commit(argv[3]).value();
        const auto opened = Clock::now();

        draftsmith::Overlay overlay;
        for (int i = 5; i < 8; ++i) {
            overlay[argv[i]] = std::string("changed by the variant: ") + argv[4] + "\n";
        }
        git::CommitSpec spec;
        spec.message = "bench variant";
        spec.request = git::RequestId{"local", "bench", "1", argv[4]};
        const std::string commit = repo.commit_overlay(base, overlay, spec);
        const auto committed = Clock::now();

        git::RemoteAccess access;
        access.remote = argv[2];
        const auto report = repo.push_branches(access, {{argv[4], commit}}, *spec.request);
        const auto pushed = Clock::now();
        if (!report.all_pushed()) {
            std::fprintf(stderr, "push failed: %s\n", report.branches[0].message.c_str());
            return 1;
        }
        const auto ms = [](auto from, auto to) {
            return std::chrono::duration<double, std::milli>(to - from).count();
        };
        std::printf("{\"open_ms\": %.2f, \"commit_ms\": %.2f, \"push_ms\": %.2f}\n",
                    ms(start, opened), ms(opened, committed), ms(committed, pushed));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "variant_bench: %s\n", e.what());
        return 1;
    }
}
