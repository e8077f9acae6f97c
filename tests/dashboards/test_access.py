import datetime

import pytest
from django.urls import reverse

PAGES = ["dashboards:team", "dashboards:iro", "dashboards:service", "dashboards:metrics-json"]
EXPECTED = {
    # persona: (team, iro, service, json)
    "social_worker": (404, 404, 404, 404),
    "same_team_worker": (404, 404, 404, 404),
    "other_team_worker": (404, 404, 404, 404),
    "team_manager": (200, 404, 404, 200),
    "other_manager": (200, 404, 404, 200),
    "iro": (404, 200, 404, 200),
    "other_iro": (404, 200, 404, 200),
    "business_support": (404, 404, 404, 404),
    "senior_manager": (200, 404, 200, 200),
    "administrator": (404, 404, 404, 404),
    "anonymous": (302, 302, 302, 302),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
@pytest.mark.parametrize("index", range(len(PAGES)))
def test_dashboard_permission_matrix(world, login, persona, index):
    response = login(world.persona(persona)).get(reverse(PAGES[index]))
    assert response.status_code == EXPECTED[persona][index]


def test_team_manager_cannot_ask_for_another_team(world, login):
    client = login(world.team_manager)
    assert client.get(reverse("dashboards:team"), {"team": world.other_team.pk}).status_code == 404
    assert client.get(reverse("dashboards:team"), {"team": world.team.pk}).status_code == 200
    assert (
        client.get(
            reverse("dashboards:drill", args=["icpc_held"]), {"team": world.other_team.pk}
        ).status_code
        == 404
    )


def test_iro_sees_only_their_own(world, login):
    client = login(world.iro)
    assert client.get(reverse("dashboards:iro"), {"iro": world.other_iro.pk}).status_code == 404
    assert client.get(reverse("dashboards:iro"), {"iro": world.iro.pk}).status_code == 200


def test_bad_period_is_a_clear_message_not_an_error(world, login):
    client = login(world.senior_manager)
    response = client.get(reverse("dashboards:service"), {"from": "2026-12-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert "The end of the period must not be before its start." in response.content.decode()
    assert client.get(reverse("dashboards:metrics-json"), {"from": "nonsense"}).status_code == 400


def _grow(world, n: int) -> None:
    """n more children of the team, each with an ICPC chaired by the IRO, a plan, two visits
    and a core group in September 2018."""
    from conferences.models import Conference, CoreGroupMeeting
    from tests.cases.factories import ChildFactory, VisitFactory
    from tests.conferences.factories import PlanFactory
    from tests.dashboards.test_measures import _icpc

    day = datetime.date
    for _ in range(n):
        child = ChildFactory(allocated_team=world.team)
        conference = _icpc(child, day(2018, 9, 18))
        Conference.objects.filter(pk=conference.pk).update(chair=world.iro)
        plan = PlanFactory(child=child, start_date=day(2018, 9, 18))
        VisitFactory(child=child, visit_date=day(2018, 9, 20))
        VisitFactory(child=child, visit_date=day(2018, 9, 27))
        CoreGroupMeeting.objects.create(
            plan=plan, meeting_date=day(2018, 9, 25), attendees="x", recorded_by=world.iro
        )
    from conferences.timeliness import refresh_timeliness

    refresh_timeliness()  # as recording them through the pages does


@pytest.mark.parametrize(
    "persona,page",
    [
        ("team_manager", "dashboards:team"),
        ("iro", "dashboards:iro"),
        ("senior_manager", "dashboards:service"),
        ("senior_manager", "dashboards:metrics-json"),
    ],
)
def test_dashboard_query_count_does_not_grow(
    world, login, django_assert_max_num_queries, persona, page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.persona(persona))
    url = reverse(page)
    params = {"from": "2018-09-01", "to": "2018-09-30"}
    _grow(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    _grow(world, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, params)
    assert response.status_code == 200
    summary = response.json() if page.endswith("json") else response.context["summary"]
    assert summary["icpc_held"] == 13  # the growth is on the page being counted
    assert summary["statutory_visits"] == 26
