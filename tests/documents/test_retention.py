"""Retention: each type's period (configurable) puts a document on the records officer's list
once it has passed; the officer records a decision; nothing is deleted automatically."""

import datetime

from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse

from documents.models import Document, DocumentVersion, retention_review_due
from documents.services import document_upload, retention_period_set

D = datetime.date


def _document(world, *, dated: D, kind: str = "letter") -> Document:
    return document_upload(
        child=world.child,
        event=None,
        title=f"Old {kind}",
        document_type=kind,
        author="",
        agency="",
        document_date=dated,
        stream=ContentFile(b"An old letter (synthetic).\n"),
        original_name="old.txt",
        size=27,
        user=world.social_worker,
    )


def test_review_date_is_stored_from_the_types_period_and_moves_with_it(world):
    letter = _document(world, dated=D(2016, 2, 29))
    assert letter.review_due_on == D(2022, 2, 28)  # 6 years; 29 February falls back
    report = _document(world, dated=D(2016, 3, 1), kind="sw_report")
    assert report.review_due_on == D(2041, 3, 1)  # 25 years
    assert retention_period_set(document_type="letter", years=10) == 1
    letter.refresh_from_db()
    report.refresh_from_db()
    assert letter.review_due_on == D(2026, 2, 28) == retention_review_due("letter", D(2016, 2, 29))
    assert report.review_due_on == D(2041, 3, 1)


def test_records_officer_is_prompted_and_records_a_decision_nothing_deleted(world, login):
    due = _document(world, dated=D(2010, 5, 4))
    not_yet = _document(world, dated=datetime.date.today(), kind="court")
    officer = world.senior_manager
    officer.user_permissions.add(Permission.objects.get(codename="review_retention"))
    client = login(officer)
    url = reverse("documents:retention")
    page = client.get(url).content.decode()
    assert "Old letter" in page and world.child.la_child_id in page
    assert "Old court" not in page
    response = client.post(url, {"document": due.pk, "note": "Keep 5 more years: proceedings"})
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.reviewed_by == officer and due.review_note.startswith("Keep 5 more years")
    assert due.removed_at is None and DocumentVersion.objects.get(document=due).file
    assert "No document is due a review." in client.get(url).content.decode()
    assert not_yet.reviewed_at is None


def test_the_list_is_for_records_officers_only(world, login):
    _document(world, dated=D(2010, 5, 4))
    for persona in ("social_worker", "team_manager", "senior_manager", "administrator"):
        assert login(world.persona(persona)).get(reverse("documents:retention")).status_code == 404
