"""The strategy lists are paged (issue 17): the figures above the discussions count the whole
period, the table shows a page, and the page links keep the period and the filter."""

from django.urls import reverse

from tests.cases.factories import ChildFactory, ReferralFactory
from tests.strategy.factories import (
    Section47Factory,
    StrategyDiscussionFactory,
    full_participation,
    london,
)

PERIOD = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def _discussions(world, n: int) -> None:
    for i in range(n):
        child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
        referral = ReferralFactory(child=child, received_at=london(2026, 11, 2, 9))
        discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 11, 3))
        # Every third without health.
        full_participation(discussion, **({"health": None} if i % 3 == 0 else {}))
        Section47Factory(strategy_discussion=discussion)


def test_the_discussion_figures_count_the_period_and_the_table_is_a_page(world, login):
    _discussions(world, 55)
    client = login(world.team_manager)
    response = client.get(reverse("strategy:discussion-list"), PERIOD)
    assert len(response.context["rows"]) == 50
    content = response.content.decode()
    assert "55 strategy discussions held" in content
    assert "health took part in 36, police in 55" in content
    assert 'href="?date_from=2026-11-01&amp;date_to=2026-11-30&amp;page=2"' in content
    second = client.get(reverse("strategy:discussion-list"), {**PERIOD, "page": 2})
    assert len(second.context["rows"]) == 5
    only = client.get(reverse("strategy:discussion-list"), {**PERIOD, "compliance": "non"})
    assert only.context["total"] == 19 and len(only.context["rows"]) == 19


def test_open_enquiries_are_paged(world, login):
    _discussions(world, 55)
    client = login(world.team_manager)
    first = client.get(reverse("strategy:open-enquiries"))
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 55
    assert 'href="?page=2"' in first.content.decode()
    assert len(client.get(reverse("strategy:open-enquiries"), {"page": 2}).context["rows"]) == 5
