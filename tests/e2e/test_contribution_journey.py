"""A contribution request, end to end: business support ask the GP for their report for a
conference; the GP, in a browser of their own, opens the emailed link, enters the emailed code
and sends a PDF; the conference page shows it received. Every page passes axe.

Scene: an ICPC booked for today, arranged by business support.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from documents.models import ContributionRequest, Document
from partners.models import PartnerOrganisation, PartnerPerson
from tests.documents.samples import pdf

from . import scenes
from .conftest import VIEWPORT
from .pages import status_message

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^/\s]+(/contribute/[^\s]+/)")
CODE = re.compile(r"Your code is (\d{6})")


def _wait_for_mail(page, pattern):
    for _ in range(50):
        found = [m for m in mail.outbox if pattern.search(m.body)]
        if found:
            return pattern.search(found[-1].body).group(1)
        page.wait_for_timeout(100)
    raise AssertionError(f"No email matching {pattern.pattern}")


def test_business_support_ask_the_gp_who_sends_a_pdf(app, world, tmp_path):
    child = world.child
    today = scenes.today()
    conference = scenes.icpc_booked(world, child, strategy_on=scenes.working_days_ago(10), on=today)
    surgery = PartnerOrganisation.objects.create(name="Moreton Medical Centre", agency="health")
    PartnerPerson.objects.create(
        organisation=surgery, name="Dr Jo Example", role="GP", email="jo.gp@example.invalid"
    )
    mail.outbox.clear()

    # --- Business support ask the GP from the conference page -------------------------------
    bs = app.sign_in(world.business_support)
    bs.goto(app.url + f"/conferences/{conference.pk}/")
    app.check(bs, "Conference (scheduled)")
    bs.get_by_role("link", name="Ask a professional for a report for the meeting").click()
    app.check(bs, "Ask for a contribution")
    bs.get_by_label("Who is asked").select_option(label="Dr Jo Example (Moreton Medical Centre)")
    bs.get_by_label("Their role").select_option(label="GP")
    bs.get_by_label("What is asked").fill("Your report for the conference: health, attendance.")
    bs.get_by_label("Due by").fill(today.isoformat())
    bs.get_by_role("button", name="Send the request").click()
    expect(status_message(bs)).to_contain_text("Dr Jo Example has been emailed a link")
    expect(bs.get_by_role("main")).to_contain_text("Dr Jo Example, GP (Health)")
    app.check(bs, "Conference (report asked)")
    link = _wait_for_mail(bs, LINK)
    assert mail.outbox[-1].to == ["jo.gp@example.invalid"]

    # --- The GP, in a browser of their own ---------------------------------------------------
    context = app.browser.new_context(
        base_url=app.url, viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London"
    )
    app.contexts.append(context)
    gp = context.new_page()
    gp.on("framenavigated", lambda frame: app._visited(gp, frame))
    gp.goto(app.url + link)
    app.check(gp, "A request for your contribution")
    expect(gp.get_by_role("main")).not_to_contain_text(child.last_name)
    gp.get_by_role("button", name="Send me the code").click()
    expect(gp.get_by_role("heading", name="Enter your code")).to_be_visible()
    app.check(gp, "Enter your code")
    code = _wait_for_mail(gp, CODE)
    gp.get_by_label("Code").fill(code)
    gp.get_by_role("button", name="Continue").click()
    expect(gp.get_by_role("heading", name="Your contribution")).to_be_visible()
    app.check(gp, "Your contribution")
    main = gp.get_by_role("main")
    expect(main).to_contain_text(child.full_name)
    expect(main).to_contain_text(re.compile(r"14 Mar(ch)? 2017"))
    report = tmp_path / "gp-report.pdf"
    report.write_bytes(pdf("GP report (synthetic)"))
    gp.get_by_label("Your contribution").fill("Seen at the surgery twice this year.")
    gp.get_by_label("Attach a document (optional)").set_input_files(str(report))
    gp.get_by_role("button", name="Send my contribution").click()
    expect(gp.get_by_role("heading", name=re.compile("Thank you"))).to_be_visible()
    app.check(gp, "Contribution sent")
    # The link is spent.
    gp.goto(app.url + link)
    expect(gp.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    app.check(gp, "Link spent")

    request = ContributionRequest.objects.get()
    assert request.received_at is not None and request.in_time
    assert {d.event for d in Document.objects.filter(child=child)} == {conference}

    # --- The conference page shows it received --------------------------------------------------
    bs.goto(app.url + f"/conferences/{conference.pk}/")
    section = bs.locator(
        "section", has=bs.get_by_role("heading", name="Contributions from partner agencies")
    )
    expect(section).to_contain_text("received on")
    expect(section.get_by_role("row", name=re.compile("Health"))).to_contain_text("1")
    app.check(bs, "Conference (report received)")
