import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import ManagementOversight
from tests.cases.factories import ManagementOversightFactory
from tests.personas import PERSONAS
from timescales.models import LocalPolicy

SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
MANAGER = {"team_manager"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def oversight_data(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "oversight_date": today.isoformat(),
        "reflection": "Neglect is entrenched; the parents engage only when prompted.",
        "direction": "Worker to see the child alone at school by Friday.",
        "next_review_date": (today + datetime.timedelta(weeks=4)).isoformat(),
    }
    data.update(overrides)
    return data


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed", [("cases:oversight", SEE), ("cases:oversight-add", MANAGER)]
)
def test_oversight_pages_get_permission_matrix(world, login, persona, url_name, allowed):
    response = login(world.persona(persona)).get(reverse(url_name, args=[world.child.pk]))
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_childs_team_manager_can_record_oversight(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:oversight-add", args=[world.child.pk]), oversight_data()
    )
    assert response.status_code == expected_status(persona, MANAGER, 302)
    entries = ManagementOversight.objects.filter(child=world.child)
    if persona in MANAGER:
        assert response.url == reverse("cases:oversight", args=[world.child.pk])
        assert [e.manager for e in entries] == [world.team_manager]
    else:
        assert not entries.exists()


def test_oversight_list_refuses_post(world, login):
    response = login(world.team_manager).post(reverse("cases:oversight", args=[world.child.pk]))
    assert response.status_code == 405


# --- Recording --------------------------------------------------------------------------------


def test_new_oversight_defaults_to_today_and_a_review_four_weeks_on(world, login):
    response = login(world.team_manager).get(reverse("cases:oversight-add", args=[world.child.pk]))
    form = response.context["form"]
    today = timezone.localdate()
    assert form["oversight_date"].value() == today
    assert form["next_review_date"].value() == today + datetime.timedelta(days=28)
    content = response.content.decode()
    assert f'value="{(today + datetime.timedelta(days=28)).isoformat()}"' in content


def test_new_oversight_review_follows_the_local_policy_in_force(world, login):
    policy = LocalPolicy.current()
    policy.oversight_weeks = 2
    policy.save()
    response = login(world.team_manager).get(reverse("cases:oversight-add", args=[world.child.pk]))
    today = timezone.localdate()
    assert response.context["form"]["next_review_date"].value() == today + datetime.timedelta(14)
    assert "At most 2 weeks on for a child on a child protection plan." in response.content.decode()


def test_recorded_oversight_keeps_reflection_direction_and_review_date(world, login):
    review = timezone.localdate() + datetime.timedelta(days=14)
    login(world.team_manager).post(
        reverse("cases:oversight-add", args=[world.child.pk]),
        oversight_data(next_review_date=review.isoformat()),
    )
    entry = ManagementOversight.objects.get(child=world.child)
    assert entry.manager == world.team_manager
    assert entry.reflection.startswith("Neglect is entrenched")
    assert entry.direction == "Worker to see the child alone at school by Friday."
    assert entry.next_review_date == review


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"oversight_date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
            "Oversight cannot be recorded in the future.",
        ),
        (
            {"next_review_date": timezone.localdate().isoformat()},
            "The next review must be after this oversight.",
        ),
        (
            {"next_review_date": days_ago(3).isoformat()},
            "The next review must be after this oversight.",
        ),
        ({"direction": ""}, "This field is required."),
    ],
    ids=["future-date", "review-same-day", "review-before", "no-direction"],
)
def test_invalid_oversight_is_refused_with_a_message(world, login, overrides, message):
    response = login(world.team_manager).post(
        reverse("cases:oversight-add", args=[world.child.pk]), oversight_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ManagementOversight.objects.exists()


# --- The list ---------------------------------------------------------------------------------


def test_oversight_list_is_newest_first_with_last_and_next_review_at_the_top(world, login):
    ManagementOversightFactory(
        child=world.child,
        manager=world.team_manager,
        oversight_date=days_ago(40),
        next_review_date=days_ago(12),
        direction="Older direction.",
    )
    ManagementOversightFactory(
        child=world.child,
        manager=world.team_manager,
        oversight_date=days_ago(10),
        next_review_date=days_ago(10) + datetime.timedelta(days=28),
        direction="Newer direction.",
    )
    response = login(world.social_worker).get(reverse("cases:oversight", args=[world.child.pk]))
    assert [e.direction for e in response.context["entries"]] == [
        "Newer direction.",
        "Older direction.",
    ]
    content = response.content.decode()
    assert content.index("Newer direction.") < content.index("Older direction.")
    assert "Last oversight" in content
    assert f"{days_ago(10):%-d %b %Y} by {world.team_manager}" in content
    next_review = days_ago(10) + datetime.timedelta(days=28)
    assert f"{next_review:%-d %b %Y}" in content
    assert "overdue" not in content
    # A social worker cannot record oversight, so is not offered the button.
    assert reverse("cases:oversight-add", args=[world.child.pk]) not in content


def test_oversight_list_warns_when_the_next_review_is_past(world, login):
    ManagementOversightFactory(
        child=world.child,
        manager=world.team_manager,
        oversight_date=days_ago(35),
        next_review_date=days_ago(7),
    )
    response = login(world.team_manager).get(reverse("cases:oversight", args=[world.child.pk]))
    assert response.context["review_overdue"] is True
    content = response.content.decode()
    assert f"The next management review was due on {days_ago(7):%-d %b %Y} and is overdue" in (
        content
    )
    assert reverse("cases:oversight-add", args=[world.child.pk]) in content


def test_oversight_list_warns_when_there_is_none(world, login):
    content = (
        login(world.senior_manager)
        .get(reverse("cases:oversight", args=[world.child.pk]))
        .content.decode()
    )
    assert "No management oversight has been recorded for this child." in content


# --- Query count ------------------------------------------------------------------------------


def test_oversight_list_query_count_does_not_grow_with_entries(
    world, login, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = reverse("cases:oversight", args=[world.child.pk])
    ManagementOversightFactory(child=world.child, manager=world.team_manager)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(29):
        ManagementOversightFactory(
            child=world.child,
            manager=world.other_manager if i % 2 else world.team_manager,
            oversight_date=days_ago(i + 1),
            next_review_date=days_ago(i) + datetime.timedelta(days=28),
        )
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["entries"]) == 30
