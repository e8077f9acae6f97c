"""A sibling-group conference (issue 19 item 4): business support book one conference for two
siblings, the IRO chairs it and records a decision for each child, and two plans result.

Scene: the social worker requested an ICPC for each child from each child's own section 47
enquiry (the strategy discussions a working day apart, so each child has their own target).
"""

import re

import pytest
from playwright.sync_api import expect

from conferences import services as conference_services
from conferences.forms.diary import SiblingChoiceField
from conferences.models import ChildProtectionPlan, Conference, ConferenceStatus
from tests.cases.factories import ChildFactory
from timescales.calendar import add_working_days

from . import scenes
from .pages import status_message

pytestmark = pytest.mark.e2e


def _record(page, *, views: str, category: str, minutes: str | None = None) -> None:
    page.get_by_role("textbox", name=re.compile(r"^The child's views")).fill(views)
    page.get_by_label("How the child's views were gathered").fill("Seen alone at school.")
    page.get_by_role("radio", name="Child protection plan", exact=True).check()
    page.get_by_label("Category of abuse").select_option(label=category)
    page.get_by_label("Reasons for the decision").fill("Risk of significant harm at home.")
    page.get_by_label("Outline plan").fill("The children are safe and cared for at home.")
    if minutes is not None:
        page.get_by_label("Minutes").fill(minutes)
    else:
        expect(page.get_by_label("Minutes")).to_have_count(0)
    page.get_by_role("button", name="Save").click()
    expect(status_message(page)).to_contain_text("The conference's outcome has been recorded.")


def test_business_support_book_one_conference_for_two_siblings_and_two_plans_result(app, world):
    ruby = world.child
    leo = ChildFactory(
        first_name="Leo",
        last_name=ruby.last_name,
        allocated_team=world.team,
        allocated_worker=world.social_worker,
    )
    lead = scenes.icpc_requested(world, ruby, strategy_on=scenes.working_days_ago(2))
    member = scenes.icpc_requested(world, leo, strategy_on=scenes.working_days_ago(1))
    held_on = scenes.working_days_ago(0)
    # The schedule form takes today or a day to come. Run at a weekend or on a bank holiday,
    # business support book the first working day to come, and the conference is moved back
    # to the last working day afterwards, the day it was held (a conference is not held at a
    # weekend, nor recorded before it happens).
    booked_on = held_on if held_on == scenes.today() else add_working_days(scenes.today(), 1)

    # --- Business support: add Leo to Ruby's conference, then book it once -------------------
    bs = app.sign_in(world.business_support)
    bs.get_by_role("navigation", name="Main").get_by_role("link", name="Conferences").click()
    app.check(bs, "Conference diary (two requests)")
    bs.get_by_role("table", name="Upcoming conferences").get_by_role("row").filter(
        has_text=ruby.full_name
    ).get_by_role("link", name="Initial child protection conference").click()
    bs.get_by_role("link", name="Children considered").click()
    app.check(bs, "Children considered")
    choice = SiblingChoiceField(queryset=Conference.objects.none()).label_from_instance(member)
    assert choice.startswith(f"{leo.full_name} (born ")
    bs.get_by_label("Child to be considered at this conference too").select_option(label=choice)
    bs.get_by_role("button", name="Add to this conference").click()
    expect(status_message(bs)).to_contain_text(f"{leo.full_name} will be considered")
    expect(bs.get_by_role("table", name="Children this conference considers")).to_contain_text(
        leo.full_name
    )
    app.check(bs, "Children considered (two)")
    bs.get_by_role("link", name="Back to the conference").click()
    app.check(bs, "Sibling-group conference (requested)")
    bs.get_by_role("link", name="Schedule", exact=True).click()
    app.check(bs, "Schedule the sibling-group conference")
    bs.get_by_label("Date and time").fill(f"{booked_on:%Y-%m-%d}T10:00")
    bs.get_by_role("textbox", name="Venue").fill("Room 4, Civic Centre")
    bs.get_by_label("Chair (independent reviewing officer)").select_option(
        label=world.iro.get_full_name()
    )
    bs.get_by_role("button", name="Save").click()
    expect(status_message(bs)).to_contain_text("The conference has been scheduled.")
    expect(bs.get_by_role("region", name="A sibling-group conference")).to_contain_text(
        leo.full_name
    )
    app.check(bs, "Sibling-group conference (scheduled)")
    member.refresh_from_db()
    assert member.status == ConferenceStatus.SCHEDULED and member.chair == world.iro
    assert member.target_date != lead.target_date  # each child's own target

    bs.get_by_role("navigation", name="Main").get_by_role("link", name="Conferences").click()
    rows = bs.get_by_role("table", name="Upcoming conferences").get_by_role("row")
    group_row = rows.filter(has_text="Sibling group: 2 children")
    expect(group_row).to_have_count(1)
    expect(group_row).to_contain_text(ruby.full_name)
    expect(group_row).to_contain_text(leo.full_name)
    app.check(bs, "Conference diary (the group once)")
    if booked_on != held_on:
        lead.refresh_from_db()
        lead.scheduled_for = scenes.at(held_on, 10)
        conference_services.conference_schedule(
            conference=lead, user=world.business_support, expected_version=lead.version
        )

    # --- The IRO chairs it: a decision for each child, minutes once ---------------------------
    iro = app.sign_in(world.iro)
    iro.goto(f"/conferences/{lead.pk}/")
    app.check(iro, "Sibling-group conference (chair)")
    iro.get_by_role("link", name="Record the outcome").click()
    app.check(iro, "Record the conference (Ruby)")
    _record(
        iro,
        views="I want to stay with Mum.",
        category="Neglect",
        minutes="Ruby and Leo were both considered. Decision: a plan for each.",
    )
    app.check(iro, "Sibling-group conference (Ruby held)")
    iro.get_by_role("region", name="A sibling-group conference").get_by_role(
        "link", name=leo.full_name
    ).click()
    iro.get_by_role("link", name="Record the outcome").click()
    app.check(iro, "Record the conference (Leo)")
    _record(iro, views="I like my football club.", category="Emotional abuse")
    app.check(iro, "Sibling-group conference (Leo held)")
    iro.goto(f"/conferences/{lead.pk}/")
    iro.get_by_role("button", name="Approve the minutes").click()
    app.check(iro, "Approve the minutes? (sibling group)")
    iro.get_by_role("button", name="Yes, approve the minutes").click()
    expect(status_message(iro)).to_contain_text("The minutes are approved")
    app.check(iro, "Sibling-group conference (minutes approved)")

    plans = {p.child_id: p for p in ChildProtectionPlan.objects.all()}
    assert set(plans) == {ruby.pk, leo.pk}
    assert (plans[ruby.pk].initial_category, plans[leo.pk].initial_category) == ("NEG", "EMO")
    assert plans[ruby.pk].start_date == plans[leo.pk].start_date == held_on
    member.refresh_from_db()
    assert member.minutes_approved_by == world.iro and member.minutes == ""
