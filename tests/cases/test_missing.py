"""Children who go missing: the episodes on the child's record, the chronology, the rule that a
return home interview is offered within 72 hours of the return, and the dashboard figures.

72 hours is clock hours (statutory guidance), not working days: a child back on Friday 22
December 2023 at 16:00 is offered an interview by Monday 25 December 16:00, Christmas Day or
not; a child back on Friday 27 March 2026 at 12:00 (GMT) by Monday 30 March 13:00 (BST), because
the clocks go forward on the Sunday and 72 hours are 72 hours.
"""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cases.chronology import chronology_for
from cases.models import MissingEpisode
from dashboards.measures import Measures, Scope
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory, MissingEpisodeFactory
from tests.personas import PERSONAS
from tests.strategy.factories import london
from timescales import rules as timescales

D = datetime.date
SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def episode_data(**overrides) -> dict:
    data = {
        "started_at": "2023-12-21T19:30",
        "ended_at": "2023-12-22T16:00",
        "reported_to_police": "on",
        "return_interview_offered_at": "",
        "return_interview_outcome": "",
        "details": "Found at a friend's flat in Birkenhead.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def episode(world):
    return MissingEpisodeFactory(
        child=world.child,
        started_at=london(2023, 12, 21, 19, 30),
        ended_at=london(2023, 12, 22, 16),
        recorded_by=world.social_worker,
    )


# --- The 72 hours -----------------------------------------------------------------------------


def test_72_hours_are_clock_hours_across_christmas():
    due = timescales.return_interview_due(london(2023, 12, 22, 16))
    assert due == london(2023, 12, 25, 16)  # Christmas Day: a bank holiday does not stretch it


def test_72_hours_across_the_clocks_going_forward():
    due = timescales.return_interview_due(london(2026, 3, 27, 12))
    assert due == london(2026, 3, 30, 13)  # 13:00 BST is 12:00 GMT plus 72 hours


@pytest.mark.parametrize(
    "offered, in_time",
    [
        (london(2023, 12, 25, 15, 59), True),
        (london(2023, 12, 25, 16, 0), True),
        (london(2023, 12, 26, 9, 0), False),  # Boxing Day: one working day would be too late
    ],
)
def test_an_offer_is_in_time_up_to_72_hours_after_the_return(episode, offered, in_time):
    episode.return_interview_offered_at = offered
    assert episode.return_interview_in_time is in_time


# --- The rule -----------------------------------------------------------------------------------


def test_the_rule_raises_a_return_interview_not_offered_within_72_hours(world, episode):
    key = f"missing:{episode.pk}"

    def status_on(day):
        timescales_scan(as_of=day)
        alert = Alert.objects.filter(rule="RETURN_INTERVIEW_72H", subject_key=key).first()
        if alert is None or alert.status == AlertStatus.RESOLVED:
            return None
        return alert.status, alert.due_date, alert.days_overdue_on(day)

    assert status_on(D(2023, 12, 22))[:2] == ("due_soon", D(2023, 12, 25))
    # Overdue on Boxing Day: the due date is a day, the 72 hours ran out on Christmas Day.
    assert status_on(D(2023, 12, 26))[:2] == ("open", D(2023, 12, 25))
    alert = Alert.objects.get(rule="RETURN_INTERVIEW_72H", subject_key=key)
    assert "due by 25 Dec 2023, 16:00" in alert.evidence
    assert "72 hours" in alert.definition.sentence
    episode.return_interview_offered_at = london(2023, 12, 26, 9)
    episode.save()
    assert status_on(D(2023, 12, 27)) is None


def test_a_child_still_missing_has_no_interview_due(world):
    MissingEpisodeFactory(child=world.child, started_at=london(2026, 11, 1, 20), ended_at=None)
    timescales_scan(as_of=D(2026, 11, 5))
    assert not Alert.objects.filter(rule="RETURN_INTERVIEW_72H").exists()


# --- The pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [("cases:missing", SEE), ("cases:missing-add", WRITE), ("cases:missing-edit", WRITE)],
)
def test_missing_pages_permission_matrix(world, login, episode, persona, url_name, allowed):
    args = [world.child.pk, episode.pk] if url_name == "cases:missing-edit" else [world.child.pk]
    response = login(world.persona(persona)).get(reverse(url_name, args=args))
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_missing_add_post_permission_matrix(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:missing-add", args=[world.child.pk]), episode_data()
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    assert MissingEpisode.objects.filter(child=world.child).count() == (
        1 if persona in WRITE else 0
    )


def test_recording_and_editing_an_episode(world, login):
    client = login(world.social_worker)
    response = client.post(reverse("cases:missing-add", args=[world.child.pk]), episode_data())
    assert response.status_code == 302
    episode = MissingEpisode.objects.get(child=world.child)
    assert episode.ended_at == london(2023, 12, 22, 16)
    assert episode.reported_to_police and episode.recorded_by == world.social_worker
    listing = client.get(reverse("cases:missing", args=[world.child.pk])).content.decode()
    assert "Not offered yet" in listing and "25 Dec 2023, 16:00" in listing

    edit = reverse("cases:missing-edit", args=[world.child.pk, episode.pk])
    response = client.post(
        edit,
        episode_data(
            version=episode.version,
            return_interview_offered_at="2023-12-26T09:00",
            return_interview_outcome="declined",
        ),
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.version == 2 and episode.return_interview_outcome == "declined"
    assert episode.return_interview_in_time is False
    listing = client.get(reverse("cases:missing", args=[world.child.pk])).content.decode()
    assert "later than 72 hours" in listing and "Declined by the child" in listing
    entries = LogEntry.objects.get_for_object(episode)
    assert entries.count() == 2 and all(e.actor == world.social_worker for e in entries)


def test_a_stale_edit_is_refused(world, login, episode):
    client = login(world.social_worker)
    edit = reverse("cases:missing-edit", args=[world.child.pk, episode.pk])
    stale = episode_data(version=episode.version, details="First")
    MissingEpisode.objects.filter(pk=episode.pk).update(version=episode.version + 1)
    response = client.post(edit, stale)
    assert response.status_code == 200
    episode.refresh_from_db()
    assert episode.details == ""


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"ended_at": "2023-12-21T18:00"}, "ended_at", "cannot return before going missing"),
        ({"started_at": "2999-01-01T10:00", "ended_at": ""}, "started_at", "in the future"),
        (
            {"ended_at": "", "return_interview_offered_at": "2023-12-23T10:00"},
            "return_interview_offered_at",
            "after the child returns",
        ),
        (
            {"return_interview_offered_at": "2023-12-22T15:00"},
            "return_interview_offered_at",
            "before the child returned",
        ),
        (
            {"return_interview_outcome": "taken_up"},
            "return_interview_outcome",
            "Say when the interview was offered",
        ),
        ({"started_at": ""}, "started_at", "This field is required"),
    ],
)
def test_bad_dates_are_refused_on_the_form(world, login, overrides, field, message):
    response = login(world.social_worker).post(
        reverse("cases:missing-add", args=[world.child.pk]), episode_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert not MissingEpisode.objects.exists()


def test_another_childs_episode_is_not_found(world, login):
    other = MissingEpisodeFactory(child=ChildFactory(allocated_team=world.other_team))
    response = login(world.social_worker).get(
        reverse("cases:missing-edit", args=[world.child.pk, other.pk])
    )
    assert response.status_code == 404


# --- The chronology -----------------------------------------------------------------------------


def test_the_chronology_shows_going_missing_and_the_return(world, episode):
    episode.return_interview_offered_at = london(2023, 12, 26, 9)
    episode.return_interview_outcome = "taken_up"
    episode.save()
    events = {e.key: e for e in chronology_for(world.child)}
    went = events[f"missing:{episode.pk}:started"]
    back = events[f"missing:{episode.pk}:returned"]
    assert (went.date, went.description) == (
        D(2023, 12, 21),
        "Went missing at 19:30 (reported to the police)",
    )
    assert back.date == D(2023, 12, 22)
    assert back.description == (
        "Returned at 16:00: return home interview offered 26 Dec 2023, 09:00, later than 72 "
        "hours; taken up: the interview was held"
    )


# --- The dashboard ------------------------------------------------------------------------------


def test_dashboard_counts_episodes_and_interviews_offered_in_time(world):
    child = world.child
    # December 2023: three episodes start; two children return in the month.
    MissingEpisodeFactory(
        child=child,
        started_at=london(2023, 12, 1, 20),
        ended_at=london(2023, 12, 2, 9),
        return_interview_offered_at=london(2023, 12, 5, 9),  # 72 hours to the minute: in time
    )
    MissingEpisodeFactory(
        child=child,
        started_at=london(2023, 12, 21, 19),
        ended_at=london(2023, 12, 22, 16),
        return_interview_offered_at=london(2023, 12, 26, 9),  # late (Christmas counts)
    )
    MissingEpisodeFactory(child=child, started_at=london(2023, 12, 31, 23), ended_at=None)
    MissingEpisodeFactory(  # November: outside the period
        child=child, started_at=london(2023, 11, 3, 20), ended_at=london(2023, 11, 4, 9)
    )
    scope = Scope("authority", "Whole authority")
    summary = Measures(scope, D(2023, 12, 1), D(2023, 12, 31)).summary()
    assert summary["missing_episodes"] == 3
    assert summary["return_interviews_in_time_pct"] == 50.0
