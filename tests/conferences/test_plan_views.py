"""The child's conferences and plan pages: outcomes, actions and versions."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences.forms.plan import text_digest
from conferences.models import PlanAction, PlanOutcome, PlanVersion
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory
from tests.conferences.factories import (
    ActionFactory,
    ConferenceFactory,
    OutcomeFactory,
    PlanFactory,
)
from tests.personas import PERSONAS
from timescales import rules as timescales

# Who may read the child's plan, and who may change it. The IRO chairs the child's ICPC in
# these tests; the other IRO chairs nothing of this child's.
SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager", "iro"}
WRITE = {"social_worker", "same_team_worker", "team_manager", "iro"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    # LocalPolicy.current() is cached; another test may have cached a changed policy.
    cache.clear()
    yield
    cache.clear()


def make_plan(child, *, chair, start=None, reasons="Ruby was often left alone at home.", **kw):
    """A plan made at a held ICPC chaired by `chair` (the conference is linked to the plan)."""
    start = start or days(-20)
    plan = PlanFactory(child=child, start_date=start, **kw)
    ConferenceFactory(
        section47=None,
        child=child,
        conference_type="initial",
        status="held",
        target_date=start,
        held_on=start,
        chair=chair,
        decision="plan",
        category="NEG",
        decision_reasons=reasons,
        plan=plan,
    )
    return plan


@pytest.fixture
def plan(world):
    plan = make_plan(world.child, chair=world.iro)
    outcome = OutcomeFactory(plan=plan, what_needs_to_change="Ruby gets to school on time.")
    ActionFactory(
        outcome=outcome,
        action="Walk Ruby to school each morning.",
        owner="Mum",
        timescale=days(14),
    )
    return plan


def first_outcome(plan) -> PlanOutcome:
    return plan.outcomes.order_by("pk").first()


def first_action(plan) -> PlanAction:
    return PlanAction.objects.filter(outcome__plan=plan).order_by("pk").first()


def action_data(**overrides) -> dict:
    data = {
        "action": "Take Ruby to the dentist.",
        "owner": "Dad",
        "timescale": days(30).isoformat(),
        "evidence_of_done": "Dentist's letter.",
        "progress": "not_started",
        "progress_evidence": "",
    }
    data.update(overrides)
    return data


# --- Permissions --------------------------------------------------------------------------------

READ_URLS = [
    "conferences:child-plan",
    "conferences:plan-detail",
    "conferences:plan-versions",
    "conferences:family-plan",
    "conferences:family-plan-print",
    "conferences:family-plan-pdf",
]
WRITE_URLS = [
    "conferences:outcome-add",
    "conferences:outcome-edit",
    "conferences:action-add",
    "conferences:action-edit",
]


def url_for(name: str, plan) -> str:
    child_pk = plan.child_id
    if name == "conferences:child-plan":
        return reverse(name, args=[child_pk])
    if name in ("conferences:outcome-edit", "conferences:action-add"):
        return reverse(name, args=[child_pk, plan.pk, first_outcome(plan).pk])
    if name == "conferences:action-edit":
        return reverse(name, args=[child_pk, plan.pk, first_action(plan).pk])
    return reverse(name, args=[child_pk, plan.pk])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [(name, SEE) for name in READ_URLS] + [(name, WRITE) for name in WRITE_URLS],
)
def test_plan_pages_get_permission_matrix(world, login, plan, persona, url_name, allowed):
    response = login(world.persona(persona)).get(url_for(url_name, plan))
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    elif status == 200 and url_name == "conferences:family-plan-pdf":
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    elif status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", READ_URLS)
def test_plan_read_pages_refuse_post(world, login, plan, persona, url_name):
    response = login(world.persona(persona)).post(url_for(url_name, plan))
    assert response.status_code == (302 if persona == "anonymous" else 405)


@pytest.mark.parametrize("persona", PERSONAS)
def test_outcome_add_post_permission_matrix(world, login, plan, persona):
    response = login(world.persona(persona)).post(
        url_for("conferences:outcome-add", plan),
        {"what_needs_to_change": "Ruby eats breakfast every day.", "order": 1},
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    added = plan.outcomes.filter(what_needs_to_change="Ruby eats breakfast every day.")
    assert added.exists() is (persona in WRITE)
    if persona in WRITE:
        assert response.url == reverse("conferences:plan-detail", args=[plan.child_id, plan.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_outcome_edit_post_permission_matrix(world, login, plan, persona):
    outcome = first_outcome(plan)
    response = login(world.persona(persona)).post(
        url_for("conferences:outcome-edit", plan),
        {
            "what_needs_to_change": "Ruby is at school by 8.50am.",
            "order": 0,
            "original": text_digest(outcome.what_needs_to_change),
        },
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    outcome.refresh_from_db()
    assert (outcome.what_needs_to_change == "Ruby is at school by 8.50am.") is (persona in WRITE)


@pytest.mark.parametrize("persona", PERSONAS)
def test_action_add_post_permission_matrix(world, login, plan, persona):
    response = login(world.persona(persona)).post(
        url_for("conferences:action-add", plan), action_data()
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    assert PlanAction.objects.filter(owner="Dad").exists() is (persona in WRITE)


@pytest.mark.parametrize("persona", PERSONAS)
def test_action_edit_post_permission_matrix(world, login, plan, persona):
    action = first_action(plan)
    response = login(world.persona(persona)).post(
        url_for("conferences:action-edit", plan),
        action_data(progress="on_track", progress_evidence="Two weeks on time.", version=1),
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    action.refresh_from_db()
    assert (action.progress == "on_track") is (persona in WRITE)


def test_plan_of_another_child_is_not_found_through_this_child(world, login, plan):
    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    client = login(world.social_worker)
    assert (
        client.get(reverse("conferences:plan-detail", args=[other_child.pk, plan.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("conferences:action-edit", args=[other_child.pk, plan.pk, first_action(plan).pk]),
        action_data(owner="Hijacked", version=1),
    )
    assert response.status_code == 404
    assert not PlanAction.objects.filter(owner="Hijacked").exists()


def test_action_of_another_plan_is_not_found_through_this_plan(world, login, plan):
    other_plan = make_plan(ChildFactory(allocated_team=world.team), chair=world.iro)
    foreign = ActionFactory(outcome=OutcomeFactory(plan=other_plan), owner="Grandad")
    response = login(world.social_worker).post(
        reverse("conferences:action-edit", args=[world.child.pk, plan.pk, foreign.pk]),
        action_data(owner="Hijacked", version=1),
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.owner == "Grandad"


def test_iro_chairing_another_childs_conference_cannot_write_this_plan(world, login, plan):
    # The other IRO chairs a conference of a different child: still 404 here.
    make_plan(ChildFactory(), chair=world.other_iro)
    response = login(world.other_iro).get(url_for("conferences:outcome-add", plan))
    assert response.status_code == 404


# --- The child's conferences and plans ----------------------------------------------------------


def test_child_plan_lists_conferences_and_the_current_plan(world, login, plan):
    PlanFactory(
        child=world.child,
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 9, 1),
        end_next_step="cin_plan",
        initial_category="PHY",
        latest_category="EMO",
    )
    content = login(world.social_worker).get(url_for("conferences:child-plan", plan)).content
    page = content.decode()
    assert "Initial child protection conference" in page
    assert "Child protection plan (neglect)" in page  # the ICPC's decision
    assert "Current child protection plan" in page
    assert "Ruby gets to school on time." in page
    assert "Walk Ruby to school each morning." in page
    assert "Every action has an owner and a timescale." in page
    # The current plan comes first and counts the earlier one.
    assert page.index(plan.start_date.strftime("%-d %b %Y")) < page.index("1 Mar 2024")
    assert "Physical abuse, Emotional abuse" in page  # codes in words
    assert re.search(r"Previous plans</dt>\s*<dd[^>]*>1</dd>", page)


def test_child_plan_shows_review_and_core_group_due_dates(world, login, plan):
    timescales_scan()  # as after the plan was written: the page reads what the rules stored
    page = login(world.social_worker).get(url_for("conferences:child-plan", plan)).content.decode()
    review_due = timescales.first_review_due(plan.start_date)
    core_group_due = timescales.first_core_group_due(plan.start_date)
    assert f"Due by {review_due:%-d %b %Y}" in page
    # Started 20 days ago with no core group: the first (10 working days) is overdue.
    late = (timezone.localdate() - core_group_due).days
    assert f"Overdue: it was due by {core_group_due:%-d %b %Y}, {late} days ago" in page


def test_next_review_follows_the_latest_held_review(world, login, plan):
    ConferenceFactory(
        section47=None,
        child=world.child,
        conference_type="review",
        status="held",
        target_date=days(-2),
        held_on=days(-2),
        chair=world.iro,
        decision="continue",
        category="NEG",
        plan=plan,
    )
    timescales_scan()
    page = login(world.social_worker).get(url_for("conferences:child-plan", plan)).content.decode()
    assert f"Due by {timescales.later_review_due(days(-2)):%-d %b %Y}" in page


def test_action_past_its_timescale_and_not_done_is_flagged_overdue(world, login, plan):
    outcome = first_outcome(plan)
    ActionFactory(outcome=outcome, action="Book the GP appointment.", timescale=days(-1))
    ActionFactory(
        outcome=outcome,
        action="Buy an alarm clock.",
        timescale=days(-5),
        progress="done",
        progress_evidence="Seen on the visit.",
    )
    page = login(world.social_worker).get(url_for("conferences:child-plan", plan)).content.decode()
    assert "1 action past its timescale and not done." in page
    row = page.split("Book the GP appointment.")[1].split("</tr>")[0]
    assert "Overdue" in row
    done_row = page.split("Buy an alarm clock.")[1].split("</tr>")[0]
    assert "Overdue" not in done_row


def test_plan_with_an_unowned_action_is_not_noted_as_owned_and_timed(world, login, plan):
    # Imported actions can arrive without an owner; the page says so.
    ActionFactory(outcome=first_outcome(plan), owner="")
    page = login(world.social_worker).get(url_for("conferences:child-plan", plan)).content.decode()
    assert "Every action has an owner and a timescale." not in page
    assert "Some actions have no owner or timescale." in page


def test_child_without_a_plan_says_so(world, login):
    page = (
        login(world.social_worker)
        .get(reverse("conferences:child-plan", args=[world.child.pk]))
        .content.decode()
    )
    assert "is not on a child protection plan now" in page
    assert "No conferences recorded." in page


def test_conference_rows_link_to_the_conference_page(world, login, plan):
    conference = plan.conferences.get()
    page = login(world.social_worker).get(url_for("conferences:child-plan", plan)).content.decode()
    assert f'href="{reverse("conferences:detail", args=[conference.pk])}"' in page


def test_readers_see_no_change_links(world, login, plan):
    page = (
        login(world.senior_manager).get(url_for("conferences:plan-detail", plan)).content.decode()
    )
    assert "Walk Ruby to school each morning." in page
    assert "Change the outcomes and actions" not in page
    assert "Change or record progress" not in page
    page = login(world.iro).get(url_for("conferences:plan-detail", plan)).content.decode()
    assert "Change the outcomes and actions" in page


# --- Changing outcomes and actions --------------------------------------------------------------


def test_action_without_owner_or_timescale_is_refused_with_the_models_message(world, login, plan):
    before = PlanVersion.objects.filter(plan=plan).count()
    response = login(world.social_worker).post(
        url_for("conferences:action-add", plan), action_data(owner="  ", timescale="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every action needs an owner: the person or agency who will do it." in page
    assert "Every action needs a timescale: the date it will be done by." in page
    assert not PlanAction.objects.filter(action="Take Ruby to the dentist.").exists()
    assert PlanVersion.objects.filter(plan=plan).count() == before


def test_editing_an_action_to_remove_its_owner_is_refused(world, login, plan):
    action = first_action(plan)
    response = login(world.social_worker).post(
        url_for("conferences:action-edit", plan), action_data(owner="", version=action.version)
    )
    assert "Every action needs an owner" in response.content.decode()
    action.refresh_from_db()
    assert action.owner == "Mum"


def test_action_done_needs_evidence(world, login, plan):
    response = login(world.social_worker).post(
        url_for("conferences:action-edit", plan),
        action_data(progress="done", progress_evidence="", version=1),
    )
    assert "Say what shows the action has been done." in response.content.decode()
    assert first_action(plan).progress == "not_started"


def test_progress_and_evidence_are_recorded_on_an_action(world, login, plan):
    login(world.iro).post(
        url_for("conferences:action-edit", plan),
        action_data(
            action="Walk Ruby to school each morning.",
            owner="Mum",
            progress="done",
            progress_evidence="School: on time every day for four weeks.",
            version=1,
        ),
    )
    action = first_action(plan)
    assert action.progress == "done"
    assert action.progress_evidence == "School: on time every day for four weeks."
    assert action.version == 2


def test_stale_action_edit_is_refused(world, login, plan):
    action = first_action(plan)
    client = login(world.social_worker)
    client.post(
        url_for("conferences:action-edit", plan),
        action_data(owner="Mum and Dad", version=action.version),
    )
    response = client.post(
        url_for("conferences:action-edit", plan),
        action_data(owner="Grandma", version=action.version),  # the version first opened
    )
    assert "Someone else saved this record after you opened it." in response.content.decode()
    action.refresh_from_db()
    assert action.owner == "Mum and Dad"


def test_stale_outcome_edit_is_refused(world, login, plan):
    outcome = first_outcome(plan)
    opened_from = text_digest(outcome.what_needs_to_change)
    outcome.what_needs_to_change = "Changed by a colleague meanwhile."
    outcome.save()
    response = login(world.social_worker).post(
        url_for("conferences:outcome-edit", plan),
        {"what_needs_to_change": "My change.", "order": 0, "original": opened_from},
    )
    assert "Someone else saved this record after you opened it." in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.what_needs_to_change == "Changed by a colleague meanwhile."


def test_outcome_edit_form_carries_the_text_it_started_from(world, login, plan):
    outcome = first_outcome(plan)
    page = login(world.social_worker).get(url_for("conferences:outcome-edit", plan)).content
    assert text_digest(outcome.what_needs_to_change).encode() in page


def test_every_change_records_a_numbered_version_with_who_and_why(world, login, plan):
    client = login(world.same_team_worker)
    outcome = first_outcome(plan)
    client.post(
        url_for("conferences:outcome-add", plan),
        {"what_needs_to_change": "Ruby sees the dentist.", "order": 1},
    )
    client.post(
        url_for("conferences:outcome-edit", plan),
        {
            "what_needs_to_change": "Ruby is at school by 8.50am.",
            "order": 0,
            "original": text_digest(outcome.what_needs_to_change),
        },
    )
    client.post(url_for("conferences:action-add", plan), action_data())
    client.post(
        url_for("conferences:action-edit", plan),
        action_data(owner="Mum", progress="on_track", version=1),
    )
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4]
    assert [v.reason for v in versions] == [
        "Outcome changed",
        "Outcome changed",
        "Action added",
        "Action changed",
    ]
    assert {v.created_by for v in versions} == {world.same_team_worker}
    latest = versions[-1].snapshot
    assert latest["outcomes"][0]["what_needs_to_change"] == "Ruby is at school by 8.50am."
    assert any(a["owner"] == "Dad" for a in latest["outcomes"][0]["actions"])


def test_versions_page_lists_versions_and_shows_the_chosen_snapshot(world, login, plan):
    client = login(world.social_worker)
    client.post(
        url_for("conferences:action-edit", plan),
        action_data(action="Walk Ruby to school each morning.", owner="Mum", version=1),
    )
    client.post(
        url_for("conferences:action-edit", plan),
        action_data(action="Drive Ruby to school.", owner="Dad", version=2),
    )
    url = url_for("conferences:plan-versions", plan)
    page = client.get(url).content.decode()
    assert "Version 1" in page and "Version 2" in page
    assert "Action changed" in page
    assert str(world.social_worker) in page
    first = client.get(url, {"number": 1}).content.decode()
    assert "Version 1, as it was on" in first
    assert "Walk Ruby to school each morning." in first
    assert "Drive Ruby to school." not in first
    second = client.get(url, {"number": 2}).content.decode()
    assert "Drive Ruby to school." in second
    assert client.get(url, {"number": 99}).status_code == 404


def test_ended_plan_cannot_be_changed(world, login, plan):
    plan.end_date = timezone.localdate()
    plan.end_next_step = "cin_plan"
    plan.save()
    client = login(world.social_worker)
    response = client.post(
        url_for("conferences:outcome-add", plan),
        {"what_needs_to_change": "Too late.", "order": 1},
    )
    assert response.status_code == 302
    assert not plan.outcomes.filter(what_needs_to_change="Too late.").exists()
    response = client.post(url_for("conferences:action-add", plan), action_data(), follow=True)
    assert "This plan has ended" in response.content.decode()
    assert not PlanAction.objects.filter(owner="Dad").exists()
    page = client.get(url_for("conferences:plan-detail", plan)).content.decode()
    assert "Add an outcome" not in page


# --- Query counts -------------------------------------------------------------------------------


def add_actions(plan, n: int) -> None:
    for i in range(n):
        outcome = OutcomeFactory(plan=plan, what_needs_to_change=f"Outcome {i}", order=i + 1)
        ActionFactory(outcome=outcome, action=f"Action {i}", timescale=days(i - 15))


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    ["conferences:child-plan", "conferences:plan-detail", "conferences:plan-versions"],
)
def test_plan_pages_run_a_fixed_number_of_queries(world, login, plan, url_name):
    client = login(world.social_worker)
    url = url_for(url_name, plan)
    count_queries(client, url)  # warm the session and caches
    few = count_queries(client, url)
    add_actions(plan, 30)
    for i in range(3):
        PlanFactory(
            child=world.child,
            start_date=datetime.date(2020 + i, 1, 1),
            end_date=datetime.date(2020 + i, 6, 1),
            end_next_step="nfi",
        )
    many = count_queries(client, url)
    assert many == few
    # Plans in other authorities (the previous-plan count) and the visits set at the
    # conference each read one small table.
    assert many <= 22


def test_child_plan_with_30_actions_stays_within_its_query_budget(
    world, login, plan, django_assert_max_num_queries
):
    add_actions(plan, 30)
    client = login(world.social_worker)
    # (24: the local policy is made on this first use, which moves the data version.)
    with django_assert_max_num_queries(24):
        page = client.get(url_for("conferences:child-plan", plan)).content.decode()
    assert "Action 29" in page
