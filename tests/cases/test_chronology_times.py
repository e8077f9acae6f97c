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
