"""The days each allocation was in force are stored when the history is written, and they say
what the history says: on any day the allocation that started last on or before it (of two
on one day, the later recorded), and before the first, the first; exactly one a day.

Checked against that rule worked out by hand from the start dates, over histories made the
ways the system makes them: registration, allocations (two on one day among them), a merge of
two children's histories and its reversal, the migration that stored them for existing rows,
and the synthetic authority."""

import datetime
import importlib
import random

from django.apps import apps

from accounts.models import Role
from cases.family_people import link_family
from cases.merge import people_merge, people_merge_reverse
from cases.models import Allocation, Child
from cases.services import child_allocate, child_create
from demo.synthetic import generate_authority
from tests.accounts.factories import TeamFactory, make_user
from tests.cases.factories import ChildFactory

D = datetime.date
FIRST_DAY = D(2025, 1, 1)


def _by_the_rule(child: Child, day: datetime.date) -> int:
    """The allocation the history gives for `day`, from the start dates alone."""
    history = sorted(Allocation.objects.filter(child=child), key=lambda a: (a.start_date, a.pk))
    started = [a for a in history if a.start_date <= day]
    return (started[-1] if started else history[0]).pk


def _in_force(child: Child, day: datetime.date) -> list[int]:
    return list(
        Allocation.objects.filter(Allocation.in_force_on(day), child=child).values_list(
            "pk", flat=True
        )
    )


def _assert_stored_as_the_rule(child: Child, days: int = 500) -> None:
    for n in range(-30, days):
        day = FIRST_DAY + datetime.timedelta(days=n)
        assert _in_force(child, day) == [_by_the_rule(child, day)], day


def _history(child, manager, teams, rng, moves: int) -> None:
    """`moves` allocations after the first, some on the same day as the one before."""
    day = FIRST_DAY
    Allocation.objects.create(child=child, team=teams[0], start_date=day)
    Allocation.objects.filter(child=child).restate()
    for _ in range(moves):
        day = day + datetime.timedelta(days=rng.choice([0, 0, 1, 9, 40]))
        child.refresh_from_db()
        child_allocate(
            child=child,
            user=manager,
            team=rng.choice(teams),
            worker=None,
            start_date=day,
            expected_version=child.version,
        )


def test_each_allocation_is_in_force_on_the_days_its_history_gives(world):
    rng = random.Random(4)
    teams = [world.team, world.other_team, TeamFactory(name="Team C")]
    for moves in (0, 1, 3, 6):
        child = ChildFactory(allocated_team=world.team)
        _history(child, world.senior_manager, teams, rng, moves)
        _assert_stored_as_the_rule(child)
    # Nothing left to store once the services have written the history.
    assert Allocation.objects.all().restate() == 0


def test_registration_stores_the_first_allocation_in_force_from_before_it(world):
    child = child_create(
        child=Child(
            first_name="Ava",
            last_name="Synthetic",
            date_of_birth=D(2023, 2, 2),
            sex="F",
            ethnicity="WBRI",
            disabilities=["NONE"],
            upn_unknown_reason="UN1",
        ),
        user=world.social_worker,
    )
    (allocation,) = Allocation.objects.filter(child=child)
    assert (allocation.in_force_from, allocation.in_force_until) == (None, None)


def test_a_merge_and_its_reversal_restate_both_childrens_history(world):
    rng = random.Random(9)
    teams = [world.team, world.other_team]
    manager = make_user(Role.TEAM_MANAGER, team=world.team, username="merging_manager")
    survivor = ChildFactory(allocated_team=world.team, first_name="Mia", last_name="Example")
    duplicate = ChildFactory(allocated_team=world.team, first_name="Mia", last_name="Example")
    _history(survivor, manager, teams, rng, 3)
    # The duplicate's history interleaves with the survivor's.
    later = FIRST_DAY + datetime.timedelta(days=20)
    Allocation.objects.create(
        child=duplicate, team=teams[1], start_date=D(2024, 12, 1), end_date=FIRST_DAY
    )
    Allocation.objects.create(child=duplicate, team=teams[0], start_date=FIRST_DAY, end_date=later)
    Allocation.objects.create(child=duplicate, team=teams[1], start_date=later)
    Allocation.objects.filter(child=duplicate).restate()
    link_family(children=[survivor, duplicate])
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    merge = people_merge(
        survivor=survivor.person,
        duplicate=duplicate.person,
        user=manager,
        reason="The same child registered twice.",
        survivor_version=survivor.person.version,
        duplicate_version=duplicate.person.version,
    )
    assert Allocation.objects.filter(child=survivor).count() == 7
    _assert_stored_as_the_rule(survivor)
    people_merge_reverse(
        merge=merge, user=manager, reason="Twins, not one child.", expected_version=merge.version
    )
    assert Allocation.objects.filter(child=survivor).count() == 4
    _assert_stored_as_the_rule(survivor)
    _assert_stored_as_the_rule(Child.objects.get(pk=duplicate.pk))


def test_the_migration_stores_the_days_in_force_of_existing_allocations(world):
    migration = importlib.import_module("cases.migrations.0019_allocation_in_force")
    rng = random.Random(2)
    children = []
    for moves in (0, 2, 5):
        child = ChildFactory(allocated_team=world.team)
        _history(child, world.senior_manager, [world.team, world.other_team], rng, moves)
        children.append(child)
    # As the rows were before the migration: nothing stored.
    Allocation.objects.update(in_force_from=None, in_force_until=None)
    migration.restate(apps, None)
    for child in children:
        _assert_stored_as_the_rule(child)


def test_the_synthetic_authority_has_allocation_histories_stored_as_the_services_store_them(db):
    generate_authority(children=150, seed=3, as_of=D(2026, 11, 20))
    moved = Child.objects.filter(allocations__in_force_from__isnull=False).distinct()
    assert 10 <= moved.count() <= 60
    # The latest allocation is the child's team now.
    for child in Child.objects.all()[:60]:
        latest = Allocation.objects.filter(child=child).latest("start_date", "pk")
        assert (latest.team_id, latest.end_date) == (child.allocated_team_id, None)
    assert Allocation.objects.all().restate() == 0
