"""The chair's pages: attendance, outcome and minutes; and the whole path through the client."""

import datetime

import pytest
from django.urls import reverse

from conferences import services
from conferences.models import ChildProtectionPlan, Conference, ConferenceParticipant
from tests.conferences.diary_helpers import (
    book,
    days_ago,
    expected,
    held_day,
    icpc_for,
    participant_post,
    schedule_post,
    today,
)
from tests.conferences.factories import hold
from tests.documents.helpers import share_report
from tests.personas import PERSONAS
from timescales import rules as timescales

CHAIR = {"iro"}


@pytest.fixture
def booked(world):
    conference = icpc_for(world.child, strategy_on=days_ago(1))
    return book(conference, chair=world.iro)


@pytest.fixture
def held(world):
    conference = icpc_for(world.child, strategy_on=days_ago(30))
    return hold(conference, chair=world.iro, held_on=days_ago(2), minutes="Draft minutes.")


def _outcome_post(conference, **overrides):
    data = {
        "held_on": held_day().isoformat(),
        "childs_views": "I like it when Nan picks me up.",
        "childs_views_how": "Talked with the social worker at school, using three houses.",
        "decision": "plan",
        "category": "NEG",
        "decision_reasons": "Repeated neglect of basic care; risk of significant harm.",
        "outline_plan": "Ruby goes to school every day, clean and fed.",
        "first_core_group_date": "",
        "next_review_date": "",
        "minutes": "The conference was quorate. Everyone agreed a plan was needed.",
        "version": conference.version,
    }
    data.update(overrides)
    return data


# --- Permission matrices ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_outcome_page_permission_matrix(world, booked, login, persona):
    response = login(world.persona(persona)).get(reverse("conferences:outcome", args=[booked.pk]))
    assert response.status_code == expected(persona, CHAIR)


@pytest.mark.parametrize("persona", PERSONAS)
def test_outcome_post_permission_matrix(world, booked, login, persona):
    response = login(world.persona(persona)).post(
        reverse("conferences:outcome", args=[booked.pk]), _outcome_post(booked)
    )
    assert response.status_code == expected(persona, CHAIR, ok=302)
    booked.refresh_from_db()
    assert (booked.status == "held") == (persona in CHAIR)
    assert ChildProtectionPlan.objects.filter(child=world.child).exists() == (persona in CHAIR)


@pytest.mark.parametrize("persona", PERSONAS)
def test_minutes_approve_permission_matrix(world, held, login, persona):
    client = login(world.persona(persona))
    url = reverse("conferences:minutes-approve", args=[held.pk])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == expected(persona, CHAIR, ok=302)
    held.refresh_from_db()
    assert (held.minutes_approved_by == world.iro) == (persona in CHAIR)


@pytest.mark.parametrize("persona", PERSONAS)
def test_minutes_distribute_permission_matrix(world, held, login, persona):
    services.minutes_approve(conference=held, user=world.iro)
    client = login(world.persona(persona))
    url = reverse("conferences:minutes-distribute", args=[held.pk])
    assert client.get(url).status_code == (302 if persona == "anonymous" else 405)
    response = client.post(url, {"distributed_on": today().isoformat()})
    assert response.status_code == expected(persona, {"business_support"}, ok=302)
    held.refresh_from_db()
    assert (held.minutes_distributed_on == today()) == (persona == "business_support")


def test_another_iro_gets_404_on_every_chair_page(world, booked, login):
    client = login(world.other_iro)
    for name in ("conferences:outcome", "conferences:participants", "conferences:detail"):
        assert client.get(reverse(name, args=[booked.pk])).status_code == 404
    assert client.post(reverse("conferences:minutes-approve", args=[booked.pk])).status_code == 404


# --- The whole path ----------------------------------------------------------------------------


