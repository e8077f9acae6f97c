"""The IRO chairs the initial conference: attendance, decision, category, outline plan, minutes.

Scene: an ICPC booked (by business support) for the last working day, chaired by the IRO, with
the social worker, police, health and the mother invited.
"""

import re

import pytest
from playwright.sync_api import expect

from conferences.models import ChildProtectionPlan, ConferenceStatus, ConferenceType
from timescales import rules as timescales

from . import scenes
from .pages import status_message

pytestmark = pytest.mark.e2e

ATTENDANCE = {
    "DC Alex Sample": {"Attendance": "Attended"},
    "Sam Visitor": {"Attendance": "Attended", "Knows the child": "Yes"},
    "Dana": {"Attendance": "Attended"},  # the reports: from documents (test_documents_journey)
}


def test_iro_records_the_conference_and_the_plan_is_made(app, world):
    child = world.child
    held_on = scenes.working_days_ago(0)
    conference = scenes.icpc_booked(
        world, child, strategy_on=scenes.working_days_ago(10), on=held_on
    )
    outline = "Dana keeps the children safe from Lee's drinking and shouting."

    iro = app.sign_in(world.iro)
    iro.get_by_role("navigation", name="Main").get_by_role("link", name="Conferences").click()
    app.check(iro, "Conference diary")
    row = (
        iro.get_by_role("table", name="Upcoming conferences")
        .get_by_role("row")
        .filter(has_text=child.full_name)
    )
    row.get_by_role("link", name="Initial child protection conference").click()
    app.check(iro, "Conference (booked)")

    # --- Attendance ----------------------------------------------------------------------------
    iro.get_by_role("link", name="Record attendance").click()
    app.check(iro, "Record attendance")
    people = iro.get_by_role("group", name=re.compile(r"^Person \d+: "))
    expect(people).to_have_count(4)
    for n in range(4):
        person = people.nth(n)
        name = person.get_by_label("Name").input_value()
        answers = next((a for key, a in ATTENDANCE.items() if name.startswith(key)), None)
        for label, option in (answers or {"Attendance": "Attended"}).items():
            person.get_by_label(label).select_option(label=option)
    iro.get_by_role("button", name="Save").click()
    expect(status_message(iro)).to_contain_text(
        "The invitation and attendance list has been saved."
    )
    expect(iro.get_by_role("region", name="Invitations and attendance")).to_contain_text(
        "Quorate: children's social care and at least two other agencies took part."
    )
    app.check(iro, "Conference (attendance recorded)")

    # --- Decision, category, outline plan and minutes ---------------------------------------
    iro.get_by_role("link", name="Record the outcome").click()
    app.check(iro, "Record the conference")
    expect(iro.get_by_label("Date held")).to_have_value(f"{held_on:%Y-%m-%d}")
    iro.get_by_role("textbox", name=re.compile(r"^The child's views")).fill(
        '"I don\'t like it when Dad shouts. I want to stay at home with Mum."'
    )
    iro.get_by_label("How the child's views were gathered").fill(
        "Seen alone at school by the social worker; shared in her words."
    )
    iro.get_by_role("radio", name="Child protection plan", exact=True).check()
    iro.get_by_label("Category of abuse").select_option(label="Neglect")
    iro.get_by_label("Reasons for the decision").fill(
        "Repeated incidents of domestic abuse witnessed by the child; home conditions poor."
    )
    iro.get_by_label("Outline plan").fill(outline)
    iro.get_by_label("The parents' views").fill(
        "Dana agrees the children need a plan. Lee did not come and has not given his views."
    )
    iro.get_by_label("What are we worried about?").fill(
        "Ruby has seen Lee shout at Dana when he has been drinking."
    )
    iro.get_by_label("What is working well?").fill("Ruby's Nan takes her to school every day.")
    iro.get_by_label("What needs to happen?").fill("Lee does not come home when he has drunk.")
    dissent = iro.get_by_role("group", name="Dissent 1")
    dissent.get_by_label("Who dissented").fill("DC Alex Sample, police")
    dissent.get_by_label("What they disagreed with").select_option(label="The category of abuse")
    dissent.get_by_label("Why they disagreed").fill("He would have chosen emotional abuse.")
    iro.get_by_label("Minutes").fill(
        "Present: social worker, police, health visitor, mother.\n"
        "Information shared by each agency. Decision: child protection plan, neglect."
    )
    iro.get_by_role("button", name="Save").click()
    expect(status_message(iro)).to_contain_text("The conference's outcome has been recorded.")
    outcome = iro.get_by_role("region", name="Outcome")
    expect(outcome).to_contain_text("Child protection plan")
    expect(outcome).to_contain_text("Neglect")
    expect(outcome).not_to_contain_text("(NEG)")
    expect(outcome).to_contain_text("DC Alex Sample, police disagreed with the category of abuse")
    expect(outcome).to_contain_text("Ruby's Nan takes her to school every day.")
    app.check(iro, "Conference (held)")

    iro.get_by_role("button", name="Approve the minutes").click()
    # Approved minutes are final: asked first.
    expect(iro.get_by_role("heading", name="Approve the minutes?")).to_be_visible()
    app.check(iro, "Approve the minutes?")
    iro.get_by_role("button", name="Yes, approve the minutes").click()
    expect(status_message(iro)).to_contain_text("The minutes are approved")
    expect(iro.get_by_role("region", name="Minutes")).to_contain_text("Approved")
    app.check(iro, "Conference (minutes approved)")

    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD and conference.held_on == held_on
    assert (conference.decision, conference.category) == ("plan", "NEG")
    assert conference.minutes_approved_by == world.iro
    assert conference.worries.startswith("Ruby has seen Lee shout")
    assert conference.parents_views.startswith("Dana agrees")
    assert [(d.who, d.from_what) for d in conference.dissents.all()] == [
        ("DC Alex Sample, police", "category")
    ]
    assert conference.first_core_group_date == timescales.first_core_group_due(held_on)
    attended = {p.name: p for p in conference.participants.all()}
    assert all(p.status == "attended" for p in attended.values())
    assert attended["Sam Visitor"].knows_child is True

    # --- The plan exists ---------------------------------------------------------------------
    iro.get_by_role("link", name="The child's conferences and plan").click()
    expect(iro.get_by_role("heading", name="Current child protection plan")).to_be_visible()
    expect(iro.get_by_role("heading", name=f"What needs to change 1: {outline}")).to_be_visible()
    app.check(iro, "Conferences and plan", readme="plan")
    plan = ChildProtectionPlan.objects.get(child=child)
    assert plan.start_date == held_on and plan.end_date is None
    assert (plan.initial_category, plan.latest_category) == ("NEG", "NEG")
    assert plan.outcomes.get().what_needs_to_change == outline
    review = child.conferences.get(conference_type=ConferenceType.REVIEW)
    assert review.target_date == timescales.first_review_due(held_on)
