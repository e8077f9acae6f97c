"""The chronology (issue 23 item 11): times on entries that have one, same-day events in time
order, and the worker's description box empty until they write in it."""

import re

from django.urls import reverse

from cases.chronology import chronology_for
from tests.cases.factories import ReferralFactory
from tests.strategy.factories import StrategyDiscussionFactory, london


def test_same_day_events_are_in_time_order_with_their_times(world, login):
    child = world.child
    # The strategy discussion (11:00) is recorded before the referral (received 9:15, decided
    # 10:30) it came from: the chronology still reads in the order they happened.
    referral = ReferralFactory(
        child=child,
        received_at=london(2026, 11, 2, 9, 15),
        decision="strategy",
        decided_by=world.team_manager,
        decided_at=london(2026, 11, 2, 10, 30),
    )
    StrategyDiscussionFactory(referral=referral, held_at=london(2026, 11, 2, 11, 0))
    ReferralFactory.reset_sequence()
    events = [e for e in chronology_for(child) if e.date.isoformat() == "2026-11-02"]
    assert [e.time_of_day.strftime("%H:%M") for e in events] == ["09:15", "10:30", "11:00"]
    html = login(world.social_worker).get(reverse("cases:chronology", args=[child.pk]))
    html = html.content.decode()
    for t in ("09:15", "10:30", "11:00"):
        assert f'<span class="small">{t}</span>' in html


def test_the_description_box_is_empty_until_the_worker_writes(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9, 15))
    html = (
        login(world.social_worker)
        .get(reverse("cases:chronology", args=[world.child.pk]))
        .content.decode()
    )
    boxes = re.findall(r'<input[^>]*name="description"[^>]*>', html)
    assert boxes
    for box in boxes:
        assert 'value=""' in box, box


def test_a_conference_held_as_booked_shows_its_time(world):
    import datetime

    from tests.conferences.factories import ConferenceFactory, hold
    from tests.strategy.factories import Section47Factory

    referral = ReferralFactory(child=world.child, received_at=london(2026, 8, 17, 9))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    conference = ConferenceFactory(
        section47=Section47Factory(strategy_discussion=discussion),
        scheduled_for=london(2026, 9, 8, 14, 0),
    )
    hold(conference, chair=world.iro, held_on=datetime.date(2026, 9, 8))
    (event,) = [e for e in chronology_for(world.child) if e.source == "Conference"]
    assert event.time_of_day.strftime("%H:%M") == "14:00"
    # Held on another day than booked: the booked time is not that day's, so no time.
    conference.held_on = datetime.date(2026, 9, 9)
    conference.save(update_fields=["held_on"])
    (event,) = [e for e in chronology_for(world.child) if e.source == "Conference"]
    assert event.time_of_day is None


def test_a_return_from_missing_shows_its_time(world):
    from tests.cases.factories import MissingEpisodeFactory

    MissingEpisodeFactory(
        child=world.child,
        started_at=london(2026, 10, 9, 21, 0),
        ended_at=london(2026, 10, 10, 8, 30),
    )
    times = {
        e.key.rsplit(":", 1)[1]: e.time_of_day.strftime("%H:%M")
        for e in chronology_for(world.child)
        if e.source == "Missing"
    }
    assert times == {"started": "21:00", "returned": "08:30"}


def test_a_manual_entry_has_no_description_box_and_the_others_are_empty(world, login):
    """A manual entry is the worker's own words: it has no description box at all, and every
    other entry's box is empty until the worker writes."""
    from cases.models import ManualChronologyEntry

    ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9, 15))
    entry = ManualChronologyEntry.objects.create(
        child=world.child,
        event_date=london(2026, 11, 1).date(),
        source="health",
        description="Health visitor's note of a bruise",
        recorded_by=world.social_worker,
    )
    html = (
        login(world.social_worker)
        .get(reverse("cases:chronology", args=[world.child.pk]))
        .content.decode()
    )
    boxes = re.findall(r'<input[^>]*name="description"[^>]*>', html)
    assert len(boxes) == 1 and 'value=""' in boxes[0]
    assert f'value="manual:{entry.pk}"' not in html
