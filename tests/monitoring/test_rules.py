"""Every rule: on time, due soon, overdue (across bank holidays where they matter), resolved."""

import datetime

import pytest

from conferences.models import ConferenceParticipant, CoreGroupMeeting
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.accounts.factories import UserFactory
from tests.cases.factories import (
    AssessmentFactory,
    ChildFactory,
    FamilyMemberFactory,
    ManagementOversightFactory,
    ReferralFactory,
    VisitFactory,
)
from tests.conferences.factories import ActionFactory, ConferenceFactory, PlanFactory
from tests.strategy.factories import (
    Section47Factory,
    StrategyDiscussionFactory,
    full_participation,
    london,
)
from timescales.models import LocalPolicy

D = datetime.date


def alerts(rule):
    return {
        a.subject_key: a
        for a in Alert.objects.filter(rule=rule).exclude(status=AlertStatus.RESOLVED)
    }


def status_on(rule, as_of, key):
    timescales_scan(as_of=as_of)
    alert = alerts(rule).get(key)
    return None if alert is None else (alert.status, alert.days_overdue_on(as_of))


@pytest.fixture
def policy(db):
    return LocalPolicy.current()


def test_referral_decision_across_a_bank_holiday(policy):
    # Friday 22 Dec 2023, 4pm: 25 and 26 Dec are bank holidays, so due Wed 27 Dec.
    referral = ReferralFactory(received_at=london(2023, 12, 22, 16))
    key = f"referral:{referral.pk}"
    assert status_on("REFERRAL_DECISION", D(2023, 12, 27), key) == ("due_soon", 0)
    assert status_on("REFERRAL_DECISION", D(2023, 12, 28), key) == ("open", 1)
    referral.decision = "assessment"
    referral.save()
    assert status_on("REFERRAL_DECISION", D(2023, 12, 28), key) is None
    assert Alert.objects.get(rule="REFERRAL_DECISION").status == AlertStatus.RESOLVED


def test_assessment_45_working_days(policy):
    referral = ReferralFactory(received_at=london(2026, 9, 1, 9), decision="assessment")
    key = f"referral:{referral.pk}"
    # 1 Sep 2026 + 45 working days = 3 Nov 2026 (no bank holidays in between).
    assert status_on("ASSESSMENT_45", D(2026, 10, 1), key) == ("upcoming", -23)
    assert status_on("ASSESSMENT_45", D(2026, 10, 29), key)[0] == "due_soon"
    assert status_on("ASSESSMENT_45", D(2026, 11, 4), key) == ("open", 1)
    AssessmentFactory(
        referral=referral, start_date=D(2026, 9, 2), authorised_date=D(2026, 11, 4), factors=["21"]
    )
    assert status_on("ASSESSMENT_45", D(2026, 11, 5), key) is None


