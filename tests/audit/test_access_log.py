"""The "who has looked at this record" page for a child."""

from datetime import UTC, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.selectors import access_log_for_child
from audit.services import record_access
from cases.models import Child
from tests.accounts.factories import UserFactory
from tests.cases.factories import ChildFactory
from tests.personas import PERSONAS

ALLOWED = {"team_manager", "senior_manager"}


def _url(child) -> str:
    return reverse("audit:child-access-log", args=[child.pk])


def _look(user, obj, what, address="192.0.2.1"):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.user = user
    return record_access(request=request, obj=obj, what=what)


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_get(world, login, persona):
    response = login(world.persona(persona)).get(_url(world.child))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == (200 if persona in ALLOWED else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_post(world, login, persona):
    client = login(world.persona(persona))  # (signing in records the test's authenticator)
    before = LogEntry.objects.count()
    response = client.post(_url(world.child))
    assert response.status_code == (302 if persona == "anonymous" else 405)
    assert LogEntry.objects.count() == before


def test_other_teams_manager_cannot_see_it_even_for_a_child_they_could_find(world, login):
    other_child = ChildFactory(allocated_team=world.other_team)
    assert login(world.team_manager).get(_url(other_child)).status_code == 404
    assert login(world.other_manager).get(_url(other_child)).status_code == 200


def test_lists_who_when_what_and_where_newest_first(world, login):
    _look(world.social_worker, world.child, "chronology", "192.0.2.10")
    second = _look(world.iro, world.child, "minutes", "192.0.2.20")
    page = login(world.team_manager).get(_url(world.child)).content.decode()
    assert "Who has looked at this record" in page
    assert "<caption>" in page and '<th scope="col">When</th>' in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    # The manager's own look at this page comes first, then the iro's, then the worker's.
    assert "Access log" in rows[0] and world.team_manager.get_full_name() in rows[0]
    assert "Minutes" in rows[1] and world.iro.get_full_name() in rows[1]
    assert "192.0.2.20" in rows[1]
    assert "Chronology" in rows[2] and world.social_worker.get_full_name() in rows[2]
    assert "192.0.2.10" in rows[2]
    assert timezone.localtime(second.timestamp).strftime("%-d %b %Y, %H:%M") in rows[1]


def test_viewing_the_log_is_itself_logged(world, login):
    login(world.senior_manager).get(_url(world.child))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.actor == world.senior_manager
    assert entry.additional_data["what"] == "access log"
    assert entry.object_pk == str(world.child.pk)


def test_shows_only_looks_at_this_child(world, login):
    other_child = ChildFactory(allocated_team=world.team)
    _look(world.social_worker, other_child, "secret-other-child-look")
    _look(world.social_worker, world.child, "child record")
    page = login(world.team_manager).get(_url(world.child)).content.decode()
    assert "Child record" in page
    assert "secret-other-child-look" not in page
    # Changes (the child's creation) are not looks.
    assert LogEntry.objects.get_for_object(world.child).filter(action=0).exists()
    assert page.count("<tr>") == 1 + 2  # header row, this visit, the worker's look


def test_paginated_fifty_to_a_page(world, login):
    for n in range(54):
        _look(world.social_worker, world.child, f"look {n}")
    client = login(world.team_manager)
    page1 = client.get(_url(world.child)).content.decode()
    assert page1.split("<tbody>")[1].count("<tr>") == 50
    assert "Page 1 of 2" in page1
    page2 = client.get(_url(world.child) + "?page=2").content.decode()
    # 54 looks and the manager's two visits to the log: 50 + 6.
    assert page2.split("<tbody>")[1].count("<tr>") == 6
    assert "Look 0" in page2


def test_query_count_does_not_grow_with_the_log(world, login):
    client = login(world.team_manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(world.child)).status_code == 200
        return len(ctx)

    for n in range(3):
        _look(UserFactory(), world.child, f"look {n}")
    few = queries()
    for n in range(40):
        _look(UserFactory(), world.child, f"look {n}")
    assert queries() == few


def _look_at(user, child, when) -> LogEntry:
    """A look made at `when` (the log is append-only: entries cannot be moved afterwards)."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Child),
        object_pk=str(child.pk),
        object_repr=str(child),
        action=LogEntry.Action.ACCESS,
        actor=user,
        timestamp=when,
        additional_data={"what": "plan"},
    )


def test_times_are_shown_in_london_time(world, login):
    _look_at(world.iro, world.child, datetime(2026, 7, 1, 11, 5, tzinfo=UTC))
    page = login(world.team_manager).get(_url(world.child)).content.decode()
    assert "1 Jul 2026, 12:05" in page


def test_old_looks_stay_listed(world):
    old = _look_at(world.iro, world.child, timezone.now() - timedelta(days=3650))
    assert old in access_log_for_child(world.child)
