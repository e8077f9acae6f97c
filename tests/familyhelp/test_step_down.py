"""Step-down to Family Help from a closing episode, accepted by the receiving team with a date;
step-up to children's social care, accepted the same way (the referral made through the cases
service); the re-referral flag to the manager who agreed the step-down and on the dashboard.

Hand-worked dates. Team A's child: referred Mon 1 Dec 2025, assessed from Tue 2 Dec, the
assessment authorised Fri 2 Jan 2026. Team A's manager closes the episode on Mon 5 Jan 2026
with a step-down to Team B (Family Help). Team B's manager accepts it on Wed 7 Jan 2026: the
child is Team B's from that day. Referred again on Wed 4 Nov 2026: within 12 months of the
step-down (5 Jan 2026 is after 4 Nov 2025), so flagged to Team A's manager, who agreed it.
"""

import datetime
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.access import children_for_user
from cases.models import Allocation, Referral
from dashboards.measures import Measures, Scope
from familyhelp import services
from familyhelp.models import StepDown, StepUp
from monitoring.models import Alert
from monitoring.selectors import alerts_for_user, decisions_waiting
from monitoring.services import timescales_scan
from tests.cases.factories import AssessmentFactory, ReferralFactory
from tests.strategy.factories import london

D = datetime.date


def _episode(world):
    referral = ReferralFactory(
        child=world.child,
        received_at=london(2025, 12, 1, 10),
        decision="assessment",
        decided_at=london(2025, 12, 1, 15),
    )
    AssessmentFactory(
        referral=referral,
        child=world.child,
        start_date=D(2025, 12, 2),
        authorised_date=D(2026, 1, 2),
        outcome="early_help",
    )
    return referral


def _step_down_page(world, referral):
    return reverse("familyhelp:step-down", args=[world.child.pk, referral.pk])


