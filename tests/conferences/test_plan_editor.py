"""A plan's outcomes and actions on one page (issue 23 item 9): nested rows, added and removed
without a script, saved all at once, refused when stale; owners from the core group."""

import pytest
from django.urls import reverse

from conferences.models import (
    ActionProgress,
    CoreGroupActionUpdate,
    CoreGroupMeeting,
    CoreGroupMember,
    PlanAction,
    PlanOutcome,
    PlanVersion,
)
from tests.conferences.factories import ActionFactory, OutcomeFactory, PlanFactory
from tests.conferences.test_plan_views import _fresh_policy_cache, days, make_plan  # noqa: F401
from tests.test_bad_input_sweep import post_forms


def editor_url(plan) -> str:
    return reverse("conferences:plan-edit", args=[plan.child_id, plan.pk])


def page_data(client, plan) -> dict:
    """What the browser would send from the editor as it is shown."""
    response = client.get(editor_url(plan))
    assert response.status_code == 200
    forms = post_forms(response.content.decode(), "")
    fields = next(f for f in forms if any(x.name == "digest" for x in f))
    return {f.name: f.value for f in fields if f.value is not None and f.kind != "submit"}


def action(prefix: str, text: str, *, member=None, owner="", by=30) -> dict:
    return {
        f"{prefix}-action": text,
        f"{prefix}-owner_member": str(member.pk) if member else "",
        f"{prefix}-owner": owner,
        f"{prefix}-timescale": days(by).isoformat(),
        f"{prefix}-evidence_of_done": "",
    }


@pytest.fixture
def empty_plan(world):
    plan = make_plan(world.child, chair=world.iro)
    CoreGroupMember.objects.create(plan=plan, name="Jade Testwood", role="Mother")
    CoreGroupMember.objects.create(
        plan=plan, name="Sam Visitor", role="Health visitor", agency="health"
    )
    return plan


def test_two_outcomes_and_three_actions_are_saved_from_one_page(world, login, empty_plan):
    client = login(world.social_worker)
    mother, health = empty_plan.core_group_members.order_by("pk")
    data = page_data(client, empty_plan)
    # A plan with no outcomes offers two, each with two actions, without a script.
    assert data["outcomes-TOTAL_FORMS"] == "2"
    assert data["outcomes-0-actions-TOTAL_FORMS"] == "2"
    data.update(
        {
            "outcomes-0-what_needs_to_change": "Ruby gets to school on time, every day.",
            **action("outcomes-0-actions-0", "Walk Ruby to school.", member=mother, by=7),
            **action("outcomes-0-actions-1", "Check the register weekly.", owner="Pat Teacher"),
            "outcomes-1-what_needs_to_change": "Ruby's weight goes back on track.",
            **action("outcomes-1-actions-0", "Weigh Ruby every fortnight.", member=health),
            "contingency_plan": "If Ruby is not safe at home, a legal planning meeting is held.",
        }
    )
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    outcomes = list(empty_plan.outcomes.order_by("order"))
    assert [o.what_needs_to_change for o in outcomes] == [
        "Ruby gets to school on time, every day.",
        "Ruby's weight goes back on track.",
    ]
    assert [o.order for o in outcomes] == [0, 1]
    actions = PlanAction.objects.filter(outcome__plan=empty_plan).order_by("pk")
    assert [(a.owner, a.owner_member_id) for a in actions] == [
        ("Jade Testwood (Mother)", mother.pk),
        ("Pat Teacher", None),
        ("Sam Visitor (Health visitor)", health.pk),
    ]
    empty_plan.refresh_from_db()
    assert empty_plan.contingency_plan.startswith("If Ruby is not safe")
    assert PlanVersion.objects.filter(plan=empty_plan).count() == 1
    page = client.get(reverse("conferences:plan-detail", args=[empty_plan.child_id, empty_plan.pk]))
    html = page.content.decode()
    assert "Jade Testwood (Mother)" in html and "If Ruby is not safe" in html


def test_save_and_add_more_comes_back_with_fresh_blank_rows(world, login, empty_plan):
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    data.update(
        {
            "outcomes-0-what_needs_to_change": "Ruby is fed every day.",
            **action("outcomes-0-actions-0", "Cook a hot meal each evening.", owner="Dad"),
            "then": "more",
        }
    )
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 302 and response["Location"] == editor_url(empty_plan)
    again = page_data(client, empty_plan)
    # The saved outcome with one more action row, and one more outcome with two.
    assert again["outcomes-TOTAL_FORMS"] == "2"
    assert again["outcomes-0-actions-TOTAL_FORMS"] == "2"
    assert again["outcomes-1-actions-TOTAL_FORMS"] == "2"


def test_an_action_and_an_outcome_are_removed_without_a_script(world, login, empty_plan):
    keep = OutcomeFactory(plan=empty_plan, what_needs_to_change="Keep this", order=0)
    gone = OutcomeFactory(plan=empty_plan, what_needs_to_change="Remove this", order=1)
    first = ActionFactory(outcome=keep, action="Stays", owner="Mum", timescale=days(5))
    second = ActionFactory(outcome=keep, action="Goes", owner="Mum", timescale=days(6))
    ActionFactory(outcome=gone, action="Goes with its outcome", owner="Dad", timescale=days(7))
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    assert data["outcomes-0-actions-0-id"] == str(first.pk)
    assert data["outcomes-0-actions-1-id"] == str(second.pk)
    data["outcomes-0-actions-1-DELETE"] = "on"
    data["outcomes-1-DELETE"] = "on"
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 302
    assert list(empty_plan.outcomes.values_list("what_needs_to_change", flat=True)) == ["Keep this"]
    assert list(PlanAction.objects.filter(outcome__plan=empty_plan).values_list("pk", flat=True))
    assert set(PlanAction.objects.filter(outcome__plan=empty_plan)) == {first}


