"""Referrals (CIN episodes): the list, recording, the threshold decision and closure."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Referral
from cases.selectors_episodes import rereferral_window_start
from cases.services_episodes import referral_create
from tests.cases.factories import AssessmentFactory, ChildFactory, ReferralFactory
from tests.personas import PERSONAS

LONDON = ZoneInfo("Europe/London")

SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}
MANAGE = {"team_manager"}


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def text(response) -> str:
    return html.unescape(response.content.decode())


def closed_episode(child, received, closed, reason="RC7", **kwargs) -> Referral:
    return ReferralFactory(
        child=child,
        received_at=received,
        decision="assessment",
        decided_at=received + datetime.timedelta(hours=2),
        closure_date=closed,
        closure_reason=reason,
        **kwargs,
    )


# --- Permission matrix ------------------------------------------------------------------------


def _setup(world, name):
    """(url, POST data, did-the-POST-change-the-record) for each page, on world.child."""
    child = world.child
    open_referral = ReferralFactory(child=child)
    if name == "referrals":
        return reverse("cases:referrals", args=[child.pk]), {}, None
    if name == "referral-detail":
        url = reverse("cases:referral-detail", args=[child.pk, open_referral.pk])
        return url, {}, None
    if name == "referral-add":
        open_referral.decision = "nfa"
        open_referral.closure_date = datetime.date(2026, 10, 2)
        open_referral.closure_reason = "RC8"
        open_referral.save()
        data = {
            "received_at": "2026-11-20T09:15",
            "source": "3A",
            "referrer_name": "Dr Example",
            "reason": "GP concerned about weight loss (synthetic).",
            "primary_need": "N1",
        }
        return (
            reverse("cases:referral-add", args=[child.pk]),
            data,
            lambda: child.referrals.filter(source="3A").exists(),
        )
    if name == "referral-edit":
        data = {
            "received_at": "2026-10-01T11:30",
            "source": "2A",
            "referrer_name": "Head teacher (changed)",
            "reason": open_referral.reason,
            "primary_need": "N1",
            "version": 1,
        }
        return (
            reverse("cases:referral-edit", args=[child.pk, open_referral.pk]),
            data,
            lambda: (
                Referral.objects.get(pk=open_referral.pk).referrer_name == "Head teacher (changed)"
            ),
        )
    if name == "referral-decide":
        data = {"decision": "assessment", "reason": "Bruising needs assessment.", "version": 1}
        return (
            reverse("cases:referral-decide", args=[child.pk, open_referral.pk]),
            data,
            lambda: Referral.objects.get(pk=open_referral.pk).decision == "assessment",
        )
    if name == "referral-close":
        open_referral.decision = "nfa"
        open_referral.decided_at = open_referral.received_at
        open_referral.save()
        data = {
            "closure_date": "2026-10-02",
            "closure_reason": "RC8",
            "primary_need": "N1",
            "version": 1,
            "confirm": "yes",
        }
        return (
            reverse("cases:referral-close", args=[child.pk, open_referral.pk]),
            data,
            lambda: Referral.objects.get(pk=open_referral.pk).closure_date is not None,
        )
    raise AssertionError(name)


PAGES = [
    # (url name, who may GET, who may POST; None: GET only)
    ("referrals", SEE, None),
    ("referral-detail", SEE, None),
    ("referral-add", WRITE, WRITE),
    ("referral-edit", WRITE, WRITE),
    ("referral-decide", MANAGE, MANAGE),
    ("referral-close", WRITE, WRITE),
]


def _expected(persona, allowed, ok):
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, may_get, may_post", PAGES)
def test_referral_pages_get_permission_matrix(world, login, name, may_get, may_post, persona):
    url, _, _ = _setup(world, name)
    response = login(world.persona(persona)).get(url)
    assert response.status_code == _expected(persona, may_get, 200)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if response.status_code == 200:
        assert world.child.full_name in text(response)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name, may_get, may_post", PAGES)
def test_referral_pages_post_permission_matrix(world, login, name, may_get, may_post, persona):
    url, data, changed = _setup(world, name)
    response = login(world.persona(persona)).post(url, data)
    if may_post is None:
        # Read-only pages refuse a POST (after the login check).
        assert response.status_code == (302 if persona == "anonymous" else 405)
        return
    expected = _expected(persona, may_post, 302)
    assert response.status_code == expected, getattr(response, "context", None) and (
        response.context.get("form") and response.context["form"].errors
    )
    if expected == 302 and persona != "anonymous":
        assert changed()
        assert not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert not changed()


# --- The list ---------------------------------------------------------------------------------


def test_referrals_list_shows_episodes_newest_first_with_assessments(world, login):
    older = closed_episode(
        world.child, london(2024, 1, 10, 9, 0), datetime.date(2024, 3, 1), source="6"
    )
    newer = ReferralFactory(
        child=world.child,
        received_at=london(2026, 10, 1, 10, 0),
        decision="assessment",
        decided_by=world.team_manager,
        decided_at=london(2026, 10, 1, 15, 0),
    )
    AssessmentFactory(referral=newer, start_date=datetime.date(2026, 10, 5), factors=["3B", "4B"])
    page = text(login(world.social_worker).get(reverse("cases:referrals", args=[world.child.pk])))
    assert page.index("Referral received 1 Oct 2026") < page.index("Referral received 10 Jan 2024")
    assert "6 Police" in page
    assert f"Decided by {world.team_manager}" in page
    assert "within 1 working day" in page
    assert "3B Domestic abuse – concerns about the parent or carer" in page
    assert "5 Oct 2026" in page  # assessment start
    assert "3 Dec 2026" in page  # due: 45 working days from 1 Oct 2026
    assert "Closed 1 Mar 2024: RC7" in page
    assert older.pk != newer.pk


def test_referral_list_offers_no_new_referral_while_one_is_open(world, login):
    ReferralFactory(child=world.child)
    page = text(login(world.social_worker).get(reverse("cases:referrals", args=[world.child.pk])))
    assert "close it before recording a new referral" in page
    assert reverse("cases:referral-add", args=[world.child.pk]) not in page


def test_senior_manager_sees_referrals_without_action_buttons(world, login):
    referral = ReferralFactory(child=world.child)
    client = login(world.senior_manager)
    page = text(client.get(reverse("cases:referral-detail", args=[world.child.pk, referral.pk])))
    assert "Referral received 1 Oct 2026" in page
    assert reverse("cases:referral-edit", args=[world.child.pk, referral.pk]) not in page
    assert reverse("cases:referral-decide", args=[world.child.pk, referral.pk]) not in page


def test_referral_of_another_child_is_404_through_this_child(world, login):
    other = ReferralFactory(child=ChildFactory(allocated_team=world.other_team))
    client = login(world.social_worker)
    for name in ("cases:referral-detail", "cases:referral-edit", "cases:referral-close"):
        assert client.get(reverse(name, args=[world.child.pk, other.pk])).status_code == 404


# --- Decision timescale -----------------------------------------------------------------------


def test_decision_due_skips_christmas_bank_holidays(world, login):
    referral = ReferralFactory(child=world.child, received_at=london(2023, 12, 22, 16, 0))
    assert referral.decision_due == datetime.date(2023, 12, 27)
    page = login(world.social_worker).get(reverse("cases:referrals", args=[world.child.pk]))
    assert '<span class="status-overdue">Awaiting decision, due 27 Dec 2023 (late)</span>' in text(
        page
    )


def test_decision_on_the_due_day_after_bank_holidays_is_in_time(world, login):
    referral = ReferralFactory(
        child=world.child,
        received_at=london(2023, 12, 22, 16, 0),
        decision="assessment",
        decided_by=world.team_manager,
        decided_at=london(2023, 12, 27, 17, 30),
    )
    assert not referral.decision_late
    url = reverse("cases:referral-detail", args=[world.child.pk, referral.pk])
    page = text(login(world.social_worker).get(url))
    assert "within 1 working day (due 27 Dec 2023)" in page


def test_decision_the_day_after_due_is_shown_late(world, login):
    referral = ReferralFactory(
        child=world.child,
        received_at=london(2023, 12, 22, 16, 0),
        decision="nfa",
        decided_by=world.team_manager,
        decided_at=london(2023, 12, 28, 9, 0),
    )
    url = reverse("cases:referral-detail", args=[world.child.pk, referral.pk])
    page = text(login(world.social_worker).get(url))
    assert '<span class="status-overdue">late (due 27 Dec 2023)</span>' in page


def test_decide_records_decided_by_and_time(world, login):
    referral = ReferralFactory(child=world.child)
    before = timezone.now()
    response = login(world.team_manager).post(
        reverse("cases:referral-decide", args=[world.child.pk, referral.pk]),
        {"decision": "strategy", "reason": "Injury to a non-mobile baby.", "version": 1},
        follow=True,
    )
    referral.refresh_from_db()
    assert referral.decision == "strategy"
    assert referral.decision_reason == "Injury to a non-mobile baby."
    assert referral.decided_by == world.team_manager
    assert referral.decided_at >= before
    page = text(response)
    assert "The threshold decision was recorded." in page
    assert f"Decided by {world.team_manager}" in page


def test_decision_needs_a_reason(world, login):
    referral = ReferralFactory(child=world.child)
    response = login(world.team_manager).post(
        reverse("cases:referral-decide", args=[world.child.pk, referral.pk]),
        {"decision": "nfa", "reason": ""},
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.decision == ""
    assert referral.decided_by is None


def test_a_decided_referral_cannot_be_decided_again(world, login):
    referral = ReferralFactory(
        child=world.child,
        decision="nfa",
        decided_by=world.team_manager,
        decided_at=london(2026, 10, 1, 14, 0),
    )
    response = login(world.team_manager).post(
        reverse("cases:referral-decide", args=[world.child.pk, referral.pk]),
        {"decision": "strategy", "reason": "Changed my mind."},
        follow=True,
    )
    referral.refresh_from_db()
    assert referral.decision == "nfa"
    assert "already recorded" in text(response)


def test_decision_by_another_teams_manager_is_404_and_not_recorded(world, login):
    referral = ReferralFactory(child=world.child)
    response = login(world.other_manager).post(
        reverse("cases:referral-decide", args=[world.child.pk, referral.pk]),
        {"decision": "nfa", "reason": "x"},
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.decided_by is None


# --- Recording a referral ---------------------------------------------------------------------


REFERRAL_DATA = {
    "source": "2A",
    "referrer_name": "Head of Year (synthetic)",
    "reason": "Pupil disclosed being hit at home.",
    "primary_need": "N1",
}


def test_record_a_referral(world, login):
    response = login(world.social_worker).post(
        reverse("cases:referral-add", args=[world.child.pk]),
        {**REFERRAL_DATA, "received_at": "2026-11-20T16:45"},
        follow=True,
    )
    referral = world.child.referrals.get()
    assert referral.received_at == london(2026, 11, 20, 16, 45)
    assert referral.created_by == world.social_worker
    assert referral.source == "2A"
    assert response.redirect_chain[-1][0] == reverse(
        "cases:referral-detail", args=[world.child.pk, referral.pk]
    )
    page = text(response)
    assert "The referral was recorded." in page
    # Friday 20 Nov 2026 16:45: decision due Monday 23 Nov.
    assert "23 Nov 2026" in page
    assert "Re-referral" not in page


def test_new_referral_refused_while_another_episode_is_open(world, login):
    current = ReferralFactory(child=world.child)
    client = login(world.social_worker)
    url = reverse("cases:referral-add", args=[world.child.pk])
    response = client.post(url, {**REFERRAL_DATA, "received_at": "2026-11-20T09:00"}, follow=True)
    assert list(world.child.referrals.all()) == [current]
    page = text(response)
    assert "already has an open episode (referral received 1 Oct 2026)" in page
    assert "Close it before recording a new referral." in page
    # The form is not even offered.
    get = client.get(url)
    assert get.status_code == 302
    assert get["Location"] == reverse("cases:referral-detail", args=[world.child.pk, current.pk])


def test_service_refuses_a_second_open_episode(world):
    ReferralFactory(child=world.child)
    with pytest.raises(ValidationError, match="already has an open episode"):
        referral_create(
            referral=Referral(
                child=world.child,
                received_at=london(2026, 11, 2, 9, 0),
                source="6",
                reason="Police notification.",
            ),
            user=world.social_worker,
        )
    assert world.child.referrals.count() == 1


def test_new_referral_cannot_fall_inside_an_earlier_episode(world, login):
    closed_episode(world.child, london(2026, 3, 1, 9, 0), datetime.date(2026, 6, 1))
    response = login(world.social_worker).post(
        reverse("cases:referral-add", args=[world.child.pk]),
        {**REFERRAL_DATA, "received_at": "2026-05-01T09:00"},
    )
    assert response.status_code == 200
    assert "Episodes cannot overlap." in text(response)
    assert world.child.referrals.count() == 1


def test_referral_in_the_future_refused(world, login):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = login(world.social_worker).post(
        reverse("cases:referral-add", args=[world.child.pk]),
        {**REFERRAL_DATA, "received_at": future},
    )
    assert "The referral cannot be received in the future." in text(response)
    assert not world.child.referrals.exists()


# --- Re-referral within 12 months -------------------------------------------------------------


def test_rereferral_window_is_twelve_calendar_months():
    assert rereferral_window_start(datetime.date(2026, 6, 1)) == datetime.date(2025, 6, 1)
    assert rereferral_window_start(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_referral_twelve_months_after_a_referral_is_a_rereferral_with_the_earlier_one(world, login):
    """DfE: a referral within 12 months of a previous referral. Received Mon 1 Jun 2026; the
    earlier referral was received Mon 1 Jun 2025 (the same date a year before: within) and is
    still open when the new one comes in."""
    earlier = closed_episode(world.child, london(2025, 6, 1, 10, 0), datetime.date(2026, 6, 1))
    new = ReferralFactory(child=world.child, received_at=london(2026, 6, 1, 11, 0))
    client = login(world.social_worker)
    detail = text(client.get(reverse("cases:referral-detail", args=[world.child.pk, new.pk])))
    earlier_url = reverse("cases:referral-detail", args=[world.child.pk, earlier.pk])
    assert "Re-referral within 12 months" in detail
    assert f'<a href="{earlier_url}">the referral received 1 Jun 2025</a>' in detail
    listing = text(client.get(reverse("cases:referrals", args=[world.child.pk])))
    assert listing.count("Re-referral within 12 months") == 2  # heading badge and the details
    assert earlier_url in listing
    # The earlier episode itself is not a re-referral.
    earlier_page = client.get(reverse("cases:referral-detail", args=[world.child.pk, earlier.pk]))
    assert "Re-referral within 12 months" not in text(earlier_page)


def test_referral_a_day_more_than_twelve_months_after_a_referral_is_not_a_rereferral(world, login):
    # Received and closed Sat 31 May 2025; the new one Mon 1 Jun 2026: neither measure.
    closed_episode(world.child, london(2025, 5, 31, 10, 0), datetime.date(2025, 5, 31))
    new = ReferralFactory(child=world.child, received_at=london(2026, 6, 1, 9, 0))
    detail = text(
        login(world.social_worker).get(
            reverse("cases:referral-detail", args=[world.child.pk, new.pk])
        )
    )
    assert "Re-referral" not in detail
    assert "Re-referred" not in detail


def test_referral_within_twelve_months_of_closure_only_is_the_local_measure(world, login):
    """Received 3 Mar 2025 and closed 1 Jun 2025; the new referral on 1 Jun 2026 is more than
    12 months after that referral (not a DfE re-referral) but within 12 months of its closure:
    re-referred within 12 months of closure, the local measure, and said so."""
    earlier = closed_episode(world.child, london(2025, 3, 3, 10, 0), datetime.date(2025, 6, 1))
    new = ReferralFactory(child=world.child, received_at=london(2026, 6, 1, 9, 0))
    client = login(world.social_worker)
    detail = text(client.get(reverse("cases:referral-detail", args=[world.child.pk, new.pk])))
    earlier_url = reverse("cases:referral-detail", args=[world.child.pk, earlier.pk])
    assert "Re-referral within 12 months" not in detail
    assert "Re-referred within 12 months of closure or step-down (a local measure)" in detail
    assert f'<a href="{earlier_url}">the episode received 3 Mar 2025</a>' in detail
    assert "closed 1 Jun 2025" in detail


def test_referral_a_day_more_than_twelve_months_after_closure_is_not_flagged(world, login):
    closed_episode(world.child, london(2025, 3, 3, 10, 0), datetime.date(2025, 6, 1))
    new = ReferralFactory(child=world.child, received_at=london(2026, 6, 2, 9, 0))
    client = login(world.social_worker)
    detail = client.get(reverse("cases:referral-detail", args=[world.child.pk, new.pk]))
    assert "Re-referral" not in text(detail)
    listing = client.get(reverse("cases:referrals", args=[world.child.pk]))
    assert "Re-referral" not in text(listing)


def test_rereferral_after_step_down_to_early_help_shows_on_the_new_referral_page(world, login):
    earlier = closed_episode(
        world.child,
        london(2026, 2, 2, 10, 0),
        datetime.date(2026, 4, 30),
        reason="RC9",
        stepped_down_to_early_help=True,
    )
    response = login(world.social_worker).post(
        reverse("cases:referral-add", args=[world.child.pk]),
        {**REFERRAL_DATA, "received_at": "2026-11-20T09:00"},
        follow=True,
    )
    page = text(response)
    assert "Re-referral within 12 months" in page
    assert "stepped down to early help 30 Apr 2026" in page
    assert reverse("cases:referral-detail", args=[world.child.pk, earlier.pk]) in page


def test_rereferral_links_to_the_most_recent_earlier_closure(world, login):
    closed_episode(world.child, london(2025, 1, 6, 10, 0), datetime.date(2025, 2, 1))
    latest = closed_episode(world.child, london(2025, 9, 1, 10, 0), datetime.date(2025, 12, 1))
    new = ReferralFactory(child=world.child, received_at=london(2026, 1, 5, 9, 0))
    page = text(
        login(world.social_worker).get(
            reverse("cases:referral-detail", args=[world.child.pk, new.pk])
        )
    )
    assert reverse("cases:referral-detail", args=[world.child.pk, latest.pk]) in page
    assert "the episode received 1 Sep 2025" in page


# --- Editing ----------------------------------------------------------------------------------


def test_stale_referral_edit_is_refused_and_nothing_is_lost(world, login):
    referral = ReferralFactory(child=world.child, referrer_name="Original")
    url = reverse("cases:referral-edit", args=[world.child.pk, referral.pk])
    client = login(world.social_worker)
    form_page = client.get(url)
    assert form_page.context["form"]["version"].value() == 1
    # Someone else saves first.
    other = Referral.objects.get(pk=referral.pk)
    other.referrer_name = "Their change"
    from cases.services import record_save

    record_save(instance=other, user=world.same_team_worker, expected_version=1)
    response = client.post(
        url,
        {
            "received_at": "2026-10-01T11:30",
            "source": "2A",
            "referrer_name": "My change",
            "reason": referral.reason,
            "primary_need": "N1",
            "version": 1,
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Someone else saved this record after you opened it." in page
    assert "My change" in page  # the user's input is kept on the form
    referral.refresh_from_db()
    assert referral.referrer_name == "Their change"
    assert referral.version == 2


def test_editing_received_time_after_the_decision_is_refused(world, login):
    referral = ReferralFactory(
        child=world.child,
        decision="nfa",
        decided_by=world.team_manager,
        decided_at=london(2026, 10, 1, 12, 0),
    )
    response = login(world.social_worker).post(
        reverse("cases:referral-edit", args=[world.child.pk, referral.pk]),
        {**REFERRAL_DATA, "received_at": "2026-10-02T09:00", "version": 1},
    )
    assert response.status_code == 200
    assert "The decision cannot be made before the referral was received." in text(response)
    referral.refresh_from_db()
    assert referral.referral_date == datetime.date(2026, 10, 1)


# --- Closing ----------------------------------------------------------------------------------


def _decided(world, **kwargs) -> Referral:
    return ReferralFactory(
        child=world.child,
        decision="assessment",
        decided_by=world.team_manager,
        decided_at=london(2026, 10, 1, 15, 0),
        **kwargs,
    )


def test_closure_before_the_referral_date_is_refused_with_the_models_message(world, login):
    referral = _decided(world)
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {
            "confirm": "yes",
            "closure_date": "2026-09-30",
            "closure_reason": "RC7",
            "primary_need": "N1",
        },
    )
    assert response.status_code == 200
    assert "The case cannot close before the referral was received (1 Oct 2026)." in text(response)
    referral.refresh_from_db()
    assert referral.closure_date is None


def test_closing_with_rc9_records_a_step_down_to_early_help(world, login):
    referral = _decided(world)
    AssessmentFactory(
        referral=referral,
        start_date=datetime.date(2026, 10, 2),
        factors=["4B"],
        authorised_date=datetime.date(2026, 10, 20),
        authorised_by=world.team_manager,
    )
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {
            "confirm": "yes",
            "closure_date": "2026-10-21",
            "closure_reason": "RC9",
            "primary_need": "N4",
            "version": referral.version,
        },
        follow=True,
    )
    referral.refresh_from_db()
    assert referral.closure_date == datetime.date(2026, 10, 21)
    assert referral.closure_reason == "RC9"
    assert referral.primary_need == "N4"
    assert referral.stepped_down_to_early_help is True
    assert "Closed 21 Oct 2026: RC9" in text(response)
    assert "stepped down to early help" in text(response)


def test_closing_needs_reason_and_primary_need(world, login):
    referral = _decided(world, primary_need="")
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {"confirm": "yes", "closure_date": "2026-10-21", "closure_reason": "", "primary_need": ""},
    )
    form = response.context["form"]
    assert "closure_reason" in form.errors
    assert "primary_need" in form.errors
    referral.refresh_from_db()
    assert referral.closure_date is None


def test_closing_refused_while_an_assessment_is_not_authorised(world, login):
    referral = _decided(world)
    AssessmentFactory(referral=referral, start_date=datetime.date(2026, 10, 2), factors=["4B"])
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {
            "confirm": "yes",
            "closure_date": "2026-10-21",
            "closure_reason": "RC8",
            "primary_need": "N1",
            "version": referral.version,
        },
    )
    assert "The assessment started 2 Oct 2026 has not been authorised" in text(response)
    referral.refresh_from_db()
    assert referral.closure_date is None


def test_closing_before_an_assessment_was_authorised_is_refused(world, login):
    referral = _decided(world)
    AssessmentFactory(
        referral=referral,
        start_date=datetime.date(2026, 10, 2),
        factors=["21"],
        authorised_date=datetime.date(2026, 10, 20),
    )
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {
            "confirm": "yes",
            "closure_date": "2026-10-19",
            "closure_reason": "RC8",
            "primary_need": "N1",
            "version": referral.version,
        },
    )
    assert "was authorised after this closure date" in text(response)
    referral.refresh_from_db()
    assert referral.closure_date is None


def test_closing_an_undecided_referral_is_refused(world, login):
    referral = ReferralFactory(child=world.child)
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {
            "confirm": "yes",
            "closure_date": "2026-10-21",
            "closure_reason": "RC8",
            "primary_need": "N1",
        },
        follow=True,
    )
    assert "must record the threshold decision before the episode can close" in text(response)
    referral.refresh_from_db()
    assert referral.closure_date is None


# --- Query counts -----------------------------------------------------------------------------


def _many_episodes(child, manager, n, start):
    """n closed episodes 60 days apart (each a re-referral of the one before), two
    authorised assessments each."""
    for i in range(n):
        received = start + datetime.timedelta(days=60 * i)
        referral = closed_episode(
            child, received, (received + datetime.timedelta(days=30)).date(), decided_by=manager
        )
        for _ in range(2):
            AssessmentFactory(
                referral=referral,
                start_date=received.date() + datetime.timedelta(days=1),
                factors=["1B", "3B"],
                authorised_date=received.date() + datetime.timedelta(days=20),
                authorised_by=manager,
            )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_referral_list_query_count_does_not_grow_with_episodes(
    world, login, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = reverse("cases:referrals", args=[world.child.pk])
    from tests.cases.factories import CINPlanFactory

    def with_cin_plans():
        for referral in world.child.referrals.filter(cin_plans__isnull=True):
            start = referral.received_at.date() + datetime.timedelta(days=2)
            end = start + datetime.timedelta(days=5)
            CINPlanFactory(referral=referral, start_date=start, end_date=end)

    _many_episodes(world.child, world.team_manager, 1, start=london(2010, 1, 4, 10, 0))
    with_cin_plans()
    one = _count_queries(client, url)
    _many_episodes(world.child, world.same_team_worker, 29, start=london(2011, 1, 3, 10, 0))
    with_cin_plans()
    assert world.child.referrals.count() == 30
    with django_assert_max_num_queries(one):
        response = client.get(url)
    page = text(response)
    assert page.count('<h3 class="h5 card-title"') == 30
    assert page.count("Child in need plan from") == 30
    assert page.count("<caption>Assessments in the episode") == 30
    assert f"Decided by {world.same_team_worker}" in page
    assert "Re-referral within 12 months" in page


def test_referral_detail_query_count_is_fixed(world, login, django_assert_max_num_queries):
    client = login(world.team_manager)
    _many_episodes(world.child, world.team_manager, 2, start=london(2011, 1, 3, 10, 0))
    latest = world.child.referrals.order_by("-received_at").first()
    url = reverse("cases:referral-detail", args=[world.child.pk, latest.pk])
    few = _count_queries(client, url)
    _many_episodes(world.child, world.team_manager, 28, start=london(2012, 1, 2, 10, 0))
    latest = world.child.referrals.order_by("-received_at").first()
    url = reverse("cases:referral-detail", args=[world.child.pk, latest.pk])
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert "Re-referral within 12 months" in text(response)
