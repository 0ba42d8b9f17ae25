#pragma once
// The Azure DevOps world of the run tests (azure_run_test.cpp,
// follow_up_azure_test.cpp): the fake seeded with pull request 7
// (feature -> main) and thread 5 holding Alice's `/edit /2` comment, Alice a
// Contributor, and the service hook's payload that names them.
#include "draftsmith/util/file.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "host/fixture.hpp"
#include "world.hpp"

namespace azure_run_support {

using namespace draftsmith::test;
using nlohmann::json;

inline const std::string k_token = "ado_e2e_secret_token_0004";
inline const std::string k_alice = "aaaaaaaa-0000-0000-0000-000000000001";
inline const std::string k_repository_id = "3411ebc1-d5aa-464f-9615-0b527bc66719";

class AzureRun {
public:
    World world;
    FakeHost fake{"fake_azure_devops.py", k_token, {"--git-dir", world.bare().string()}};

    AzureRun()
    {
        json pr = {{"pullRequestId", 7},
                   {"status", "active"},
                   {"title", "About page"},
                   {"description", "Adds an about page"},
                   {"sourceRefName", "refs/heads/feature"},
                   {"targetRefName", "refs/heads/main"},
                   {"isDraft", false},
                   {"createdBy", k_alice},
                   {"creationDate", "2026-11-01T00:00:00Z"},
                   {"sourceSha", world.head_sha()},
                   {"targetSha", world.base_sha()}};
        json comment = {{"id", 1},
                        {"parentCommentId", 0},
                        {"author", k_alice},
                        {"content", "/edit /2 make the submit buttons red"},
                        {"publishedDate", "2026-11-01T00:01:00Z"},
                        {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                        {"lastContentUpdatedDate", "2026-11-01T00:01:00Z"},
                        {"commentType", "text"}};
        json thread = {{"id", 5},
                       {"pr", 7},
                       {"status", "active"},
                       {"publishedDate", "2026-11-01T00:01:00Z"},
                       {"lastUpdatedDate", "2026-11-01T00:01:00Z"},
                       {"comments", json::array({comment})}};
        json identities = json::array(
            {{{"id", k_alice},
              {"descriptor", "Microsoft.IdentityModel.Claims.ClaimsIdentity;alice"},
              {"uniqueName", "alice@fabrikam.com"},
              {"displayName", "Alice"},
              {"memberOf", json::array({"Microsoft.TeamFoundation.Identity;S-1-9-contributors"})}},
             {{"id", "g-contributors"},
              {"descriptor", "Microsoft.TeamFoundation.Identity;S-1-9-contributors"},
              {"name", "[Fabrikam]\\Contributors"},
              {"isGroup", true},
              {"memberOf", json::array()}}});
        fake.seed({{"pulls", json::array({pr})},
                   {"threads", json::array({thread})},
                   {"identities", identities},
                   {"next_id", 100}});
    }

    // The service hook's payload, as the pipeline writes it to a file.
    std::filesystem::path event()
    {
        auto payload = json::parse(draftsmith::file::read_all(source_path(
            "tests/specs/ado/service-hooks/ms.vss-code.git-pullrequest-comment-event.json")));
        payload["resource"]["pullRequest"]["pullRequestId"] = 7;
        payload["resource"]["pullRequest"]["repository"]["id"] = k_repository_id;
        payload["resource"]["pullRequest"]["repository"]["project"]["name"] = "Fabrikam";
        payload["resource"]["comment"]["id"] = 1;
        payload["resource"]["comment"]["_links"]["threads"]["href"] =
            fake.base() + "/fabrikam/_apis/git/repositories/" + k_repository_id +
            "/pullRequests/7/threads/5";
        const auto path = world.root() / "hook.json";
        write_file(path, payload.dump());
        return path;
    }

    ProcessResult run(const std::filesystem::path& recording)
    {
        return run_event(event(), recording);
    }

    ProcessResult run_event(const std::filesystem::path& event,
                            const std::filesystem::path& recording)
    {
        return world.draftsmith({"run", "--host", "azure-devops", "--event", event.string(),
                                 "--provider", "replay", "--replay", recording.string()},
                                {{"TF_BUILD", "True"},
                                 {"SYSTEM_COLLECTIONURI", fake.base() + "/fabrikam/"},
                                 {"SYSTEM_TEAMPROJECT", "Fabrikam"},
                                 {"BUILD_REPOSITORY_ID", k_repository_id},
                                 {"BUILD_BUILDID", "99"},
                                 {"SYSTEM_ACCESSTOKEN", k_token}});
    }
};

} // namespace azure_run_support
