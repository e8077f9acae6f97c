"""Uploads: types by content, the size limit, the virus scan, versions, removal, downloads."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from documents.models import Document, DocumentVersion, ScanStatus
from documents.services import version_scan
from tests.cases.factories import ChildFactory, VisitFactory
from tests.documents import samples

ALLOWED = [
    ("report.pdf", samples.pdf, "application/pdf"),
    ("photo.jpg", samples.jpeg, "image/jpeg"),
    ("photo.png", samples.png, "image/png"),
    ("photo.gif", samples.gif, "image/gif"),
    ("photo.webp", samples.webp, "image/webp"),
    (
        "report.docx",
        samples.docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("report.odt", samples.odt, "application/vnd.oasis.opendocument.text"),
    ("report.doc", samples.doc, "application/msword"),
    ("notes.txt", samples.text, "text/plain"),
]
REFUSED = [
    ("report.pdf", samples.exe, "of type EXE"),  # a renamed executable
    ("photo.jpg", samples.elf, "of type ELF"),
    ("notes.txt", samples.zip_archive, "of type ZIP"),
    ("notes.txt", samples.html, "a web page or a script"),
    ("report.pdf", samples.pdf_zip_polyglot, "two types at once"),
    ("photo.gif", samples.gifar, "two types at once"),
    ("photo.png", samples.png_with_trailer, "after the end of the image"),
    ("report.pdf", samples.pdf_with_javascript, "scripts, embedded files or actions"),
    ("report.docx", samples.docx_with_macros, "macros"),
    ("blank.bin", lambda: b"\x00\x01\x02\x03" * 10, "not a type of document"),
]


def _post(client, child, name, content, **extra):
    data = {
        "about": "",
        "title": "Health visitor's report",
        "document_type": "agency_report",
        "author": "A Health Visitor",
        "agency": "health",
        "document_date": "2026-11-20",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        **extra,
    }
    return client.post(reverse("documents:upload", args=[child.pk]), data)


@pytest.mark.parametrize("name,make,mime", ALLOWED, ids=[a[0].split(".")[1] for a in ALLOWED])
def test_allowed_types_are_stored_with_the_type_their_content_shows(world, login, name, make, mime):
    client = login(world.social_worker)
    response = _post(client, world.child, name, make())
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.content_type == mime  # from the content, never the browser's word
    assert version.scan_status == ScanStatus.NOT_SCANNED
    assert version.file.name and name not in version.file.name  # a random name in the store
    download = client.get(reverse("documents:download", args=[world.child.pk, version.document_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == make()
    assert download["Content-Type"] == mime
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name,make,words", REFUSED, ids=[r[1].__name__ for r in REFUSED])
def test_refused_types_get_a_clear_message_and_store_nothing(world, login, name, make, words):
    response = _post(login(world.social_worker), world.child, name, make())
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This file cannot be uploaded" in page and words in page
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_size_limit_is_configurable_and_refused_with_the_limit_in_words(world, login, settings):
    settings.DOCUMENTS_MAX_UPLOAD_MB = 1
    big = samples.text() * (1024 * 1024 // len(samples.text()) + 1)
    response = _post(login(world.social_worker), world.child, "notes.txt", big)
    assert "the largest file that can be uploaded is 1.0\xa0MB" in response.content.decode()
    assert not Document.objects.exists()
    settings.DOCUMENTS_MAX_UPLOAD_MB = 2
    assert _post(login(world.social_worker), world.child, "notes.txt", big).status_code == 302


def test_default_size_limit_is_20_mb(world, login):
    from documents.validation import max_upload_bytes

    assert max_upload_bytes() == 20 * 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_clean_file_is_downloadable_once_the_stub_clamd_says_ok(world, login, clamd):
    client = login(world.social_worker)
    assert _post(client, world.child, "report.pdf", samples.pdf()).status_code == 302
    version = DocumentVersion.objects.get()
    assert version.scan_status == ScanStatus.CLEAN  # scanned after the commit
    assert clamd.commands == [b"zINSTREAM\0"] and clamd.received == [samples.pdf()]
    url = reverse("documents:download", args=[world.child.pk, version.document_id])
    assert client.get(url).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_infected_file_is_never_downloadable_and_its_bytes_are_not_kept(world, login, clamd):
    client = login(world.social_worker)
    infected = samples.text() + samples.EICAR
    assert _post(client, world.child, "notes.txt", infected).status_code == 302
    version = DocumentVersion.objects.get()
    assert version.scan_status == ScanStatus.INFECTED
    assert version.scan_detail == "Eicar-Test-Signature"
    assert not version.file
    url = reverse("documents:download", args=[world.child.pk, version.document_id])
    response = client.get(url)
    assert response.status_code == 409
    assert "found malware" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_scanner_error_or_unreachable_leaves_the_file_undownloadable(world, login, clamd, settings):
    client = login(world.social_worker)
    clamd.mode = "error"
    _post(client, world.child, "notes.txt", samples.text())
    version = DocumentVersion.objects.get()
    assert version.scan_status == ScanStatus.FAILED
    assert "size limit exceeded" in version.scan_detail
    url = reverse("documents:download", args=[world.child.pk, version.document_id])
    assert client.get(url).status_code == 409
    # Pending until scanned: nothing leaves before the verdict.
    DocumentVersion.objects.update(scan_status=ScanStatus.PENDING)
    assert client.get(url).status_code == 409
    clamd.mode = "ok"
    assert version_scan(version_id=version.pk) == ScanStatus.CLEAN
    assert client.get(url).status_code == 200
    settings.CLAMD_SOCKET = "tcp://127.0.0.1:1"  # nothing listens there
    DocumentVersion.objects.update(scan_status=ScanStatus.PENDING)
    assert version_scan(version_id=version.pk) == ScanStatus.FAILED


def test_a_new_upload_of_the_same_document_is_a_new_version(world, login):
    client = login(world.social_worker)
    _post(client, world.child, "report.pdf", samples.pdf("first"))
    document = Document.objects.get()
    url = reverse("documents:new-version", args=[world.child.pk, document.pk])
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("report v2.pdf", samples.pdf("second")),
            "note": "Corrected dates",
            "version": document.version,
        },
    )
    assert response.status_code == 302
    assert list(document.versions.order_by("number").values_list("number", "note")) == [
        (1, ""),
        (2, "Corrected dates"),
    ]
    download = reverse("documents:download", args=[world.child.pk, document.pk])
    assert b"second" in b"".join(client.get(download).streaming_content)
    assert b"first" in b"".join(client.get(download + "?version=1").streaming_content)
    # A stale form (the version it started from is gone) is refused, nothing stored.
    stale = client.post(
        url, {"file": SimpleUploadedFile("x.pdf", samples.pdf("third")), "version": 1}
    )
    assert "Someone else saved this record" in stale.content.decode()
    assert document.versions.count() == 2


def test_removal_keeps_an_audited_tombstone_and_deletes_the_bytes(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.social_worker)
    _post(client, world.child, "report.pdf", samples.pdf())
    document = Document.objects.get()
    version = document.versions.get()
    storage, name = version.file.storage, version.file.name
    assert storage.exists(name)
    url = reverse("documents:remove", args=[world.child.pk, document.pk])
    refused = client.post(url, {"reason": " ", "version": document.version})
    assert "There is a problem" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"reason": "Uploaded to the wrong child", "version": document.version}
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.removed_by == world.social_worker
    assert document.removed_reason == "Uploaded to the wrong child"
    assert not storage.exists(name)
    listing = client.get(reverse("documents:child-documents", args=[world.child.pk]))
    assert "Removed" in listing.content.decode()
    assert escape(document.title) in listing.content.decode()
    assert (
        client.get(reverse("documents:download", args=[world.child.pk, document.pk])).status_code
        == 404
    )
    entry = LogEntry.objects.get_for_object(document).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None and "removed_reason" in entry.changes_dict


def test_document_attached_to_an_event_of_the_child(world, login):
    visit = VisitFactory(child=world.child)
    client = login(world.social_worker)
    form = client.get(reverse("documents:upload", args=[world.child.pk]))
    assert f'value="visit:{visit.pk}"' in form.content.decode()
    _post(client, world.child, "photo.png", samples.png(), about=f"visit:{visit.pk}")
    assert Document.objects.get().event == visit
    # Another child's visit is no event of this child.
    other = VisitFactory(child=ChildFactory(allocated_team=world.team))
    response = _post(client, world.child, "photo.png", samples.png(), about=f"visit:{other.pk}")
    assert response.status_code == 200 and Document.objects.count() == 1


@pytest.mark.parametrize(
    "persona,status",
    [
        ("social_worker", 200),
        ("same_team_worker", 200),
        ("team_manager", 200),
        ("senior_manager", 200),
        ("other_team_worker", 404),
        ("other_manager", 404),
        ("other_iro", 404),
        ("business_support", 404),
        ("administrator", 404),
    ],
)
def test_download_follows_the_child(world, login, persona, status):
    _post(login(world.social_worker), world.child, "report.pdf", samples.pdf())
    document = Document.objects.get()
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    response = login(world.persona(persona)).get(
        reverse("documents:download", args=[world.child.pk, document.pk])
    )
    assert response.status_code == status
    accessed = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() - before
    assert (accessed > 0) == (status == 200)


def test_restricted_childs_documents_are_404_to_anyone_not_named(world, login):
    _post(login(world.social_worker), world.child, "report.pdf", samples.pdf())
    document = Document.objects.get()
    world.child.is_restricted = True
    world.child.save()
    world.child.restricted_to.add(world.team_manager)
    url = reverse("documents:download", args=[world.child.pk, document.pk])
    assert login(world.social_worker).get(url).status_code == 404
    assert login(world.senior_manager).get(url).status_code == 404
    assert login(world.team_manager).get(url).status_code == 200
    listing = reverse("documents:child-documents", args=[world.child.pk])
    assert escape(document.title) not in login(world.social_worker).get(listing).content.decode()


def test_document_of_another_child_is_404_under_this_child(world, login):
    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    client = login(world.social_worker)
    _post(client, other, "report.pdf", samples.pdf())
    document = Document.objects.get()
    assert (
        client.get(reverse("documents:download", args=[world.child.pk, document.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("documents:download", args=[other.pk, document.pk])).status_code == 200
    )


def test_documents_list_query_count_is_constant(world, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.social_worker)
    url = reverse("documents:child-documents", args=[world.child.pk])
    _post(
        client,
        world.child,
        "r.pdf",
        samples.pdf(),
        about=f"visit:{VisitFactory(child=world.child).pk}",
    )
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    assert first.status_code == 200
    budget = len(few)  # read now: the next request resets the connection's query log
    for i in range(6):
        _post(
            client,
            world.child,
            f"r{i}.pdf",
            samples.pdf(str(i)),
            about=f"visit:{VisitFactory(child=world.child).pk}",
        )
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
