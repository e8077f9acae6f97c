"""Emergency protection orders and police protection on the child's record: the pages under
the child (through the one door), the chronology, and the row's own checks."""

import datetime

import pytest
from django.urls import reverse

from cases.chronology import chronology_for
from cases.models import ProtectiveOrder
from tests.personas import PERSONAS

D = datetime.date
SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}


def _status(persona: str, allowed: set[str]) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in allowed else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_is_seen_through_the_one_door(world, login, persona):
    ProtectiveOrder.objects.create(
        child=world.child, kind="epo", start_date=D(2026, 3, 2), details="Made at Birkenhead FPC"
    )
    response = login(world.persona(persona)).get(
        reverse("cases:protective-orders", args=[world.child.pk])
    )
    assert response.status_code == _status(persona, SEE)
    if response.status_code == 200:
        assert "Made at Birkenhead FPC" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_childs_workers_record_an_order(world, login, persona):
    client = login(world.persona(persona))
    url = reverse("cases:protective-order-add", args=[world.child.pk])
    response = client.post(
        url, {"kind": "police", "start_date": "2026-03-02", "end_date": "2026-03-04"}
    )
    if persona in WRITE:
        assert response.status_code == 302
        order = ProtectiveOrder.objects.get(child=world.child)
        assert (order.kind, order.start_date, order.end_date) == (
            "police",
            D(2026, 3, 2),
            D(2026, 3, 4),
        )
        assert order.recorded_by == world.persona(persona)
    else:
        assert response.status_code == _status(persona, set())
        assert not ProtectiveOrder.objects.exists()


def test_an_order_cannot_end_before_it_started(world, login):
    response = login(world.social_worker).post(
        reverse("cases:protective-order-add", args=[world.child.pk]),
        {"kind": "epo", "start_date": "2026-03-05", "end_date": "2026-03-02"},
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not ProtectiveOrder.objects.exists()


def test_another_childs_order_is_not_found_under_this_child(world, login):
    from tests.cases.factories import ChildFactory

    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    order = ProtectiveOrder.objects.create(child=other, kind="epo", start_date=D(2026, 3, 2))
    response = login(world.social_worker).get(
        reverse("cases:protective-order-edit", args=[world.child.pk, order.pk])
    )
    assert response.status_code == 404


def test_orders_are_on_the_chronology(world):
    ProtectiveOrder.objects.create(
        child=world.child, kind="epo", start_date=D(2026, 3, 2), end_date=D(2026, 3, 9)
    )
    ProtectiveOrder.objects.create(child=world.child, kind="police", start_date=D(2026, 4, 1))
    events = [
        (e.date, e.description)
        for e in chronology_for(world.child)
        if e.key.startswith("protective_order:")
    ]
    assert events == [
        (D(2026, 3, 2), "Emergency protection order made"),
        (D(2026, 3, 9), "Emergency protection order ended"),
        (D(2026, 4, 1), "Taken into police protection"),
    ]
