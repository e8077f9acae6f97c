"""Writing columns of many rows by primary key (`wirral_cp.bulk.set_columns`)."""

import datetime

import pytest

from cases.models import Child, Visit
from tests.cases.factories import ChildFactory
from wirral_cp.bulk import set_columns

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_other_rows_and_columns_are_untouched(world):
    first, second, third = ChildFactory.create_batch(3, allocated_team=world.team)
    set_columns(
        Child,
        ["first_name", "allocated_team"],
        [(first.pk, "Alder", None), (second.pk, "Birch", world.team.pk)],
    )
    rows = {c.pk: c for c in Child.objects.filter(pk__in=[first.pk, second.pk, third.pk])}
    assert (rows[first.pk].first_name, rows[first.pk].allocated_team_id) == ("Alder", None)
    assert (rows[second.pk].first_name, rows[second.pk].allocated_team_id) == (
        "Birch",
        world.team.pk,
    )
    assert rows[third.pk].first_name == third.first_name
    assert rows[third.pk].allocated_team_id == world.team.pk
    assert rows[first.pk].last_name == first.last_name


def test_dates_booleans_and_nulls_are_written_as_given(world):
    child = ChildFactory(allocated_team=world.team)
    visits = [
        Visit.objects.create(
            child=child,
            visit_date=datetime.date(2026, 11, day),
            visit_type="statutory_cp",
            recorded_by=world.social_worker,
        )
        for day in (2, 3)
    ]
    set_columns(
        Visit,
        ["due_date", "in_timescale"],
        [(visits[0].pk, datetime.date(2026, 11, 20), True), (visits[1].pk, None, None)],
    )
    got = dict(Visit.objects.filter(child=child).values_list("pk", "due_date"))
    assert got == {visits[0].pk: datetime.date(2026, 11, 20), visits[1].pk: None}
    assert Visit.objects.get(pk=visits[0].pk).in_timescale is True


def test_nothing_to_write_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        set_columns(Child, ["first_name"], [])
