"""Letters from the administrator's templates and the approved minutes, as PDFs (read back
with pypdf), kept as documents of the conference, their sending recorded."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conferences.models import ConferenceParticipant
from documents.models import Document, DocumentShare, LetterKind, LetterTemplate
from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory, hold
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london


def _text(document: Document) -> str:
    version = document.versions.order_by("-number")[0]
    with version.file.open("rb") as stream:
        reader = PdfReader(io.BytesIO(stream.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def conference(world):
    referral = ReferralFactory(
        child=world.child,
        received_at=london(2026, 8, 17, 9),
        decision="strategy",
        decided_at=london(2026, 8, 17, 12),
    )
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    conference = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    conference.chair = world.iro
    conference.venue = "Wallasey Town Hall, Room 2"
    conference.scheduled_for = london(2026, 9, 8, 10)
    conference.save()
    world.social_worker.email = "worker@example.invalid"
    world.social_worker.save()
    ConferenceParticipant.objects.create(
        conference=conference, kind="parent", name="Mary O'Brien <Mum>", status="attended"
    )
    return conference


def test_invitation_letter_is_a_pdf_with_its_fields_filled_and_escaped(world, login, conference):
    LetterTemplate.objects.create(
        kind=LetterKind.INVITATION_PARENT,
        subject="Conference about {{ child_name }}",
        body="Dear {{ recipient_name }},\n\nOn {{ conference_date }} at {{ conference_time }}, "
        "{{ conference_place }}, chaired by {{ chair_name }}. <b>Bold?</b>\n\n"
        "Contact {{ worker_name }}: {{ worker_contact }}.",
    )
    client = login(world.business_support)
    url = reverse("conferences:letters", args=[conference.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"action": "generate", "kind": "invite_parent", "recipient": "Mary O'Brien <Mum>"}
    )
    assert response.status_code == 302
    letter = Document.objects.get(document_type="letter")
    assert letter.event == conference and letter.child == world.child
    text = _text(letter)
    assert f"Conference about {world.child.full_name}" in text
    assert "Dear Mary O'Brien <Mum>," in text  # shown as typed: escaped, not markup
    assert "<b>Bold?</b>" in text
    assert "8 Sep 2026 at 10:00" in text and "Wallasey Town Hall, Room 2" in text
    assert str(world.iro) in text and "worker@example.invalid" in text
    assert "OFFICIAL-SENSITIVE" in text
    # Business support downloads it (they never open the child's record) and record the post.
    download = client.get(reverse("documents:download", args=[world.child.pk, letter.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert (
        login(world.other_team_worker)
        .get(reverse("documents:download", args=[world.child.pk, letter.pk]))
        .status_code
        == 404
    )
    client = login(world.business_support)
    response = client.post(
        url,
        {
            "action": "send",
            "document": letter.pk,
            "recipient": "Mary O'Brien",
            "recipient_kind": "parent",
            "method": "post",
            "shared_on": datetime.date.today().isoformat(),
        },
    )
    assert response.status_code == 302
    share = DocumentShare.objects.get()
    assert (share.document, share.method, share.recorded_by) == (
        letter,
        "post",
        world.business_support,
    )


def test_a_letter_template_with_an_unknown_field_is_refused(db):
    from django.core.exceptions import ValidationError

    template = LetterTemplate(kind="core_group", subject="x", body="{{ child_name }} {{ secret }}")
    with pytest.raises(ValidationError, match="secret"):
        template.full_clean()


def test_minutes_pdf_once_approved_is_marked_and_distributed(world, login, conference):
    hold(conference, chair=world.iro, held_on=datetime.date(2026, 9, 8))
    conference.refresh_from_db()
    conference.minutes = "The family agreed the plan."
    conference.save()
    client = login(world.iro)
    assert (
        client.post(
            reverse("conferences:minutes-approve", args=[conference.pk]), {"confirm": "yes"}
        ).status_code
        == 302
    )
    minutes = Document.objects.get(document_type="minutes")
    text = _text(minutes)
    assert text.count("OFFICIAL-SENSITIVE") >= 2
    assert "Attendance" in text and "Mary O'Brien <Mum>" in text
    assert "Child protection plan" in text and "Neglect" in text
    assert "The family agreed the plan." in text
    assert str(world.iro) in text and "worker@example.invalid" in text
    client = login(world.business_support)
    for name in ("Mary O'Brien", "Health visitor"):
        client.post(
            reverse("conferences:letters", args=[conference.pk]),
            {
                "action": "send",
                "document": minutes.pk,
                "recipient": name,
                "recipient_kind": "parent" if name.startswith("Mary") else "professional",
                "method": "email",
                "shared_on": datetime.date.today().isoformat(),
            },
        )
    assert list(minutes.shares.values_list("recipient", flat=True)) == [
        "Mary O'Brien",
        "Health visitor",
    ]
    conference.refresh_from_db()
    assert conference.minutes_distributed_on == datetime.date.today()
