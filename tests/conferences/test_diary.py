"""The conference diary and business support's pages: schedule, cancel, invitations, reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import Conference, ConferenceParticipant
from tests.cases.factories import ChildFactory, FamilyMemberFactory, ProfessionalFactory
from tests.conferences.diary_helpers import (
    READERS,
    book,
    days_ago,
    expected,
    icpc_for,
    participant_post,
    schedule_post,
    today,
)
from tests.conferences.factories import ConferenceFactory, hold
from tests.documents.helpers import share_report
from tests.personas import PERSONAS
from tests.strategy.factories import london
from timescales import rules as timescales
from timescales.calendar import add_working_days, working_days_between

ARRANGER = {"business_support"}
ATTENDANCE = {"business_support", "iro"}


@pytest.fixture
def requested(world):
    """World.child's ICPC, requested yesterday: its target date is still ahead."""
    return icpc_for(world.child, strategy_on=days_ago(1))


@pytest.fixture
def booked(world, requested):
    return book(requested, chair=world.iro)


def _fmt(d: datetime.date) -> str:
    return f"{d:%-d %b %Y}"


SOCIAL_WORKER_ROW = {
    "kind": "agency",
    "agency": "social_care",
    "name": "Sam Worker",
    "role": "Social worker",
    "status": "attended",
    "knows_child": "unknown",
    "had_reports_in_advance": "unknown",
}


# --- Permission matrices ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_diary_permission_matrix(world, booked, login, persona):
    response = login(world.persona(persona)).get(reverse("conferences:diary"))
    diary_users = set(PERSONAS) - {"administrator", "anonymous"}
    assert response.status_code == expected(persona, diary_users)
    if response.status_code == 200:
        shows_child = world.child.full_name in response.content.decode()
        assert shows_child == (persona in READERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_conference_detail_permission_matrix(world, booked, login, persona):
    response = login(world.persona(persona)).get(reverse("conferences:detail", args=[booked.pk]))
    assert response.status_code == expected(persona, READERS)
    if response.status_code == 200:
        assert "Room 2, Civic Centre" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name, allowed",
    [
        ("conferences:schedule", ARRANGER),
        ("conferences:cancel", ARRANGER),
        ("conferences:reports-shared", ARRANGER),
        ("conferences:participants", ATTENDANCE),
    ],
)
def test_arranging_pages_get_permission_matrix(world, booked, login, persona, name, allowed):
    response = login(world.persona(persona)).get(reverse(name, args=[booked.pk]))
    assert response.status_code == expected(persona, allowed)


@pytest.mark.parametrize("persona", PERSONAS)
def test_schedule_post_permission_matrix(world, requested, login, persona):
    data = schedule_post(requested, world.iro, requested.target_date)
    response = login(world.persona(persona)).post(
        reverse("conferences:schedule", args=[requested.pk]), data
    )
    assert response.status_code == expected(persona, ARRANGER, ok=302)
    requested.refresh_from_db()
    assert (requested.status == "scheduled") == (persona in ARRANGER)


@pytest.mark.parametrize("persona", PERSONAS)
def test_cancel_post_permission_matrix(world, booked, login, persona):
    data = {"status": "adjourned", "cancelled_reason": "Chair ill.", "version": booked.version}
    response = login(world.persona(persona)).post(
        reverse("conferences:cancel", args=[booked.pk]), data
    )
    assert response.status_code == expected(persona, ARRANGER, ok=302)
    booked.refresh_from_db()
    assert (booked.status == "adjourned") == (persona in ARRANGER)


@pytest.mark.parametrize("persona", PERSONAS)
def test_participants_post_permission_matrix(world, booked, login, persona):
    response = login(world.persona(persona)).post(
        reverse("conferences:participants", args=[booked.pk]),
        participant_post([SOCIAL_WORKER_ROW]),
    )
    assert response.status_code == expected(persona, ATTENDANCE, ok=302)
    assert booked.participants.exists() == (persona in ATTENDANCE)


