"""The family-friendly plan: plain words, the professionals' jargon check, print and PDF.

The permission matrix for these pages is in test_plan_views.py with the plan's other pages.
"""

import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from conferences.models import JargonTerm
from monitoring.services import timescales_scan
from tests.conferences.factories import ActionFactory, ConferenceFactory, OutcomeFactory
from tests.conferences.test_plan_views import (  # noqa: F401 (fixture)
    _fresh_policy_cache,
    days,
    make_plan,
)
from timescales import rules as timescales


@pytest.fixture
def plan(world):
    plan = make_plan(
        world.child,
        chair=world.iro,
        reasons="Ruby was left at home alone overnight twice.",
    )
    outcome = OutcomeFactory(plan=plan, what_needs_to_change="Ruby is never left alone at night.")
    ActionFactory(
        outcome=outcome,
        action="Arrange a babysitter whenever Mum works a night shift.",
        owner="Aunt Carol Example",
        timescale=datetime.date(2026, 12, 4),
        evidence_of_done="The rota is on the fridge.",
    )
    return plan


def family_url(plan, name="conferences:family-plan") -> str:
    return reverse(name, args=[plan.child_id, plan.pk])


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_family_plan_says_what_who_and_when_in_plain_words(world, login, plan):
    timescales_scan()  # what is due next, as the rules stored it
    page = page_text(login(world.social_worker).get(family_url(plan)))
    for heading in (
        "What we are worried about",
        "What needs to change",
        "Who will do what, and by when",
        "What happens next",
    ):
        assert heading in page
    # The chair's reasons are not the family's words: the worker writes those (below).
    assert "Ruby was left at home alone overnight twice." not in page
    assert "Your social worker has not written this part yet." in page
    assert "Ruby is never left alone at night." in page
    assert "Aunt Carol Example" in page
    assert "Arrange a babysitter whenever Mum works a night shift." in page
    assert "by 4 Dec 2026" in page
    assert "The rota is on the fridge." in page
    core_group = timescales.first_core_group_due(plan.start_date)
    review = timescales.first_review_due(plan.start_date)
    # Started 20 days ago with no core group: the first is overdue, and the page says so.
    assert f"It should have met by {core_group:%-d %b %Y}." in page
    assert f"The next one will be by {review:%-d %b %Y}." in page
    assert "fs-5" in page  # large, readable type


def test_next_core_group_date_set_at_the_last_meeting_is_shown(world, login, plan):
    from conferences.models import CoreGroupMeeting

    CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=days(-2),
        attendees="Mum",
        next_meeting_date=days(12),
        recorded_by=world.social_worker,
    )
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert f"It will next meet on {days(12):%-d %b %Y}." in page


