import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import chronology
from cases.chronology import ChronologyEvent, chronology_for, register
from cases.models import Allocation, ChronologyEdit
from tests.cases.factories import (
    AssessmentFactory,
    CaseNoteFactory,
    ChildFactory,
    ManagementOversightFactory,
    ReferralFactory,
    VisitFactory,
)
from tests.personas import PERSONAS

SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def record(world):
    """A child's record with one of each kind of chronology event, and some that are not."""
    child = world.child
    start = days_ago(60)
    received = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9, 15)))
    referral = ReferralFactory(
        child=child,
        received_at=received,
        source="3B",
        reason="Health visitor worried about the baby's weight.",
        decision="assessment",
        decided_by=world.team_manager,
        decided_at=received + datetime.timedelta(hours=3),
        closure_date=days_ago(5),
        closure_reason="RC9",
        stepped_down_to_early_help=True,
    )
    AssessmentFactory(
        referral=referral,
        start_date=days_ago(58),
        authorised_date=days_ago(40),
        authorised_by=world.team_manager,
        outcome="early_help",
        factors=["21"],
    )
    Allocation.objects.create(
        child=child,
        team=world.team,
        worker=world.social_worker,
        start_date=days_ago(59),
        allocated_by=world.team_manager,
        reason="New referral",
    )
    significant = CaseNoteFactory(
        child=child,
        author=world.social_worker,
        event_date=days_ago(50),
        subject="Mother disclosed domestic abuse",
        is_significant=True,
    )
    CaseNoteFactory(
        child=child, author=world.social_worker, event_date=days_ago(49), subject="Routine call"
    )
    ManagementOversightFactory(
        child=child,
        manager=world.team_manager,
        oversight_date=days_ago(45),
        next_review_date=days_ago(17),
        direction="See the child alone within 5 days.",
    )
    not_seen = VisitFactory(
        child=child,
        visit_date=days_ago(48),
        child_seen=False,
        seen_alone=False,
        childs_words="",
        reason_not_seen="Nobody answered the door.",
    )
    VisitFactory(child=child, visit_date=days_ago(47))
    # Another child's significant note never appears in this child's chronology.
    CaseNoteFactory(
        child=ChildFactory(),
        author=world.social_worker,
        event_date=days_ago(30),
        subject="Someone else's event",
        is_significant=True,
    )
    return {"referral": referral, "note": significant, "visit": not_seen}


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", ["cases:chronology", "cases:chronology-print"])
def test_chronology_pages_get_permission_matrix(world, login, record, persona, url_name):
    response = login(world.persona(persona)).get(reverse(url_name, args=[world.child.pk]))
    status = expected_status(persona, SEE, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert "Mother disclosed domestic abuse" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_chronology_describe_post_permission_matrix(world, login, record, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:chronology-describe", args=[world.child.pk]),
        {"source_key": f"note:{record['note'].pk}", "description": "Disclosure of abuse"},
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    saved = ChronologyEdit.objects.filter(child=world.child).values_list("description", flat=True)
    assert list(saved) == (["Disclosure of abuse"] if persona in WRITE else [])


@pytest.mark.parametrize("persona", PERSONAS)
def test_chronology_describe_refuses_get(world, login, persona):
    response = login(world.persona(persona)).get(
        reverse("cases:chronology-describe", args=[world.child.pk])
    )
    assert response.status_code == (302 if persona == "anonymous" else 405)


@pytest.mark.parametrize("url_name", ["cases:chronology", "cases:chronology-print"])
def test_chronology_pages_refuse_post(world, login, url_name):
    response = login(world.social_worker).post(reverse(url_name, args=[world.child.pk]))
    assert response.status_code == 405


# --- Contents and order -----------------------------------------------------------------------


def test_chronology_lists_each_kind_of_event_in_date_order(world, login, record):
    response = login(world.senior_manager).get(reverse("cases:chronology", args=[world.child.pk]))
    events = response.context["events"]
    referral, note, visit = record["referral"], record["note"], record["visit"]
    assert [(e.date, e.source) for e in events] == [
        (days_ago(60), "Referral"),  # received
        (days_ago(60), "Referral"),  # threshold decision, same day, after the receipt
        (days_ago(59), "Allocation"),
        (days_ago(58), "Assessment"),
        (days_ago(50), "Case note"),
        (days_ago(48), "Visit"),
        (days_ago(45), "Management oversight"),
        (days_ago(40), "Assessment"),
        (days_ago(5), "Referral"),  # closure with step-down
    ]
    descriptions = [e.description for e in events]
    assert descriptions[0] == (
        "Referral received (3B Health – health visitor): "
        "Health visitor worried about the baby's weight."
    )
    assert descriptions[1] == (
        f"Threshold decision by {world.team_manager}: Assessment (child and family assessment)"
    )
    assert descriptions[2] == f"Allocated to {world.social_worker} ({world.team}): New referral"
    assert descriptions[3] == "Child and family assessment started"
    assert descriptions[4] == "Mother disclosed domestic abuse"
    assert descriptions[5] == (
        "Child not seen (Statutory visit (child on a child protection plan)): "
        "Nobody answered the door."
    )
    assert descriptions[6] == (
        f"Management oversight by {world.team_manager}: See the child alone within 5 days."
    )
    assert descriptions[7] == (
        f"Assessment authorised by {world.team_manager}; outcome: Step down to early help"
    )
    assert descriptions[8] == (
        "Case closed and stepped down to early help "
        "(RC9 Case closed after assessment, referred to early help)"
    )
    assert [e.url for e in events][4] == reverse(
        "cases:note-detail", args=[world.child.pk, note.pk]
    )
    assert events[0].url == reverse("cases:referral-detail", args=[world.child.pk, referral.pk])
    assert events[5].url.endswith(f"#visit-{visit.pk}")

    content = response.content.decode()
    positions = [content.index(d.replace("'", "&#x27;")) for d in descriptions]
    assert positions == sorted(positions)
    assert "Routine call" not in content
    assert "Someone else&#x27;s event" not in content
    # A reader sees no description forms.
    assert reverse("cases:chronology-describe", args=[world.child.pk]) not in content


def test_closure_without_step_down_says_case_closed(world):
    ReferralFactory(child=world.child, closure_date=days_ago(1), closure_reason="RC8")
    closures = [e for e in chronology_for(world.child) if e.key.endswith(":closed")]
    assert [e.description for e in closures] == [
        "Case closed (RC8 Case closed after assessment, no further action)"
    ]


def test_other_apps_can_register_their_own_sources(world, monkeypatch):
    monkeypatch.setattr(chronology, "SOURCES", list(chronology.SOURCES))

    def conference_events(children):
        return [
            ChronologyEvent(
                child_id=child.pk,
                date=days_ago(3),
                source="Conference",
                key="icpc:1",
                description="ICPC held",
            )
            for child in children
        ]

    register(conference_events)
    register(conference_events)  # registering twice does not list the events twice
    VisitFactory(child=world.child, visit_date=days_ago(2), child_seen=False, seen_alone=False)
    events = chronology_for(world.child)
    assert [e.source for e in events] == ["Conference", "Visit"]


# --- Workers' own descriptions ----------------------------------------------------------------


def test_writer_can_describe_an_entry_and_it_is_marked_edited(world, login, record):
    client = login(world.social_worker)
    key = f"visit:{record['visit'].pk}:not-seen"
    response = client.post(
        reverse("cases:chronology-describe", args=[world.child.pk]),
        {"source_key": key, "description": "No access visit: family not at home"},
    )
    chronology_url = reverse("cases:chronology", args=[world.child.pk])
    assert response.url == f"{chronology_url}#entry-visit-{record['visit'].pk}-not-seen"
    edit = ChronologyEdit.objects.get(child=world.child, source_key=key)
    assert edit.edited_by == world.social_worker

    response = client.get(chronology_url)
    edited = [e for e in response.context["events"] if e.edited]
    assert [(e.key, e.description) for e in edited] == [
        (key, "No access visit: family not at home")
    ]
    content = response.content.decode()
    assert "No access visit: family not at home" in content
    assert "Edited" in content
    assert "System wording: Child not seen" in content

    printed = client.get(reverse("cases:chronology-print", args=[world.child.pk]))
    assert "No access visit: family not at home (edited)" in printed.content.decode()


def test_describing_again_replaces_the_description(world, login, record):
    client = login(world.team_manager)
    url = reverse("cases:chronology-describe", args=[world.child.pk])
    key = f"note:{record['note'].pk}"
    client.post(url, {"source_key": key, "description": "First wording"})
    client.post(url, {"source_key": key, "description": "Second wording", "was": "First wording"})
    # A post that does not say what it replaces cannot replace anyone's wording.
    client.post(url, {"source_key": key, "description": "Third wording"})
    assert list(ChronologyEdit.objects.values_list("description", flat=True)) == ["Second wording"]


def test_a_description_changed_meanwhile_is_not_overwritten(world, login, record):
    """Two workers open the chronology; the second to save is told, and nothing of theirs is
    saved over the first's wording."""
    url = reverse("cases:chronology-describe", args=[world.child.pk])
    key = f"note:{record['note'].pk}"
    first, second = login(world.social_worker), login(world.team_manager)
    first.post(url, {"source_key": key, "description": "Mine", "was": ""})
    response = second.post(
        url, {"source_key": key, "description": "Theirs", "was": ""}, follow=True
    )
    assert "Someone else changed this entry" in response.content.decode()
    assert list(ChronologyEdit.objects.values_list("description", flat=True)) == ["Mine"]
    second.post(url, {"source_key": key, "description": "Theirs", "was": "Mine"})
    assert list(ChronologyEdit.objects.values_list("description", flat=True)) == ["Theirs"]


def test_an_entry_can_go_back_to_the_system_wording(world, login, record):
    from auditlog.models import LogEntry

    client = login(world.social_worker)
    url = reverse("cases:chronology-describe", args=[world.child.pk])
    chronology_url = reverse("cases:chronology", args=[world.child.pk])
    key = f"visit:{record['visit'].pk}:not-seen"
    client.post(url, {"source_key": key, "description": "No access visit", "was": ""})
    page = client.get(chronology_url).content.decode()
    assert 'name="was" value="No access visit"' in page
    assert "Use the system's wording" in page
    stale = client.post(
        url, {"source_key": key, "restore": "1", "was": "Something older"}, follow=True
    )
    assert "Someone else changed" in stale.content.decode()
    assert ChronologyEdit.objects.filter(source_key=key).exists()
    response = client.post(
        url, {"source_key": key, "restore": "1", "was": "No access visit"}, follow=True
    )
    assert "The entry has the system&#x27;s wording again." in response.content.decode()
    assert not ChronologyEdit.objects.filter(source_key=key).exists()
    event = next(e for e in response.context["events"] if e.key == key)
    assert event.description.startswith("Child not seen") and not event.edited
    removed = LogEntry.objects.filter(action=LogEntry.Action.DELETE).get()
    assert removed.actor == world.social_worker
    assert "Use the system's wording" not in response.content.decode()


def test_describe_refuses_an_empty_description(world, login, record):
    response = login(world.social_worker).post(
        reverse("cases:chronology-describe", args=[world.child.pk]),
        {"source_key": f"note:{record['note'].pk}", "description": "  "},
        follow=True,
    )
    assert "Give the entry a short description" in response.content.decode()
    assert not ChronologyEdit.objects.exists()


@pytest.mark.parametrize("foreign", ["other-childs-note", "made-up", "missing"])
def test_describe_is_404_for_a_key_that_is_not_this_childs_entry(world, login, record, foreign):
    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    other_note = CaseNoteFactory(child=other_child, is_significant=True, event_date=days_ago(3))
    # The other child's note is in the other child's chronology, not in this one.
    assert f"note:{other_note.pk}" in {e.key for e in chronology_for(other_child)}
    data = {
        "other-childs-note": {"source_key": f"note:{other_note.pk}", "description": "X"},
        "made-up": {"source_key": "referral:999999:received", "description": "X"},
        "missing": {"description": "X"},
    }[foreign]
    response = login(world.social_worker).post(
        reverse("cases:chronology-describe", args=[world.child.pk]), data
    )
    assert response.status_code == 404
    assert not ChronologyEdit.objects.exists()


# --- Print ------------------------------------------------------------------------------------


def test_print_view_is_a_clean_page_with_the_childs_details(world, login, record):
    child = world.child
    response = login(world.social_worker).get(reverse("cases:chronology-print", args=[child.pk]))
    content = response.content.decode()
    assert f"Chronology of {child.full_name}" in content
    assert child.la_child_id in content
    assert f"{child.date_of_birth:%-d %b %Y}" in content
    assert f'Printed</dt><dd class="col-9 col-md-10">{timezone.localdate():%-d %b %Y}' in content
    assert "Mother disclosed domestic abuse" in content
    # No site navigation, tabs or forms on the printed page.
    assert "<nav" not in content
    assert "Sign out" not in content
    assert "<form" not in content
    assert "css/site.css" in content


# --- Query count ------------------------------------------------------------------------------


def _add_thirty_of_each(world):
    for i in range(30):
        received = timezone.now() - datetime.timedelta(days=100 + i)
        referral = ReferralFactory(
            child=world.child,
            received_at=received,
            decision="assessment",
            decided_by=world.team_manager,
            decided_at=received + datetime.timedelta(hours=2),
            closure_date=days_ago(10 + i),
            closure_reason="RC8",
        )
        AssessmentFactory(
            referral=referral,
            start_date=referral.referral_date,
            authorised_date=days_ago(20 + i),
            authorised_by=world.team_manager,
        )
        Allocation.objects.create(
            child=world.child,
            team=world.team,
            worker=world.social_worker,
            start_date=days_ago(200 + i),
            end_date=days_ago(199 + i),
        )
        CaseNoteFactory(
            child=world.child,
            author=world.social_worker,
            event_date=days_ago(i),
            is_significant=True,
        )
        ManagementOversightFactory(
            child=world.child,
            manager=world.team_manager,
            oversight_date=days_ago(i + 1),
            next_review_date=days_ago(i) + datetime.timedelta(days=28),
        )
        VisitFactory(
            child=world.child,
            visit_date=days_ago(i),
            child_seen=False,
            seen_alone=False,
            reason_not_seen="Out.",
        )
        ChronologyEdit.objects.create(
            child=world.child,
            source_key=f"allocation:{Allocation.objects.latest('pk').pk}",
            description=f"Edited {i}",
            edited_by=world.social_worker,
        )


@pytest.mark.parametrize("url_name", ["cases:chronology", "cases:chronology-print"])
def test_chronology_query_count_does_not_grow_with_events(
    world, login, record, django_assert_max_num_queries, url_name
):
    client = login(world.social_worker)
    url = reverse(url_name, args=[world.child.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _add_thirty_of_each(world)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    # 9 from the record fixture, and 30 of each kind (referrals give 3 events, assessments 2).
    assert len(response.context["events"]) == 9 + 30 * (3 + 2 + 1 + 1 + 1 + 1)


def test_chronology_includes_strategy_s47_conference_and_plan(world, login):
    import datetime

    from tests.conferences.factories import ConferenceFactory, hold
    from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

    referral = ReferralFactory(child=world.child, received_at=london(2026, 8, 17, 9))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    enquiry = Section47Factory(strategy_discussion=discussion)
    conference = ConferenceFactory(section47=enquiry)
    hold(conference, chair=world.iro, held_on=datetime.date(2026, 9, 8))
    content = (
        login(world.social_worker)
        .get(reverse("cases:chronology", args=[world.child.pk]))
        .content.decode()
    )
    assert "Strategy meeting on 18 Aug 2026" in content
    assert "Section 47 enquiry started (ICPC due 9 Sep 2026)" in content
    assert "Initial child protection conference held: Child protection plan (Neglect)" in content
    assert "Child protection plan started (Neglect)" in content