def test_only_the_current_chair_records_attendance(world, booked, login):
    url = reverse("conferences:participants", args=[booked.pk])
    booked.chair = world.other_iro  # chairs it now, but cannot see it without being chair
    booked.save()
    assert login(world.iro).get(url).status_code == 404
    assert login(world.other_iro).get(url).status_code == 200


# --- The diary ---------------------------------------------------------------------------------


def test_business_support_see_name_and_date_of_birth_but_no_link_to_the_record(
    world, booked, login
):
    response = login(world.business_support).get(reverse("conferences:diary"))
    content = response.content.decode()
    assert world.child.full_name in content
    assert _fmt(world.child.date_of_birth) in content
    assert reverse("conferences:child-plan", args=[world.child.pk]) not in content
    assert reverse("cases:child-detail", args=[world.child.pk]) not in content
    assert reverse("conferences:detail", args=[booked.pk]) in content


def test_social_worker_gets_a_link_to_the_childs_record(world, booked, login):
    content = login(world.social_worker).get(reverse("conferences:diary")).content.decode()
    assert reverse("conferences:child-plan", args=[world.child.pk]) in content


def test_diary_shows_the_booking_and_working_days_to_target(world, booked, login):
    content = login(world.business_support).get(reverse("conferences:diary")).content.decode()
    left = working_days_between(today(), booked.target_date)
    assert f"{left} working days left" in content
    assert "Room 2, Civic Centre" in content
    assert str(world.iro) in content
    assert _fmt(booked.target_date) in content
    assert "Scheduled" in content


def test_late_conference_is_flagged_in_words(world, login):
    late = icpc_for(world.child, strategy_on=days_ago(40))
    content = login(world.business_support).get(reverse("conferences:diary")).content.decode()
    passed = working_days_between(late.target_date, today())
    assert f"Late: the target date passed {passed} working days ago" in content


def test_booking_after_the_target_is_flagged_late_in_words(world, login):
    conference = icpc_for(world.child, strategy_on=days_ago(1))
    day_after = add_working_days(conference.target_date, 2)
    book(
        conference,
        chair=world.iro,
        when=london(day_after.year, day_after.month, day_after.day),
        late_reason_code="chair",
        late_reason="Chair unavailable.",
        interim_safety_plan="Grandmother to stay; daily visits.",
    )
    content = login(world.business_support).get(reverse("conferences:diary")).content.decode()
    assert "Late: booked 2 working days after the target date" in content


def test_iro_sees_the_conferences_they_chair_by_default_and_may_see_all(world, login):
    chaired = icpc_for(world.child, strategy_on=days_ago(200))
    hold(chaired, chair=world.iro, held_on=days_ago(60))
    review = Conference.objects.get(child=world.child, conference_type="review")
    assert review.chair is None
    client = login(world.iro)
    mine = client.get(reverse("conferences:diary")).content.decode()
    assert reverse("conferences:detail", args=[chaired.pk]) in mine
    assert reverse("conferences:detail", args=[review.pk]) not in mine
    everything = client.get(reverse("conferences:diary"), {"show": "all"}).content.decode()
    assert reverse("conferences:detail", args=[review.pk]) in everything


def test_diary_filters_by_status_and_type(world, booked, login):
    other = ChildFactory(allocated_team=world.team)
    review = ConferenceFactory(
        section47=None,
        child=other,
        conference_type="review",
        target_date=today() + datetime.timedelta(days=20),
    )
    client = login(world.business_support)
    by_type = client.get(reverse("conferences:diary"), {"conference_type": "review"})
    content = by_type.content.decode()
    assert reverse("conferences:detail", args=[review.pk]) in content
    assert reverse("conferences:detail", args=[booked.pk]) not in content
    by_status = client.get(reverse("conferences:diary"), {"status": "scheduled"}).content.decode()
    assert reverse("conferences:detail", args=[booked.pk]) in by_status
    assert reverse("conferences:detail", args=[review.pk]) not in by_status
    assert "Scheduled conferences" in by_status


