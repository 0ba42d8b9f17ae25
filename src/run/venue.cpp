// The one place in run/ that tells a run in this clone (--local) from one on
// a hosting service; the phases ask the Venue (request.hpp) instead.
#include "request.hpp"

namespace draftsmith::run {
namespace {

// The folder name of a repository ("site" for /tmp/site/.git/).
std::string clone_name(const Setting&, const Repo& repo)
{
    auto git_dir = repo.git_dir();
    if (git_dir.filename().empty()) {
        git_dir = git_dir.parent_path(); // "/tmp/site/.git/" -> "/tmp/site/.git"
    }
    const auto name = git_dir.filename() == ".git" ? git_dir.parent_path().filename()
                                                   : git_dir.stem(); // a bare "site.git"
    return name.empty() ? std::string("repository") : name.string();
}

// The service's name of the repository (GITHUB_REPOSITORY, BUILD_REPOSITORY_NAME).
std::string service_name(const Setting& setting, const Repo&)
{
    return setting.environment.repository;
}

} // namespace

Venue venue_of(host::Kind kind)
{
    Venue venue;
    if (kind == host::Kind::local) {
        venue.open = open_in_clone;
        venue.repository = clone_name;
        venue.opens_pull_requests = false;
        venue.posts_comments = false;
        venue.branches_on_remote = false;
        venue.supervised = false;
        return venue;
    }
    venue.open = open_on_service;
    venue.repository = service_name;
    return venue;
}

} // namespace draftsmith::run
