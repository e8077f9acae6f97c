"""Sibling-group conferences (issue 19 item 4): one conference considers several children of a
family. Business support book it once; invitations, attendance and minutes are shared; each
child keeps their own enquiry, target date, late reason, decision, category and plan."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences import services
from conferences.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceParticipant,
    shared_participants,
)
from conferences.timeliness import refresh_timeliness
from monitoring.models import Alert
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory
from tests.conferences.diary_helpers import book, days_ago, expected, icpc_for, today
from tests.conferences.factories import hold
from tests.personas import PERSONAS
from tests.strategy.factories import london
from wirral_cp.concurrency import StaleEditError


def sibling(world, team=None, worker=None, **fields):
    return ChildFactory(
        allocated_team=team or world.team,
        allocated_worker=worker or world.social_worker,
        **fields,
    )


def requested(child, strategy_on: datetime.date) -> Conference:
    """The child's own ICPC, asked for from their own enquiry (outcome: ICPC required)."""
    return icpc_for(child, strategy_on=strategy_on, section47={"outcome": "icpc"})


def group(world, lead: Conference, *members: Conference) -> Conference:
    for member in members:
        lead.refresh_from_db()
        services.conference_group_add(
            lead=lead, member=member, user=world.business_support, expected_version=lead.version
        )
    lead.refresh_from_db()
    return lead


@pytest.fixture
def pair(world):
    """Ruby's ICPC (strategy discussion 5 working days ago) and her brother's (3 days ago),
    booked as one conference on Ruby's."""
    brother = sibling(world, first_name="Leo")
    lead = requested(world.child, days_ago(5))
    member = requested(brother, days_ago(3))
    group(world, lead, member)
    member.refresh_from_db()
    return lead, member


# --- Booking once ------------------------------------------------------------------------------


def test_booking_the_group_books_every_child_once(world, pair):
    lead, member = pair
    book(lead, chair=world.iro)
    member.refresh_from_db()
    assert member.group_lead_id == lead.pk
    assert (member.status, member.scheduled_for, member.venue, member.chair_id) == (
        "scheduled",
        lead.scheduled_for,
        lead.venue,
        world.iro.pk,
    )
    # Each child's target date is still their own (15 working days from their own discussion).
    assert member.target_date != lead.target_date
    assert member.target_date == member.section47.icpc_target_date
    assert lead.target_date == lead.section47.icpc_target_date


def test_a_child_booked_with_the_group_cannot_be_booked_alone(world, pair):
    _, member = pair
    member.scheduled_for = london(2026, 12, 10, 10)
    member.venue = "Elsewhere"
    with pytest.raises(ValidationError, match="part of a sibling group"):
        services.conference_schedule(
            conference=member, user=world.business_support, expected_version=member.version
        )


def test_each_child_joining_needs_their_own_enquiry_requiring_a_conference(world):
    lead = requested(world.child, days_ago(3))
    no_outcome = icpc_for(sibling(world), strategy_on=days_ago(3))  # outcome not recorded
    with pytest.raises(ValidationError, match="no section 47 enquiry whose outcome requires"):
        group(world, lead, no_outcome)
    no_outcome.refresh_from_db()
    assert no_outcome.group_lead_id is None


def test_a_review_joins_only_for_a_current_plan(world):
    lead = requested(world.child, days_ago(3))
    held = hold(requested(sibling(world), days_ago(30)), chair=world.iro, held_on=days_ago(12))
    review = held.plan.conferences.get(conference_type="review")
    group(world, lead, review)  # a review due for a current plan: may join
    review.refresh_from_db()
    assert review.group_lead_id == lead.pk


def test_a_child_already_in_a_group_cannot_join_another(world, pair):
    lead, member = pair
    other = requested(sibling(world), days_ago(3))
    with pytest.raises(ValidationError, match="already part of another sibling group"):
        group(world, other, member)


def test_adding_a_child_refuses_a_stale_page(world, pair):
    lead, _ = pair
    third = requested(sibling(world), days_ago(2))
    with pytest.raises(StaleEditError):
        services.conference_group_add(
            lead=lead, member=third, user=world.business_support, expected_version=lead.version - 1
        )
    assert not Conference.objects.filter(pk=third.pk, group_lead=lead).exists()


def test_only_business_support_arrange_a_group(world):
    lead = requested(world.child, days_ago(3))
    member = requested(sibling(world), days_ago(3))
    with pytest.raises(ValidationError, match="Business support"):
        services.conference_group_add(
            lead=lead, member=member, user=world.social_worker, expected_version=lead.version
        )


