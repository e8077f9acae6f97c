"""The social worker's journey from referral to a requested ICPC, then a visit and a case note.

Scene: a child allocated to the social worker, with no referral yet. Everything else happens in
the browser, each step by the person whose step it is (the threshold decision is the team
manager's).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CaseNote, Referral, Visit
from conferences.models import Conference, ConferenceStatus
from strategy.models import Section47, StrategyDiscussion
from timescales.calendar import add_working_days

from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def test_social_worker_takes_a_referral_to_an_icpc_request(app, world):
    child = world.child
    now = timezone.localtime().replace(second=0, microsecond=0)
    received = now - timedelta(hours=2)
    held = now - timedelta(hours=1)

    # --- Referral received -------------------------------------------------------------------
    sw = app.sign_in(world.social_worker)
    open_child(app, sw, child)
    tab(sw, "Referrals and assessments")
    app.check(sw, "Referrals")
    sw.get_by_role("link", name="Record a referral").click()
    app.check(sw, "Record a referral")
    sw.get_by_label("Date and time received").fill(f"{received:%Y-%m-%dT%H:%M}")
    sw.get_by_label("Referral source").select_option("2A")
    sw.get_by_label("Referrer name").fill("Ms Example, designated safeguarding lead")
    sw.get_by_label("Reason for referral").fill(
        "Bruising to the upper arm noticed in PE; the child said it happened at home."
    )
    sw.get_by_label("Primary need").select_option("N1")
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("The referral was recorded.")
    app.check(sw, "Referral")
    referral = Referral.objects.get(child=child)
    assert referral.source == "2A"
    assert referral.received_at == received

    # --- Decision: the team manager's -------------------------------------------------------
    tm = app.sign_in(world.team_manager)
    open_child(app, tm, child)
    tab(tm, "Referrals and assessments")
    app.check(tm, "Referrals, as the team manager")
    tm.get_by_role("link", name=re.compile("^Referral received")).click()
    app.check(tm, "Referral, awaiting the decision")
    tm.get_by_role("link", name="Record the threshold decision").click()
    app.check(tm, "Threshold decision")
    tm.get_by_role("radio", name=re.compile("Strategy discussion")).check()
    tm.get_by_label("Reason for the decision").fill(
        "Unexplained bruising and the child's account: reasonable cause to suspect significant "
        "harm. Strategy discussion today."
    )
    tm.get_by_role("button", name="Save").click()
    expect(status_message(tm)).to_contain_text("The threshold decision was recorded.")
    app.check(tm, "Referral, decided")
    referral.refresh_from_db()
    assert referral.decision == "strategy"
    assert referral.decided_by == world.team_manager

    # --- Strategy discussion with police and health -----------------------------------------
    tab(sw, "Strategy and s47")
    app.check(sw, "Strategy and section 47")
    sw.get_by_role("link", name="Record a strategy discussion").click()
    app.check(sw, "Record a strategy discussion")
    sw.get_by_label("Date and time held").fill(f"{held:%Y-%m-%dT%H:%M}")
    sw.get_by_label("Discussion type").select_option("meeting")
    sw.get_by_label("Reason for the strategy discussion").fill(
        "Unexplained bruising reported by school."
    )
    sw.get_by_label("Information shared and analysis").fill(
        "Police hold no previous reports; the GP saw the child last month for asthma."
    )
    sw.get_by_label("Referring agency").select_option("invited")
    sw.get_by_label("School, college or nursery").select_option("invited")
    sw.get_by_label("Section 47 decision").select_option("start")
    sw.get_by_label("Enquiry type").select_option("joint")
    sw.get_by_label("Achieving best evidence (ABE) interview").select_option("undecided")
    # The chair is a manager or the front door's; a social worker elsewhere is not offered.
    sw.get_by_label("Chair").select_option(str(world.team_manager.pk))
    people = [
        (1, world.social_worker.get_full_name(), "Allocated social worker"),
        (2, "DC Alex Sample", "Public protection unit"),
        (3, "Dr Jordan Example", "Community paediatrician"),
    ]
    participants = sw.get_by_role("table", name="Participants")
    for n, name, role in people:
        participants.get_by_label(f"Name, participant {n}", exact=True).fill(name)
        participants.get_by_label(f"Role, participant {n}", exact=True).fill(role)
    participants.get_by_label("Health service, participant 3", exact=True).select_option(
        "paediatrician"
    )
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("Strategy discussion recorded")
    app.check(sw, "Strategy discussion")
    discussion = StrategyDiscussion.objects.get(child=child)
    agencies = set(discussion.participants.values_list("agency", flat=True))
    assert agencies == {"social_care", "police", "health"}
    expect(sw.get_by_role("table", name="Participants")).to_contain_text("Paediatrician")

    # --- Section 47 started; the child seen ---------------------------------------------------
    enquiry = Section47.objects.get(child=child)
    target = add_working_days(held.date(), 15)
    assert enquiry.icpc_target_date == target
    sw.get_by_role("link", name="the enquiry").click()
    expect(sw.get_by_role("heading", level=2)).to_contain_text("Section 47 enquiry started")
    expect(sw.get_by_text(f"{target.day} {target:%b %Y}", exact=True).first).to_be_visible()
    app.check(sw, "Section 47 enquiry")
    sw.get_by_role("link", name="Update the enquiry").click()
    app.check(sw, "Update the section 47 enquiry")
    sw.get_by_label("Date the child was seen").fill(f"{now:%Y-%m-%d}")
    sw.get_by_label("Child seen alone").check()
    sw.get_by_label("Interim safety plan").fill(
        "Mother agrees the child stays with the maternal grandmother until the conference."
    )
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("Section 47 enquiry saved.")
    enquiry.refresh_from_db()
    assert enquiry.child_seen_date == now.date() and enquiry.child_seen_alone

    # --- ICPC requested -------------------------------------------------------------------------
    sw.get_by_role("button", name="Request an initial child protection conference").click()
    app.check(sw, "Request an ICPC: confirm")
    sw.get_by_role("button", name="Yes, request the conference").click()
    expect(status_message(sw)).to_contain_text("Initial child protection conference requested")
    app.check(sw, "ICPC requested")
    conference = Conference.objects.get(child=child)
    assert conference.status == ConferenceStatus.REQUESTED
    assert conference.target_date == target
    assert conference.section47 == enquiry

    # --- A visit with the child's words -------------------------------------------------------
    tab(sw, "Visits")
    app.check(sw, "Visits (none yet)")
    sw.get_by_role("link", name="Record a visit").click()
    app.check(sw, "Record a visit")
    sw.get_by_label("Visit date").fill(f"{now:%Y-%m-%d}")
    sw.get_by_label("Visit type").select_option("s47")
    sw.get_by_label("Child seen", exact=True).check()
    sw.get_by_label("Child seen alone").check()
    words = "I want Mum to stop shouting. Nana's house is quiet and I can sleep."
    sw.get_by_label("The child's own words").fill(words)
    sw.get_by_label("Observations").fill("Calm and chatty in Nana's garden; showed me her room.")
    sw.get_by_role("button", name="Save").click()
    expect(sw.get_by_role("blockquote")).to_contain_text(words)
    app.check(sw, "Visits", readme="visit-childs-words")
    visit = Visit.objects.get(child=child)
    assert visit.childs_words == words and visit.seen_alone

    # --- A significant case note appears in the chronology ------------------------------------
    tab(sw, "Case notes")
    app.check(sw, "Case notes (none yet)")
    sw.get_by_role("link", name="Write a case note").click()
    app.check(sw, "Write a case note")
    sw.get_by_label("Date it happened").fill(f"{now:%Y-%m-%d}")
    sw.get_by_label("Note type").select_option("phone")
    subject = "Father arrested after incident at the family home"
    sw.get_by_label("Subject").fill(subject)
    sw.get_by_label("Text").fill("Police called: father arrested; bail conditions keep him away.")
    sw.get_by_label("Significant event").check()
    sw.get_by_role("button", name="Save").click()
    app.check(sw, "Case notes")
    note = CaseNote.objects.get(child=child)
    assert note.is_significant
    tab(sw, "Chronology")
    chronology = sw.get_by_role("table", name=re.compile("^Chronology of"))
    expect(chronology).to_contain_text(subject)
    expect(chronology).to_contain_text("Referral received")
    app.check(sw, "Chronology", readme="chronology")
    row = chronology.get_by_role("row").filter(has_text=subject)
    row.get_by_role("textbox").fill("Father arrested; bail keeps him away")
    row.get_by_role("button", name=re.compile("^Save")).click()
    row = sw.get_by_role("row").filter(has_text="Father arrested; bail keeps him away")
    expect(row).to_contain_text("Edited")
    app.check(sw, "Chronology (an entry described)")
    row.get_by_role("button", name=re.compile("^Use the system's wording")).click()
    expect(status_message(sw)).to_contain_text("wording again")
    expect(sw.get_by_role("table", name=re.compile("^Chronology of"))).not_to_contain_text(
        "Father arrested; bail keeps him away"
    )
