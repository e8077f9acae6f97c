"""Moves between authorities. In: a child on another authority's plan moves here; recording the
notification asks for the transfer-in conference within 15 working days (its target stored),
the diary and an alert show it, and holding it starts this authority's plan. Out: the child
moves away; the plan here ends on the day the receiving authority's conference is held."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.chronology import chronology_for
from cases.models import Referral
from conferences.models import ChildProtectionPlan, Conference, TransferIn, TransferOut
from conferences.services_transfers import (
    transfer_in_hold,
    transfer_in_record,
    transfer_out_record,
)
from monitoring.models import Alert
from monitoring.services import timescales_scan
from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory, hold
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london
from timescales import rules as timescales

D = datetime.date


@pytest.mark.parametrize(
    ("notified", "due"),
    [
        # Tue 16 Dec 2025: 25, 26 Dec and 1 Jan are bank holidays: Fri 9 Jan 2026 (not 6 Jan).
        (D(2025, 12, 16), D(2026, 1, 9)),
        # Tue 24 Mar 2026: Good Friday 3 Apr and Easter Monday 6 Apr: Thu 16 Apr (not 14 Apr).
        (D(2026, 3, 24), D(2026, 4, 16)),
        # Wed 19 Aug 2026: the summer bank holiday Mon 31 Aug: Thu 10 Sep (not 9 Sep).
        (D(2026, 8, 19), D(2026, 9, 10)),
    ],
)
def test_transfer_in_conference_due_in_15_working_days(notified, due):
    assert timescales.transfer_in_conference_due(notified) == due


NOTIFIED = D(2026, 8, 19)


def _notify(world, notified=NOTIFIED, **fields):
    values = {
        "from_authority": "Synthetic Borough Council",
        "notified_on": notified,
        "other_plan_start": D(2026, 3, 2),
        "other_category": "EMO",
    }
    values.update(fields)
    return transfer_in_record(
        transfer=TransferIn(child=world.child, **values), user=world.social_worker
    )


@pytest.fixture
def episode(world):
    return ReferralFactory(child=world.child, received_at=london(2026, 8, 19, 9), source="5C")


def test_a_notification_asks_for_the_conference_with_its_target_stored(world, episode):
    transfer = _notify(world)
    conference = transfer.conference
    assert conference.conference_type == "transfer_in"
    assert conference.status == "requested"
    assert conference.target_date == D(2026, 9, 10)
    assert transfer.referral == episode
    assert transfer.recorded_by == world.social_worker


def test_a_notification_needs_an_open_episode(world):
    with pytest.raises(ValidationError) as error:
        _notify(world)
    assert "Record the referral first" in str(error.value)
    assert not Conference.objects.filter(child=world.child).exists()


def test_a_notification_before_the_episode_began_is_refused(world, episode):
    with pytest.raises(ValidationError) as error:
        _notify(world, notified=D(2026, 8, 18))
    assert "after this date" in str(error.value)


def test_the_other_plan_starts_before_the_notification(world, episode):
    with pytest.raises(ValidationError) as error:
        _notify(world, other_plan_start=D(2026, 8, 20))
    assert "other_plan_start" in error.value.message_dict


def test_one_transfer_in_conference_at_a_time(world, episode):
    _notify(world)
    with pytest.raises(ValidationError) as error:
        _notify(world)
    assert "already been asked for" in str(error.value)


def test_the_rule_raises_the_conference_until_it_is_held(world, episode):
    transfer = _notify(world)
    timescales_scan(as_of=D(2026, 9, 11), child_ids=[world.child.pk])
    alert = Alert.objects.get(rule="TRANSFER_IN_15")
    assert alert.due_date == D(2026, 9, 10)
    assert alert.status == "open"  # overdue
    assert "Synthetic Borough Council told us of the move on 19 Aug 2026" in alert.evidence
    conference = transfer.conference
    conference.chair = world.iro
    conference.held_on = D(2026, 9, 9)
    conference.decision = "plan"
    conference.category = "EMO"
    conference.save()
    transfer_in_hold(conference=conference, user=world.iro, expected_version=conference.version)
    timescales_scan(as_of=D(2026, 9, 11), child_ids=[world.child.pk])
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_holding_it_starts_this_authoritys_plan_counting_the_other(world, episode):
    conference = _notify(world).conference
    conference.chair = world.iro
    conference.held_on = D(2026, 9, 9)
    conference.decision = "plan"
    conference.category = "EMO"
    conference.decision_reasons = "Continuing emotional harm."
    conference.save()
    transfer_in_hold(conference=conference, user=world.iro, expected_version=conference.version)
    plan = ChildProtectionPlan.objects.get(child=world.child)
    assert plan.start_date == D(2026, 9, 9)
    assert plan.initial_category == "EMO"
    assert plan.number_of_previous_plans == 1  # the other authority's plan
    review = plan.conferences.get(conference_type="review")
    assert review.target_date == D(2026, 12, 9)  # 3 months, as after an ICPC


def test_the_diary_lists_it_and_the_chair_records_it_from_the_outcome_page(world, episode, login):
    conference = _notify(world).conference
    Conference.objects.filter(pk=conference.pk).update(chair=world.iro)
    page = login(world.business_support).get(reverse("conferences:diary"))
    html = page.content.decode()
    detail = reverse("conferences:detail", args=[conference.pk])
    assert f'<a href="{detail}">Transfer-in conference</a>' in html
    assert "10 Sep 2026" in html  # its stored target date
    client = login(world.iro)
    form = client.get(reverse("conferences:outcome", args=[conference.pk]))
    # The category starts as the other authority's.
    assert '<option value="EMO" selected>' in form.content.decode()
    conference.refresh_from_db()
    response = client.post(
        reverse("conferences:outcome", args=[conference.pk]),
        {
            "version": conference.version,
            "held_on": "2026-09-09",
            "childs_views": "Wants to stay at the new school.",
            "childs_views_how": "Seen alone at school.",
            "decision": "plan",
            "category": "EMO",
            "decision_reasons": "Continuing emotional harm.",
            "outline_plan": "Keep the child safe at home.",
            "first_core_group_date": "",
            "next_review_date": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = ChildProtectionPlan.objects.get(child=world.child)
    assert plan.number_of_previous_plans == 1


def test_the_notification_page_is_for_the_childs_team(world, episode, login):
    url = reverse("conferences:transfer-in", args=[world.child.pk])
    assert login(world.iro).get(url).status_code == 404
    assert login(world.other_team_worker).get(url).status_code == 404
    client = login(world.social_worker)
    bad = client.post(url, {"from_authority": "", "notified_on": "2026-08-19"})
    html = bad.content.decode()
    assert "There is a problem" in html
    assert "Say which local authority the child moved from." in html
    good = client.post(
        url,
        {
            "from_authority": "Synthetic Borough Council",
            "notified_on": "2026-08-19",
            "other_plan_start": "2026-03-02",
            "other_category": "EMO",
        },
    )
    conference = Conference.objects.get(child=world.child, conference_type="transfer_in")
    assert good.status_code == 302
    assert good["Location"] == reverse("conferences:detail", args=[conference.pk])
    events = [e.description for e in chronology_for(world.child)]
    assert any("Notified by Synthetic Borough Council" in e for e in events)


# --- Moving out ---------------------------------------------------------------------------------


@pytest.fixture
def plan(world):
    referral = ReferralFactory(child=world.child, received_at=london(2026, 8, 17, 9))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    icpc = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    hold(icpc, chair=world.iro, held_on=D(2026, 9, 8))
    return ChildProtectionPlan.objects.get(child=world.child)


def _move(world, plan, **fields):
    values = {"to_authority": "Synthetic County Council", "moved_on": D(2026, 10, 30)}
    values.update(fields)
    return transfer_out_record(
        transfer=TransferOut(plan=plan, child=world.child, **values), user=world.social_worker
    )


def test_a_move_keeps_the_plan_open_until_the_receiving_conference(world, plan):
    transfer = _move(world, plan, receiving_conference_on=D(2026, 11, 19))
    plan.refresh_from_db()
    assert plan.is_open
    timescales_scan(as_of=D(2026, 11, 20), child_ids=[world.child.pk])
    alert = Alert.objects.get(rule="TRANSFER_OUT_CONFERENCE")
    assert alert.due_date == D(2026, 11, 19)
    assert alert.status == "open"  # overdue
    transfer.receiving_conference_held = True
    transfer_out_record(
        transfer=transfer, user=world.social_worker, expected_version=transfer.version
    )
    plan.refresh_from_db()
    assert plan.end_date == D(2026, 11, 19)
    assert (plan.end_reason, plan.end_next_step) == ("moved", "transferred_out")
    episode = Referral.objects.get(child=world.child)
    assert (episode.closure_date, episode.closure_reason) == (D(2026, 11, 19), "RC5")
    timescales_scan(as_of=D(2026, 11, 20), child_ids=[world.child.pk])
    alert.refresh_from_db()
    assert alert.status == "resolved"
    events = [e.description for e in chronology_for(world.child)]
    assert any("Moved to Synthetic County Council" in e for e in events)
    assert any("moved permanently to another local authority" in e for e in events)


def test_a_conference_not_yet_held_cannot_be_confirmed(world, plan):
    with pytest.raises(ValidationError) as error:
        _move(world, plan, receiving_conference_held=True)
    assert "receiving_conference_on" in error.value.message_dict


def test_the_move_page_ends_the_plan_once_held(world, plan, login):
    client = login(world.team_manager)
    url = reverse("conferences:transfer-out", args=[world.child.pk, plan.pk])
    response = client.post(
        url,
        {
            "to_authority": "Synthetic County Council",
            "moved_on": "2026-10-30",
            "receiving_conference_on": "2026-11-19",
            "receiving_conference_held": "on",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == D(2026, 11, 19)
    assert login(world.iro).get(url).status_code == 404


def _held(world, conference, day):
    conference.chair = world.iro
    conference.held_on = day
    conference.decision = "plan"
    conference.category = "EMO"
    if day > conference.target_date:
        # Held late: why, and the interim safety plan a manager agreed (tests/conferences/
        # test_late_icpc.py tests the rule itself).
        conference.late_reason_code = "reports"
        conference.late_reason = "The other authority's reports came late."
        conference.interim_safety_plan = "The child stays with the aunt meanwhile."
        conference.interim_plan_agreed_by = world.team_manager
    conference.save()
    transfer_in_hold(conference=conference, user=world.iro, expected_version=conference.version)


def test_the_dashboard_counts_transfer_ins_held_within_15_working_days(world, episode):
    from dashboards.measures import Measures, Scope

    # Notified Wed 19 Aug 2026, due Thu 10 Sep (31 Aug a bank holiday): held on Thu 10 Sep.
    _held(world, _notify(world).conference, D(2026, 9, 10))
    # Another child notified the same day whose conference was held on Fri 11 Sep: late.
    other = ReferralFactory(received_at=london(2026, 8, 19, 9), source="5C").child
    late = transfer_in_record(
        transfer=TransferIn(
            child=other,
            from_authority="Synthetic Borough Council",
            notified_on=D(2026, 8, 19),
            other_plan_start=D(2026, 3, 2),
            other_category="NEG",
        ),
        user=world.social_worker,
    )
    _held(world, late.conference, D(2026, 9, 11))
    figures = Measures(
        Scope("authority", "Whole authority"), D(2026, 9, 1), D(2026, 9, 30)
    ).summary()
    assert figures["transfer_in_held"] == 2
    assert figures["transfer_in_in_timescale"] == 1
    assert figures["transfer_in_in_timescale_pct"] == 50.0
