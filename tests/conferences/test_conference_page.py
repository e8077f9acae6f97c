"""The conference page (#23 item 8): compliance warnings on the conference itself, from the
alerts the rules stored; "not quorate" only once attendance is recorded; attendance in the
order it was entered."""

import datetime

from django.urls import reverse

from conferences.models import ConferenceParticipant
from monitoring.services import timescales_scan
from tests.conferences.factories import ConferenceFactory
from tests.monitoring.factories import stored_alert


def _conference(world, **kwargs):
    return ConferenceFactory(section47__child=world.child, child=world.child, **kwargs)


def _invite(conference, agency, name, status=""):
    return ConferenceParticipant.objects.create(
        conference=conference, kind="agency", agency=agency, name=name, status=status
    )


def test_not_quorate_is_said_only_once_attendance_is_recorded(world, login):
    conference = _conference(world)
    for agency, name in (("social_care", "SW"), ("police", "DC"), ("health", "HV")):
        _invite(conference, agency, name)
    client = login(world.social_worker)
    url = reverse("conferences:detail", args=[conference.pk])
    assert "quorate" not in client.get(url).content.decode().lower()
    ConferenceParticipant.objects.filter(conference=conference, agency="social_care").update(
        status="attended"
    )
    content = client.get(url).content.decode()
    assert "Not quorate" in content


def test_attendance_is_listed_in_the_order_entered(world, login):
    conference = _conference(world)
    for agency, name in (
        ("police", "Zed Officer"),
        ("social_care", "Amy Worker"),
        ("health", "Mo Visitor"),
    ):
        _invite(conference, agency, name)
    content = (
        login(world.social_worker)
        .get(reverse("conferences:detail", args=[conference.pk]))
        .content.decode()
    )
    assert content.index("Zed Officer") < content.index("Amy Worker") < content.index("Mo Visitor")


def test_compliance_warnings_show_on_the_conference(world, login):
    conference = _conference(world, status="held", held_on=datetime.date(2026, 11, 20))
    stored_alert(
        world.child,
        "ICPC_NO_POLICE",
        f"conference:{conference.pk}",
        None,
        status="open",
        evidence="No police officer attended or sent a report.",
    )
    content = (
        login(world.social_worker)
        .get(reverse("conferences:detail", args=[conference.pk]))
        .content.decode()
    )
    assert "Compliance warnings" in content
    assert "ICPC without police" in content
    assert "No police officer attended or sent a report." in content


def test_the_scan_and_the_page_agree(world, login):
    """Held without police: the scan finds it and the page says so; with police, neither."""
    conference = _conference(world, status="held", held_on=datetime.date(2026, 11, 20))
    _invite(conference, "social_care", "SW", "attended")
    timescales_scan()
    client = login(world.social_worker)
    url = reverse("conferences:detail", args=[conference.pk])
    assert "ICPC without police" in client.get(url).content.decode()
    _invite(conference, "police", "DC", "attended")
    timescales_scan()
    assert "ICPC without police" not in client.get(url).content.decode()