def test_a_child_booked_after_their_own_target_needs_their_own_late_reason(world):
    """The group is booked for the lead's target date; the brother's target (from his own,
    earlier strategy discussion) is before it, so booking needs his reason and interim plan."""
    lead = requested(world.child, days_ago(1))
    member = requested(sibling(world, first_name="Leo"), days_ago(14))
    group(world, lead, member)
    with pytest.raises(ValidationError, match="Leo") as error:
        book(lead, chair=world.iro)
    assert "target date" in " ".join(error.value.messages)
    lead.refresh_from_db()
    assert lead.status == "requested"  # nothing saved: one transaction


def test_removing_a_child_asks_for_their_conference_again(world, pair):
    lead, member = pair
    book(lead, chair=world.iro)
    lead.refresh_from_db()
    services.conference_group_remove(
        lead=lead, member=member, user=world.business_support, expected_version=lead.version
    )
    member.refresh_from_db()
    assert (member.group_lead_id, member.status, member.scheduled_for) == (None, "requested", None)


def test_cancelling_the_group_cancels_each_childs_conference(world, pair):
    lead, member = pair
    book(lead, chair=world.iro)
    lead.refresh_from_db()
    services.conference_cancel(
        conference=lead,
        user=world.business_support,
        status="adjourned",
        reason="The chair is ill.",
        expected_version=lead.version,
    )
    member.refresh_from_db()
    assert (member.status, member.cancelled_reason) == ("adjourned", "The chair is ill.")


# --- The chair: a decision, category and plan per child; shared attendance and minutes --------


def _hold_group(world, lead, member, *, lead_category="NEG", member_category="EMO", **extra):
    book(lead, chair=world.iro, when=london(*days_ago(1).timetuple()[:3], 10))
    lead.refresh_from_db()
    member.refresh_from_db()
    hold(lead, chair=world.iro, held_on=days_ago(1), category=lead_category, minutes="Both.")
    hold(member, chair=world.iro, held_on=days_ago(1), category=member_category, **extra)
    lead.refresh_from_db()
    member.refresh_from_db()
    return lead, member


def test_a_sibling_group_icpc_makes_a_plan_for_each_child(world, pair):
    lead, member = _hold_group(world, *pair)
    plans = {p.child_id: p for p in ChildProtectionPlan.objects.all()}
    assert set(plans) == {lead.child_id, member.child_id}
    assert plans[lead.child_id].initial_category == "NEG"
    assert plans[member.child_id].initial_category == "EMO"
    assert lead.plan == plans[lead.child_id] and member.plan == plans[member.child_id]
    # Each child's first review is asked for on their own plan.
    assert plans[member.child_id].conferences.filter(conference_type="review").count() == 1


def test_each_child_is_recorded_as_held_on_the_groups_day(world, pair):
    lead, member = pair
    book(lead, chair=world.iro, when=london(*days_ago(1).timetuple()[:3], 10))
    lead.refresh_from_db()
    member.refresh_from_db()
    hold(lead, chair=world.iro, held_on=days_ago(1))
    with pytest.raises(ValidationError, match="sibling group's conference was held on"):
        hold(member, chair=world.iro, held_on=days_ago(2))


def test_each_childs_icpc_timeliness_is_judged_against_their_own_strategy_discussion(world):
    """Held together on one day: Ruby's strategy discussion was 10 working days before, so
    hers is in time; Leo's was 20 working days before, so his is late and says why."""
    lead = requested(world.child, days_ago(10))
    member = requested(sibling(world, first_name="Leo"), days_ago(20))
    late = {
        "late_reason_code": "family",
        "late_reason": "The family asked to wait for Ruby's conference.",
        "interim_safety_plan": "Grandmother stays at the house.",
    }
    Conference.objects.filter(pk=member.pk).update(**late)
    group(world, lead, member)
    member.refresh_from_db()
    lead, member = _hold_group(world, lead, member, **late)
    assert not lead.held_late
    assert member.held_late
    assert member.late_reason_code == "family"
    assert lead.late_reason_code == ""


def test_attendance_is_recorded_once_for_the_group(world, pair):
    lead, member = pair
    with pytest.raises(ValidationError, match="sibling group"):
        services.conference_participants_save(
            conference=member, rows=[], user=world.business_support
        )
    services.conference_participants_save(
        conference=lead,
        rows=[{"kind": "agency", "agency": "police", "name": "DC Test", "status": "attended"}],
        user=world.business_support,
    )
    with_police = Conference.objects.filter(
        Exists(shared_participants().filter(agency="police", status="attended"))
    )
    assert set(with_police.values_list("pk", flat=True)) == {lead.pk, member.pk}
    assert ConferenceParticipant.objects.count() == 1