def test_worries_are_the_workers_words_for_the_family_never_the_chairs_reasons(world, login, plan):
    ConferenceFactory(
        section47=None,
        child=world.child,
        conference_type="review",
        status="held",
        target_date=days(-1),
        held_on=days(-1),
        chair=world.iro,
        decision="continue",
        category="NEG",
        decision_reasons="Ruby is still sometimes alone in the evenings.",
        plan=plan,
    )
    client = login(world.social_worker)
    words = family_url(plan, "conferences:family-plan-words")
    form = page_text(client.get(words))
    # The box starts empty; the chair's reasons are there to read, not copied into it.
    assert re.search(r'<textarea[^>]*id="id_family_worries"[^>]*>\s*</textarea>', form)
    assert "The conference's reasons (for you to read, not to copy)" in form
    response = client.post(
        words,
        {
            "family_worries": "  Ruby has been left on her own at night. That is not safe.  ",
            "version": plan.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == family_url(plan)
    plan.refresh_from_db()
    assert plan.family_worries == "Ruby has been left on her own at night. That is not safe."
    page = page_text(client.get(family_url(plan)))
    assert "Ruby has been left on her own at night." in page
    assert "Ruby is still sometimes alone in the evenings." not in page
    printed = page_text(client.get(family_url(plan, "conferences:family-plan-print")))
    assert "Ruby has been left on her own at night." in printed


def test_the_familys_words_are_refused_when_someone_else_saved_the_plan_first(world, login, plan):
    client = login(world.social_worker)
    stale = plan.version
    plan.version += 1
    plan.save()
    response = client.post(
        family_url(plan, "conferences:family-plan-words"),
        {"family_worries": "Ruby was left alone.", "version": stale},
    )
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in page_text(response)
    plan.refresh_from_db()
    assert plan.family_worries == ""


def test_the_familys_words_are_asked_for_when_empty(world, login, plan):
    response = login(world.social_worker).post(
        family_url(plan, "conferences:family-plan-words"),
        {"family_worries": "   ", "version": plan.version},
    )
    assert response.status_code == 200
    assert "There is a problem" in page_text(response)


def test_a_checked_plan_shows_its_reading_age(world, login, plan):
    plan.family_worries = (
        "Ruby was left at home on her own at night. She is seven. That is not safe for her. "
        "We want an adult to be with her every night."
    )
    plan.save()
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert re.search(r"Reading age about \d+ years: most families can read it\.", page)
    reader = page_text(login(world.senior_manager).get(family_url(plan)))
    assert "Reading age" not in reader


def test_a_hard_plan_is_told_it_is_above_the_aim(world, login, plan):
    plan.family_worries = (
        "Notwithstanding considerable multi-disciplinary intervention, parental "
        "acknowledgement of the cumulative developmental implications of chronic emotional "
        "unavailability remains fundamentally insufficient, necessitating continued statutory "
        "safeguarding involvement and comprehensive reassessment of parenting capability."
    )
    plan.save()
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert "harder than the 11 or under we aim for" in page


def test_next_steps_use_the_arranged_review_date(world, login, plan):
    from django.utils import timezone

    when = timezone.make_aware(datetime.datetime.combine(days(40), datetime.time(10)))
    ConferenceFactory(
        section47=None,
        child=world.child,
        conference_type="review",
        status="scheduled",
        target_date=days(60),
        scheduled_for=when,
        plan=plan,
    )
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert f"The next one will be on {days(40):%-d %b %Y}." in page


def test_jargon_in_an_action_is_flagged_with_its_plain_alternative_for_a_writer(world, login, plan):
    ActionFactory(
        outcome=plan.outcomes.get(),
        action="Social worker to check for disguised compliance at each visit.",
        owner="Social worker",
        timescale=days(20),
    )
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert "Check the words before you share this plan" in page
    assert (
        'Instead of "disguised compliance", try "seeming to go along with the plan without '
        'really changing things".' in page
    )
    assert "in Action for Social worker" in page


def test_jargon_in_outcomes_and_the_familys_words_is_flagged(world, login):
    plan = make_plan(world.child, chair=world.iro)
    plan.family_worries = "Threshold for significant harm met; toxic trio present."
    plan.contingency_plan = "If Ruby has a non-accidental injury we go to court."
    plan.save()
    OutcomeFactory(plan=plan, what_needs_to_change="Mum engages with CAMHS.")
    page = page_text(login(world.iro).get(family_url(plan)))
    for term in ("significant harm", "toxic trio", "Threshold", "CAMHS"):
        assert f'Instead of "{term}"' in page
    assert "in What we are worried about" in page
    assert "in What needs to change, 1" in page
    assert 'Instead of "non-accidental injury"' in page
    assert "in What happens if the plan does not work" in page


def test_a_term_added_to_the_glossary_is_flagged(world, login, plan):
    JargonTerm.objects.create(term="night shift", plain_alternative="working at night")
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert 'Instead of "night shift", try "working at night".' in page


def test_very_long_sentence_is_flagged(world, login, plan):
    long_sentence = " ".join(["word"] * 30) + "."
    OutcomeFactory(plan=plan, what_needs_to_change=long_sentence, order=2)
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert "A long sentence" in page
    assert "This sentence has 30 words." in page


def test_plain_words_pass_the_check(world, login, plan):
    page = page_text(login(world.social_worker).get(family_url(plan)))
    assert "No professional jargon or very long sentences found." in page


def test_readers_see_the_plan_but_not_the_check(world, login, plan):
    ActionFactory(outcome=plan.outcomes.get(), action="Watch for disguised compliance.")
    page = page_text(login(world.senior_manager).get(family_url(plan)))
    assert "Ruby is never left alone at night." in page
    assert "Check the words" not in page
    assert "Instead of" not in page


def test_printable_version_has_the_plan_without_the_check_or_tabs(world, login, plan):
    ActionFactory(outcome=plan.outcomes.get(), action="Watch for disguised compliance.")
    page = page_text(
        login(world.social_worker).get(family_url(plan, "conferences:family-plan-print"))
    )
    assert f"Child protection plan for {world.child.full_name}" in page
    assert "by 4 Dec 2026" in page
    assert "Check the words" not in page
    assert "Child record sections" not in page


def test_pdf_renders_the_plan(world, login, plan):
    response = login(world.social_worker).get(family_url(plan, "conferences:family-plan-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f'filename="child-protection-plan-{plan.pk}.pdf"' in disposition
    assert world.child.first_name not in disposition
    assert world.child.last_name not in disposition
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Ruby is never left alone at night." in text
    assert "Aunt Carol Example" in text
    assert "by 4 Dec 2026" in text
    assert "What happens next" in text


def test_pdf_carries_the_marking_and_the_worker_and_iro_contacts(world, login, plan):
    world.social_worker.email = "sam.worker@example.invalid"
    world.social_worker.save()
    world.iro.email = "the.iro@example.invalid"
    world.iro.save()
    response = login(world.social_worker).get(family_url(plan, "conferences:family-plan-pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)  # on every page
    text = " ".join(pages)
    assert f"Social worker: {world.social_worker.get_full_name()}, sam.worker@example.invalid" in (
        text
    )
    assert f"(chair): {world.iro.get_full_name()}, the.iro@example.invalid" in text


def test_pdf_loads_nothing_from_outside(world, login, plan):
    # A plan text that looks like markup is escaped, and no resource is fetched.
    ActionFactory(
        outcome=plan.outcomes.get(),
        action='<img src="file:///etc/passwd"> Bring the letter.',
        owner="Dad",
    )
    response = login(world.social_worker).get(family_url(plan, "conferences:family-plan-pdf"))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert '<img src="file:///etc/passwd"> Bring the letter.' in " ".join(text.split())


@pytest.mark.parametrize(
    "url", ["file:///etc/hostname", "https://example.invalid/a.css", "data:text/plain,hello"]
)
def test_pdf_fetcher_fetches_nothing(url):
    from conferences.views.plan import pdf_url_fetcher

    with pytest.raises(ValueError, match="disallowed protocol"):
        pdf_url_fetcher().fetch(url)


def test_family_page_runs_a_fixed_number_of_queries(world, login, plan):
    client = login(world.social_worker)
    url = family_url(plan)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(30):
        ActionFactory(
            outcome=OutcomeFactory(plan=plan, what_needs_to_change=f"Outcome {i}", order=i + 1),
            action=f"Action {i}",
        )
    assert count() == few
