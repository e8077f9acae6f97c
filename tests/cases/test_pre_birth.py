"""Pre-birth: an unborn child's record, the pre-birth conference, and recording the birth on the
same record, which keeps its whole history; the local review after the birth.

Dates are hand-worked on the England calendar: a child born on Monday 15 December 2025 has 20
working days to Thursday 15 January 2026, because 25 and 26 December and 1 January are bank
holidays (on a calendar without them it would be Monday 12 January).
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.chronology import chronology_for
from cases.models import Child
from cases.selectors import child_summary
from cases.services import child_birth_record
from conferences.models import Conference, ConferenceType
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory
from tests.conferences.factories import PlanFactory
from tests.reporting.casework import _child, _hold, _referral, _strategy_to_icpc
from timescales import rules as timescales
from timescales.models import LocalPolicy

D = datetime.date


def unborn_child(world, la_id="PREBIRTH1", expected: datetime.date | None = None) -> Child:
    return _child(
        world.social_worker,
        la_id,
        first_name="",
        last_name="Marlowe",
        sex="U",
        ethnicity="NOBT",
        date_of_birth=None,
        expected_date_of_birth=expected or D(2025, 12, 20),
        upn_unknown_reason="UN1",
        disabilities=[],
    )


@pytest.fixture
def pre_birth_plan(world):
    """An unborn child (expected 20 Dec 2025), referred on 6 Oct 2025; a strategy discussion on
    7 Oct; the pre-birth conference held on 24 Oct makes a plan."""
    sw, tm, iro = world.social_worker, world.team_manager, world.iro
    child = unborn_child(world)
    referral = _referral(child, sw, tm, D(2025, 10, 6), "strategy", source="3D", need="N1")
    conference = _strategy_to_icpc(child, referral, sw, tm, iro, D(2025, 10, 7), D(2025, 10, 24))
    return child, referral, conference


def birth_data(child, **overrides) -> dict:
    data = {
        "version": child.version,
        "date_of_birth": "2025-12-15",
        "sex": "M",
        "ethnicity": "WBRI",
        "first_name": "Jonah",
        "last_name": "Marlowe",
        "known_as": "",
    }
    data.update(overrides)
    return data


# --- The pre-birth conference ---------------------------------------------------------------


def test_an_unborn_childs_initial_conference_is_the_pre_birth_conference(pre_birth_plan):
    child, _, conference = pre_birth_plan
    assert conference.conference_type == ConferenceType.PRE_BIRTH
    assert conference.is_initial
    # The 15 working days run from the strategy discussion, as for any initial conference.
    assert conference.target_date == D(2025, 10, 28)
    assert conference.plan.start_date == D(2025, 10, 24)
    assert conference.plan.child == child


def test_a_born_childs_initial_conference_is_an_initial_one(world):
    sw, tm, iro = world.social_worker, world.team_manager, world.iro
    child = _child(sw, "BORN1", date_of_birth=D(2020, 3, 4))
    referral = _referral(child, sw, tm, D(2025, 10, 6), "strategy")
    conference = _strategy_to_icpc(child, referral, sw, tm, iro, D(2025, 10, 7), D(2025, 10, 24))
    assert conference.conference_type == ConferenceType.INITIAL


# --- Recording the birth --------------------------------------------------------------------


def test_recording_the_birth_keeps_the_record_and_its_history(world, login, pre_birth_plan):
    child, referral, conference = pre_birth_plan
    client = login(world.social_worker)
    page = client.get(reverse("cases:child-detail", args=[child.pk])).content.decode()
    assert reverse("cases:child-birth", args=[child.pk]) in page
    response = client.post(reverse("cases:child-birth", args=[child.pk]), birth_data(child))
    assert response.status_code == 302
    assert response.url == reverse("cases:child-detail", args=[child.pk])

    child.refresh_from_db()
    assert not child.is_unborn
    assert (child.date_of_birth, child.expected_date_of_birth) == (D(2025, 12, 15), None)
    assert child.birth_expected_on == D(2025, 12, 20)
    assert (child.sex, child.ethnicity, child.first_name) == ("M", "WBRI", "Jonah")
    assert child.full_name == "Jonah Marlowe"  # no longer "Unborn ..."
    # The same record: the referral, the pre-birth conference and the plan are still the child's.
    assert list(child.referrals.all()) == [referral]
    assert Conference.objects.get(pk=conference.pk).child_id == child.pk
    assert conference.plan.child_id == child.pk
    # The chronology has the birth beside what came before it.
    events = chronology_for(child)
    born = [e for e in events if e.key == f"child:{child.pk}:born"]
    assert [e.description for e in born] == ["Born on 15 Dec 2025 (expected 20 Dec 2025)"]
    assert any("Pre-birth conference held" in e.description for e in events)
    # Audited, with who made the change and what changed.
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Child), object_pk=str(child.pk)
        )
        .order_by("-timestamp")
        .first()
    )
    assert entry.actor == world.social_worker
    assert entry.changes_dict["date_of_birth"] == ["None", "2025-12-15"]
    assert entry.changes_dict["expected_date_of_birth"] == ["2025-12-20", "None"]
    detail = client.get(reverse("cases:child-detail", args=[child.pk])).content.decode()
    assert "Expected 20 Dec 2025; born 15 Dec 2025" in detail


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": ""}, "date_of_birth", "This field is required"),
        ({"sex": ""}, "sex", "This field is required"),
        ({"last_name": ""}, "last_name", "This field is required"),
        # The referral of 6 Oct 2025 would be more than 40 weeks before a birth in Aug 2026.
        ({"date_of_birth": "2026-08-01"}, "date_of_birth", "more than 40 weeks before"),
    ],
)
def test_a_birth_with_bad_details_is_refused_on_the_form(
    world, login, pre_birth_plan, overrides, field, message
):
    child, _, _ = pre_birth_plan
    response = login(world.social_worker).post(
        reverse("cases:child-birth", args=[child.pk]), birth_data(child, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert "is-invalid" in response.content.decode()
    child.refresh_from_db()
    assert child.is_unborn and child.birth_recorded_at is None


def test_a_birth_is_recorded_once(world, login):
    born = world.child
    client = login(world.social_worker)
    page = client.get(reverse("cases:child-birth", args=[born.pk]))
    assert page.status_code == 200
    assert "there is no birth to record" in page.content.decode()
    assert 'name="date_of_birth"' not in page.content.decode()  # nothing to fill in
    response = client.post(reverse("cases:child-birth", args=[born.pk]), birth_data(born))
    assert response.status_code == 302
    born.refresh_from_db()
    assert born.birth_recorded_at is None
    with pytest.raises(ValidationError, match="already been recorded"):
        child_birth_record(
            child=born,
            user=world.social_worker,
            date_of_birth=D(2025, 1, 1),
            sex="M",
            ethnicity="WBRI",
            first_name="A",
            last_name="B",
        )


def test_a_stale_birth_form_is_refused(world, login, pre_birth_plan):
    child, _, _ = pre_birth_plan
    data = birth_data(child)
    child.known_as = "Baby M"
    child.save()
    Child.objects.filter(pk=child.pk).update(version=child.version + 1)
    response = login(world.social_worker).post(reverse("cases:child-birth", args=[child.pk]), data)
    assert response.status_code == 200
    child.refresh_from_db()
    assert child.is_unborn


@pytest.mark.parametrize(
    "persona, status",
    [
        ("social_worker", 200),
        ("team_manager", 200),
        ("other_team_worker", 404),
        ("iro", 404),
        ("senior_manager", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_record_the_birth(world, login, persona, status):
    child = unborn_child(world)
    response = login(world.persona(persona)).get(reverse("cases:child-birth", args=[child.pk]))
    assert response.status_code == status


# --- The review after the birth -------------------------------------------------------------


def test_post_birth_review_due_20_working_days_after_the_birth_across_bank_holidays(db):
    policy = LocalPolicy.current()
    assert policy.post_birth_review_working_days == 20
    assert timescales.post_birth_review_due(D(2025, 12, 15), policy) == D(2026, 1, 15)
    policy.post_birth_review_working_days = 15
    policy.save()
    assert timescales.post_birth_review_due(D(2025, 12, 15)) == D(2026, 1, 8)


def test_the_rule_raises_the_review_after_the_birth_and_the_summary_shows_it(world, login):
    child = ChildFactory(
        allocated_team=world.team,
        allocated_worker=world.social_worker,
        date_of_birth=D(2025, 12, 15),
    )
    plan = PlanFactory(child=child, start_date=D(2025, 11, 3))  # made before birth
    key = f"plan:{plan.pk}"

    def status_on(day):
        timescales_scan(as_of=day)
        alert = Alert.objects.filter(rule="POST_BIRTH_REVIEW", subject_key=key).first()
        if alert is None or alert.status == AlertStatus.RESOLVED:
            return None
        return alert.status, alert.due_date, alert.days_overdue_on(day)

    assert status_on(D(2026, 1, 5)) == ("upcoming", D(2026, 1, 15), -8)
    assert status_on(D(2026, 1, 15)) == ("due_soon", D(2026, 1, 15), 0)
    assert status_on(D(2026, 1, 16)) == ("open", D(2026, 1, 15), 1)
    summary = child_summary(child, world.social_worker)
    assert ("Review conference after the birth", D(2026, 1, 15)) in {
        (d["what"], d["date"]) for d in summary["due"]
    }
    page = login(world.social_worker).get(reverse("cases:child-detail", args=[child.pk]))
    assert "Review conference after the birth" in page.content.decode()
    # A review before the birth does not count; one held since the birth meets it.
    Conference.objects.create(
        child=child,
        plan=plan,
        conference_type=ConferenceType.REVIEW,
        status="held",
        held_on=D(2025, 12, 1),
        target_date=D(2025, 12, 1),
    )
    assert status_on(D(2026, 1, 16))[0] == "open"
    Conference.objects.create(
        child=child,
        plan=plan,
        conference_type=ConferenceType.REVIEW,
        status="held",
        held_on=D(2026, 1, 16),
        target_date=D(2026, 1, 15),
    )
    assert status_on(D(2026, 1, 19)) is None


def test_a_plan_made_after_the_birth_has_no_post_birth_review(world):
    child = ChildFactory(date_of_birth=D(2025, 12, 15))
    PlanFactory(child=child, start_date=D(2026, 1, 5))
    timescales_scan(as_of=D(2026, 2, 1))
    assert not Alert.objects.filter(rule="POST_BIRTH_REVIEW").exists()


def test_the_local_timescale_moves_the_due_date(world):
    policy = LocalPolicy.current()
    policy.post_birth_review_working_days = 15
    policy.save()
    child = ChildFactory(date_of_birth=D(2025, 12, 15))
    PlanFactory(child=child, start_date=D(2025, 11, 3))
    timescales_scan(as_of=D(2026, 1, 2))
    alert = Alert.objects.get(rule="POST_BIRTH_REVIEW")
    assert alert.due_date == D(2026, 1, 8)
    assert "15 working days" in alert.definition.sentence


def test_the_whole_pathway_from_pre_birth_conference_to_review_after_birth(world, login):
    sw, tm, iro = world.social_worker, world.team_manager, world.iro
    child = unborn_child(world)
    referral = _referral(child, sw, tm, D(2025, 10, 6), "strategy", source="3D")
    icpc = _strategy_to_icpc(child, referral, sw, tm, iro, D(2025, 10, 7), D(2025, 10, 24))
    timescales_scan(as_of=D(2025, 11, 1))
    assert not Alert.objects.filter(rule="POST_BIRTH_REVIEW").exists()  # not born yet
    login(sw).post(reverse("cases:child-birth", args=[child.pk]), birth_data(child))
    timescales_scan(as_of=D(2026, 1, 14))
    alert = Alert.objects.get(rule="POST_BIRTH_REVIEW", subject_key=f"plan:{icpc.plan.pk}")
    assert (alert.status, alert.due_date) == ("due_soon", D(2026, 1, 15))
    review = icpc.plan.conferences.get(conference_type="review", status="requested")
    _hold(review, iro, D(2026, 1, 13), "continue", "NEG")
    timescales_scan(as_of=D(2026, 1, 14))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