def test_the_whole_conference_through_the_client(world, login):
    conference = icpc_for(world.child, strategy_on=days_ago(30))  # target date has passed
    detail = reverse("conferences:detail", args=[conference.pk])

    # Business support schedule it: late, so a reason and an interim safety plan are needed.
    bs = login(world.business_support)
    url = reverse("conferences:schedule", args=[conference.pk])
    response = bs.post(url, schedule_post(conference, world.iro, today()))
    assert response.status_code == 200
    assert "late_reason" in response.context["form"].errors
    response = bs.post(
        url,
        schedule_post(
            conference,
            world.iro,
            today(),
            late_reason_code="chair",
            late_reason="No chair was free on the target date.",
            interim_safety_plan="Ruby stays with Nan; daily visits by the social worker.",
        ),
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == "scheduled" and conference.is_late

    # The team manager agrees the interim safety plan.
    response = login(world.team_manager).post(
        reverse("conferences:interim-plan-agree", args=[conference.pk]),
        {"version": conference.version},
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.interim_plan_agreed_by == world.team_manager
    bs = login(world.business_support)

    # ... invite people ...
    invited = [
        {"kind": "agency", "agency": "social_care", "name": "Sam Worker", "role": "SW"},
        {"kind": "agency", "agency": "police", "name": "PC Jones", "role": "PPU"},
        {"kind": "agency", "agency": "health", "name": "Dr Patel", "role": "GP"},
        {"kind": "parent", "name": "Mary Example", "role": "Mother"},
    ]
    for row in invited:
        row.update(
            invited_on=days_ago(3).isoformat(),
            knows_child="unknown",
            had_reports_in_advance="unknown",
        )
    response = bs.post(
        reverse("conferences:participants", args=[conference.pk]), participant_post(invited)
    )
    assert response.status_code == 302
    assert conference.participants.count() == 4

    # ... the worker records the report shared with the mother; business support see it.
    share_report(conference, days_ago(5), recipient="Mary Example", user=world.social_worker)
    page = bs.get(reverse("conferences:reports-shared", args=[conference.pk])).content.decode()
    assert "Mary Example (parent or carer, by hand" in page
    conference = Conference.objects.get(pk=conference.pk)
    assert conference.reports_shared_in_advance is True

    # The IRO records attendance: the quorum is shown.
    iro = login(world.iro)
    url = reverse("conferences:participants", args=[conference.pk])
    formset = iro.get(url).context["formset"]
    assert {f.initial["name"] for f in formset.initial_forms} == {
        "Sam Worker",
        "PC Jones",
        "Dr Patel",
        "Mary Example",
    }
    attended = [
        {k: ("" if v is None else v) for k, v in row.items()}
        for row in [dict(f.initial) for f in formset.initial_forms]
    ]
    for row in attended:
        row["status"] = "attended"
        row["knows_child"] = "true" if row["agency"] == "health" else "unknown"
        row["had_reports_in_advance"] = "true" if row["kind"] == "parent" else "unknown"
        row["invited_on"] = days_ago(3).isoformat()
    response = iro.post(url, participant_post(attended))
    assert response.status_code == 302
    health = ConferenceParticipant.objects.get(conference=conference, agency="health")
    assert health.status == "attended" and health.knows_child is True

    response = iro.get(reverse("conferences:outcome", args=[conference.pk]))
    content = response.content.decode()
    assert "Quorate: children&#x27;s social care and at least two other agencies took part." in (
        content
    )
    assert "Police: took part" in content
    first_core_group = timescales.first_core_group_due(today())
    assert response.context["form"].initial["first_core_group_date"] == first_core_group

    # ... the decision, category, outline plan and minutes ...
    response = iro.post(
        reverse("conferences:outcome", args=[conference.pk]),
        _outcome_post(
            conference,
            version=conference.version,
            first_core_group_date=first_core_group,
            # Late: the form shows the reason and the interim safety plan, filled in.
            late_reason_code=conference.late_reason_code,
            late_reason=conference.late_reason,
            interim_safety_plan=conference.interim_safety_plan,
        ),
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == "held"
    assert conference.held_on == held_day()
    assert conference.decision == "plan" and conference.category == "NEG"
    assert conference.first_core_group_date == first_core_group
    plan = ChildProtectionPlan.objects.get(child=world.child)
    assert plan.start_date == held_day() == conference.held_on
    assert plan.initial_category == "NEG"
    assert plan.outcomes.get().what_needs_to_change == (
        "Ruby goes to school every day, clean and fed."
    )
    assert Conference.objects.filter(
        child=world.child,
        conference_type="review",
        target_date=timescales.first_review_due(held_day()),
    ).exists()

    # ... and approves the minutes.
    url = reverse("conferences:minutes-approve", args=[conference.pk])
    assert iro.post(url, {"confirm": "yes"}).status_code == 302
    conference.refresh_from_db()
    assert conference.minutes_approved_by == world.iro

    # Business support distribute them. (login() signs the one test client in as someone else.)
    bs = login(world.business_support)
    response = bs.post(
        reverse("conferences:minutes-distribute", args=[conference.pk]),
        {"distributed_on": today().isoformat()},
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.minutes_distributed_on == today()
    content = bs.get(detail).content.decode()
    assert f"Distributed {today():%-d %b %Y}" in content
    assert "The conference was quorate. Everyone agreed" not in content  # minutes text hidden


# --- The outcome page --------------------------------------------------------------------------


def test_an_initial_conference_decides_plan_or_no_plan(world, booked, login):
    response = login(world.iro).get(reverse("conferences:outcome", args=[booked.pk]))
    form = response.context["form"]
    assert [value for value, _ in form.fields["decision"].choices] == ["plan", "no_plan"]
    assert "end_next_step" not in form.fields
    assert "Not quorate: children&#x27;s social care has not taken part." in (
        response.content.decode()
    )


def test_a_plan_needs_a_category(world, booked, login):
    response = login(world.iro).post(
        reverse("conferences:outcome", args=[booked.pk]), _outcome_post(booked, category="")
    )
    assert response.status_code == 200
    assert "Choose the category of abuse" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == "scheduled"


def test_no_plan_makes_no_plan(world, booked, login):
    response = login(world.iro).post(
        reverse("conferences:outcome", args=[booked.pk]),
        _outcome_post(booked, decision="no_plan", category=""),
    )
    assert response.status_code == 302
    assert not ChildProtectionPlan.objects.filter(child=world.child).exists()
    booked.refresh_from_db()
    assert booked.decision == "no_plan"
    assert booked.first_core_group_date is None


def test_a_conference_cannot_be_held_in_the_future(world, booked, login):
    tomorrow = today() + datetime.timedelta(days=1)
    response = login(world.iro).post(
        reverse("conferences:outcome", args=[booked.pk]),
        _outcome_post(booked, held_on=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    assert "A conference cannot be held in the future." in response.content.decode()


def test_a_review_continues_or_ends_and_ending_needs_a_next_step(world, held, login):
    review = Conference.objects.get(child=world.child, conference_type="review")
    review.chair = world.iro
    review.save()
    client = login(world.iro)
    url = reverse("conferences:outcome", args=[review.pk])
    form = client.get(url).context["form"]
    assert [value for value, _ in form.fields["decision"].choices] == ["continue", "end"]
    assert "first_core_group_date" not in form.fields
    response = client.post(
        url, _outcome_post(review, decision="end", category="", end_next_step="")
    )
    assert response.status_code == 200
    assert "Say what happens next when the plan ends." in response.content.decode()
    response = client.post(
        url, _outcome_post(review, decision="end", category="", end_next_step="cin_plan")
    )
    assert response.status_code == 302
    plan = ChildProtectionPlan.objects.get(child=world.child)
    assert plan.end_date == held_day()
    assert plan.end_next_step == "cin_plan"


def test_after_the_conference_the_chair_may_change_only_the_minutes(world, held, login):
    client = login(world.iro)
    url = reverse("conferences:outcome", args=[held.pk])
    response = client.get(url)
    assert set(response.context["form"].fields) == {"version", "minutes"}
    response = client.post(url, {"minutes": "Final minutes.", "version": held.version})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.minutes == "Final minutes."
    assert Conference.objects.filter(child=world.child, conference_type="review").count() == 1
    client.post(reverse("conferences:minutes-approve", args=[held.pk]), {"confirm": "yes"})
    response = client.get(url)
    assert response.status_code == 302  # approved minutes are final


def test_minutes_cannot_be_approved_when_there_are_none(world, held, login):
    Conference.objects.filter(pk=held.pk).update(minutes="")
    client = login(world.iro)
    response = client.post(reverse("conferences:minutes-approve", args=[held.pk]), follow=True)
    assert "There are no minutes to approve." in response.content.decode()
    held.refresh_from_db()
    assert held.minutes_approved_at is None


def test_minutes_go_out_only_after_approval(world, held, login):
    client = login(world.business_support)
    response = client.post(
        reverse("conferences:minutes-distribute", args=[held.pk]),
        {"distributed_on": today().isoformat()},
        follow=True,
    )
    assert "The chair must approve the minutes first." in response.content.decode()
    held.refresh_from_db()
    assert held.minutes_distributed_on is None


def test_minutes_distributed_date_cannot_be_in_the_future(world, held, login):
    services.minutes_approve(conference=held, user=world.iro)
    response = login(world.business_support).post(
        reverse("conferences:minutes-distribute", args=[held.pk]),
        {"distributed_on": (today() + datetime.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "This date cannot be in the future." in response.content.decode()
    held.refresh_from_db()
    assert held.minutes_distributed_on is None


def test_minutes_overdue_are_flagged_in_words(world, login):
    conference = icpc_for(world.child, strategy_on=days_ago(80))
    hold(conference, chair=world.iro, held_on=days_ago(40), minutes="Draft.")
    content = (
        login(world.business_support)
        .get(reverse("conferences:detail", args=[conference.pk]))
        .content.decode()
    )
    assert "overdue: not yet distributed" in content
    assert f"{timescales.minutes_due(days_ago(40)):%-d %b %Y}" in content
