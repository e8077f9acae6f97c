import datetime

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Child, CINPlan
from cases.services_episodes import cin_plan_save
from tests.cases.factories import ChildFactory, CINPlanFactory, ReferralFactory
from tests.conferences.factories import PlanFactory
from tests.personas import PERSONAS

# Who may see the child (read the plans) and who may change the record (start, edit, end plans).
SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def open_episode(child: Child, received: int = 60):
    received_at = timezone.make_aware(
        datetime.datetime.combine(days_ago(received), datetime.time(10))
    )
    return ReferralFactory(
        child=child,
        received_at=received_at,
        decision="assessment",
        decided_at=received_at + datetime.timedelta(hours=4),
    )


@pytest.fixture
def episode(world):
    return open_episode(world.child)


@pytest.fixture
def plan(world, episode):
    return cin_plan_save(
        plan=CINPlan(child=world.child, referral=episode, start_date=days_ago(30)),
        user=world.social_worker,
    )


def add_url(child) -> str:
    return reverse("cases:cin-plan-add", args=[child.pk])


def list_url(child) -> str:
    return reverse("cases:cin-plans", args=[child.pk])


def edit_url(plan) -> str:
    return reverse("cases:cin-plan-edit", args=[plan.child_id, plan.pk])


def end_url(plan) -> str:
    return reverse("cases:cin-plan-end", args=[plan.child_id, plan.pk])


