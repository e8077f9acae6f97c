import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conferences import rules, services
from conferences.models import ChildProtectionPlan, Conference, PlanAction, Quorum
from tests.accounts.factories import UserFactory
from tests.cases.factories import ReferralFactory
from tests.conferences.factories import (
    ActionFactory,
    ConferenceFactory,
    OutcomeFactory,
    PlanFactory,
    hold,
)
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london
from timescales import rules as timescales


@pytest.fixture
def icpc(db):
    referral = ReferralFactory(received_at=london(2026, 8, 17, 9))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    return ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))


def test_target_date_is_carried_from_the_s47(icpc):
    # Tue 18 Aug 2026 + 15 working days, 31 Aug a bank holiday: Wed 9 Sep 2026.
    assert icpc.target_date == datetime.date(2026, 9, 9)
    assert icpc.target_date == icpc.section47.icpc_target_date


def test_scheduling_after_target_needs_reason_and_interim_safety_plan(icpc):
    icpc.scheduled_for = london(2026, 9, 10, 10)
    with pytest.raises(ValidationError) as error:
        services.conference_schedule(conference=icpc, user=UserFactory(), expected_version=1)
    assert "late_reason" in error.value.message_dict
    assert "interim_safety_plan" in error.value.message_dict
    assert "late_reason_code" in error.value.message_dict
    icpc.late_reason_code = "reports"
    icpc.late_reason = "Paediatric report not ready; chair unavailable on the 9th."
    icpc.interim_safety_plan = "Children stay with grandmother; daily visits by the worker."
    services.conference_schedule(conference=icpc, user=UserFactory(), expected_version=1)
    icpc.refresh_from_db()
    assert icpc.status == "scheduled"
    assert icpc.is_late


def test_scheduling_on_the_target_date_needs_no_reason(icpc):
    icpc.scheduled_for = london(2026, 9, 9, 10)
    services.conference_schedule(conference=icpc, user=UserFactory(), expected_version=1)
    assert not icpc.is_late


def test_plan_starts_on_the_icpc_date_and_first_review_is_requested(icpc):
    iro = UserFactory()
    hold(icpc, chair=iro, held_on=datetime.date(2026, 9, 8), outline_plan="Keep Ruby safe.")
    plan = ChildProtectionPlan.objects.get(child=icpc.child)
    assert plan.start_date == datetime.date(2026, 9, 8)
    assert plan.initial_category == plan.latest_category == "NEG"
    assert plan.versions.count() == 1
    review = Conference.objects.get(child=icpc.child, conference_type="review")
    assert review.target_date == datetime.date(2026, 12, 8)  # three calendar months
    assert review.plan == plan


def test_review_continues_then_ends_the_plan(icpc):
    iro = UserFactory()
    hold(icpc, chair=iro, held_on=datetime.date(2026, 9, 8))
    review = Conference.objects.get(child=icpc.child, conference_type="review")
    hold(
        review, chair=iro, held_on=datetime.date(2026, 11, 20), decision="continue", category="EMO"
    )
    plan = ChildProtectionPlan.objects.get(child=icpc.child)
    assert plan.latest_category == "EMO"
    assert plan.initial_category == "NEG"
    second = Conference.objects.filter(
        child=icpc.child, conference_type="review", status="requested"
    ).get()
    assert second.target_date == datetime.date(2027, 5, 20)  # six months on
    hold(
        second,
        chair=iro,
        held_on=datetime.date(2026, 11, 25),
        decision="end",
        end_next_step="cin_plan",
    )
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2026, 11, 25)
    assert plan.end_next_step == "cin_plan"
    assert not Conference.objects.filter(child=icpc.child, status="requested").exists()


def test_only_the_chair_records_the_outcome(icpc):
    icpc.chair = UserFactory()
    icpc.held_on = datetime.date(2026, 9, 8)
    icpc.decision = "no_plan"
    icpc.save()
    with pytest.raises(ValidationError, match="Only the conference chair"):
        services.conference_record_outcome(
            conference=icpc, user=UserFactory(), expected_version=icpc.version
        )


