"""Manual chronology entries (issue 23 item 11): historical events and other agencies'
information written in by hand, with their source, shown marked as manual in date order,
changed only by their author with the earlier words kept, through the one door."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cases.chronology import chronology_for
from cases.models import ChronologyEdit, ManualChronologyEntry
from cases.services import chronology_entry_edit
from tests.cases.factories import ReferralFactory
from tests.personas import PERSONAS
from tests.strategy.factories import london

WRITERS = {"social_worker", "same_team_worker", "team_manager"}
# The IRO reads a child's record once they chair its conference (none here).
READERS = WRITERS | {"senior_manager"}


def _form(**overrides):
    data = {
        "event_date": "2019-03-14",
        "date_accuracy": "day",
        "event_time": "",
        "source": "police",
        "source_name": "PC Example, Demotown police station",
        "description": "Police called to a domestic incident; the children were at home.",
    }
    data.update(overrides)
    return data


def _entry(world, **fields):
    values = {
        "child": world.child,
        "event_date": datetime.date(2019, 3, 14),
        "source": "health",
        "source_name": "Health visitor",
        "description": "Missed developmental check.",
        "recorded_by": world.social_worker,
    }
    values.update(fields)
    return ManualChronologyEntry.objects.create(**values)


def test_a_worker_adds_a_historical_entry_and_it_is_shown_as_manual_with_its_source(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 9, 1, 9), reason="New referral")
    client = login(world.social_worker)
    add = reverse("cases:chronology-add", args=[world.child.pk])
    assert client.get(add).status_code == 200
    response = client.post(add, _form())
    chronology_url = reverse("cases:chronology", args=[world.child.pk])
    assert response.status_code == 302 and response.url == chronology_url
    entry = ManualChronologyEntry.objects.get()
    assert entry.recorded_by == world.social_worker
    assert entry.event_date == datetime.date(2019, 3, 14)
    page = client.get(chronology_url)
    events = page.context["events"]
    # Oldest first: the 2019 incident before the 2026 referral.
    assert [e.source for e in events] == ["Manual entry", "Referral"]
    manual = events[0]
    today = f"{timezone.localdate():%-d %b %Y}"
    assert manual.manual_source == (
        f"Police (PC Example, Demotown police station); recorded {today} by {world.social_worker}"
    )
    html = page.content.decode()
    assert "Manual entry" in html
    assert "Source: Police (PC Example, Demotown police station); recorded" in html
    assert "14 Mar 2019" in html
    # It is the worker's own words: no description box, a link to change it instead.
    assert f'value="manual:{entry.pk}"' not in html
    assert reverse("cases:chronology-entry-edit", args=[world.child.pk, entry.pk]) in html
    # Audited as the worker.
    log = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ManualChronologyEntry),
        action=LogEntry.Action.CREATE,
    )
    assert log.actor == world.social_worker
    printed = client.get(reverse("cases:chronology-print", args=[world.child.pk]))
    assert "Source: Police (PC Example" in printed.content.decode()


@pytest.mark.parametrize(
    ("accuracy", "typed", "stored", "shown"),
    [
        ("month", "2018-06-20", datetime.date(2018, 6, 1), "Jun 2018"),
        ("year", "2017-06-20", datetime.date(2017, 1, 1), "2017"),
        ("about", "2016-06-20", datetime.date(2016, 6, 20), "About 20 Jun 2016"),
    ],
)
def test_an_approximate_date_is_kept_and_shown_as_approximate(
    world, login, accuracy, typed, stored, shown
):
    client = login(world.social_worker)
    client.post(
        reverse("cases:chronology-add", args=[world.child.pk]),
        _form(event_date=typed, date_accuracy=accuracy),
    )
    entry = ManualChronologyEntry.objects.get()
    assert entry.event_date == stored
    html = client.get(reverse("cases:chronology", args=[world.child.pk])).content.decode()
    assert f'<td class="text-nowrap">{shown}' in html


def test_a_manual_entry_with_a_time_is_in_time_order_on_its_day(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 9, 1, 9), reason="Morning")
    ReferralFactory(child=world.child, received_at=london(2026, 9, 1, 15), reason="Afternoon")
    login(world.social_worker).post(
        reverse("cases:chronology-add", args=[world.child.pk]),
        _form(event_date="2026-09-01", event_time="11:30", description="Police visit at noon"),
    )
    day = [e for e in chronology_for(world.child) if e.date == datetime.date(2026, 9, 1)]
    received = [e for e in day if e.key.endswith(":received") or e.manual]
    assert [e.time_of_day.strftime("%H:%M") for e in received] == ["09:00", "11:30", "15:00"]
    assert received[1].manual


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"event_date": "2099-01-01"}, "event_date", "The event cannot be in the future."),
        ({"event_date": ""}, "event_date", "This field is required."),
        ({"source": ""}, "source", "This field is required."),
        ({"source": "other", "source_name": ""}, "source_name", "Say who gave the information."),
        ({"description": "   "}, "description", "This field is required."),
        (
            {"date_accuracy": "year", "event_time": "10:00"},
            "event_time",
            "Give a time only with an exact date.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_on_the_form(world, login, overrides, field, message):
    response = login(world.social_worker).post(
        reverse("cases:chronology-add", args=[world.child.pk]), _form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "There is a problem" in response.content.decode()
    assert not ManualChronologyEntry.objects.exists()


def test_its_author_changes_an_entry_and_the_earlier_words_are_kept(world, login):
    entry = _entry(world)
    client = login(world.social_worker)
    edit = reverse("cases:chronology-entry-edit", args=[world.child.pk, entry.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, _form(source="health", description="Missed two developmental checks.", version=1)
    )
    detail = reverse("cases:chronology-entry", args=[world.child.pk, entry.pk])
    assert response.status_code == 302 and response.url == detail
    entry.refresh_from_db()
    assert entry.description == "Missed two developmental checks."
    assert entry.version == 2
    (version,) = entry.versions.all()
    assert (version.number, version.description) == (1, "Missed developmental check.")
    html = client.get(detail).content.decode()
    assert "Missed two developmental checks." in html
    assert "Version 1 (original)" in html and "Missed developmental check." in html
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ManualChronologyEntry),
        action=LogEntry.Action.UPDATE,
        actor=world.social_worker,
    ).exists()
    # Sending nothing new changes nothing.
    response = client.post(
        edit, _form(source="health", description="Missed two developmental checks.", version=2)
    )
    assert "You have not changed anything" in response.content.decode()


def test_a_change_saved_meanwhile_is_not_overwritten(world, login):
    entry = _entry(world)
    client = login(world.social_worker)
    edit = reverse("cases:chronology-entry-edit", args=[world.child.pk, entry.pk])
    client.post(edit, _form(description="First change", version=1))
    response = client.post(edit, _form(description="From an old page", version=1))
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    entry.refresh_from_db()
    assert entry.description == "First change"
    assert entry.versions.count() == 1


def test_only_the_author_changes_an_entry(world, login):
    entry = _entry(world)
    other = login(world.same_team_worker)
    edit = reverse("cases:chronology-entry-edit", args=[world.child.pk, entry.pk])
    assert other.get(edit).status_code == 404
    assert other.post(edit, _form(description="Not mine", version=1)).status_code == 404
    entry.refresh_from_db()
    assert entry.description == "Missed developmental check."
    html = other.get(reverse("cases:chronology", args=[world.child.pk])).content.decode()
    assert edit not in html
    assert "Missed developmental check." in html
    entry.description = "Changed by a service call"
    with pytest.raises(PermissionDenied):
        chronology_entry_edit(entry=entry, user=world.same_team_worker, expected_version=1)


def test_a_worker_s_description_cannot_be_put_on_a_manual_entry(world, login):
    entry = _entry(world)
    response = login(world.social_worker).post(
        reverse("cases:chronology-describe", args=[world.child.pk]),
        {"source_key": f"manual:{entry.pk}", "description": "X", "was": ""},
    )
    assert response.status_code == 404
    assert not ChronologyEdit.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_manual_entry_pages_for_each_persona(world, login, persona):
    entry = _entry(world)
    client = login(world.persona(persona))
    detail = reverse("cases:chronology-entry", args=[world.child.pk, entry.pk])
    add = reverse("cases:chronology-add", args=[world.child.pk])
    if persona == "anonymous":
        assert client.get(detail).status_code == 302
        assert client.post(add, _form()).status_code == 302
        assert not ManualChronologyEntry.objects.exclude(pk=entry.pk).exists()
        return
    response = client.get(detail)
    assert response.status_code == (200 if persona in READERS else 404)
    if persona in READERS:
        assert "Missed developmental check." in response.content.decode()
    response = client.post(add, _form())
    assert response.status_code == (302 if persona in WRITERS else 404)
    added = ManualChronologyEntry.objects.exclude(pk=entry.pk)
    assert added.count() == (1 if persona in WRITERS else 0)
    if persona in WRITERS:
        assert added.get().recorded_by == world.persona(persona)


def test_another_child_s_entry_is_404_under_this_child(world, login):
    from tests.cases.factories import ChildFactory

    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    entry = _entry(world, child=other_child)
    client = login(world.social_worker)
    for name in ("cases:chronology-entry", "cases:chronology-entry-edit"):
        assert client.get(reverse(name, args=[world.child.pk, entry.pk])).status_code == 404