def test_the_police_rule_reads_the_groups_attendance_for_each_child(world, pair):
    lead, member = pair
    services.conference_participants_save(
        conference=lead,
        rows=[{"kind": "agency", "agency": "police", "name": "DC Test", "status": "attended"}],
        user=world.business_support,
    )
    _hold_group(world, lead, member)
    timescales_scan()
    assert not Alert.objects.filter(rule="ICPC_NO_POLICE").exists()


def test_minutes_are_approved_once_every_child_has_a_decision_and_shared(world, pair):
    lead, member = pair
    book(lead, chair=world.iro, when=london(*days_ago(1).timetuple()[:3], 10))
    lead.refresh_from_db()
    hold(lead, chair=world.iro, held_on=days_ago(1), minutes="Ruby and Leo discussed.")
    lead.refresh_from_db()
    with pytest.raises(ValidationError, match="before approving the minutes"):
        services.minutes_approve(conference=lead, user=world.iro)
    member.refresh_from_db()
    hold(member, chair=world.iro, held_on=days_ago(1))
    lead.refresh_from_db()
    services.minutes_approve(conference=lead, user=world.iro)
    services.minutes_distribute(conference=lead, user=world.business_support, on=today())
    member.refresh_from_db()
    assert member.minutes_approved_by_id == world.iro.pk
    assert member.minutes_distributed_on == today()
    assert member.minutes == ""  # the text is kept once, on the group's conference
    timescales_scan()
    assert not Alert.objects.filter(rule="MINUTES_15", status="overdue").exists()


# --- Core groups keep their own timeliness ----------------------------------------------------


def test_each_childs_core_group_timeliness_is_their_own_after_a_group_icpc(world, pair):
    lead, member = _hold_group(world, *pair)
    refresh_timeliness([lead.child_id, member.child_id])
    assert lead.plan.start_date == member.plan.start_date == days_ago(1)


# --- Pages ------------------------------------------------------------------------------------


GROUP_PAGE = {"business_support"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_group_page_permission_matrix(world, pair, login, persona):
    lead, _ = pair
    response = login(world.persona(persona)).get(reverse("conferences:group", args=[lead.pk]))
    assert response.status_code == expected(persona, GROUP_PAGE)


def test_business_support_add_a_sibling_on_the_group_page(world, login):
    lead = requested(world.child, days_ago(3))
    member = requested(sibling(world, first_name="Leo", last_name="Testwood"), days_ago(4))
    client = login(world.business_support)
    url = reverse("conferences:group", args=[lead.pk])
    page = client.get(url)
    assert "Leo Testwood" in page.content.decode()
    response = client.post(url, {"conference": member.pk, "version": lead.version})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.group_lead_id == lead.pk
    # A stale page (the group changed since it was opened) is refused with a message.
    third = requested(sibling(world, first_name="Amy"), days_ago(4))
    response = client.post(url, {"conference": third.pk, "version": lead.version})
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()


def test_bad_input_on_the_group_page_is_said_on_the_form(world, login):
    lead = requested(world.child, days_ago(3))
    client = login(world.business_support)
    url = reverse("conferences:group", args=[lead.pk])
    response = client.post(url, {"conference": "not-a-number", "version": lead.version})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def _diary_group(world, n: int) -> Conference:
    lead = requested(world.child, days_ago(2))
    members = [requested(sibling(world), days_ago(2)) for _ in range(n - 1)]
    return group(world, lead, *members)


def test_the_diary_lists_the_group_once_with_every_child(world, login, pair):
    lead, member = pair
    response = login(world.business_support).get(reverse("conferences:diary"))
    listed = [c.pk for table in response.context["tables"] for c, *_ in table["rows"]]
    assert listed.count(lead.pk) == 1 and member.pk not in listed
    html = response.content.decode()
    assert world.child.full_name in html and member.child.full_name in html
    assert "Sibling group: 2 children" in html


@pytest.mark.parametrize("persona", ["business_support", "social_worker", "iro"])
def test_diary_queries_stay_the_same_as_the_group_grows(world, login, persona):
    client = login(world.persona(persona))
    small = _diary_group(world, 2)
    book(small, chair=world.iro)
    client.get(reverse("conferences:diary"))  # the local policy is made on first reading
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("conferences:diary"))
    for _ in range(4):
        member = requested(sibling(world), days_ago(2))
        group(world, small, member)
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("conferences:diary"))
    assert "Sibling group: 6 children" in response.content.decode()
    assert len(six) == len(two)