def test_plan_decision_needs_a_category(icpc):
    icpc.chair = UserFactory()
    icpc.held_on = datetime.date(2026, 9, 8)
    icpc.status = "held"
    icpc.decision = "plan"
    with pytest.raises(ValidationError, match="category of abuse"):
        icpc.full_clean()


def overlaps(plan) -> bool:
    """The rule the conference service checks a plan by (conferences/rules.py)."""
    found = rules.protection_plan_problems(plan)
    return any("overlap" in m for m in found.get("start_date", []))


def test_one_open_plan_per_child(db):
    plan = PlanFactory()
    second = PlanFactory.build(child=plan.child, start_date=datetime.date(2026, 7, 1))
    assert overlaps(second)
    with pytest.raises(ValidationError, match="already has an open child protection plan"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(child=plan.child, start_date=datetime.date(2026, 7, 1))


def test_plans_may_not_overlap_but_may_follow_each_other(db):
    plan = PlanFactory(end_date=datetime.date(2026, 8, 1), end_next_step="cin_plan")
    overlapping = PlanFactory.build(
        child=plan.child,
        start_date=datetime.date(2026, 7, 15),
        end_date=datetime.date(2026, 7, 30),
        end_next_step="nfi",
    )
    assert overlaps(overlapping)
    earlier = PlanFactory.build(
        child=plan.child,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 6, 15),
        end_next_step="nfi",
    )
    assert overlaps(earlier)
    # Census rule 8940: a new plan starts after the day the last one ended, not on it.
    same_day = PlanFactory.build(child=plan.child, start_date=datetime.date(2026, 8, 1))
    assert overlaps(same_day)
    following = PlanFactory.build(child=plan.child, start_date=datetime.date(2026, 8, 2))
    assert not overlaps(following)
    following.full_clean()


def test_plan_cannot_end_before_it_starts(db):
    plan = PlanFactory.build(end_date=datetime.date(2026, 5, 1), end_next_step="nfi")
    with pytest.raises(ValidationError, match="cannot end before it started"):
        plan.full_clean()


def test_action_without_timescale_or_owner_is_refused(db):
    outcome = OutcomeFactory()
    action = PlanAction(outcome=outcome, action="Attend parenting course", owner="", timescale=None)
    with pytest.raises(ValidationError) as error:
        services.plan_action_save(action=action, user=UserFactory())
    assert "timescale" in error.value.message_dict
    assert "owner" in error.value.message_dict
    assert not PlanAction.objects.exists()


def test_action_changes_are_versioned(db):
    action = ActionFactory()
    user = UserFactory()
    services.plan_action_save(action=action, user=user, reason="Added")
    action.progress = "on_track"
    services.plan_action_save(action=action, user=user, expected_version=action.version)
    versions = list(action.outcome.plan.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].snapshot["outcomes"][0]["actions"][0]["progress"] == "on_track"
    assert versions[0].snapshot["outcomes"][0]["actions"][0]["progress"] == "not_started"


def test_core_group_updates_action_progress(db):
    action = ActionFactory()
    plan = action.outcome.plan
    from conferences.models import CoreGroupMeeting

    meeting = CoreGroupMeeting(
        plan=plan,
        meeting_date=datetime.date(2026, 6, 12),
        attendees="Mum\nSocial worker",
        parents_attended=True,
        next_meeting_date=datetime.date(2026, 7, 20),
    )
    services.core_group_record(
        meeting=meeting,
        user=UserFactory(),
        updates=[{"action": action, "progress": "done", "evidence": "Seen by school: on time."}],
    )
    action.refresh_from_db()
    assert action.progress == "done"
    assert meeting.action_updates.count() == 1


def test_core_group_due_dates_across_bank_holidays(db):
    # ICPC Thu 17 Dec 2026: 25, 28 Dec and 1 Jan are bank holidays -> 10th working day Tue 5 Jan.
    assert timescales.first_core_group_due(datetime.date(2026, 12, 17)) == datetime.date(2027, 1, 5)
    assert timescales.next_core_group_due(datetime.date(2026, 12, 17)) == datetime.date(2027, 1, 28)


