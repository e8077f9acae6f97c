"""Allocation of a child to a team and worker, and team caseloads."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases.models import Allocation, Child
from tests.accounts.factories import make_user
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.personas import PERSONAS

SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
MANAGE = {"team_manager"}
CASELOADS = {"team_manager", "other_manager", "senior_manager"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def _expected(persona, allowed, ok):
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def _history(world):
    return Allocation.objects.create(
        child=world.child,
        team=world.team,
        worker=world.social_worker,
        start_date=datetime.date(2026, 1, 5),
        allocated_by=world.team_manager,
        reason="Child registered",
    )


# --- Allocation -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_allocation_get_permission_matrix(world, login, persona):
    _history(world)
    response = login(world.persona(persona)).get(reverse("cases:allocation", args=[world.child.pk]))
    assert response.status_code == _expected(persona, SEE, 200)
    if response.status_code == 200:
        page = text(response)
        assert "Child registered" in page
        # The form only for the manager of the child's team.
        assert ('<button type="submit" class="btn btn-primary">Allocate</button>' in page) is (
            persona in MANAGE
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_allocation_post_permission_matrix(world, login, persona):
    _history(world)
    response = login(world.persona(persona)).post(
        reverse("cases:allocation", args=[world.child.pk]),
        {
            "team": world.team.pk,
            "worker": world.same_team_worker.pk,
            "start_date": "2026-11-02",
            "reason": "Workload balancing",
            "version": 1,
        },
    )
    assert response.status_code == _expected(persona, MANAGE, 302)
    world.child.refresh_from_db()
    moved = persona in MANAGE
    assert (world.child.allocated_worker == world.same_team_worker) is moved
    assert Allocation.objects.filter(child=world.child).count() == (2 if moved else 1)


def test_allocating_closes_the_current_allocation_and_shows_the_history(world, login):
    first = _history(world)
    response = login(world.team_manager).post(
        reverse("cases:allocation", args=[world.child.pk]),
        {
            "team": world.team.pk,
            "worker": world.same_team_worker.pk,
            "start_date": "2026-11-02",
            "reason": "Workload balancing",
            "version": 1,
        },
        follow=True,
    )
    first.refresh_from_db()
    assert first.end_date == datetime.date(2026, 11, 2)
    current = Allocation.objects.get(child=world.child, end_date__isnull=True)
    assert current.worker == world.same_team_worker
    assert current.allocated_by == world.team_manager
    page = text(response)
    assert f"is now allocated to {world.same_team_worker}" in page
    assert "<td>2 Nov 2026</td>" in page  # the first allocation's end, and the new start
    assert "Workload balancing" in page
    assert "<td>Current</td>" in page


def test_worker_not_in_the_chosen_team_is_refused(world, login):
    _history(world)
    response = login(world.team_manager).post(
        reverse("cases:allocation", args=[world.child.pk]),
        {
            "team": world.team.pk,
            "worker": world.other_team_worker.pk,
            "start_date": "2026-11-02",
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert f"{world.other_team_worker} is not a member of {world.team}." in text(response)
    world.child.refresh_from_db()
    assert world.child.allocated_worker == world.social_worker
    assert Allocation.objects.filter(child=world.child).count() == 1


def test_stale_allocation_is_refused(world, login):
    _history(world)
    Child.objects.filter(pk=world.child.pk).update(version=2)  # someone else changed the child
    response = login(world.team_manager).post(
        reverse("cases:allocation", args=[world.child.pk]),
        {
            "team": world.team.pk,
            "worker": world.same_team_worker.pk,
            "start_date": "2026-11-02",
            "version": 1,
        },
    )
    assert "Someone else saved this record after you opened it." in text(response)
    assert Allocation.objects.filter(child=world.child).count() == 1


def test_transfer_to_another_team_leaves_the_manager_on_the_child_list(world, login):
    _history(world)
    response = login(world.team_manager).post(
        reverse("cases:allocation", args=[world.child.pk]),
        {
            "team": world.other_team.pk,
            "worker": world.other_team_worker.pk,
            "start_date": "2026-11-02",
            "reason": "Moved to the other locality",
            "version": 1,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:child-list")
    world.child.refresh_from_db()
    assert world.child.allocated_team == world.other_team


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _allocations(world, first, n):
    for i in range(first, first + n):
        Allocation.objects.create(
            child=world.child,
            team=world.team if i % 2 else world.other_team,
            worker=world.social_worker if i % 2 else world.other_team_worker,
            start_date=datetime.date(2020, 1, 6) + datetime.timedelta(days=30 * i),
            end_date=datetime.date(2020, 1, 6) + datetime.timedelta(days=30 * (i + 1)),
            allocated_by=world.team_manager if i % 2 else world.other_manager,
            reason=f"Reason {i}",
        )


def test_allocation_page_query_count_is_fixed(world, login, django_assert_max_num_queries):
    client = login(world.team_manager)
    url = reverse("cases:allocation", args=[world.child.pk])
    _allocations(world, 0, 1)
    one = _count_queries(client, url)
    _allocations(world, 1, 29)
    with django_assert_max_num_queries(one):
        response = client.get(url)
    page = text(response)
    assert "Reason 29" in page
    assert page.count("<tr>") == 31


# --- Caseloads --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_caseloads_permission_matrix(world, login, persona):
    client = login(world.persona(persona))
    url = reverse("cases:caseloads")
    assert url == "/children/caseloads/"
    response = client.get(url)
    assert response.status_code == _expected(persona, CASELOADS, 200)
    post = client.post(url)
    assert post.status_code == (302 if persona == "anonymous" else 405)


def test_team_manager_sees_their_workers_counts(world, login):
    # social_worker: world.child (open episode) + two more, one with a closed episode only.
    ReferralFactory(child=world.child)
    closed = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    ReferralFactory(
        child=closed, decision="nfa", closure_date=datetime.date(2026, 10, 2), closure_reason="RC8"
    )
    ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    # Two open-episode children for same_team_worker; one child for the team only.
    for _ in range(2):
        ReferralFactory(
            child=ChildFactory(allocated_team=world.team, allocated_worker=world.same_team_worker)
        )
    ChildFactory(allocated_team=world.team, allocated_worker=None)
    # Another team's worker, not shown to this manager.
    ChildFactory(allocated_team=world.other_team, allocated_worker=world.other_team_worker)
    response = login(world.team_manager).get(reverse("cases:caseloads"))
    rows = {w.pk: (w.children_count, w.open_count) for w in response.context["teams"][0].workers}
    assert rows == {world.social_worker.pk: (3, 1), world.same_team_worker.pk: (2, 2)}
    page = text(response)
    assert world.team.name in page
    assert world.other_team.name not in page
    assert str(world.other_team_worker) not in page
    worker_link = reverse("cases:child-list") + f"?worker={world.social_worker.pk}"
    assert f'<a href="{worker_link}">3<span' in page
    team = response.context["teams"][0]
    assert (team.children, team.open_episodes, team.team_only) == (5, 3, 1)


def test_senior_manager_sees_every_team(world, login):
    ChildFactory(allocated_team=world.other_team, allocated_worker=world.other_team_worker)
    response = login(world.senior_manager).get(reverse("cases:caseloads"))
    page = text(response)
    assert world.team.name in page
    assert world.other_team.name in page
    assert str(world.other_team_worker) in page


def _workers_with_children(world, n):
    for i in range(n):
        worker = make_user(Role.SOCIAL_WORKER, team=world.team if i % 2 else world.other_team)
        for _ in range(2):
            ReferralFactory(child=ChildFactory(allocated_team=worker.team, allocated_worker=worker))


def test_caseloads_query_count_is_fixed(world, login, django_assert_max_num_queries):
    client = login(world.senior_manager)
    url = reverse("cases:caseloads")
    _workers_with_children(world, 1)
    one = _count_queries(client, url)
    _workers_with_children(world, 29)
    with django_assert_max_num_queries(one):
        response = client.get(url)
    assert sum(len(t.workers) for t in response.context["teams"]) == 33
    assert sum(t.open_episodes for t in response.context["teams"]) == 60


def test_worker_filter_on_the_child_list_stays_within_what_the_user_may_see(world, login):
    mine = ChildFactory(
        allocated_team=world.team, allocated_worker=world.social_worker, last_name="Mineonly"
    )
    theirs = ChildFactory(
        allocated_team=world.other_team,
        allocated_worker=world.other_team_worker,
        last_name="Theirsonly",
    )
    url = reverse("cases:child-list")
    manager = login(world.team_manager)
    page = text(manager.get(url, {"worker": world.social_worker.pk}))
    assert mine.last_name in page
    assert world.child.last_name in page
    assert theirs.last_name not in page
    # Another team's worker: the manager still sees none of that team's children.
    page = text(manager.get(url, {"worker": world.other_team_worker.pk}))
    assert theirs.last_name not in page
    assert mine.last_name not in page
