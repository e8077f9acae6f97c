"""Core groups: the list with what is due next, and recording a meeting with action progress."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences.models import (
    CoreGroupActionUpdate,
    CoreGroupMeeting,
    PlanAction,
    PlanVersion,
)
from conferences.services import plan_action_save
from monitoring.services import timescales_scan
from tests.conferences.factories import ActionFactory, OutcomeFactory, PlanFactory
from tests.conferences.test_plan_views import (  # noqa: F401 (fixture)
    SEE,
    WRITE,
    _fresh_policy_cache,
    days,
    expected_status,
    make_plan,
)
from tests.personas import PERSONAS
from timescales import rules as timescales


@pytest.fixture
def plan(world):
    plan = make_plan(world.child, chair=world.iro, start=days(-30))
    outcome = OutcomeFactory(plan=plan, what_needs_to_change="Ruby gets to school on time.")
    ActionFactory(outcome=outcome, action="Walk Ruby to school.", owner="Mum", timescale=days(10))
    ActionFactory(outcome=outcome, action="Check the register.", owner="School", timescale=days(5))
    ActionFactory(
        outcome=outcome,
        action="Buy an alarm clock.",
        owner="Dad",
        timescale=days(-10),
        progress="done",
        progress_evidence="Seen at the visit.",
    )
    return plan


def list_url(plan) -> str:
    return reverse("conferences:core-groups", args=[plan.child_id, plan.pk])


def add_url(plan) -> str:
    return reverse("conferences:core-group-add", args=[plan.child_id, plan.pk])


def open_actions(plan) -> list[PlanAction]:
    return list(PlanAction.objects.filter(outcome__plan=plan).exclude(progress="done"))


def meeting_data(plan, **overrides) -> dict:
    data = {
        "meeting_date": days(-1).isoformat(),
        "attendees": "Mum\nSocial worker (Sam Example)\nSchool (Ms Example)",
        "parents_attended": "on",
        "child_seen_or_views": "Ruby said: 'I like walking with Mum.'",
        "discussion": "Attendance up to 96%.",
        "next_meeting_date": days(30).isoformat(),
    }
    for action in open_actions(plan):
        prefix = f"action-{action.pk}"
        data[f"{prefix}-progress"] = "on_track"
        data[f"{prefix}-evidence"] = f"Update on {action.owner}'s action."
        data[f"{prefix}-version"] = action.version
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name, allowed", [("list", SEE), ("add", WRITE)])
def test_core_group_pages_get_permission_matrix(world, login, plan, persona, url_name, allowed):
    url = list_url(plan) if url_name == "list" else add_url(plan)
    response = login(world.persona(persona)).get(url)
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_core_group_add_post_permission_matrix(world, login, plan, persona):
    response = login(world.persona(persona)).post(add_url(plan), meeting_data(plan))
    assert response.status_code == expected_status(persona, WRITE, 302)
    assert CoreGroupMeeting.objects.filter(plan=plan).exists() is (persona in WRITE)
    if persona in WRITE:
        assert response.url == list_url(plan)


@pytest.mark.parametrize("persona", PERSONAS)
def test_core_group_list_refuses_post(world, login, plan, persona):
    response = login(world.persona(persona)).post(list_url(plan))
    assert response.status_code == (302 if persona == "anonymous" else 405)


# --- Due dates ----------------------------------------------------------------------------------


def test_first_core_group_due_skips_christmas_and_new_year_bank_holidays(world, login):
    # Plan started Thu 17 Dec 2026: 25 and 28 Dec and 1 Jan are bank holidays, so the 10th
    # working day is Tue 5 Jan 2027.
    plan = PlanFactory(child=world.child, start_date=datetime.date(2026, 12, 17))
    timescales_scan()  # as after the plan was written: the page reads what the rules stored
    client = login(world.social_worker)
    page = client.get(list_url(plan)).content.decode()
    assert "5 Jan 2027" in page
    assert "The first core group meets within 10 working days of the ICPC" in page
    summary = client.get(reverse("conferences:child-plan", args=[world.child.pk])).content
    assert b"5 Jan 2027" in summary


def test_next_core_group_due_six_weeks_after_the_last(world, login, plan):
    CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=days(-3),
        attendees="Mum",
        recorded_by=world.social_worker,
    )
    timescales_scan()
    page = login(world.social_worker).get(list_url(plan)).content.decode()
    due = days(-3) + datetime.timedelta(weeks=6)
    assert f"Due by {due:%-d %b %Y}" in page
    assert "at most 6 weeks apart" in page


def test_overdue_core_group_is_said_in_words(world, login, plan):
    # Started 30 days ago with no core group: the first was due 10 working days in.
    due = timescales.first_core_group_due(plan.start_date)
    late = (timezone.localdate() - due).days
    timescales_scan()
    page = login(world.social_worker).get(list_url(plan)).content.decode()
    assert f"Overdue: it was due by {due:%-d %b %Y}, {late} days ago" in page
    assert "status-overdue" in page


def test_core_group_list_shows_dates_attendance_and_progress(world, login, plan):
    login(world.social_worker).post(add_url(plan), meeting_data(plan, parents_attended=""))
    page = html.unescape(login(world.senior_manager).get(list_url(plan)).content.decode())
    assert f"{days(-1):%-d %b %Y}" in page
    assert "Social worker (Sam Example)" in page
    assert "<td>No</td>" in page  # parents did not attend
    assert "Ruby said: 'I like walking with Mum.'" in page
    assert "Update on Mum's action." in page
    assert "Record a core group" not in page  # a reader cannot add one


# --- Recording a core group ---------------------------------------------------------------------


def test_recording_a_core_group_updates_every_open_action_and_versions_the_plan(world, login, plan):
    before = PlanVersion.objects.filter(plan=plan).count()
    data = meeting_data(plan)
    school = PlanAction.objects.get(outcome__plan=plan, owner="School")
    data[f"action-{school.pk}-progress"] = "off_track"
    login(world.iro).post(add_url(plan), data)
    meeting = CoreGroupMeeting.objects.get(plan=plan)
    assert meeting.recorded_by == world.iro
    assert meeting.parents_attended is True
    assert meeting.next_meeting_date == days(30)
    updates = CoreGroupActionUpdate.objects.filter(meeting=meeting)
    assert {u.action.owner for u in updates} == {"Mum", "School"}  # the done action has no row
    school.refresh_from_db()
    assert school.progress == "off_track"
    assert school.progress_evidence == "Update on School's action."
    assert PlanVersion.objects.filter(plan=plan).count() == before + 1


def test_the_form_has_a_progress_row_for_every_open_action_only(world, login, plan):
    page = html.unescape(login(world.social_worker).get(add_url(plan)).content.decode())
    assert "Walk Ruby to school." in page
    assert "Check the register." in page
    assert "Buy an alarm clock." not in page


def test_next_meeting_defaults_to_the_due_date(world, login, plan):
    page = login(world.social_worker).get(add_url(plan)).content.decode()
    default = timescales.next_core_group_due(timezone.localdate())
    assert f'value="{default.isoformat()}"' in page
    login(world.social_worker).post(add_url(plan), meeting_data(plan, next_meeting_date=""))
    meeting = CoreGroupMeeting.objects.get(plan=plan)
    assert meeting.next_meeting_date == days(-1) + datetime.timedelta(weeks=6)


def test_done_without_evidence_is_refused(world, login, plan):
    mum = PlanAction.objects.get(outcome__plan=plan, owner="Mum")
    data = meeting_data(plan)
    data[f"action-{mum.pk}-progress"] = "done"
    data.pop(f"action-{mum.pk}-evidence")
    response = login(world.social_worker).post(add_url(plan), data)
    assert response.status_code == 200
    assert "Say what shows the action has been done." in response.content.decode()
    assert not CoreGroupMeeting.objects.exists()


def test_meeting_in_the_future_is_refused_with_the_models_message(world, login, plan):
    response = login(world.social_worker).post(
        add_url(plan), meeting_data(plan, meeting_date=days(2).isoformat())
    )
    assert "A core group cannot be recorded in the future." in response.content.decode()
    assert not CoreGroupMeeting.objects.exists()


def test_progress_changed_meanwhile_is_refused_as_stale(world, login, plan):
    data = meeting_data(plan)  # carries the versions the worker saw
    mum = PlanAction.objects.get(outcome__plan=plan, owner="Mum")
    mum.progress = "off_track"
    plan_action_save(action=mum, user=world.same_team_worker, expected_version=mum.version)
    response = login(world.social_worker).post(add_url(plan), data)
    assert "Someone else saved this record after you opened it." in response.content.decode()
    assert not CoreGroupMeeting.objects.exists()
    assert not CoreGroupActionUpdate.objects.exists()
    mum.refresh_from_db()
    assert mum.progress == "off_track"


def test_core_group_refused_when_the_plan_has_ended(world, login, plan):
    plan.end_date = timezone.localdate()
    plan.end_next_step = "cin_plan"
    plan.save()
    client = login(world.social_worker)
    response = client.get(add_url(plan), follow=True)
    assert "This plan has ended: core groups are no longer held." in response.content.decode()
    response = client.post(add_url(plan), meeting_data(plan))
    assert response.status_code == 302
    assert not CoreGroupMeeting.objects.exists()
    page = client.get(list_url(plan)).content.decode()
    assert "Record a core group" not in page
    assert "core groups are no longer held" in page


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_core_group_pages_run_a_fixed_number_of_queries(world, login, plan):
    def meeting_with_update(day: int, action: PlanAction) -> None:
        meeting = CoreGroupMeeting.objects.create(
            plan=plan, meeting_date=days(day), attendees="Mum", recorded_by=world.social_worker
        )
        CoreGroupActionUpdate.objects.create(meeting=meeting, action=action, progress="on_track")

    meeting_with_update(-29, open_actions(plan)[0])
    client = login(world.social_worker)
    # Warm both pages (the local policy row is made and cached on first use).
    count_queries(client, list_url(plan))
    count_queries(client, add_url(plan))
    few = (count_queries(client, list_url(plan)), count_queries(client, add_url(plan)))
    for i in range(30):
        outcome = OutcomeFactory(plan=plan, what_needs_to_change=f"Outcome {i}", order=i + 1)
        ActionFactory(outcome=outcome, action=f"Action {i}", timescale=days(i))
    actions = open_actions(plan)
    for i in range(29):
        meeting_with_update(-28 + i, actions[i])
    many = (count_queries(client, list_url(plan)), count_queries(client, add_url(plan)))
    assert many == few
    # 22: one more than before for the contributions asked for the meetings (one query for the
    # child's requests, whatever the number of meetings).
    assert max(many) <= 22
