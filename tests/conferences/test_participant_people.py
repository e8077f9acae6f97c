"""Conference participants and core-group attendance are linked to the child's people: two
people of one name, or a father renamed, no longer give the wrong answer (issue 19)."""

import datetime

import pytest
from django.urls import reverse

from cases.family_people import link_family
from conferences.models import ConferenceParticipant, CoreGroupMeeting
from people.models import Kind, Person
from people.models import Relationship as Link
from tests.cases.factories import FamilyMemberFactory
from tests.conferences.diary_helpers import book, days_ago, icpc_for, participant_post
from tests.conferences.factories import ConferenceFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _father(child, first="Sam", last="Lee"):
    FamilyMemberFactory(
        child=child,
        first_name=first,
        last_name=last,
        sex="M",
        relationship="father",
        date_of_birth=datetime.date(1988, 1, 2),
        lives_with_child=False,
    )
    link_family()
    child.refresh_from_db()
    return Link.objects.get(kind=Kind.FATHER, relative=child.person)


def _scan(plan, days):
    from monitoring.services import timescales_scan

    timescales_scan(as_of=plan.start_date + datetime.timedelta(days=days))


def _alert(father):
    from monitoring.models import Alert

    return Alert.objects.get(rule="FATHER_NOT_INVOLVED", subject_key=f"father:{father.pk}")


def test_an_unrelated_namesake_invited_does_not_count_as_the_father(world):
    plan = PlanFactory()
    father = _father(plan.child)
    namesake = Person.objects.create(first_name="Sam", last_name="Lee")
    conference = ConferenceFactory(section47__strategy_discussion__referral__child=plan.child)
    conference.participants.create(
        kind="family", name="Sam Lee", role="Mother's friend", person=namesake
    )
    CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=plan.start_date,
        attendees="Sam Lee (mother's friend)\nDr Patel (GP)",
        recorded_by=world.social_worker,
    )
    _scan(plan, 1)
    assert _alert(father).status == "open"


def test_a_father_renamed_after_he_was_invited_is_still_involved(world):
    plan = PlanFactory()
    father = _father(plan.child)
    conference = ConferenceFactory(section47__strategy_discussion__referral__child=plan.child)
    conference.participants.create(kind="parent", name="Sam Lee", person=father.person)
    Person.objects.filter(pk=father.person_id).update(last_name="Lee-Jones")
    _scan(plan, 1)
    assert not _alert_exists(father)


def test_a_father_chosen_as_a_core_group_attendee_is_involved(world):
    plan = PlanFactory()
    father = _father(plan.child)
    meeting = CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=plan.start_date,
        attendees="Dr Patel (GP)",
        recorded_by=world.social_worker,
    )
    _scan(plan, 1)
    assert _alert(father).status == "open"
    meeting.family_attendees.add(father.person)
    _scan(plan, 2)
    assert _alert(father).status == "resolved"


def _alert_exists(father):
    from monitoring.models import Alert

    return Alert.objects.filter(
        rule="FATHER_NOT_INVOLVED", subject_key=f"father:{father.pk}", status="open"
    ).exists()


# --- The forms ---------------------------------------------------------------------------------


def _booked_with_father(world):
    booked = book(icpc_for(world.child, strategy_on=days_ago(1)), chair=world.iro)
    return booked, _father(world.child)


def test_a_parent_chosen_on_the_participants_form_is_linked_and_named(world, login):
    booked, father = _booked_with_father(world)
    client = login(world.business_support)
    url = reverse("conferences:participants", args=[booked.pk])
    page = client.get(url).content.decode()
    assert "Sam Lee (Father)" in page
    row = {"kind": "parent", "person": str(father.person_id), "name": "", "status": "attended"}
    response = client.post(url, participant_post([row]))
    assert response.status_code == 302
    saved = booked.participants.get()
    assert (saved.name, saved.person_id) == ("Sam Lee", father.person_id)
    # Kept on the form when it is opened again.
    assert client.get(url).context["formset"].initial[0]["person"] == father.person_id


