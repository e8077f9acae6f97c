import datetime

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cases.models import CaseNote, CaseNoteVersion
from cases.services import case_note_correct
from tests.cases.factories import CaseNoteFactory, ChildFactory
from tests.personas import PERSONAS

SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def note_data(**overrides) -> dict:
    data = {
        "event_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "note_type": "phone",
        "subject": "Call from the school",
        "text": "The head teacher rang: the child arrived without a coat again.",
        "is_significant": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def correction_data(note: CaseNote, **overrides) -> dict:
    data = {
        "event_date": note.event_date.isoformat(),
        "note_type": note.note_type,
        "subject": note.subject,
        "text": note.text,
        "is_significant": "on" if note.is_significant else "",
        "version": note.version,
        "correction_reason": "Wrong school named.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def note(world):
    return CaseNoteFactory(
        child=world.child,
        author=world.social_worker,
        event_date=timezone.localdate() - datetime.timedelta(days=2),
        subject="Home visit with mother",
        text="Mother said the boiler is broken.",
    )


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [
        ("cases:notes", SEE),
        ("cases:note-add", WRITE),
        ("cases:note-detail", SEE),
        ("cases:note-correct", WRITE),
    ],
)
def test_note_pages_get_permission_matrix(world, login, note, persona, url_name, allowed):
    with_note = url_name in ("cases:note-detail", "cases:note-correct")
    args = [world.child.pk, note.pk] if with_note else [world.child.pk]
    response = login(world.persona(persona)).get(reverse(url_name, args=args))
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_note_add_post_permission_matrix(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:note-add", args=[world.child.pk]), note_data()
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    assert CaseNote.objects.filter(child=world.child).count() == (1 if persona in WRITE else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_note_correct_post_permission_matrix(world, login, note, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:note-correct", args=[world.child.pk, note.pk]),
        correction_data(note, text="Mother said the boiler was mended."),
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    note.refresh_from_db()
    corrected = persona in WRITE
    assert (note.text == "Mother said the boiler was mended.") is corrected
    assert note.versions.count() == (1 if corrected else 0)


@pytest.mark.parametrize("url_name", ["cases:notes", "cases:note-detail"])
def test_note_reading_pages_refuse_post(world, login, note, url_name):
    args = [world.child.pk, note.pk] if url_name == "cases:note-detail" else [world.child.pk]
    response = login(world.social_worker).post(reverse(url_name, args=args))
    assert response.status_code == 405


def test_note_of_another_child_is_not_found_through_this_child(world, login, note):
    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    client = login(world.social_worker)
    detail = client.get(reverse("cases:note-detail", args=[other_child.pk, note.pk]))
    correct = client.post(
        reverse("cases:note-correct", args=[other_child.pk, note.pk]),
        correction_data(note, text="Hijacked."),
    )
    assert (detail.status_code, correct.status_code) == (404, 404)
    note.refresh_from_db()
    assert note.text == "Mother said the boiler is broken."


# --- Notes are never deleted ------------------------------------------------------------------


def test_there_is_no_way_to_delete_a_note(world, note):
    with pytest.raises(NoReverseMatch):
        reverse("cases:note-delete", args=[world.child.pk, note.pk])


def test_a_child_with_case_notes_cannot_be_deleted(world, note):
    with pytest.raises(ProtectedError):
        world.child.delete()
    assert CaseNote.objects.filter(pk=note.pk).exists()


def test_a_corrected_note_cannot_be_deleted(world, note):
    case_note_correct(note=_changed(note), user=world.social_worker, reason="Typo.")
    with pytest.raises(ProtectedError):
        note.delete()
    assert CaseNote.objects.filter(pk=note.pk).exists()


def _changed(note: CaseNote) -> CaseNote:
    note.text = "Corrected text."
    return note


# --- Writing and reading notes ----------------------------------------------------------------


def test_new_note_is_authored_by_the_user_and_shows_both_dates(world, login):
    client = login(world.same_team_worker)
    event_date = timezone.localdate() - datetime.timedelta(days=6)
    client.post(
        reverse("cases:note-add", args=[world.child.pk]),
        note_data(event_date=event_date.isoformat(), is_significant="on"),
    )
    note = CaseNote.objects.get(child=world.child)
    assert note.author == world.same_team_worker
    assert note.is_significant
    assert note.event_date == event_date
    content = client.get(
        reverse("cases:note-detail", args=[world.child.pk, note.pk])
    ).content.decode()
    assert f"{event_date:%-d %b %Y}" in content
    typed = timezone.localtime(note.created_at)
    assert f"typed {typed:%-d %b %Y, %H:%M}" in content
    assert "Significant event" in content
    assert str(world.same_team_worker) in content


def test_future_event_date_is_refused(world, login):
    future = timezone.localdate() + datetime.timedelta(days=1)
    response = login(world.social_worker).post(
        reverse("cases:note-add", args=[world.child.pk]), note_data(event_date=future.isoformat())
    )
    assert response.status_code == 200
    assert "The event cannot be in the future." in response.content.decode()
    assert not CaseNote.objects.exists()


def test_note_list_filters_by_type_and_significance(world, login):
    CaseNoteFactory(child=world.child, note_type="phone", subject="Phone call A")
    CaseNoteFactory(
        child=world.child,
        note_type="phone",
        subject="Phone call B significant",
        is_significant=True,
    )
    CaseNoteFactory(
        child=world.child, note_type="meeting", subject="Meeting C significant", is_significant=True
    )
    CaseNoteFactory(child=world.child, note_type="email", subject="Email D")
    client = login(world.social_worker)
    url = reverse("cases:notes", args=[world.child.pk])

    def subjects(params):
        response = client.get(url, params)
        return sorted(n.subject for n in response.context["page"].object_list)

    assert subjects({}) == [
        "Email D",
        "Meeting C significant",
        "Phone call A",
        "Phone call B significant",
    ]
    assert subjects({"type": "phone"}) == ["Phone call A", "Phone call B significant"]
    assert subjects({"significant": "on"}) == ["Meeting C significant", "Phone call B significant"]
    assert subjects({"type": "phone", "significant": "on"}) == ["Phone call B significant"]
    content = client.get(url, {"type": "phone"}).content.decode()
    assert "Phone call A" in content
    assert "Email D" not in content
    assert "Show all notes" in content


def test_note_list_shows_event_date_typed_date_author_and_corrected_marker(world, login, note):
    case_note_correct(note=_changed(note), user=world.team_manager, reason="Typo.")
    content = (
        login(world.senior_manager)
        .get(reverse("cases:notes", args=[world.child.pk]))
        .content.decode()
    )
    assert f"{note.event_date:%-d %b %Y}" in content
    assert f"{timezone.localtime(note.created_at):%-d %b %Y, %H:%M}" in content
    assert str(world.social_worker) in content
    assert "Corrected" in content
    # Readers cannot write notes.
    assert reverse("cases:note-add", args=[world.child.pk]) not in content


# --- Corrections ------------------------------------------------------------------------------


def test_corrections_keep_every_earlier_version_with_writer_and_reason(world, login, note):
    client = login(world.same_team_worker)
    url = reverse("cases:note-correct", args=[world.child.pk, note.pk])
    response = client.post(
        url,
        correction_data(note, text="Mother said the boiler is mended.", correction_reason="R1"),
    )
    assert response.status_code == 302
    note.refresh_from_db()
    login(world.team_manager).post(
        url,
        correction_data(
            note, text="Mother said the boiler was mended on Monday.", correction_reason="R2"
        ),
    )
    note.refresh_from_db()
    assert note.text == "Mother said the boiler was mended on Monday."
    assert note.author == world.social_worker  # the author of the note does not change
    first, second = CaseNoteVersion.objects.filter(note=note).order_by("number")
    assert (first.number, first.text, first.written_by, first.replaced_by) == (
        1,
        "Mother said the boiler is broken.",
        world.social_worker,
        world.same_team_worker,
    )
    assert first.correction_reason == "R1"
    assert (second.number, second.text, second.written_by, second.replaced_by) == (
        2,
        "Mother said the boiler is mended.",
        world.same_team_worker,
        world.team_manager,
    )
    assert second.correction_reason == "R2"

    response = login(world.senior_manager).get(
        reverse("cases:note-detail", args=[world.child.pk, note.pk])
    )
    content = response.content.decode()
    assert "Current text (version 3)" in content
    assert "Mother said the boiler was mended on Monday." in content
    assert "Mother said the boiler is broken." in content
    assert "Mother said the boiler is mended." in content
    assert "R1" in content and "R2" in content
    assert "Version 1 (original)" in content
    assert response.context["current_by"] == world.team_manager


def test_correction_requires_a_reason(world, login, note):
    response = login(world.social_worker).post(
        reverse("cases:note-correct", args=[world.child.pk, note.pk]),
        correction_data(note, text="Changed.", correction_reason=""),
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Mother said the boiler is broken."
    assert not note.versions.exists()


def test_correction_that_changes_nothing_is_refused(world, login, note):
    response = login(world.social_worker).post(
        reverse("cases:note-correct", args=[world.child.pk, note.pk]), correction_data(note)
    )
    assert response.status_code == 200
    assert "You have not changed anything in the note." in response.content.decode()
    assert not note.versions.exists()


def test_correction_to_a_future_event_date_is_refused(world, login, note):
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = login(world.social_worker).post(
        reverse("cases:note-correct", args=[world.child.pk, note.pk]),
        correction_data(note, event_date=future.isoformat()),
    )
    assert "The event cannot be in the future." in response.content.decode()
    note.refresh_from_db()
    assert note.event_date != future
    assert not note.versions.exists()


def test_stale_correction_is_refused_and_nothing_saved(world, login, note):
    opened_version = note.version
    case_note_correct(
        note=_changed(note), user=world.same_team_worker, reason="Colleague's correction."
    )
    response = login(world.social_worker).post(
        reverse("cases:note-correct", args=[world.child.pk, note.pk]),
        correction_data(
            CaseNote.objects.get(pk=note.pk),
            text="My late correction.",
            version=opened_version,
        ),
    )
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Corrected text."
    assert note.versions.count() == 1


# --- Query count ------------------------------------------------------------------------------


def test_note_list_query_count_does_not_grow_with_notes(
    world, login, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = reverse("cases:notes", args=[world.child.pk])
    CaseNoteFactory(child=world.child, author=world.social_worker)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    authors = [world.social_worker, world.same_team_worker, world.team_manager]
    for i in range(29):
        n = CaseNoteFactory(child=world.child, author=authors[i % 3], is_significant=i % 2 == 0)
        if i % 4 == 0:
            case_note_correct(note=_changed(n), user=world.team_manager, reason="Typo.")
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 30


def test_note_detail_query_count_does_not_grow_with_versions(
    world, login, note, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = reverse("cases:note-detail", args=[world.child.pk, note.pk])
    case_note_correct(note=_changed(note), user=world.team_manager, reason="First.")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(29):
        note.text = f"Text {i}"
        case_note_correct(
            note=note, user=[world.social_worker, world.team_manager][i % 2], reason=f"Fix {i}"
        )
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["versions"]) == 30