def test_conference_page_queries_stay_the_same_as_the_group_grows(world, login):
    client = login(world.social_worker)
    lead = _diary_group(world, 2)
    client.get(reverse("conferences:detail", args=[lead.pk]))  # the local policy is made
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("conferences:detail", args=[lead.pk]))
    for _ in range(4):
        group(world, lead, requested(sibling(world), days_ago(2)))
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("conferences:detail", args=[lead.pk]))
    assert len(six) == len(two)


# --- Access: a user who may see one child sees the conference only for that child ------------


@pytest.fixture
def mixed(world):
    """Ruby (world.team) and her brother Leo, allocated to the other team, held together."""
    leo = sibling(
        world,
        team=world.other_team,
        worker=world.other_team_worker,
        first_name="Leo",
        last_name="Otherteam",
    )
    lead = requested(world.child, days_ago(3))
    member = requested(leo, days_ago(3))
    group(world, lead, member)
    member.refresh_from_db()
    lead, member = _hold_group(world, lead, member, lead_category="SAB", member_category="EMO")
    return lead, member


def test_a_worker_who_may_see_one_child_sees_the_conference_only_for_that_child(
    world, login, mixed
):
    lead, member = mixed
    client = login(world.other_team_worker)
    # Ruby's conference (the group's) is not theirs: a 404.
    assert client.get(reverse("conferences:detail", args=[lead.pk])).status_code == 404
    html = client.get(reverse("conferences:detail", args=[member.pk])).content.decode()
    assert "Leo Otherteam" in html
    assert world.child.full_name not in html
    assert "Sexual abuse" not in html and "SAB" not in html  # Ruby's category
    assert "Both." not in html  # the group's minutes mention the other child
    assert "ask the chair for the part about this child" in html
    # The diary lists Leo's own row, without Ruby.
    diary = client.get(reverse("conferences:diary"), {"status": "held"})
    listed = [c.pk for table in diary.context["tables"] for c, *_ in table["rows"]]
    assert listed == [member.pk]
    assert world.child.full_name not in diary.content.decode()


def test_the_allocated_worker_sees_the_group_without_the_other_teams_child(world, login, mixed):
    lead, member = mixed
    html = login(world.social_worker).get(reverse("conferences:detail", args=[lead.pk]))
    html = html.content.decode()
    assert world.child.full_name in html
    assert "Leo Otherteam" not in html and "Emotional" not in html


def test_a_restricted_sibling_is_left_out_of_the_group_for_others(world, login, pair):
    from cases.services import child_restrict

    lead, member = pair
    child_restrict(
        child=member.child,
        user=world.team_manager,
        restricted=True,
        people=[world.team_manager],
    )
    html = login(world.business_support).get(reverse("conferences:diary")).content.decode()
    assert member.child.full_name not in html
    detail = login(world.social_worker).get(reverse("conferences:detail", args=[lead.pk]))
    assert member.child.full_name not in detail.content.decode()


def test_the_chair_sees_every_child_of_the_group(world, login, mixed):
    lead, member = mixed
    html = login(world.iro).get(reverse("conferences:detail", args=[lead.pk])).content.decode()
    assert "Leo Otherteam" in html and "Both." in html


# --- One core group for a sibling group's plans ----------------------------------------------


def _core_group(plan, user, day, sibling_plans=()):
    from conferences.models import CoreGroupMeeting

    return services.core_group_record(
        meeting=CoreGroupMeeting(
            plan=plan,
            meeting_date=day,
            attendees="Mum\nSocial worker\nHealth visitor",
            parents_attended=True,
            child_seen_or_views="Ruby said she likes her new bedtime.",
            discussion="Both children's plans reviewed.",
        ),
        updates=[],
        user=user,
        sibling_plans=sibling_plans,
    )


def test_one_core_group_for_a_sibling_groups_plans_keeps_each_childs_timeliness(world, pair):
    """Ruby's and Leo's plans were made at one conference: one core group, recorded once on
    Ruby's plan, gives Leo's plan its own record with its own stored due date and timeliness."""
    lead, member = _hold_group(world, *pair)
    meeting = _core_group(lead.plan, world.social_worker, today(), [member.plan])
    joint = member.plan.core_groups.get()
    assert joint.held_with_id == meeting.pk
    assert joint.attendees == meeting.attendees and joint.meeting_date == meeting.meeting_date
    assert joint.child_seen_or_views == ""  # Ruby's words stay on Ruby's record
    refresh_timeliness([lead.child_id, member.child_id])
    meeting.refresh_from_db()
    joint.refresh_from_db()
    assert meeting.due_date == joint.due_date  # both plans started at the one conference
    assert meeting.in_timescale is True and joint.in_timescale is True