def test_recently_held_conferences_follow_the_upcoming_ones(world, booked, login):
    child = ChildFactory(allocated_team=world.team)
    held = icpc_for(child, strategy_on=days_ago(50))
    hold(held, chair=world.iro, held_on=days_ago(30))
    old_child = ChildFactory(allocated_team=world.team)
    old = icpc_for(old_child, strategy_on=days_ago(300))
    hold(old, chair=world.iro, held_on=days_ago(280))
    content = login(world.business_support).get(reverse("conferences:diary")).content.decode()
    upcoming_at = content.index("Upcoming conferences")
    held_at = content.index("Conferences held in the last three months")
    assert upcoming_at < content.index(reverse("conferences:detail", args=[booked.pk])) < held_at
    assert content.index(reverse("conferences:detail", args=[held.pk])) > held_at
    assert reverse("conferences:detail", args=[old.pk]) not in content


def test_a_childs_name_is_escaped_in_the_diary(world, login):
    child = ChildFactory(first_name="<script>alert(1)</script>", allocated_team=world.team)
    icpc_for(child, strategy_on=days_ago(1))
    content = login(world.business_support).get(reverse("conferences:diary")).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_diary_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
            ConferenceFactory(
                section47=None,
                child=child,
                target_date=today() + datetime.timedelta(days=10),
                chair=world.iro,
                venue="Room 1",
                scheduled_for=london(2030, 1, 2),
                status="held" if i % 3 == 0 else "scheduled",
                held_on=days_ago(3) if i % 3 == 0 else None,
            )

    for persona in ("business_support", "social_worker", "iro"):
        client = login(world.persona(persona))
        add(3)  # a held conference and two upcoming: each list has a page to read
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("conferences:diary"), {"show": "all"})
        add(27)
        with django_assert_max_num_queries(len(one)):
            response = client.get(reverse("conferences:diary"), {"show": "all"})
        assert sum(len(t["rows"]) for t in response.context["tables"]) >= 30


# --- The conference page ----------------------------------------------------------------------


@pytest.fixture
def held(world):
    conference = icpc_for(world.child, strategy_on=days_ago(30))
    ConferenceParticipant.objects.create(
        conference=conference, kind="agency", agency="social_care", name="S W", status="attended"
    )
    ConferenceParticipant.objects.create(
        conference=conference, kind="agency", agency="police", name="P C", status="attended"
    )
    conference = hold(
        conference,
        chair=world.iro,
        held_on=days_ago(4),
        childs_views="I want my dad to stop shouting.",
        minutes="Minutes: everyone agreed the plan.",
        late_reason="Paediatrician unavailable.",
        interim_safety_plan="Grandmother stays.",
    )
    # A report shared with the mother well before (the rule: tests/documents/).
    share_report(conference, days_ago(10), user=world.social_worker)
    return conference


CASE_CONTENT = (
    "Risk of significant harm from neglect.",  # decision reasons (from hold())
    "I want my dad to stop shouting.",
    "Minutes: everyone agreed the plan.",
)


def test_business_support_see_diary_fields_but_not_the_case_content(world, held, login):
    content = (
        login(world.business_support)
        .get(reverse("conferences:detail", args=[held.pk]))
        .content.decode()
    )
    for text in CASE_CONTENT:
        assert text not in content
    assert "Child protection plan" not in content  # the decision itself is case content
    assert _fmt(held.held_on) in content
    assert "Not yet approved" in content
    assert reverse("conferences:child-plan", args=[world.child.pk]) not in content


@pytest.mark.parametrize("persona", ["iro", "social_worker", "senior_manager"])
def test_those_who_may_open_the_record_see_the_case_content(world, held, login, persona):
    content = (
        login(world.persona(persona))
        .get(reverse("conferences:detail", args=[held.pk]))
        .content.decode()
    )
    for text in CASE_CONTENT:
        assert text in content
    assert "Neglect" in content and "(NEG)" not in content