@pytest.fixture
def stepped_down(world, login):
    referral = _episode(world)
    response = login(world.team_manager).post(
        _step_down_page(world, referral),
        {
            "version": referral.version,
            "closure_date": "2026-01-05",
            "closure_reason": "RC9",
            "to_team": world.other_team.pk,
            "reason": "Attendance and routines: Family Help will work with mum.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return StepDown.objects.get(referral=referral)


def test_the_manager_closes_the_episode_with_a_step_down_that_waits(world, stepped_down):
    referral = stepped_down.referral
    referral.refresh_from_db()
    assert referral.closure_date == D(2026, 1, 5)
    assert referral.closure_reason == "RC9"
    assert referral.stepped_down_to_early_help is True
    assert stepped_down.is_pending
    assert stepped_down.agreed_by == world.team_manager
    assert stepped_down.to_team == world.other_team
    # Not fired off: the child is still Team A's until Team B accepts.
    world.child.refresh_from_db()
    assert world.child.allocated_team == world.team


def test_a_social_worker_cannot_agree_a_step_down(world, login):
    referral = _episode(world)
    response = login(world.social_worker).get(_step_down_page(world, referral))
    assert response.status_code == 404


def test_the_closing_checks_still_apply(world, login):
    referral = ReferralFactory(
        child=world.child,
        received_at=london(2025, 12, 1, 10),
        decision="assessment",
        decided_at=london(2025, 12, 1, 15),
    )
    AssessmentFactory(referral=referral, child=world.child, start_date=D(2025, 12, 2))
    response = login(world.team_manager).post(
        _step_down_page(world, referral),
        {
            "version": referral.version,
            "closure_date": "2026-01-05",
            "closure_reason": "RC9",
            "to_team": world.other_team.pk,
            "reason": "Family Help.",
        },
    )
    assert response.status_code == 200
    assert "authorised" in response.content.decode()
    assert not StepDown.objects.exists()
    referral.refresh_from_db()
    assert referral.closure_date is None


def test_the_pending_step_down_is_seen_by_the_receiving_team_and_its_manager(
    world, stepped_down, login
):
    # Team B reaches the child while it decides.
    assert world.child in children_for_user(world.other_team_worker)
    page = login(world.other_team_worker).get(reverse("familyhelp:waiting")).content.decode()
    assert world.child.full_name in page
    assert "Waiting for the team manager" in page
    groups = {g["title"]: g for g in decisions_waiting(world.other_manager)}
    rows = groups["Step-downs to Family Help to accept"]["rows"]
    assert [r["url"] for r in rows] == [
        reverse("familyhelp:step-down-accept", args=[world.child.pk, stepped_down.pk])
    ]
    # Nobody else: another team's worker with no part in it does not see the child.
    from accounts.models import Role
    from tests.accounts.factories import TeamFactory, make_user

    stranger = make_user(Role.SOCIAL_WORKER, team=TeamFactory(name="Team C"), username="sw_c")
    assert world.child not in children_for_user(stranger)
    assert world.child.full_name not in (
        login(stranger).get(reverse("familyhelp:waiting")).content.decode()
    )


def test_the_receiving_manager_accepts_with_a_date(world, stepped_down, login):
    url = reverse("familyhelp:step-down-accept", args=[world.child.pk, stepped_down.pk])
    # Team B's worker sees the child but the decision is the manager's.
    assert login(world.other_team_worker).get(url).status_code == 404
    # Not before the episode closed.
    response = login(world.other_manager).post(
        url, {"version": stepped_down.version, "accepted_on": "2026-01-02"}
    )
    assert "cannot be accepted before the episode closed (5 Jan 2026)" in response.content.decode()
    response = login(world.other_manager).post(
        url, {"version": stepped_down.version, "accepted_on": "2026-01-07"}
    )
    assert response.status_code == 302
    stepped_down.refresh_from_db()
    assert stepped_down.accepted_on == D(2026, 1, 7)
    assert stepped_down.accepted_by == world.other_manager
    world.child.refresh_from_db()
    assert world.child.allocated_team == world.other_team
    assert Allocation.objects.get(child=world.child, end_date__isnull=True).start_date == D(
        2026, 1, 7
    )
    assert not [
        g for g in decisions_waiting(world.other_manager) if g["title"].startswith("Step-downs")
    ]
    # Accepting twice is refused.
    with pytest.raises(ValidationError):
        services.step_down_accept(
            step_down=stepped_down, user=world.other_manager, accepted_on=D(2026, 1, 8)
        )


def test_a_re_referral_within_12_months_is_flagged_to_the_manager_who_agreed(world, stepped_down):
    services.step_down_accept(
        step_down=stepped_down, user=world.other_manager, accepted_on=D(2026, 1, 7)
    )
    again = ReferralFactory(child=world.child, received_at=london(2026, 11, 4, 9))
    timescales_scan(as_of=D(2026, 11, 4))
    alert = Alert.objects.get(
        rule="RE_REFERRAL_AFTER_STEP_DOWN", subject_key=f"referral:{again.pk}"
    )
    assert alert.responsible_worker == world.team_manager
    assert "step-down to Family Help (Team B)" in alert.evidence
    assert "5 Jan 2026" in alert.evidence
    # The manager who agreed it keeps sight of the child for the 12 months, and has the task.
    assert world.child in children_for_user(world.team_manager)
    assert alert in alerts_for_user(world.team_manager)


def test_a_referral_more_than_12_months_after_the_step_down_is_not_flagged(world, login):
    """Closed Tue 4 Nov 2025, referred again Wed 5 Nov 2026: the window of 5 Nov 2026 starts on
    5 Nov 2025, a day after the step-down. Closed Wed 5 Nov 2025 (another child), referred Thu
    5 Nov 2026: the same date a year on counts."""
    from tests.cases.factories import ChildFactory

    def stepped(child, closed: D) -> None:
        referral = cast(
            Referral,
            ReferralFactory(
                child=child,
                received_at=london(2025, 9, 1, 10),
                decision="nfa",
                closure_date=closed,
                closure_reason="RC9",
                stepped_down_to_early_help=True,
            ),
        )
        StepDown.objects.create(
            child=child,
            referral=referral,
            to_team=world.other_team,
            reason="x",
            agreed_by=world.team_manager,
            accepted_on=closed,
        )

    late = ChildFactory(allocated_team=world.team)
    stepped(late, D(2025, 11, 4))
    ReferralFactory(child=late, received_at=london(2026, 11, 5, 9))
    same_day = ChildFactory(allocated_team=world.team)
    stepped(same_day, D(2025, 11, 5))
    ReferralFactory(child=same_day, received_at=london(2026, 11, 5, 9))
    timescales_scan(as_of=D(2026, 11, 5))
    flagged = set(
        Alert.objects.filter(rule="RE_REFERRAL_AFTER_STEP_DOWN").values_list("child_id", flat=True)
    )
    assert flagged == {same_day.pk}


def test_the_dashboard_flags_the_re_referral_and_its_drill_down_lists_it(
    world, stepped_down, login
):
    services.step_down_accept(
        step_down=stepped_down, user=world.other_manager, accepted_on=D(2026, 1, 7)
    )
    again = ReferralFactory(child=world.child, received_at=london(2026, 11, 4, 9))
    ReferralFactory(received_at=london(2026, 11, 10, 9))  # a first referral: not counted
    m = Measures(Scope("authority", "Whole authority"), D(2026, 11, 1), D(2026, 11, 30))
    assert m.summary()["re_referrals_after_step_down"] == 1
    assert list(m.population("re_referrals_after_step_down").values_list("pk", flat=True)) == [
        again.pk
    ]
    response = login(world.senior_manager).get(
        reverse("dashboards:drill", args=["re_referrals_after_step_down"]),
        {"from": "2026-11-01", "to": "2026-11-30", "format": "csv"},
    )
    lines = response.getvalue().decode().strip().splitlines()
    assert len(lines) - 1 == 1
    assert world.child.la_child_id in lines[1]


# --- Step-up -----------------------------------------------------------------------------------


@pytest.fixture
def on_family_help(world, stepped_down):
    """The child as Team B's (Family Help) from Wed 7 Jan 2026."""
    services.step_down_accept(
        step_down=stepped_down, user=world.other_manager, accepted_on=D(2026, 1, 7)
    )
    world.child.refresh_from_db()
    return world.child


def test_step_up_waits_for_the_social_care_team_then_makes_the_referral(
    world, on_family_help, login
):
    child = on_family_help
    response = login(world.other_team_worker).post(
        reverse("familyhelp:step-up", args=[child.pk]),
        {"to_team": world.team.pk, "reason": "Bruising seen at school; mum not engaging."},
    )
    assert response.status_code == 302
    step_up = StepUp.objects.get(child=child)
    assert step_up.is_pending
    assert Referral.objects.filter(child=child).count() == 1  # the closed episode only
    groups = {g["title"]: g for g in decisions_waiting(world.team_manager)}
    assert groups["Step-ups to children's social care to accept"]["count"] == 1
    url = reverse("familyhelp:step-up-accept", args=[child.pk, step_up.pk])
    response = login(world.team_manager).post(
        url,
        {
            "version": step_up.version,
            "accepted_on": step_up.requested_at.date().isoformat(),
            "primary_need": "N1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    step_up.refresh_from_db()
    referral = step_up.referral
    assert referral is not None
    assert referral.source == "5D"
    assert referral.primary_need == "N1"
    assert referral.referral_date == step_up.accepted_on
    assert referral.reason == "Bruising seen at school; mum not engaging."
    assert referral.created_by == world.team_manager
    child.refresh_from_db()
    assert child.allocated_team == world.team


def test_step_up_is_refused_while_an_episode_is_open(world, on_family_help):
    child = on_family_help
    ReferralFactory(child=child, received_at=london(2026, 11, 4, 9))
    step_up = services.step_up_request(
        child=child, user=world.other_team_worker, to_team=world.team, reason="x"
    )
    with pytest.raises(ValidationError):
        services.step_up_accept(
            step_up=step_up,
            user=world.team_manager,
            accepted_on=step_up.requested_at.date(),
            primary_need="N1",
        )
