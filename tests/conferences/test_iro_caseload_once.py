"""IRO caseload: each child counted once, for the chair of their next conference (or their last,
if none is booked); the warning figure is local, and the page says so.

Hand-worked dates: the ICPC held Thursday 13 September 2018 makes the plan; the first review is
due three months later, Thursday 13 December 2018.
"""

import datetime

import pytest
from django.urls import reverse

from conferences.models import Conference
from conferences.selectors import iro_caseload, iro_caseloads, iro_child_counts
from dashboards.measures import Measures, Scope
from monitoring.models import Alert
from monitoring.services import timescales_scan
from tests.conferences.diary_helpers import icpc_for
from tests.conferences.factories import hold
from tests.conferences.test_late_icpc import STRATEGY_ON, TARGET
from timescales.models import LocalPolicy

D = datetime.date


@pytest.fixture
def on_plan(world):
    """world.child's ICPC chaired by world.iro on its target date, making a plan."""
    icpc = icpc_for(world.child, strategy_on=STRATEGY_ON)
    hold(icpc, chair=world.iro, held_on=TARGET)
    review = Conference.objects.get(child=world.child, conference_type="review")
    assert review.target_date == D(2018, 12, 13)
    return review


def _counts(world):
    every = {u.pk: u.children for u in iro_caseloads()}
    return every[world.iro.pk], every[world.other_iro.pk]


def test_a_reassigned_review_moves_the_child_and_counts_them_once(world, on_plan):
    on_plan.chair = world.iro
    on_plan.save()
    assert _counts(world) == (1, 0)
    # The review is reassigned to another chair: the child is now theirs, and only theirs.
    on_plan.chair = world.other_iro
    on_plan.save()
    assert _counts(world) == (0, 1)
    assert list(iro_caseload(world.iro)) == []
    assert list(iro_caseload(world.other_iro)) == [world.child]
    assert iro_child_counts() == {world.other_iro.pk: 1}
    caseloads = Measures(Scope("authority", "All"), D(2018, 9, 1), D(2018, 9, 30)).caseloads()
    by_id = {row["id"]: row["children"] for row in caseloads["iros"]}
    assert by_id[world.iro.pk] == 0 and by_id[world.other_iro.pk] == 1


def test_with_no_chair_booked_the_last_chair_keeps_the_child(world, on_plan):
    assert on_plan.chair is None
    assert _counts(world) == (1, 0)
    assert list(iro_caseload(world.iro)) == [world.child]


def test_a_child_whose_plan_ended_is_on_no_caseload(world, on_plan):
    on_plan.chair = world.other_iro
    on_plan.save()
    hold(
        on_plan,
        chair=world.other_iro,
        held_on=D(2018, 12, 13),
        decision="end",
        end_next_step="cin_plan",
    )
    assert _counts(world) == (0, 0)


def test_the_warning_counts_each_child_once(world, on_plan):
    policy = LocalPolicy.current()
    policy.iro_caseload_warning = 0
    policy.save()
    on_plan.chair = world.other_iro
    on_plan.save()
    timescales_scan(as_of=D(2018, 10, 1))
    warned = set(Alert.objects.filter(rule="IRO_CASELOAD").values_list("subject_key", flat=True))
    assert warned == {f"iro:{world.other_iro.pk}"}
    assert "1 children" in Alert.objects.get(rule="IRO_CASELOAD").evidence


def test_the_page_says_the_warning_is_local(world, on_plan, login):
    content = login(world.team_manager).get(reverse("conferences:iro-caseload")).content.decode()
    assert "is a local figure" in content
    assert "50 to 70 is for looked-after children" in content
