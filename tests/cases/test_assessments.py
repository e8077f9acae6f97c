"""Assessments within a CIN episode: recording, census factor rules and authorisation."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Assessment
from cases.services import record_save
from tests.cases.factories import AssessmentFactory, ChildFactory, ReferralFactory
from tests.personas import PERSONAS

LONDON = ZoneInfo("Europe/London")

WRITE = {"social_worker", "same_team_worker", "team_manager"}
MANAGE = {"team_manager"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def decided_referral(world, decision="assessment", **kwargs):
    """Received Thursday 1 Oct 2026 (the factory's date); assessment due 3 Dec 2026."""
    return ReferralFactory(
        child=world.child,
        decision=decision,
        decided_by=world.team_manager,
        decided_at=datetime.datetime(2026, 10, 1, 15, 0, tzinfo=LONDON),
        **kwargs,
    )


ASSESSMENT_DATA = {
    "start_date": "2026-10-05",
    "factors": ["3B", "4B"],
    "family_history": "Mother's own childhood in care; father absent since 2020.",
    "childs_views": "I want Mum to stop crying.",
    "analysis": "Domestic abuse is the main risk; mother is protective.",
    "outcome": "cin_plan",
}


# --- Permission matrix ------------------------------------------------------------------------


def _setup(world, name):
    referral = decided_referral(world)
    assessment = AssessmentFactory(
        referral=referral, start_date=datetime.date(2026, 10, 5), factors=["21"]
    )
    if name == "assessment-add":
        return (
            reverse("cases:assessment-add", args=[world.child.pk, referral.pk]),
            {**ASSESSMENT_DATA, "start_date": "2026-10-06"},
            lambda: referral.assessments.count() == 2,
        )
    if name == "assessment-edit":
        return (
            reverse("cases:assessment-edit", args=[world.child.pk, assessment.pk]),
            {**ASSESSMENT_DATA, "version": 1},
            lambda: Assessment.objects.get(pk=assessment.pk).factors == ["3B", "4B"],
        )
    if name == "assessment-authorise":
        return (
            reverse("cases:assessment-authorise", args=[world.child.pk, assessment.pk]),
            {"authorised_date": "2026-11-02", "version": 1},
            lambda: Assessment.objects.get(pk=assessment.pk).authorised_date is not None,
        )
    raise AssertionError(name)


PAGES = [
    ("assessment-add", WRITE),
    ("assessment-edit", WRITE),
    ("assessment-authorise", MANAGE),
]


def _expected(persona, allowed, ok):
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, allowed", PAGES)
def test_assessment_pages_get_permission_matrix(world, login, name, allowed, persona):
    url, _, _ = _setup(world, name)
    response = login(world.persona(persona)).get(url)
    assert response.status_code == _expected(persona, allowed, 200)
    if response.status_code == 200:
        assert world.child.full_name in text(response)
        assert "due to be completed and authorised by 3 Dec 2026" in text(response) or (
            name == "assessment-authorise" and "3 Dec 2026" in text(response)
        )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, allowed", PAGES)
def test_assessment_pages_post_permission_matrix(world, login, name, allowed, persona):
    url, data, changed = _setup(world, name)
    response = login(world.persona(persona)).post(url, data)
    expected = _expected(persona, allowed, 302)
    assert response.status_code == expected
    assert changed() is (expected == 302 and persona != "anonymous")


# --- Recording --------------------------------------------------------------------------------


def test_start_an_assessment(world, login):
    referral = decided_referral(world)
    response = login(world.social_worker).post(
        reverse("cases:assessment-add", args=[world.child.pk, referral.pk]),
        ASSESSMENT_DATA,
        follow=True,
    )
    assessment = referral.assessments.get()
    assert assessment.child == world.child
    assert assessment.factors == ["3B", "4B"]
    assert assessment.start_date == datetime.date(2026, 10, 5)
    assert assessment.childs_views == "I want Mum to stop crying."
    page = text(response)
    assert "The assessment was saved." in page
    assert "4B Mental health – concerns about the parent or carer" in page
    assert "Child in need plan" in page


def test_no_factors_with_other_factors_is_refused(world, login):
    referral = decided_referral(world)
    response = login(world.social_worker).post(
        reverse("cases:assessment-add", args=[world.child.pk, referral.pk]),
        {**ASSESSMENT_DATA, "factors": ["21", "3B"]},
    )
    assert response.status_code == 200
    assert '"21 No factors identified" cannot be chosen together with other factors.' in text(
        response
    )
    assert not referral.assessments.exists()


def test_retired_factor_codes_are_not_offered_or_accepted(world, login):
    referral = decided_referral(world)
    url = reverse("cases:assessment-add", args=[world.child.pk, referral.pk])
    client = login(world.social_worker)
    assert 'value="18A"' not in client.get(url).content.decode()
    response = client.post(url, {**ASSESSMENT_DATA, "factors": ["18A"]})
    assert "factors" in response.context["form"].errors
    assert not referral.assessments.exists()


def test_assessment_starting_before_the_referral_is_refused(world, login):
    referral = decided_referral(world)
    response = login(world.social_worker).post(
        reverse("cases:assessment-add", args=[world.child.pk, referral.pk]),
        {**ASSESSMENT_DATA, "start_date": "2026-09-30"},
    )
    assert "The assessment cannot start before the referral was received (1 Oct 2026)." in text(
        response
    )
    assert not referral.assessments.exists()


def test_assessment_needs_a_decision_to_assess(world, login):
    referral = decided_referral(world, decision="early_help")
    response = login(world.social_worker).post(
        reverse("cases:assessment-add", args=[world.child.pk, referral.pk]),
        ASSESSMENT_DATA,
        follow=True,
    )
    assert "An assessment follows a manager's decision to assess" in text(response)
    assert not referral.assessments.exists()


def test_no_assessment_added_to_a_closed_episode(world, login):
    referral = decided_referral(
        world, closure_date=datetime.date(2026, 10, 2), closure_reason="RC8"
    )
    response = login(world.social_worker).post(
        reverse("cases:assessment-add", args=[world.child.pk, referral.pk]),
        ASSESSMENT_DATA,
        follow=True,
    )
    assert "This episode is closed" in text(response)
    assert not referral.assessments.exists()


def test_assessment_of_another_child_is_404(world, login):
    other = AssessmentFactory(referral=ReferralFactory(child=ChildFactory()))
    client = login(world.team_manager)
    for name in ("cases:assessment-edit", "cases:assessment-authorise"):
        assert client.get(reverse(name, args=[world.child.pk, other.pk])).status_code == 404


def test_stale_assessment_edit_is_refused(world, login):
    assessment = AssessmentFactory(
        referral=decided_referral(world), start_date=datetime.date(2026, 10, 5), factors=["21"]
    )
    other = Assessment.objects.get(pk=assessment.pk)
    other.analysis = "Their analysis"
    record_save(instance=other, user=world.same_team_worker, expected_version=1)
    response = login(world.social_worker).post(
        reverse("cases:assessment-edit", args=[world.child.pk, assessment.pk]),
        {**ASSESSMENT_DATA, "analysis": "My analysis", "version": 1},
    )
    assert "Someone else saved this record after you opened it." in text(response)
    assessment.refresh_from_db()
    assert assessment.analysis == "Their analysis"


def test_authorised_assessment_can_no_longer_be_edited(world, login):
    assessment = AssessmentFactory(
        referral=decided_referral(world),
        start_date=datetime.date(2026, 10, 5),
        factors=["21"],
        authorised_date=datetime.date(2026, 11, 2),
        authorised_by=world.team_manager,
    )
    response = login(world.social_worker).post(
        reverse("cases:assessment-edit", args=[world.child.pk, assessment.pk]),
        {**ASSESSMENT_DATA, "version": 1},
        follow=True,
    )
    assert "authorised on 2 Nov 2026 and can no longer be changed" in text(response)
    assessment.refresh_from_db()
    assert assessment.factors == ["21"]


# --- Authorising ------------------------------------------------------------------------------


def test_authorise_defaults_to_today_and_records_the_manager(world, login):
    assessment = AssessmentFactory(
        referral=decided_referral(world), start_date=datetime.date(2026, 10, 5), factors=["3B"]
    )
    client = login(world.team_manager)
    url = reverse("cases:assessment-authorise", args=[world.child.pk, assessment.pk])
    form = client.get(url).context["form"]
    assert form["authorised_date"].value() == timezone.localdate()
    response = client.post(url, {"authorised_date": "2026-11-02", "version": 1}, follow=True)
    assessment.refresh_from_db()
    assert assessment.authorised_date == datetime.date(2026, 11, 2)
    assert assessment.authorised_by == world.team_manager
    page = text(response)
    assert "The assessment was authorised." in page
    assert f"2 Nov 2026 (in time)</span> by {world.team_manager}" in page


def test_assessment_authorised_after_the_due_date_is_flagged_late(world, login):
    referral = decided_referral(
        world, received_at=datetime.datetime(2025, 10, 1, 10, 0, tzinfo=LONDON)
    )
    assert referral.assessment_due == datetime.date(2025, 12, 3)
    AssessmentFactory(
        referral=referral,
        start_date=datetime.date(2025, 10, 2),
        factors=["3B"],
        authorised_date=datetime.date(2025, 12, 4),
        authorised_by=world.team_manager,
    )
    page = text(login(world.social_worker).get(reverse("cases:referrals", args=[world.child.pk])))
    assert '<span class="status-overdue">4 Dec 2025 (late)</span>' in page


def test_unauthorised_assessment_past_its_due_date_is_shown_overdue(world, login):
    referral = decided_referral(
        world, received_at=datetime.datetime(2025, 10, 1, 10, 0, tzinfo=LONDON)
    )
    AssessmentFactory(referral=referral, start_date=datetime.date(2025, 10, 2), factors=["3B"])
    page = text(login(world.social_worker).get(reverse("cases:referrals", args=[world.child.pk])))
    assert '<span class="status-overdue">Not yet authorised (overdue)</span>' in page


def test_authorised_before_start_is_refused(world, login):
    assessment = AssessmentFactory(
        referral=decided_referral(world), start_date=datetime.date(2026, 10, 5), factors=["3B"]
    )
    response = login(world.team_manager).post(
        reverse("cases:assessment-authorise", args=[world.child.pk, assessment.pk]),
        {"authorised_date": "2026-10-04", "version": 1},
    )
    assert response.status_code == 200
    assert "An assessment cannot be authorised before it started." in text(response)
    assessment.refresh_from_db()
    assert assessment.authorised_date is None
    assert assessment.authorised_by is None


def test_factors_are_required_before_authorising(world, login):
    assessment = AssessmentFactory(
        referral=decided_referral(world), start_date=datetime.date(2026, 10, 5), factors=[]
    )
    response = login(world.team_manager).post(
        reverse("cases:assessment-authorise", args=[world.child.pk, assessment.pk]),
        {"authorised_date": "2026-11-02", "version": 1},
    )
    assert response.status_code == 200
    assert "Record the factors identified before authorising" in text(response)
    assessment.refresh_from_db()
    assert assessment.authorised_date is None


def test_an_authorised_assessment_is_not_authorised_again(world, login):
    assessment = AssessmentFactory(
        referral=decided_referral(world),
        start_date=datetime.date(2026, 10, 5),
        factors=["3B"],
        authorised_date=datetime.date(2026, 10, 20),
        authorised_by=world.team_manager,
    )
    response = login(world.team_manager).post(
        reverse("cases:assessment-authorise", args=[world.child.pk, assessment.pk]),
        {"authorised_date": "2026-11-02", "version": 1},
        follow=True,
    )
    assert "already authorised on 20 Oct 2026" in text(response)
    assessment.refresh_from_db()
    assert assessment.authorised_date == datetime.date(2026, 10, 20)


def test_authorise_button_only_for_the_team_manager(world, login):
    referral = decided_referral(world)
    assessment = AssessmentFactory(
        referral=referral, start_date=datetime.date(2026, 10, 5), factors=["3B"]
    )
    url = reverse("cases:referral-detail", args=[world.child.pk, referral.pk])
    authorise = reverse("cases:assessment-authorise", args=[world.child.pk, assessment.pk])
    edit = reverse("cases:assessment-edit", args=[world.child.pk, assessment.pk])
    manager_page = text(login(world.team_manager).get(url))
    worker_page = text(login(world.social_worker).get(url))
    assert authorise in manager_page
    assert authorise not in worker_page
    assert edit in worker_page