def test_icpc_15_working_days_and_day_18(policy):
    referral = ReferralFactory(received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    enquiry = Section47Factory(strategy_discussion=discussion)
    key = f"section47:{enquiry.pk}"
    assert status_on("ICPC_15", D(2018, 9, 10), key)[0] == "due_soon"
    assert status_on("ICPC_15", D(2018, 9, 13), key) == ("due_soon", 0)
    assert status_on("ICPC_15", D(2018, 9, 18), key) == ("open", 3)  # day 18
    conference = ConferenceFactory(section47=enquiry)
    conference.status, conference.held_on = "held", D(2018, 9, 18)
    conference.save()
    assert status_on("ICPC_15", D(2018, 9, 19), key) is None


def test_late_icpc_without_interim_safety_plan(policy):
    enquiry = Section47Factory()
    key = f"section47:{enquiry.pk}"
    target = enquiry.icpc_target_date
    assert status_on("ICPC_LATE_NO_INTERIM_PLAN", target, key) is None
    late = target + datetime.timedelta(days=1)
    assert status_on("ICPC_LATE_NO_INTERIM_PLAN", late, key) == ("open", 0)
    enquiry.interim_safety_plan = "Mother agrees the family friend will not visit."
    enquiry.save()
    assert status_on("ICPC_LATE_NO_INTERIM_PLAN", late, key) is None


def test_strategy_without_health_or_police(policy):
    discussion = StrategyDiscussionFactory()
    full_participation(discussion, health=None, police=None)
    key = f"strategy:{discussion.pk}"
    as_of = discussion.held_date
    assert status_on("STRATEGY_NO_HEALTH", as_of, key) == ("open", 0)
    assert status_on("STRATEGY_NO_POLICE", as_of, key) == ("open", 0)
    from tests.strategy.factories import ParticipantFactory

    ParticipantFactory(
        discussion=discussion, agency="health", health_service="gp", participation="information"
    )
    assert status_on("STRATEGY_NO_HEALTH", as_of, key) is None
    assert status_on("STRATEGY_NO_POLICE", as_of, key) == ("open", 0)


@pytest.fixture
def held_icpc(db):
    conference = ConferenceFactory(status="held", held_on=D(2026, 11, 2))
    ConferenceParticipant.objects.create(
        conference=conference,
        kind="agency",
        agency="health",
        name="Dr Example",
        status="attended",
        knows_child=False,
    )
    return conference


def test_icpc_without_police_and_health_unknown_to_child(held_icpc, policy):
    key = f"conference:{held_icpc.pk}"
    as_of = D(2026, 11, 3)
    assert status_on("ICPC_NO_POLICE", as_of, key) == ("open", 0)
    assert status_on("ICPC_HEALTH_UNKNOWN_TO_CHILD", as_of, key) == ("open", 0)
    ConferenceParticipant.objects.create(
        conference=held_icpc,
        kind="agency",
        agency="police",
        name="DC Example",
        status="sent_report",
    )
    ConferenceParticipant.objects.create(
        conference=held_icpc,
        kind="agency",
        agency="health",
        name="Health visitor",
        status="attended",
        knows_child=True,
    )
    assert status_on("ICPC_NO_POLICE", as_of, key) is None
    assert status_on("ICPC_HEALTH_UNKNOWN_TO_CHILD", as_of, key) is None


def test_minutes_15_working_days(held_icpc, policy):
    key = f"conference:{held_icpc.pk}"
    # Mon 2 Nov 2026 + 15 working days = Mon 23 Nov 2026.
    assert status_on("MINUTES_15", D(2026, 11, 23), key) == ("due_soon", 0)
    assert status_on("MINUTES_15", D(2026, 11, 24), key) == ("open", 1)
    held_icpc.minutes = "Minutes"
    held_icpc.minutes_approved_at = london(2026, 11, 20)
    held_icpc.minutes_distributed_on = D(2026, 11, 24)
    held_icpc.save()
    assert status_on("MINUTES_15", D(2026, 11, 24), key) is None


def test_first_core_group_across_christmas_then_interval(policy):
    plan = PlanFactory(start_date=D(2026, 12, 17))
    key = f"plan:{plan.pk}"
    assert status_on("FIRST_CORE_GROUP", D(2027, 1, 5), key) == ("due_soon", 0)
    assert status_on("FIRST_CORE_GROUP", D(2027, 1, 6), key) == ("open", 1)
    CoreGroupMeeting.objects.create(
        plan=plan, meeting_date=D(2027, 1, 6), attendees="Mum", recorded_by=UserFactory()
    )
    assert status_on("FIRST_CORE_GROUP", D(2027, 1, 6), key) is None
    # Six weeks after 6 Jan 2027 is 17 Feb 2027.
    assert status_on("CORE_GROUP_INTERVAL", D(2027, 2, 17), key) == ("due_soon", 0)
    assert status_on("CORE_GROUP_INTERVAL", D(2027, 2, 18), key) == ("open", 1)


def test_first_and_later_reviews(policy):
    plan = PlanFactory(start_date=D(2026, 6, 1))
    key = f"plan:{plan.pk}"
    assert status_on("FIRST_REVIEW", D(2026, 9, 1), key) == ("due_soon", 0)
    assert status_on("FIRST_REVIEW", D(2026, 9, 2), key) == ("open", 1)
    review = ConferenceFactory(
        child=plan.child,
        section47=None,
        plan=plan,
        conference_type="review",
        target_date=D(2026, 9, 1),
        status="held",
        held_on=D(2026, 9, 2),
    )
    assert review.pk
    assert status_on("FIRST_REVIEW", D(2026, 9, 3), key) is None
    assert status_on("LATER_REVIEW", D(2027, 3, 2), key) == ("due_soon", 0)
    assert status_on("LATER_REVIEW", D(2027, 3, 3), key) == ("open", 1)


def test_statutory_visits_and_oversight(policy):
    plan = PlanFactory(start_date=D(2026, 11, 2))
    key = f"plan:{plan.pk}"
    # 10 working days after Mon 2 Nov 2026 is Mon 16 Nov.
    assert status_on("STATUTORY_VISIT", D(2026, 11, 16), key) == ("due_soon", 0)
    assert status_on("STATUTORY_VISIT", D(2026, 11, 17), key) == ("open", 1)
    VisitFactory(
        child=plan.child,
        visit_date=D(2026, 11, 16),
        child_seen=False,
        seen_alone=False,
        childs_words="",
        reason_not_seen="Not home",
    )
    assert status_on("STATUTORY_VISIT", D(2026, 11, 17), key) == ("open", 1)
    VisitFactory(child=plan.child, visit_date=D(2026, 11, 17))
    # Seen: the next visit is due in 10 working days, stored as not yet due.
    assert status_on("STATUTORY_VISIT", D(2026, 11, 17), key) == ("upcoming", -10)
    # Oversight every 4 weeks from the plan start: due 30 Nov 2026.
    assert status_on("MANAGEMENT_OVERSIGHT", D(2026, 12, 1), key) == ("open", 1)
    ManagementOversightFactory(
        child=plan.child, oversight_date=D(2026, 12, 1), next_review_date=D(2026, 12, 29)
    )
    assert status_on("MANAGEMENT_OVERSIGHT", D(2026, 12, 1), key)[0] == "upcoming"


def test_plan_action_past_its_timescale(policy):
    action = ActionFactory(timescale=D(2026, 7, 1))
    key = f"action:{action.pk}"
    assert status_on("PLAN_ACTION", D(2026, 6, 30), key) == ("due_soon", -1)
    assert status_on("PLAN_ACTION", D(2026, 7, 2), key) == ("open", 1)
    action.progress, action.progress_evidence = "done", "Seen by school."
    action.save()
    assert status_on("PLAN_ACTION", D(2026, 7, 2), key) is None


def test_genogram_missing_for_child_on_plan(policy):
    plan = PlanFactory()
    key = f"plan:{plan.pk}"
    assert status_on("GENOGRAM_MISSING", D(2026, 7, 1), key) == ("open", 0)
    FamilyMemberFactory(child=plan.child)
    assert status_on("GENOGRAM_MISSING", D(2026, 7, 1), key) is None


def test_re_referral_within_12_months_of_step_down(policy):
    child = ChildFactory()
    ReferralFactory(
        child=child,
        received_at=london(2025, 1, 6),
        decision="assessment",
        closure_date=D(2025, 3, 3),
        closure_reason="RC9",
        stepped_down_to_early_help=True,
    )
    again = ReferralFactory(child=child, received_at=london(2026, 3, 3))
    assert status_on("RE_REFERRAL_12M", D(2026, 3, 3), f"referral:{again.pk}") == ("open", 0)
    later = ChildFactory()
    ReferralFactory(
        child=later,
        received_at=london(2025, 1, 6),
        closure_date=D(2025, 3, 2),
        closure_reason="RC8",
        decision="nfa",
    )
    outside = ReferralFactory(child=later, received_at=london(2026, 3, 3))
    assert status_on("RE_REFERRAL_12M", D(2026, 3, 3), f"referral:{outside.pk}") is None


def test_iro_caseload_above_threshold(policy):
    policy.iro_caseload_warning = 2
    policy.save()
    iro = UserFactory(roles=["IRO"])
    for _ in range(3):
        plan = PlanFactory()
        ConferenceFactory(
            child=plan.child,
            section47=None,
            plan=plan,
            chair=iro,
            conference_type="review",
            target_date=D(2026, 9, 1),
        )
    assert status_on("IRO_CASELOAD", D(2026, 7, 1), f"iro:{iro.pk}") == ("open", 0)
    assert Alert.objects.get(rule="IRO_CASELOAD").responsible_iro == iro
    policy.iro_caseload_warning = 3
    policy.save()
    assert status_on("IRO_CASELOAD", D(2026, 7, 1), f"iro:{iro.pk}") is None


def test_due_soon_window_is_configurable(policy):
    action = ActionFactory(timescale=D(2026, 7, 10))
    key = f"action:{action.pk}"
    assert status_on("PLAN_ACTION", D(2026, 7, 3), key) == ("upcoming", -5)  # 5 days left
    policy.due_soon_working_days = 5
    policy.save()
    assert status_on("PLAN_ACTION", D(2026, 7, 3), key) == ("due_soon", -5)
