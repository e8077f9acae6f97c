"""The caseload tables show the scope's own people (#23 item 15): a team dashboard the team's
workers and the IROs chairing its children, counting its children; an IRO dashboard that IRO and
the workers of the IRO's own children, counting those children."""

import datetime

from django.urls import reverse

from tests.cases.factories import ChildFactory
from tests.conferences.factories import ConferenceFactory, PlanFactory


def _on_plan(child, chair):
    """A child on a plan whose review is booked with `chair`."""
    PlanFactory(child=child, start_date=datetime.date(2026, 6, 1))
    ConferenceFactory(
        section47__child=child,
        child=child,
        chair=chair,
        conference_type="review",
        status="scheduled",
        target_date=datetime.date(2026, 12, 1),
    )


def _rows(response, table: str) -> dict[str, int]:
    return {row["name"]: row["children"] for row in response.context["caseloads"][table]}


def _setup(world):
    world.iro.first_name, world.iro.last_name = "Ira", "One"
    world.iro.save()
    world.other_iro.first_name, world.other_iro.last_name = "Otto", "Two"
    world.other_iro.save()
    world.social_worker.first_name, world.social_worker.last_name = "Sam", "Able"
    world.social_worker.save()
    world.other_team_worker.first_name, world.other_team_worker.last_name = "Bea", "Other"
    world.other_team_worker.save()
    # Team A: two children chaired by IRO 1. Team B: one chaired by IRO 1, two by IRO 2.
    _on_plan(world.child, world.iro)
    _on_plan(
        ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker), world.iro
    )
    _on_plan(
        ChildFactory(allocated_team=world.other_team, allocated_worker=world.other_team_worker),
        world.iro,
    )
    for _ in range(2):
        _on_plan(
            ChildFactory(allocated_team=world.other_team, allocated_worker=world.other_team_worker),
            world.other_iro,
        )


def test_team_dashboard_lists_the_team_iros_counting_the_team_children(world, login):
    _setup(world)
    response = login(world.team_manager).get(reverse("dashboards:team"))
    assert _rows(response, "iros") == {"Ira One": 2}
    workers = _rows(response, "social_workers")
    assert workers.get("Sam Able") == 2
    assert "Bea Other" not in workers


def test_iro_dashboard_lists_that_iro_and_the_workers_of_their_children(world, login):
    _setup(world)
    response = login(world.iro).get(reverse("dashboards:iro"))
    assert _rows(response, "iros") == {"Ira One": 3}
    # Workers of the IRO's own children, counting only those children.
    assert _rows(response, "social_workers") == {"Sam Able": 2, "Bea Other": 1}
    response = login(world.other_iro).get(reverse("dashboards:iro"))
    assert _rows(response, "iros") == {"Otto Two": 2}
    assert _rows(response, "social_workers") == {"Bea Other": 2}


def test_service_dashboard_lists_everyone(world, login):
    _setup(world)
    response = login(world.senior_manager).get(reverse("dashboards:service"))
    assert _rows(response, "iros") == {"Ira One": 3, "Otto Two": 2}
    assert _rows(response, "social_workers")["Bea Other"] == 3