def test_a_person_outside_the_childs_people_is_refused_on_the_form(world, login):
    booked, _ = _booked_with_father(world)
    stranger = Person.objects.create(first_name="Sam", last_name="Lee")
    url = reverse("conferences:participants", args=[booked.pk])
    row = {"kind": "parent", "person": str(stranger.pk), "name": "Sam Lee"}
    response = login(world.business_support).post(url, participant_post([row]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not booked.participants.exists()


def test_a_professional_is_not_chosen_from_the_childs_people(world, login):
    booked, father = _booked_with_father(world)
    url = reverse("conferences:participants", args=[booked.pk])
    row = {"kind": "agency", "agency": "health", "person": str(father.person_id), "name": "X"}
    response = login(world.business_support).post(url, participant_post([row]))
    assert response.status_code == 200
    assert "Only a parent or family member is chosen" in response.content.decode()
    assert not booked.participants.exists()


def test_a_row_with_neither_name_nor_person_is_refused(world, login):
    booked, _ = _booked_with_father(world)
    url = reverse("conferences:participants", args=[booked.pk])
    row = {"kind": "parent", "name": "", "status": "attended"}
    response = login(world.business_support).post(url, participant_post([row]))
    assert response.status_code == 200
    assert "Enter the person&#x27;s name, or choose them" in response.content.decode()


def test_the_suggested_invitations_choose_the_parent(world, login):
    booked, father = _booked_with_father(world)
    response = login(world.business_support).get(
        reverse("conferences:participants", args=[booked.pk])
    )
    rows = response.context["formset"].initial
    assert {"name": "Sam Lee", "person": father.person_id}.items() <= next(
        r for r in rows if r["name"] == "Sam Lee"
    ).items()


def test_family_attendees_chosen_on_the_core_group_form_are_recorded(world, login):
    from tests.conferences.test_core_groups import add_url, meeting_data
    from tests.conferences.test_plan_views import days, make_plan

    father = _father(world.child)
    plan = make_plan(world.child, chair=world.iro, start=days(-30))
    client = login(world.social_worker)
    assert "Sam Lee (Father)" in client.get(add_url(plan)).content.decode()
    data = meeting_data(plan, family_attendees=str(father.person_id), attendees="Dr Patel (GP)")
    response = client.post(add_url(plan), data)
    assert response.status_code == 302
    meeting = CoreGroupMeeting.objects.get(plan=plan)
    assert list(meeting.family_attendees.all()) == [father.person]
    # Audited, with the worker as the actor.
    from auditlog.models import LogEntry

    entries = [
        e for e in LogEntry.objects.get_for_object(meeting) if "family_attendees" in str(e.changes)
    ]
    assert entries and entries[0].actor == world.social_worker
    stranger = Person.objects.create(first_name="Pat", last_name="Stranger")
    response = client.post(add_url(plan), meeting_data(plan, family_attendees=str(stranger.pk)))
    assert response.status_code == 200
    assert CoreGroupMeeting.objects.filter(plan=plan).count() == 1


# --- What reads the link -------------------------------------------------------------------------


def test_the_family_view_counts_the_person_chosen_not_a_namesake(world):
    from cases.family import family_of, significant_adults

    father = _father(world.child)
    namesake = Person.objects.create(first_name="Sam", last_name="Lee")
    conference = ConferenceFactory(section47__strategy_discussion__referral__child=world.child)
    conference.participants.create(kind="family", name="Sam Lee", person=namesake)
    plan = PlanFactory(child=world.child)
    meeting = CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=plan.start_date,
        attendees="Sam Lee",
        recorded_by=world.social_worker,
    )
    rows = {r["relative"].person.pk: r for r in significant_adults(family_of(world.child))}
    assert (rows[father.person_id]["invited"], rows[father.person_id]["core_groups"]) == (False, 0)
    conference.participants.create(
        kind="parent", name="Samuel Lee", person=father.person, status="attended"
    )
    meeting.family_attendees.add(father.person)
    rows = {r["relative"].person.pk: r for r in significant_adults(family_of(world.child))}
    assert rows[father.person_id]["invited"] and rows[father.person_id]["attended"]
    assert rows[father.person_id]["core_groups"] == 1


def test_reports_shared_with_a_renamed_parent_count_for_them(world):
    from people.models import PersonName
    from tests.documents.helpers import share_report

    father = _father(world.child)
    booked = book(icpc_for(world.child, strategy_on=days_ago(1)), chair=world.iro)
    # Typed under the name he has taken since; the report was given under his name now.
    renamed = ConferenceParticipant.objects.create(
        conference=booked, kind="parent", name="Sam Lee-Jones", person=father.person
    )
    share_report(booked, days_ago(20), recipient="Sam  lee")
    assert renamed.had_reports_in_advance is True
    # A namesake typed without a person is not given the father's report.
    other = ConferenceParticipant.objects.create(conference=booked, kind="parent", name="Sam Li")
    assert other.had_reports_in_advance is False
    # A report shared under a name the father is known by counts for him.
    PersonName.objects.create(person=father.person, first_name="Samuel", last_name="Lee")
    share_report(booked, days_ago(25), recipient="Samuel Lee")
    fresh = ConferenceParticipant.objects.get(pk=renamed.pk)
    assert fresh.had_reports_in_advance is True
    assert "samuel lee" in fresh.known_names


def test_the_service_refuses_a_person_outside_the_childs_people(world):
    from django.core.exceptions import ValidationError

    from conferences.services import conference_participants_save

    booked, _ = _booked_with_father(world)
    stranger = Person.objects.create(first_name="Pat", last_name="Stranger")
    with pytest.raises(ValidationError, match="Choose a person from the child's people"):
        conference_participants_save(
            conference=booked,
            rows=[{"kind": "parent", "name": "Pat Stranger", "person": stranger}],
            user=world.business_support,
        )
    assert not booked.participants.exists()