def test_detail_shows_quorum_reports_in_advance_and_minutes_due(world, held, login):
    content = (
        login(world.business_support)
        .get(reverse("conferences:detail", args=[held.pk]))
        .content.decode()
    )
    assert "Not quorate: 1 other agency besides children&#x27;s social care took part" in content
    assert "Shared in advance" in content
    assert _fmt(timescales.minutes_due(held.held_on)) in content
    assert "Held late" in content


def test_reports_shared_on_the_day_are_not_in_advance(world, held, login):
    from documents.models import DocumentShare

    DocumentShare.objects.filter(document__event_id=held.pk).update(shared_on=held.held_on)
    content = (
        login(world.social_worker)
        .get(reverse("conferences:detail", args=[held.pk]))
        .content.decode()
    )
    assert "Not shared in advance" in content


# --- Scheduling --------------------------------------------------------------------------------


def test_late_fields_are_hidden_when_the_target_is_ahead(world, requested, login):
    """On the page, hidden, for a script to show as soon as the date typed is late (issue 23
    item 3); without it the first submit of a late date shows them."""
    response = login(world.business_support).get(
        reverse("conferences:schedule", args=[requested.pk])
    )
    assert not response.context["form"].late
    html = response.content.decode()
    fieldset = html[html.index("data-late-fields") :].split(">", 1)[0]
    assert " hidden" in fieldset