def test_review_due_dates(db):
    # 28 Feb 2027 is a Sunday: both fall due on Friday 26 Feb.
    assert timescales.first_review_due(datetime.date(2026, 11, 30)) == datetime.date(2027, 2, 26)
    assert timescales.later_review_due(datetime.date(2026, 8, 31)) == datetime.date(2027, 2, 26)


def test_local_timescale_is_configurable(db):
    from timescales.models import LocalPolicy

    policy = LocalPolicy.current()
    policy.first_core_group_working_days = 5
    policy.save()
    assert timescales.first_core_group_due(datetime.date(2026, 11, 2)) == datetime.date(2026, 11, 9)


class _P:
    def __init__(self, agency, status="attended", kind="agency"):
        self.agency, self.status, self.kind = agency, status, kind

    @property
    def took_part(self):
        return self.status in ("attended", "sent_report")


@pytest.mark.parametrize(
    "participants, quorate",
    [
        ([_P("social_care"), _P("police"), _P("health")], True),
        ([_P("social_care"), _P("police"), _P("health", "sent_report")], True),
        ([_P("social_care"), _P("police"), _P("health", "apologies")], False),
        ([_P("police"), _P("health"), _P("education")], False),
        ([_P("social_care"), _P("education"), _P("", kind="parent")], False),
    ],
)
def test_quorum_is_social_care_and_two_other_agencies(participants, quorate):
    assert Quorum(participants).quorate is quorate


def test_starting_a_plan_locks_the_child_against_a_child_in_need_plan_starting(icpc):
    """The child protection plan's check against child in need plans (and theirs against it)
    runs with the child's row locked, as cin_plan_save does, so the two cannot both pass."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update:
        pytest.skip("this database has no row locks (SQLite locks the whole file)")
    with CaptureQueriesContext(connection) as queries:
        hold(icpc, chair=UserFactory(), held_on=datetime.date(2026, 9, 8))
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('FROM "cases_child"' in sql for sql in locks), locks


def test_a_child_in_need_plan_ends_the_day_a_protection_plan_starts(icpc):
    """The chair need not ask a social worker to end the child in need plan first: it ends on
    the conference day, audited as the chair's change, and the protection plan starts."""
    from auditlog.models import LogEntry

    from cases.models import CINPlan
    from tests.cases.factories import CINPlanFactory

    referral = icpc.section47.strategy_discussion.referral
    cin = CINPlanFactory(child=icpc.child, referral=referral, start_date=datetime.date(2026, 8, 20))
    chair = UserFactory()
    conference = hold(icpc, chair=chair, held_on=datetime.date(2026, 9, 8))
    cin = CINPlan.objects.get(pk=cin.pk)
    assert cin.end_date == datetime.date(2026, 9, 8)
    assert conference.plan.start_date == datetime.date(2026, 9, 8)
    change = LogEntry.objects.get_for_object(cin).get(action=LogEntry.Action.UPDATE)
    assert change.actor == chair and "end_date" in change.changes_dict


def test_a_child_in_need_plan_begun_on_the_conference_day_gives_way(icpc):
    """A plan that starts and ends on one day would still occupy it; one begun the day the
    conference decides on a protection plan never ran, and is removed (audited)."""
    from auditlog.models import LogEntry

    from cases.models import CINPlan
    from tests.cases.factories import CINPlanFactory

    referral = icpc.section47.strategy_discussion.referral
    cin = CINPlanFactory(child=icpc.child, referral=referral, start_date=datetime.date(2026, 9, 8))
    chair = UserFactory()
    conference = hold(icpc, chair=chair, held_on=datetime.date(2026, 9, 8))
    assert conference.plan.start_date == datetime.date(2026, 9, 8)
    assert not CINPlan.objects.filter(pk=cin.pk).exists()
    removed = LogEntry.objects.get_for_object(cin).get(action=LogEntry.Action.DELETE)
    assert removed.actor == chair
