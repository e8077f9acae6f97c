"""The front door: a front-door worker searches "Known to us?" (the child is the front door's
own; her brother is known to another team, of whom nothing more shows), takes a contact from a
school, runs the multi-agency checks and acknowledges the referrer; the manager decides
referral, which opens the child's referral (the census episode). Every page passes axe (WCAG
2.2 AA).

Scene: the North Assessment Team is the front door; Ruby Testwood is known to it.
"""

import pytest
from playwright.sync_api import expect

from cases.family_people import link_family
from cases.models import Referral
from documents.models import Document
from frontdoor.models import AgencyCheck, Contact
from tests.cases.factories import ChildFactory

from .pages import status_message

pytestmark = pytest.mark.e2e


def test_a_school_contact_checked_acknowledged_and_referred(app, world):
    child = world.child
    world.team.front_door = True
    world.team.save(update_fields=["front_door"])
    brother = ChildFactory(first_name="Leo", last_name="Testwood", allocated_team=world.other_team)
    link_family(children=[child, brother])

    # --- The front-door worker records the school's contact ----------------------------------
    sw = app.sign_in(world.social_worker)
    sw.get_by_role("navigation", name="Main").get_by_role("link", name="Front door").click()
    app.check(sw, "Front door")
    sw.get_by_role("link", name="Record a contact").click()
    app.check(sw, "Record a contact: find the child")
    # "Known to us?" first, across every team: Ruby is the front door's own; her brother is
    # known to another team, which is all the worker learns of him (and whom to call).
    sw.get_by_role("search", name="Known to us?").get_by_label("Last name").fill("Testwud")
    sw.get_by_role("search", name="Known to us?").get_by_role("button", name="Search").click()
    main = sw.get_by_role("main")
    expect(main).to_contain_text("Leo Testwood: known to children's services")
    expect(main).to_contain_text(f"Allocated team: {world.other_team}")
    expect(main).not_to_contain_text(brother.la_child_id)
    app.check(sw, "Record a contact: known to us?")
    sw.get_by_role("link", name=f"Record a contact for {child}").click()
    expect(sw.get_by_role("heading", level=2)).to_have_text("Record a contact")
    app.check(sw, "Record a contact")
    sw.get_by_label("Contact source").select_option(label="2A Schools")
    sw.get_by_label("Referrer's name").fill("Ms Ada Teacher")
    sw.get_by_label("Referrer's agency or organisation").fill("Synthetic Primary School")
    sw.get_by_label("Referrer's email").fill("ada.teacher@school.example")
    sw.get_by_label("What was reported").fill("Ruby came to school with a bruise on her arm.")
    sw.get_by_label("Consent to share information").select_option(
        label="Given: the family agreed to information being shared"
    )
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("The contact was recorded.")
    app.check(sw, "Contact")
    contact = Contact.objects.get(child=child)

    # --- Checks with the police and health -----------------------------------------------------
    for agency, urgency in (("Police", "Red (urgent)"), ("Health", "Amber")):
        sw.get_by_role("link", name="Send a check").click()
        app.check(sw, f"Send a check to {agency.lower()}")
        sw.get_by_label("Agency").select_option(label=agency)
        sw.get_by_label(urgency).check()
        sw.get_by_role("button", name="Save").click()
        expect(status_message(sw)).to_contain_text("The check was recorded.")
    app.check(sw, "Contact (checks sent)")
    sw.get_by_role("link", name="record the response from police").click()
    app.check(sw, "The police response")
    sw.get_by_label("Nothing known").check()
    sw.get_by_role("button", name="Save").click()
    expect(sw.get_by_role("table", name="Checks with partner agencies")).to_contain_text(
        "nothing known"
    )
    sw.get_by_role("link", name="record the response from health").click()
    app.check(sw, "The health response")
    sw.get_by_label("What the agency said").fill("Known to the health visitor; no concerns.")
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("The response was recorded.")
    app.check(sw, "Contact (checks answered)")
    assert AgencyCheck.objects.filter(contact=contact, responded_at__isnull=False).count() == 2

    # --- The referrer acknowledged, with the letter ------------------------------------------
    sw.get_by_role("link", name="Acknowledge the referrer").click()
    app.check(sw, "Acknowledge the referrer")
    sw.get_by_label("Email").check()
    # The letter is made as a PDF (WeasyPrint): slow on a busy two-core machine.
    sw.get_by_role("button", name="Save").click(timeout=90_000)
    expect(status_message(sw)).to_contain_text("The acknowledgement was recorded.", timeout=30_000)
    app.check(sw, "Contact (acknowledged)")
    contact.refresh_from_db()
    assert contact.acknowledgement_letter.child == child
    assert Document.objects.filter(child=child, document_type="letter").count() == 1

    # --- The manager decides: referral to children's social care -----------------------------
    tm = app.sign_in(world.team_manager)
    tm.get_by_role("navigation", name="Main").get_by_role("link", name="Front door").click()
    app.check(tm, "Front door (manager)")
    tm.get_by_role("link", name=child.full_name).click()
    app.check(tm, "Contact (manager)")
    tm.get_by_role("link", name="Decide on the contact").click()
    app.check(tm, "Decide on the contact")
    tm.get_by_label("Referral to children's social care").check()
    tm.get_by_label("Reason for the decision").fill(
        "An unexplained bruise; police know nothing; threshold for an assessment met."
    )
    tm.locator("#id_primary_need").select_option(label="N1 Abuse or neglect")
    tm.get_by_role("button", name="Save").click(timeout=60_000)
    expect(status_message(tm)).to_contain_text("Decision recorded", timeout=30_000)
    expect(tm.get_by_role("main")).to_contain_text("The referral (children in need episode)")
    app.check(tm, "Contact (decided)")
    referral = Referral.objects.get(child=child)
    assert referral.decision == "assessment" and referral.source == "2A"
    contact.refresh_from_db()
    assert contact.referral == referral