def test_scheduling_late_is_refused_without_reason_and_interim_plan(world, requested, login):
    client = login(world.business_support)
    url = reverse("conferences:schedule", args=[requested.pk])
    after = add_working_days(requested.target_date, 1)
    response = client.post(url, schedule_post(requested, world.iro, after))
    assert response.status_code == 200
    form = response.context["form"]
    assert "cannot be held in time" in form.errors["late_reason"][0]
    assert "needs an interim safety plan" in form.errors["interim_safety_plan"][0]
    assert 'name="late_reason"' in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == "requested"
    assert requested.scheduled_for is None

    response = client.post(
        url,
        schedule_post(
            requested,
            world.iro,
            after,
            late_reason_code="reports",
            late_reason="The paediatric report is not ready.",
            interim_safety_plan="Children stay with their grandmother; daily visits.",
        ),
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == "scheduled"
    assert requested.is_late
    assert requested.chair == world.iro
    assert requested.late_reason == "The paediatric report is not ready."


def test_interim_safety_plan_is_prefilled_from_the_enquiry(world, login):
    conference = icpc_for(
        world.child,
        strategy_on=days_ago(40),
        section47={"interim_safety_plan": "Dad not to stay overnight; nursery checks daily."},
    )
    response = login(world.business_support).get(
        reverse("conferences:schedule", args=[conference.pk])
    )
    content = response.content.decode()
    assert "Dad not to stay overnight; nursery checks daily." in content
    assert "The target date has passed" in content


def test_scheduling_by_the_target_date_needs_no_reason(world, requested, login):
    response = login(world.business_support).post(
        reverse("conferences:schedule", args=[requested.pk]),
        schedule_post(requested, world.iro, requested.target_date),
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == "scheduled"
    assert requested.venue == "Room 4, Civic Centre"
    assert requested.scheduled_date == requested.target_date
    assert requested.late_reason == ""


def test_the_chair_must_be_an_active_iro(world, requested, login):
    response = login(world.business_support).post(
        reverse("conferences:schedule", args=[requested.pk]),
        schedule_post(requested, world.social_worker, requested.target_date),
    )
    assert response.status_code == 200
    assert "chair" in response.context["form"].errors
    requested.refresh_from_db()
    assert requested.chair is None


def test_a_stale_schedule_is_refused(world, requested, login):
    data = schedule_post(requested, world.iro, requested.target_date)
    Conference.objects.filter(pk=requested.pk).update(version=requested.version + 1)
    response = login(world.business_support).post(
        reverse("conferences:schedule", args=[requested.pk]), data
    )
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()


def test_adjourning_needs_a_reason_and_allows_rescheduling(world, booked, login):
    client = login(world.business_support)
    url = reverse("conferences:cancel", args=[booked.pk])
    response = client.post(url, {"status": "adjourned", "version": booked.version})
    assert response.status_code == 200
    assert "cancelled_reason" in response.context["form"].errors
    response = client.post(
        url, {"status": "adjourned", "cancelled_reason": "Interpreter unavailable.", "version": 2}
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "adjourned"
    assert booked.cancelled_reason == "Interpreter unavailable."
    response = client.get(reverse("conferences:schedule", args=[booked.pk]))
    assert response.status_code == 200


# --- Invitations -------------------------------------------------------------------------------


def test_invitations_are_suggested_from_the_childs_record_the_first_time(world, booked, login):
    ProfessionalFactory(child=world.child, name="Dr Asha Patel", agency="health", role="GP")
    ProfessionalFactory(child=world.child, name="Old Teacher", agency="education", is_current=False)
    FamilyMemberFactory(child=world.child, first_name="Mary", relationship="mother")
    FamilyMemberFactory(
        child=world.child, first_name="Uncle", relationship="uncle", parental_responsibility=False
    )
    client = login(world.business_support)
    url = reverse("conferences:participants", args=[booked.pk])
    response = client.get(url)
    initial = response.context["formset"].initial
    names = [row["name"] for row in initial]
    assert str(world.social_worker) in names
    assert "Dr Asha Patel" in names
    assert f"Mary {world.child.last_name}" in names
    assert "Old Teacher" not in names
    assert not any(n.startswith("Uncle") for n in names)
    assert "suggested from the child" in response.content.decode()

    ConferenceParticipant.objects.create(
        conference=booked, kind="agency", agency="police", name="PC Jones"
    )
    response = client.get(url)
    assert [row["name"] for row in response.context["formset"].initial] == ["PC Jones"]


def test_saving_invitations_replaces_the_list(world, booked, login):
    ConferenceParticipant.objects.create(
        conference=booked, kind="agency", agency="police", name="PC Old"
    )
    rows = [
        SOCIAL_WORKER_ROW,
        {
            "kind": "agency",
            "agency": "health",
            "name": "Dr Patel",
            "role": "GP",
            "invited_on": days_ago(2).isoformat(),
            "knows_child": "true",
            "had_reports_in_advance": "unknown",
        },
        {
            "kind": "parent",
            "name": "Mary Example",
            "supported_by": "Advocate from Family Rights",
            "knows_child": "unknown",
            "had_reports_in_advance": "true",
        },
    ]
    response = login(world.business_support).post(
        reverse("conferences:participants", args=[booked.pk]), participant_post(rows)
    )
    assert response.status_code == 302
    people = {p.name: p for p in booked.participants.all()}
    assert set(people) == {"Sam Worker", "Dr Patel", "Mary Example"}
    assert people["Dr Patel"].knows_child is True
    assert people["Dr Patel"].invited_on == days_ago(2)
    assert people["Mary Example"].had_reports_in_advance is False  # no report shared yet
    assert people["Mary Example"].supported_by == "Advocate from Family Rights"


def test_a_professional_needs_an_agency(world, booked, login):
    row = {**SOCIAL_WORKER_ROW, "agency": ""}
    response = login(world.business_support).post(
        reverse("conferences:participants", args=[booked.pk]), participant_post([row])
    )
    assert response.status_code == 200
    assert "Say which agency this professional is from." in response.content.decode()
    assert not booked.participants.exists()


def test_knows_the_child_is_for_health_only(world, booked, login):
    row = {**SOCIAL_WORKER_ROW, "knows_child": "true"}
    response = login(world.business_support).post(
        reverse("conferences:participants", args=[booked.pk]), participant_post([row])
    )
    assert response.status_code == 200
    assert "This is recorded for health attendees." in response.content.decode()