def test_a_page_opened_before_someone_elses_change_is_refused(world, login, empty_plan):
    outcome = OutcomeFactory(plan=empty_plan, what_needs_to_change="Ruby is safe at night.")
    existing = ActionFactory(
        outcome=outcome, action="Lock the door", owner="Mum", timescale=days(3)
    )
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    # Meanwhile a colleague changes the action on its own page.
    existing.action = "Lock the back door each night"
    existing.save()
    data["outcomes-0-what_needs_to_change"] = "Ruby sleeps safely."
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.what_needs_to_change == "Ruby is safe at night."
    assert not PlanVersion.objects.filter(plan=empty_plan).exists()


def test_an_outcome_left_empty_with_actions_is_refused_and_nothing_saved(world, login, empty_plan):
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    data.update(
        {
            "outcomes-0-what_needs_to_change": "Ruby is fed.",
            **action("outcomes-0-actions-0", "Cook each evening.", owner="Dad"),
            **action("outcomes-1-actions-0", "An action with no outcome.", owner="Mum"),
        }
    )
    response = client.post(editor_url(empty_plan), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say what needs to change: this outcome has actions." in html
    assert "There is a problem" in html
    assert not empty_plan.outcomes.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"owner": "Pat Teacher", "member": True}, "not both"),
        ({"owner": ""}, "Every action needs an owner"),
        ({"timescale": ""}, "Every action needs a timescale"),
        ({"action": ""}, "Say what will be done."),
    ],
)
def test_an_action_without_its_parts_is_refused(world, login, empty_plan, change, message):
    client = login(world.social_worker)
    mother = empty_plan.core_group_members.first()
    data = page_data(client, empty_plan)
    row = action(
        "outcomes-0-actions-0",
        "Walk Ruby to school.",
        member=mother if change.get("member") else None,
        owner="Dad",
    )
    for key in ("owner", "timescale", "action"):
        if key in change:
            row[f"outcomes-0-actions-0-{key}"] = change[key]
    data.update({"outcomes-0-what_needs_to_change": "Ruby gets to school.", **row})
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not empty_plan.outcomes.exists()


def test_an_owner_from_another_plans_core_group_is_refused(world, login, empty_plan):
    stranger = CoreGroupMember.objects.create(plan=PlanFactory(), name="Someone Else")
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    data.update(
        {
            "outcomes-0-what_needs_to_change": "Ruby gets to school.",
            **action("outcomes-0-actions-0", "Walk Ruby to school.", member=stranger),
        }
    )
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not PlanAction.objects.filter(owner_member=stranger).exists()


def test_an_action_with_progress_at_a_core_group_is_not_removed(world, login, empty_plan):
    outcome = OutcomeFactory(plan=empty_plan, what_needs_to_change="Ruby is safe.")
    done = ActionFactory(outcome=outcome, action="Fit a stair gate", owner="Dad", timescale=days(2))
    meeting = CoreGroupMeeting.objects.create(
        plan=empty_plan, meeting_date=days(-1), attendees="Dad", recorded_by=world.social_worker
    )
    CoreGroupActionUpdate.objects.create(
        meeting=meeting, action=done, progress=ActionProgress.ON_TRACK
    )
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    data["outcomes-0-actions-0-DELETE"] = "on"
    response = client.post(editor_url(empty_plan), data)
    assert response.status_code == 200
    assert "has progress recorded at a core group" in response.content.decode()
    assert PlanAction.objects.filter(pk=done.pk).exists()


def test_an_ended_plan_is_not_changed(world, login, empty_plan):
    client = login(world.social_worker)
    data = page_data(client, empty_plan)
    empty_plan.end_date = days(-1)
    empty_plan.end_next_step = "nfi"
    empty_plan.save()
    data.update(
        {
            "outcomes-0-what_needs_to_change": "Too late.",
            **action("outcomes-0-actions-0", "Nothing.", owner="Mum"),
        }
    )
    response = client.post(editor_url(empty_plan), data, follow=True)
    assert "This plan has ended" in response.content.decode()
    assert not PlanOutcome.objects.filter(plan=empty_plan).exists()


def test_the_single_action_page_offers_the_core_group_too(world, login, empty_plan):
    outcome = OutcomeFactory(plan=empty_plan, what_needs_to_change="Ruby is safe.")
    mother = empty_plan.core_group_members.first()
    client = login(world.social_worker)
    url = reverse("conferences:action-add", args=[empty_plan.child_id, empty_plan.pk, outcome.pk])
    assert "Jade Testwood (Mother)" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "action": "Walk Ruby to school.",
            "owner_member": mother.pk,
            "owner": "",
            "timescale": days(9).isoformat(),
            "progress": "not_started",
        },
    )
    assert response.status_code == 302
    assert outcome.actions.get().owner == "Jade Testwood (Mother)"