def test_a_joint_core_group_is_judged_against_each_plans_own_start(world):
    """Leo's plan began at an earlier conference of his own; his review was grouped with
    Ruby's ICPC. One core group 9 working days after Ruby's ICPC is in time for her first core
    group and late for his (his due date comes from his own plan)."""
    from conferences.models import CoreGroupMeeting

    leo = sibling(world, first_name="Leo")
    his_icpc = hold(requested(leo, days_ago(60)), chair=world.iro, held_on=days_ago(45))
    review = his_icpc.plan.conferences.get(conference_type="review")
    lead = requested(world.child, days_ago(14))
    group(world, lead, review)
    review.refresh_from_db()
    book(lead, chair=world.iro, when=london(*days_ago(9).timetuple()[:3], 10))
    lead.refresh_from_db()
    review.refresh_from_db()
    hold(lead, chair=world.iro, held_on=days_ago(9))
    hold(review, chair=world.iro, held_on=days_ago(9), decision="continue")
    lead.refresh_from_db()
    _core_group(lead.plan, world.social_worker, today(), [his_icpc.plan])
    refresh_timeliness([world.child.pk, leo.pk])
    ruby_meeting = CoreGroupMeeting.objects.get(plan=lead.plan)
    leo_meeting = CoreGroupMeeting.objects.get(plan=his_icpc.plan)
    assert ruby_meeting.in_timescale is True
    assert leo_meeting.due_date < ruby_meeting.due_date
    assert leo_meeting.in_timescale is False


def test_a_joint_core_group_is_refused_for_a_plan_outside_the_group(world, pair):
    lead, _ = _hold_group(world, *pair)
    stranger = hold(requested(sibling(world), days_ago(30)), chair=world.iro, held_on=days_ago(12))
    with pytest.raises(ValidationError, match="not made at a sibling-group conference"):
        _core_group(lead.plan, world.social_worker, today(), [stranger.plan])
    assert not stranger.plan.core_groups.exists()
    assert not lead.plan.core_groups.exists()  # one transaction


def test_the_core_group_page_offers_the_siblings_plans_it_may_write(world, login, pair):
    lead, member = pair
    other = requested(
        sibling(
            world,
            team=world.other_team,
            worker=world.other_team_worker,
            first_name="Leo",
            last_name="Otherteam",
        ),
        days_ago(3),
    )
    group(world, lead, other)
    other.refresh_from_db()
    lead, member = _hold_group(world, lead, member)
    other.refresh_from_db()
    hold(other, chair=world.iro, held_on=days_ago(1))
    url = reverse("conferences:core-group-add", args=[lead.child_id, lead.plan_id])
    html = login(world.social_worker).get(url).content.decode()
    assert "This core group was also for the plans of" in html
    assert member.child.full_name in html
    assert "Leo Otherteam" not in html  # another team's child: not theirs to write


def test_recording_a_joint_core_group_on_the_page(world, login, pair):
    lead, member = _hold_group(world, *pair)
    url = reverse("conferences:core-group-add", args=[lead.child_id, lead.plan_id])
    response = login(world.social_worker).post(
        url,
        {
            "meeting_date": today().isoformat(),
            "attendees": "Mum\nSocial worker",
            "parents_attended": "on",
            "child_seen_or_views": "Fine.",
            "discussion": "Progress on both plans.",
            "next_meeting_date": "",
            "also_for": [member.plan_id],
        },
    )
    assert response.status_code == 302
    assert member.plan.core_groups.get().held_with == lead.plan.core_groups.get()


def test_booking_and_moving_the_group_announce_each_childs_conference(world, pair, monkeypatch):
    """Partner systems subscribed to a child hear of that child's conference, not only of the
    group's lead's (the webhooks are per child)."""
    from conferences import events

    heard = []
    monkeypatch.setattr(events, "_listeners", [lambda event, facts: heard.append((event, facts))])
    lead, member = pair
    book(lead, chair=world.iro)
    booked = {f["child_id"] for e, f in heard if e == events.CONFERENCE_BOOKED}
    assert booked == {lead.child_id, member.child_id}
    lead.refresh_from_db()
    heard.clear()
    book(lead, chair=world.iro, when=lead.scheduled_for - datetime.timedelta(hours=1))
    moved = {f["child_id"] for e, f in heard if e == events.CONFERENCE_MOVED}
    assert moved == {lead.child_id, member.child_id}
