"""A late ICPC: why it is late (a coded reason and words), the interim safety plan, a manager's
agreement; and a section 47 cannot end on "ICPC required" before the conference exists.

Hand-worked dates: strategy discussion Wednesday 22 August 2018, Monday 27 August a bank
holiday, so the ICPC is due by Thursday 13 September 2018; Friday 14 September is late.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conferences import services
from conferences.models import Conference, LateReason
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from strategy import services as strategy_services
from strategy.models import Section47
from tests.cases.factories import ReferralFactory
from tests.conferences.diary_helpers import book, icpc_for, schedule_post
from tests.conferences.factories import ConferenceFactory, hold
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

D = datetime.date
STRATEGY_ON = D(2018, 8, 22)
TARGET = D(2018, 9, 13)
LATE = D(2018, 9, 14)


@pytest.fixture
def icpc(world):
    conference = icpc_for(world.child, strategy_on=STRATEGY_ON)
    assert conference.target_date == TARGET  # 27 August 2018 is a bank holiday
    return conference


def _enquiry_2018(child):
    referral = ReferralFactory(child=child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    return Section47Factory(strategy_discussion=discussion, child_seen_date=D(2018, 8, 23))


# --- Defect 1: a late ICPC recorded as held with no reason and no interim safety plan --------


def test_a_late_icpc_cannot_be_held_without_reason_and_interim_plan(world, icpc):
    with pytest.raises(ValidationError) as caught:
        hold(icpc, chair=world.iro, held_on=LATE, explain_late=False)
    errors = caught.value.message_dict
    assert "late_reason_code" in errors
    assert "after its target date (13 Sep 2018)" in errors["late_reason_code"][0]
    assert "interim_safety_plan" in errors
    icpc.refresh_from_db()
    assert icpc.status == "requested"


def test_a_late_icpc_needs_the_words_as_well_as_the_code(world, icpc):
    with pytest.raises(ValidationError) as caught:
        hold(
            icpc,
            chair=world.iro,
            held_on=LATE,
            explain_late=False,
            late_reason_code=LateReason.FAMILY_REQUEST,
            interim_safety_plan="Grandmother stays; daily visits.",
        )
    assert "late_reason" in caught.value.message_dict


def test_a_late_icpc_needs_a_manager_to_agree_the_interim_plan(world, icpc):
    late = {
        "late_reason_code": LateReason.AGENCY_REPORTS_LATE,
        "late_reason": "The paediatric report came on the day.",
        "interim_safety_plan": "Grandmother stays; daily visits.",
    }
    with pytest.raises(ValidationError) as caught:
        hold(icpc, chair=world.iro, held_on=LATE, explain_late=False, **late)
    assert "manager must agree" in " ".join(caught.value.messages)
    icpc.refresh_from_db()
    for key, value in late.items():
        setattr(icpc, key, value)
    icpc.save()
    services.conference_agree_interim_plan(conference=icpc, manager=world.team_manager)
    icpc.refresh_from_db()
    assert icpc.interim_plan_agreed_by == world.team_manager
    held = hold(icpc, chair=world.iro, held_on=LATE, explain_late=False)
    assert held.status == "held"
    assert held.get_late_reason_code_display() == "Agency reports late"


def test_an_icpc_held_on_its_target_date_needs_no_reason(world, icpc):
    held = hold(icpc, chair=world.iro, held_on=TARGET)
    assert held.status == "held"
    assert held.late_reason_code == ""


def test_only_a_manager_of_the_childs_team_agrees(world, icpc):
    icpc.interim_safety_plan = "Grandmother stays."
    icpc.save()
    for user in (world.social_worker, world.other_manager, world.iro):
        with pytest.raises(ValidationError, match="manager of the child's team"):
            services.conference_agree_interim_plan(conference=icpc, manager=user)


def test_changing_the_interim_plan_withdraws_the_agreement(world, icpc):
    book(
        icpc,
        chair=world.iro,
        when=london(2018, 9, 14, 10),
        late_reason_code=LateReason.CHAIR_UNAVAILABLE,
        late_reason="The chair was ill.",
        interim_safety_plan="Grandmother stays.",
    )
    services.conference_agree_interim_plan(conference=icpc, manager=world.team_manager)
    icpc.refresh_from_db()
    icpc.interim_safety_plan = "Grandmother stays; the nursery checks every day."
    services.conference_schedule(
        conference=icpc, user=world.business_support, expected_version=icpc.version
    )
    icpc.refresh_from_db()
    assert icpc.interim_plan_agreed_by is None


def test_scheduling_late_needs_the_coded_reason(world, login, monkeypatch):
    # Booked on the day of the strategy discussion, in 2018 (a booking must be in the future).
    monkeypatch.setattr(
        "conferences.forms.diary.now", lambda: london(STRATEGY_ON.year, STRATEGY_ON.month, 23, 9)
    )
    conference = icpc_for(world.child, strategy_on=STRATEGY_ON)
    url = reverse("conferences:schedule", args=[conference.pk])
    client = login(world.business_support)
    data = schedule_post(
        conference,
        world.iro,
        LATE,
        late_reason="The chair is on leave.",
        interim_safety_plan="Grandmother stays.",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose why" in response.context["form"].errors["late_reason_code"][0]
    content = response.content.decode()
    for label in ("Chair unavailable", "Family request", "Agency reports late", "Room or venue"):
        assert label in content
    data["late_reason_code"] = LateReason.CHAIR_UNAVAILABLE
    assert client.post(url, data).status_code == 302
    conference.refresh_from_db()
    assert conference.late_reason_code == "chair"


def test_the_chairs_form_asks_why_when_held_late(world, login):
    conference = icpc_for(world.child, strategy_on=STRATEGY_ON)
    conference.chair = world.iro
    conference.save()
    client = login(world.iro)
    url = reverse("conferences:outcome", args=[conference.pk])
    data = {
        "held_on": LATE.isoformat(),
        "childs_views": "I want to stay with Nan.",
        "childs_views_how": "At school.",
        "decision": "plan",
        "category": "NEG",
        "decision_reasons": "Neglect.",
        "outline_plan": "",
        "first_core_group_date": "",
        "next_review_date": "",
        "minutes": "",
        "version": conference.version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "late_reason_code" in errors and "interim_safety_plan" in errors
    conference.refresh_from_db()
    assert conference.status == "requested"


def test_a_manager_agrees_on_the_conference_page(world, icpc, login):
    icpc.interim_safety_plan = "Grandmother stays."
    icpc.late_reason_code = LateReason.VENUE
    icpc.late_reason = "No room free."
    icpc.save()
    client = login(world.team_manager)
    page = client.get(reverse("conferences:detail", args=[icpc.pk])).content.decode()
    assert "Agree the interim safety plan" in page
    url = reverse("conferences:interim-plan-agree", args=[icpc.pk])
    assert client.post(url, {"version": icpc.version}).status_code == 302
    icpc.refresh_from_db()
    assert icpc.interim_plan_agreed_by == world.team_manager
    assert login(world.social_worker).post(url).status_code == 404


# --- Defect 2: completing a section 47 on "ICPC required" with no ICPC silences the alert -----


def test_a_section_47_cannot_complete_on_icpc_required_without_the_conference(world):
    enquiry = _enquiry_2018(world.child)
    key = f"section47:{enquiry.pk}"
    enquiry.outcome = "icpc"
    enquiry.completion_date = D(2018, 9, 10)
    with pytest.raises(ValidationError) as caught:
        strategy_services.section47_update(
            enquiry=enquiry, user=world.social_worker, expected_version=enquiry.version
        )
    assert "completion_date" in caught.value.message_dict
    assert "Request the initial child protection conference" in " ".join(caught.value.messages)
    timescales_scan(as_of=D(2018, 9, 18))
    alert = Alert.objects.get(rule="ICPC_15", subject_key=key)
    assert alert.status == AlertStatus.OPEN


def test_the_section_47_form_says_why_it_cannot_complete(world, login):
    enquiry = _enquiry_2018(world.child)
    response = login(world.social_worker).post(
        reverse("strategy:section47-edit", args=[world.child.pk, enquiry.pk]),
        {
            "child_seen_date": "2018-08-23",
            "outcome": "icpc",
            "completion_date": "2018-09-10",
            "version": enquiry.version,
        },
    )
    assert response.status_code == 200
    assert "Request the initial child protection conference" in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.completion_date is None


def test_once_requested_the_enquiry_completes_and_the_icpc_alert_stays_until_held(world):
    enquiry = _enquiry_2018(world.child)
    key = f"section47:{enquiry.pk}"
    conference = services.icpc_request(enquiry=enquiry, user=world.social_worker)
    enquiry = Section47.objects.get(pk=enquiry.pk)
    enquiry.completion_date = D(2018, 9, 10)
    strategy_services.section47_update(
        enquiry=enquiry, user=world.social_worker, expected_version=enquiry.version
    )
    # Completing the enquiry does not silence the ICPC timescale: the conference is not held.
    timescales_scan(as_of=D(2018, 9, 18))
    assert Alert.objects.get(rule="ICPC_15", subject_key=key).status == AlertStatus.OPEN
    Conference.objects.filter(pk=conference.pk).update(status="held", held_on=TARGET)
    timescales_scan(as_of=D(2018, 9, 18))
    assert Alert.objects.get(rule="ICPC_15", subject_key=key).status == AlertStatus.RESOLVED


def test_a_cancelled_conference_does_not_count_as_the_conference(world):
    enquiry = _enquiry_2018(world.child)
    ConferenceFactory(section47=enquiry, status="cancelled", cancelled_reason="Booked twice.")
    enquiry.outcome = "icpc"
    enquiry.completion_date = D(2018, 9, 10)
    with pytest.raises(ValidationError, match="Request the initial child protection conference"):
        enquiry.full_clean()
