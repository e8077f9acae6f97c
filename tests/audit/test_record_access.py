"""audit.services.record_access: an "accessed" entry with who, when, from where and what."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Team
from audit.services import record_access
from cases.models import Child
from tests.cases.factories import VisitFactory


def _request(user, **meta):
    request = RequestFactory().get("/children/1/", REMOTE_ADDR="192.0.2.44", **meta)
    request.user = user
    return request


def test_records_who_what_and_where_against_the_child(world):
    entry = record_access(request=_request(world.social_worker), obj=world.child, what="chronology")
    entry = LogEntry.objects.get(pk=entry.pk)
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == world.social_worker
    assert entry.actor_email == world.social_worker.email
    assert entry.remote_addr == "192.0.2.44"
    assert entry.additional_data == {"what": "chronology"}
    assert entry.content_type == ContentType.objects.get_for_model(Child)
    assert entry.object_pk == str(world.child.pk)
    assert entry.object_repr == str(world.child)
    assert entry.changes in (None, {}, "")


def test_a_part_of_the_record_is_filed_against_its_child(world):
    visit = VisitFactory(child=world.child)
    entry = record_access(request=_request(world.team_manager), obj=visit, what="visit")
    assert entry.content_type == ContentType.objects.get_for_model(Child)
    assert entry.object_pk == str(world.child.pk)
    assert entry.additional_data == {
        "what": "visit",
        "record": "cases.visit",
        "record_pk": str(visit.pk),
    }


def test_something_outside_a_child_record_is_filed_against_itself(world):
    entry = record_access(request=_request(world.senior_manager), obj=world.team, what="export")
    assert entry.content_type == ContentType.objects.get_for_model(Team)
    assert entry.object_pk == str(world.team.pk)


def test_forwarded_for_is_ignored_without_a_trusted_proxy(world):
    request = _request(world.social_worker, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert record_access(request=request, obj=world.child, what="x").remote_addr == "192.0.2.44"


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client wrote the first one
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (1, "not-an-address", "192.0.2.44"),
    ],
)
def test_forwarded_for_is_read_as_far_as_our_proxies_go(
    world, settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = _request(world.social_worker, HTTP_X_FORWARDED_FOR=forwarded)
    assert record_access(request=request, obj=world.child, what="x").remote_addr == expected


def test_request_through_the_middleware_keeps_the_address(world, login):
    """In a real request auditlog's middleware and record_access agree on the address."""
    client = login(world.team_manager)
    client.get(f"/audit/children/{world.child.pk}/views/", REMOTE_ADDR="192.0.2.77")
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert (entry.actor, entry.remote_addr) == (world.team_manager, "192.0.2.77")


def test_changes_made_through_a_page_are_logged_with_the_address(world, login):
    """A service names the actor for its writes; the address the request came from is kept."""
    from cases.models import Visit
    from tests.cases.test_visits import visit_data

    client = login(world.social_worker)
    response = client.post(
        reverse("cases:visit-add", args=[world.child.pk]), visit_data(), REMOTE_ADDR="192.0.2.91"
    )
    assert response.status_code == 302
    visit = Visit.objects.get(child=world.child)
    entry = LogEntry.objects.get_for_object(visit).get(action=LogEntry.Action.CREATE)
    assert (entry.actor, entry.remote_addr) == (world.social_worker, "192.0.2.91")
