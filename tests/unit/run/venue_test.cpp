// run/'s Venue is internal (src/run/request.hpp): what a run in this clone
// does differently from one on a hosting service, decided once.
#include <doctest/doctest.h>

#include "../../../src/run/request.hpp"

using namespace draftsmith;

TEST_CASE("run::venue_of, a hosting service or this clone")
{
    for (const auto kind : {host::Kind::github, host::Kind::azure_devops}) {
        CAPTURE(host::to_string(kind));
        const auto venue = run::venue_of(kind);
        CHECK((venue.open == &run::open_on_service));
        CHECK(venue.opens_pull_requests);
        CHECK(venue.posts_comments);
        CHECK(venue.branches_on_remote);
        CHECK(venue.supervised);
    }
    const auto local = run::venue_of(host::Kind::local);
    CHECK((local.open == &run::open_in_clone));
    CHECK_FALSE(local.opens_pull_requests);
    CHECK_FALSE(local.posts_comments);
    CHECK_FALSE(local.branches_on_remote);
    CHECK_FALSE(local.supervised);
}
