"""Documents and letters: business support make and send the invitations, the worker uploads
a report and records it shared with the mother three working days before, the IRO approves the
minutes and business support distribute them. Every page passes axe; the PDFs are read back
with pypdf.

Scene: an ICPC booked for the last working day, chaired by world.iro, the mother (Dana) invited.
"""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from documents.models import Document, DocumentType

from . import scenes
from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def _pdf_text(document: Document) -> str:
    version = document.versions.order_by("-number")[0]
    with version.file.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _record_sending(page, title: str, to: str, kind: str, how: str) -> None:
    card = page.locator("div.border").filter(has=page.get_by_role("heading", name=title))
    card.get_by_label("Sent to").fill(to)
    card.get_by_label("Who they are").select_option(label=kind)
    card.get_by_label("How").select_option(label=how)
    card.get_by_role("button", name=f"Record the sending of {title}").click()
    expect(status_message(page)).to_contain_text("The sending has been recorded.")


def test_invitations_report_shared_minutes_distributed(app, world, tmp_path):
    child = world.child
    scenes.family_and_network(child)
    # Held on the last working day (today, unless the suite runs at a weekend or on a holiday).
    held_on = scenes.working_days_ago(0)
    conference = scenes.icpc_booked(
        world, child, strategy_on=scenes.working_days_ago(10), on=held_on
    )
    mother = f"Dana {child.last_name}"

    # --- Business support make the invitation to the mother and post it -----------------------
    bs = app.sign_in(world.business_support)
    bs.goto(app.url + f"/conferences/{conference.pk}/")
    app.check(bs, "Conference (scheduled)")
    bs.get_by_role("link", name="Letters and minutes").click()
    app.check(bs, "Letters and minutes")
    bs.locator("#id_kind").select_option(label="Invitation to parents")
    bs.locator("#id_recipient").fill(mother)
    bs.get_by_role("button", name="Make the letter").click()
    expect(status_message(bs)).to_contain_text("The letter has been made.")
    title = f"Invitation to parents: {mother}"
    _record_sending(bs, title, mother, "Parent or carer", "Post")
    expect(bs.get_by_role("main")).to_contain_text(f"{mother} by post")
    app.check(bs, "Letters and minutes (a letter sent)")
    letter = Document.objects.get(document_type=DocumentType.LETTER)
    text = _pdf_text(letter)
    assert f"Dear {mother}," in text and child.full_name in text
    assert "Room 2, Civic Centre" in text and world.iro.get_full_name() in text
    with bs.expect_download() as download:
        bs.get_by_role("link", name=f"Download {title} (PDF)").click()
    assert download.value.suggested_filename == f"document-{letter.pk}-v1.pdf"

    # --- The worker uploads the report and records it shared with the mother -----------------
    sw = app.sign_in(world.social_worker)
    open_child(app, sw, child)
    tab(sw, "Documents")
    app.check(sw, "Documents")
    sw.get_by_role("link", name="Upload a document").click()
    app.check(sw, "Upload a document")
    sw.locator("#id_about").select_option(label=str(conference))
    sw.locator("#id_title").fill("Social work report for the ICPC")
    sw.locator("#id_document_type").select_option(label="Social work report")
    sw.locator("#id_author").fill(world.social_worker.get_full_name())
    report = tmp_path / "report.txt"
    report.write_text("The social worker's report (synthetic).\n")
    sw.locator("#id_file").set_input_files(str(report))
    sw.get_by_role("button", name="Upload").click()
    expect(status_message(sw)).to_contain_text("The document has been uploaded.")
    app.check(sw, "The report")
    sw.get_by_role("link", name="Record that it was sent or shared").click()
    app.check(sw, "Record a sharing")
    sw.locator("#id_recipient").fill(mother)
    sw.get_by_label("By hand").check()
    shared_on = scenes.working_days_ago(3)
    sw.locator("#id_shared_on").fill(f"{shared_on:%Y-%m-%d}")
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("The sharing has been recorded.")
    conference.refresh_from_db()
    assert conference.reports_shared_on == shared_on
    assert conference.reports_shared_in_advance is True

    # --- The IRO holds the conference and approves the minutes -------------------------------
    from tests.conferences.factories import hold

    hold(conference, chair=world.iro, held_on=held_on, minutes="Everyone agreed the plan.")
    iro = app.sign_in(world.iro)
    iro.goto(app.url + f"/conferences/{conference.pk}/")
    app.check(iro, "Conference (held)")
    expect(iro.get_by_role("region", name="Reports shared with parents")).to_contain_text(
        "Shared in advance"
    )
    iro.get_by_role("button", name="Approve the minutes").click()
    # Approved minutes are final: asked first.
    app.check(iro, "Approve the minutes?")
    iro.get_by_role("button", name="Yes, approve the minutes").click()
    expect(status_message(iro)).to_contain_text("The minutes are approved")
    minutes = Document.objects.get(document_type=DocumentType.MINUTES)
    text = _pdf_text(minutes)
    assert "OFFICIAL-SENSITIVE" in text and "Everyone agreed the plan." in text
    assert mother in text and "Neglect" in text

    # --- Business support distribute the minutes ---------------------------------------------
    bs = app.sign_in(world.business_support)
    bs.goto(app.url + f"/conferences/{conference.pk}/letters/")
    app.check(bs, "Letters and minutes (minutes approved)")
    _record_sending(bs, minutes.title, mother, "Parent or carer", "Email")
    _record_sending(bs, minutes.title, "DC Alex Sample", "Professional", "Email")
    app.check(bs, "Letters and minutes (minutes distributed)")
    assert list(minutes.shares.values_list("recipient", flat=True)) == [mother, "DC Alex Sample"]
    conference.refresh_from_db()
    assert conference.minutes_distributed_on == scenes.today()
