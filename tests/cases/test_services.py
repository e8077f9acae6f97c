import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import ServiceReferral
from cases.services import record_save
from tests.cases.factories import ChildFactory, ServiceReferralFactory
from tests.personas import PERSONAS

SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def service_data(**overrides) -> dict:
    data = {
        "service": "camhs",
        "service_detail": "Wirral CAMHS, ZZ99 1AA (synthetic)",
        "date_referred": days_ago(30).isoformat(),
        "date_started": "",
        "date_declined": "",
        "decline_reason": "",
        "notes": "Referred after self-harm disclosure at school.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def service(world):
    return ServiceReferralFactory(child=world.child, date_referred=days_ago(40))


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [("cases:services", SEE), ("cases:service-add", WRITE), ("cases:service-edit", WRITE)],
)
def test_service_pages_get_permission_matrix(world, login, service, persona, url_name, allowed):
    args = [world.child.pk, service.pk] if url_name == "cases:service-edit" else [world.child.pk]
    response = login(world.persona(persona)).get(reverse(url_name, args=args))
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_service_add_post_permission_matrix(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:service-add", args=[world.child.pk]), service_data()
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    count = ServiceReferral.objects.filter(child=world.child).count()
    assert count == (1 if persona in WRITE else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_service_edit_post_permission_matrix(world, login, service, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:service-edit", args=[world.child.pk, service.pk]),
        service_data(
            date_referred=service.date_referred.isoformat(),
            date_started=days_ago(2).isoformat(),
            version=service.version,
        ),
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    service.refresh_from_db()
    assert (service.date_started == days_ago(2)) is (persona in WRITE)


def test_service_list_refuses_post(world, login):
    response = login(world.social_worker).post(reverse("cases:services", args=[world.child.pk]))
    assert response.status_code == 405


def test_service_of_another_child_cannot_be_edited_through_this_child(world, login, service):
    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    response = login(world.social_worker).get(
        reverse("cases:service-edit", args=[other_child.pk, service.pk])
    )
    assert response.status_code == 404


# --- Waiting times ----------------------------------------------------------------------------


def test_services_list_shows_waiting_days_with_still_waiting_first(world, login):
    ServiceReferralFactory(
        child=world.child,
        service="parenting",
        date_referred=days_ago(90),
        date_started=days_ago(60),
    )
    ServiceReferralFactory(child=world.child, service="camhs", date_referred=days_ago(20))
    ServiceReferralFactory(child=world.child, service="speech_language", date_referred=days_ago(75))
    ServiceReferralFactory(
        child=world.child,
        service="domestic_abuse",
        date_referred=days_ago(10),
        date_declined=days_ago(4),
        decline_reason="Mother refused the service.",
    )
    response = login(world.senior_manager).get(reverse("cases:services", args=[world.child.pk]))
    listed = [(s.service, s.waiting_days) for s in response.context["services"]]
    assert listed == [
        ("speech_language", 75),  # still waiting, longest first
        ("camhs", 20),
        ("domestic_abuse", 6),  # then the rest, most recent referral first
        ("parenting", 30),
    ]
    content = response.content.decode()
    assert "Waiting for 2 services." in content
    assert "75 days so far" in content
    assert "30 days" in content
    assert f"Declined {days_ago(4):%-d %b %Y}: Mother refused the service." in content
    assert f"Started {days_ago(60):%-d %b %Y}" in content
    positions = [content.index(label) for label in ("Speech and language", "CAMHS", "Parenting")]
    assert positions == sorted(positions)
    # A reader is not offered the add or update links.
    assert reverse("cases:service-add", args=[world.child.pk]) not in content


def test_recording_a_start_date_ends_the_wait(world, login, service):
    login(world.social_worker).post(
        reverse("cases:service-edit", args=[world.child.pk, service.pk]),
        service_data(
            date_referred=service.date_referred.isoformat(),
            date_started=days_ago(5).isoformat(),
            version=service.version,
        ),
    )
    service.refresh_from_db()
    assert not service.still_waiting
    assert service.waiting_days == 35


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_overrides, field, message",
    [
        (
            lambda: {
                "date_referred": days_ago(10).isoformat(),
                "date_started": days_ago(12).isoformat(),
            },
            "date_started",
            "This cannot be before the date referred.",
        ),
        (
            lambda: {
                "date_started": days_ago(5).isoformat(),
                "date_declined": days_ago(4).isoformat(),
                "decline_reason": "Family moved away.",
            },
            "date_declined",
            "A service is either started or declined, not both.",
        ),
        (
            lambda: {"date_declined": days_ago(4).isoformat()},
            "decline_reason",
            "Say why the service was declined.",
        ),
        (
            lambda: {
                "date_referred": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
            },
            "date_referred",
            "The referral date cannot be in the future.",
        ),
    ],
    ids=["start-before-referral", "started-and-declined", "declined-no-reason", "future-referral"],
)
def test_invalid_service_referral_is_refused_with_a_message(
    world, login, make_overrides, field, message
):
    # The dates are worked out when the test runs, not when it is collected (a run that crosses
    # midnight would otherwise post "tomorrow" as today).
    response = login(world.social_worker).post(
        reverse("cases:service-add", args=[world.child.pk]), service_data(**make_overrides())
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not ServiceReferral.objects.exists()


def test_stale_service_edit_is_refused_and_nothing_saved(world, login, service):
    opened_version = service.version
    service.notes = "A colleague's update."
    record_save(instance=service, user=world.same_team_worker, expected_version=opened_version)
    response = login(world.social_worker).post(
        reverse("cases:service-edit", args=[world.child.pk, service.pk]),
        service_data(
            date_referred=service.date_referred.isoformat(),
            notes="My late update.",
            version=opened_version,
        ),
    )
    assert "Someone else saved this record after you opened it" in response.content.decode()
    service.refresh_from_db()
    assert service.notes == "A colleague's update."


# --- Query count ------------------------------------------------------------------------------


def test_service_list_query_count_does_not_grow_with_referrals(
    world, login, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = reverse("cases:services", args=[world.child.pk])
    ServiceReferralFactory(child=world.child)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(29):
        ServiceReferralFactory(
            child=world.child,
            date_referred=days_ago(60 + i),
            date_started=days_ago(30) if i % 2 else None,
        )
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["services"]) == 30