# --- Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [
        ("cases:cin-plans", SEE),
        ("cases:cin-plan-add", WRITE),
        ("cases:cin-plan-edit", WRITE),
        ("cases:cin-plan-end", WRITE),
    ],
)
def test_cin_plan_pages_get_permission_matrix(world, login, plan, persona, url_name, allowed):
    args = [world.child.pk] if url_name in ("cases:cin-plans", "cases:cin-plan-add") else None
    response = login(world.persona(persona)).get(
        reverse(url_name, args=args or [world.child.pk, plan.pk])
    )
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_cin_plan_start_post_permission_matrix(world, login, episode, persona):
    response = login(world.persona(persona)).post(
        add_url(world.child), {"referral": episode.pk, "start_date": days_ago(5).isoformat()}
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    assert CINPlan.objects.filter(child=world.child).count() == (1 if persona in WRITE else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_cin_plan_end_post_permission_matrix(world, login, plan, persona):
    response = login(world.persona(persona)).post(
        end_url(plan), {"end_date": days_ago(1).isoformat(), "version": plan.version}
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    plan.refresh_from_db()
    assert (plan.end_date == days_ago(1)) is (persona in WRITE)


def test_another_teams_social_worker_gets_404_and_cannot_start_a_plan(world, login, episode):
    client = login(world.other_team_worker)
    assert client.get(list_url(world.child)).status_code == 404
    response = client.post(
        add_url(world.child), {"referral": episode.pk, "start_date": days_ago(5).isoformat()}
    )
    assert response.status_code == 404
    assert not CINPlan.objects.exists()


@pytest.mark.parametrize("persona", ["senior_manager", "iro", "business_support", "administrator"])
def test_read_only_roles_cannot_edit_or_end_a_plan(world, login, plan, persona):
    client = login(world.persona(persona))
    edit = client.post(edit_url(plan), {"start_date": days_ago(20).isoformat()})
    end = client.post(end_url(plan), {"end_date": days_ago(1).isoformat()})
    assert (edit.status_code, end.status_code) == (404, 404)
    plan.refresh_from_db()
    assert (plan.start_date, plan.end_date, plan.version) == (days_ago(30), None, 1)


def test_senior_manager_reads_the_list_without_write_links(world, login, plan):
    content = login(world.senior_manager).get(list_url(world.child)).content.decode()
    assert days_ago(30).strftime("%-d %b %Y") in content
    assert edit_url(plan) not in content
    assert end_url(plan) not in content


def test_a_plan_of_another_child_cannot_be_reached_through_this_child(world, login, plan):
    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    url = reverse("cases:cin-plan-end", args=[other.pk, plan.pk])
    response = login(world.social_worker).post(url, {"end_date": days_ago(1).isoformat()})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.end_date is None


def test_cin_plan_list_refuses_post(world, login):
    assert login(world.social_worker).post(list_url(world.child)).status_code == 405


# --- Start, edit, end -------------------------------------------------------------------------


def test_start_a_plan_in_the_open_episode(world, login, episode):
    client = login(world.social_worker)
    form = client.get(add_url(world.child)).content.decode()
    assert "Start a child in need plan" in form
    assert 'name="csrfmiddlewaretoken"' in form
    response = client.post(
        add_url(world.child), {"referral": episode.pk, "start_date": days_ago(5).isoformat()}
    )
    assert response.status_code == 302
    assert response.url == list_url(world.child)
    plan = CINPlan.objects.get(child=world.child)
    assert (plan.referral, plan.start_date, plan.end_date) == (episode, days_ago(5), None)
    assert plan.source_system == "entered"
    page = client.get(response.url).content.decode()
    assert "The child in need plan was started." in page
    assert "On a child in need plan since" in page
    assert end_url(plan) in page


def test_start_offers_only_the_childs_open_episode(world, login, episode):
    closed = open_episode(world.child, received=300)
    closed.closure_date = days_ago(250)
    closed.save()
    someone_elses = open_episode(ChildFactory(), received=10)
    client = login(world.social_worker)
    form = client.get(add_url(world.child)).content.decode()
    assert f'value="{episode.pk}"' in form
    assert f'value="{closed.pk}"' not in form
    response = client.post(
        add_url(world.child),
        {"referral": someone_elses.pk, "start_date": days_ago(5).isoformat()},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CINPlan.objects.exists()


def test_start_without_an_open_episode_sends_the_worker_to_the_list(world, login):
    response = login(world.social_worker).get(add_url(world.child), follow=True)
    assert response.redirect_chain == [(list_url(world.child), 302)]
    assert "record the referral first" in response.content.decode()


def test_edit_the_start_date(world, login, plan):
    response = login(world.team_manager).post(
        edit_url(plan), {"start_date": days_ago(25).isoformat(), "version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.start_date, plan.version) == (days_ago(25), 2)


def test_end_the_plan(world, login, plan):
    client = login(world.social_worker)
    assert "End the plan" in client.get(end_url(plan)).content.decode()
    response = client.post(
        end_url(plan), {"end_date": days_ago(2).isoformat(), "version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == days_ago(2)
    page = client.get(list_url(world.child)).content.decode()
    assert "The child in need plan was ended." in page
    assert "Start a child in need plan" in page  # the episode is still open
    assert "Change the end date" in page


def test_end_date_is_required(world, login, plan):
    response = login(world.social_worker).post(
        end_url(plan), {"end_date": "", "version": plan.version}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


# --- Validation: plain messages on the form, never a 500 --------------------------------------


def test_future_start_is_refused(world, login, episode):
    response = login(world.social_worker).post(
        add_url(world.child),
        {"referral": episode.pk, "start_date": (TODAY() + datetime.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "A child in need plan cannot start in the future." in response.content.decode()
    assert not CINPlan.objects.exists()


def test_start_before_the_referral_is_refused(world, login, episode):
    response = login(world.social_worker).post(
        add_url(world.child), {"referral": episode.pk, "start_date": days_ago(61).isoformat()}
    )
    assert response.status_code == 200
    assert "cannot start before the referral was received" in response.content.decode()
    assert not CINPlan.objects.exists()


def test_end_before_start_is_refused(world, login, plan):
    response = login(world.social_worker).post(
        end_url(plan), {"end_date": days_ago(31).isoformat(), "version": plan.version}
    )
    assert response.status_code == 200
    assert "A plan cannot end before it started." in response.content.decode()
    plan.refresh_from_db()
    assert plan.end_date is None


def test_future_end_is_refused(world, login, plan):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    response = login(world.social_worker).post(
        end_url(plan), {"end_date": tomorrow.isoformat(), "version": plan.version}
    )
    assert response.status_code == 200
    assert "The end date cannot be in the future." in response.content.decode()


def test_overlap_with_a_child_protection_plan_is_refused(world, login, episode):
    PlanFactory(child=world.child, start_date=days_ago(40), end_date=days_ago(10))
    response = login(world.social_worker).post(
        add_url(world.child), {"referral": episode.pk, "start_date": days_ago(20).isoformat()}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The child is on a child protection plan then" in content
    assert "never at the same time" in content
    assert not CINPlan.objects.exists()


def test_ending_after_a_child_protection_plan_started_shows_the_overlap_on_the_form(
    world, login, plan
):
    # The clash is reported against the start date, which the end form does not show: it must
    # still reach the worker, at the top of the form, and never as a server error.
    PlanFactory(child=world.child, start_date=days_ago(10))
    response = login(world.social_worker).post(
        end_url(plan), {"end_date": days_ago(5).isoformat(), "version": plan.version}
    )
    assert response.status_code == 200
    assert "The child is on a child protection plan then" in response.content.decode()
    plan.refresh_from_db()
    assert plan.end_date is None


def test_a_second_open_plan_is_refused(world, login, plan):
    response = login(world.social_worker).post(
        add_url(world.child), {"referral": plan.referral_id, "start_date": days_ago(3).isoformat()}
    )
    assert response.status_code == 200
    assert "a child has one child in need plan at a time" in response.content.decode()
    assert CINPlan.objects.filter(child=world.child).count() == 1


def test_list_hides_start_while_a_plan_is_open(world, login, plan):
    page = login(world.social_worker).get(list_url(world.child)).content.decode()
    assert add_url(world.child) not in page
    assert "End it before starting another." in page


# --- Concurrency and audit --------------------------------------------------------------------


def test_stale_edit_is_refused_and_nothing_saved(world, login, plan):
    opened_version = plan.version
    # A colleague ends the plan after our user opened the edit page.
    plan.end_date = days_ago(1)
    cin_plan_save(plan=plan, user=world.same_team_worker, expected_version=opened_version)
    response = login(world.social_worker).post(
        edit_url(plan), {"start_date": days_ago(25).isoformat(), "version": opened_version}
    )
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.start_date, plan.end_date, plan.version) == (
        days_ago(30),
        days_ago(1),
        opened_version + 1,
    )


def test_start_and_end_are_audited_with_the_worker(world, login, episode):
    client = login(world.social_worker)
    client.post(
        add_url(world.child), {"referral": episode.pk, "start_date": days_ago(5).isoformat()}
    )
    plan = CINPlan.objects.get(child=world.child)
    created = LogEntry.objects.get_for_object(plan).get(action=LogEntry.Action.CREATE)
    assert created.actor == world.social_worker
    login(world.team_manager).post(
        end_url(plan), {"end_date": days_ago(1).isoformat(), "version": plan.version}
    )
    ended = LogEntry.objects.get_for_object(plan).filter(action=LogEntry.Action.UPDATE).latest()
    assert ended.actor == world.team_manager
    assert "end_date" in ended.changes_dict


# --- Elsewhere on the record ------------------------------------------------------------------


def test_summary_shows_the_current_plan(world, login, plan):
    client = login(world.social_worker)
    summary = client.get(reverse("cases:child-detail", args=[world.child.pk])).content.decode()
    assert f"Since {days_ago(30).strftime('%-d %b %Y')}" in summary
    assert list_url(world.child) in summary
    plan.end_date = days_ago(1)
    cin_plan_save(plan=plan, user=world.social_worker)
    summary = client.get(reverse("cases:child-detail", args=[world.child.pk])).content.decode()
    assert "Not on a child in need plan" in summary


def test_episode_page_lists_its_plans(world, login, plan):
    url = reverse("cases:referral-detail", args=[world.child.pk, plan.referral_id])
    page = login(world.social_worker).get(url).content.decode()
    assert f"Child in need plan from {days_ago(30).strftime('%-d %b %Y')}" in page
    assert f"#cin-plan-{plan.pk}" in page


def test_chronology_lists_plan_start_and_end(world, login, plan):
    plan.end_date = days_ago(1)
    cin_plan_save(plan=plan, user=world.social_worker)
    page = login(world.social_worker).get(reverse("cases:chronology", args=[world.child.pk]))
    content = page.content.decode()
    assert "Child in need plan started" in content
    assert "Child in need plan ended" in content


def test_seed_demo_gives_a_child_not_on_a_protection_plan_a_cin_plan(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    plans = CINPlan.objects.select_related("child")
    assert plans.exists()
    for plan in plans:
        plan.full_clean()
        assert not plan.child.protection_plans.exists()


# --- Query count ------------------------------------------------------------------------------


def test_cin_plan_list_query_count_does_not_grow_with_plans(
    world, login, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = list_url(world.child)
    CINPlanFactory(
        referral=open_episode(world.child, received=400),
        start_date=days_ago(390),
        end_date=days_ago(380),
    )
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(15):
        # Each plan in an episode of its own, so the episode lookups would grow if not joined.
        start = 370 - i * 20
        CINPlanFactory(
            referral=open_episode(world.child, received=start + 2),
            start_date=days_ago(start),
            end_date=days_ago(start - 10),
        )
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert response.content.decode().count('id="cin-plan-') == 16


def test_summary_prompts_for_the_cin_plan_a_protection_plan_stepped_down_to(world, login, episode):
    """A child protection plan that ended with 'child in need plan' next: until that plan
    starts, the summary says so and offers (to those who may write) to start it."""
    PlanFactory(
        child=world.child,
        start_date=days_ago(200),
        end_date=days_ago(10),
        end_next_step="cin_plan",
    )
    detail = reverse("cases:child-detail", args=[world.child.pk])
    page = login(world.social_worker).get(detail).content.decode()
    ended = days_ago(10).strftime("%-d %b %Y")
    assert f"ended on {ended} with a step down to a child in need plan" in page
    assert add_url(world.child) in page
    reader = login(world.senior_manager).get(detail)
    assert reader.status_code == 200
    assert "with a step down to a child in need plan" in reader.content.decode()
    assert add_url(world.child) not in reader.content.decode()
    cin_plan_save(
        plan=CINPlan(child=world.child, referral=episode, start_date=days_ago(9)),
        user=world.social_worker,
    )
    page = login(world.social_worker).get(detail).content.decode()
    assert "with a step down to a child in need plan" not in page
    assert f"Since {days_ago(9).strftime('%-d %b %Y')}" in page


def test_summary_does_not_prompt_after_a_step_down_to_early_help(world, login, episode):
    PlanFactory(
        child=world.child,
        start_date=days_ago(200),
        end_date=days_ago(10),
        end_next_step="early_help",
    )
    page = login(world.social_worker).get(reverse("cases:child-detail", args=[world.child.pk]))
    assert "step down to a child in need plan" not in page.content.decode()
    assert "Not on a child in need plan" in page.content.decode()


def test_closing_an_episode_locks_the_child_as_starting_a_plan_does(world, episode):
    """Closing checks there is no open plan; starting a plan checks the episode is open. Both
    lock the child, so the checks run one after the other (a plan cannot be left open in a
    closed episode)."""
    from cases.services_episodes import referral_close

    if not connection.features.has_select_for_update:
        pytest.skip("this database has no row locks (SQLite locks the whole file)")
    for service in ("start", "close"):
        with CaptureQueriesContext(connection) as queries:
            if service == "start":
                plan = CINPlan(child=world.child, referral=episode, start_date=days_ago(5))
                cin_plan_save(plan=plan, user=world.social_worker)
                plan.end_date = days_ago(2)
                cin_plan_save(plan=plan, user=world.social_worker)
            else:
                episode.closure_date = days_ago(1)
                episode.closure_reason = "RC8"
                referral_close(referral=episode, user=world.team_manager)
        locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
        assert any('FROM "cases_child"' in sql for sql in locks), (service, locks)
