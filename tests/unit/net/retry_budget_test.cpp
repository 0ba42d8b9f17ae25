// net::RetryBudget: one count of retries for the whole run, shared by every client.
#include "draftsmith/net/http.hpp"

#include <doctest/doctest.h>

using draftsmith::net::RetryBudget;

TEST_CASE("net::RetryBudget, set_total keeps what was spent")
{
    RetryBudget budget(3);
    CHECK(budget.take());
    CHECK(budget.left() == 2);

    SUBCASE("a smaller total: what is left shrinks by the difference")
    {
        budget.set_total(1);
        CHECK(budget.left() == 0);
        CHECK_FALSE(budget.take());
    }
    SUBCASE("a larger total: more is left")
    {
        budget.set_total(10);
        CHECK(budget.left() == 9);
        CHECK(budget.take());
    }
    SUBCASE("zero: none left, even when more was spent than the new total")
    {
        CHECK(budget.take());
        budget.set_total(0);
        CHECK(budget.left() <= 0);
        CHECK_FALSE(budget.take());
    }
}
