"""Reports shared with parents in advance: derived from documents, judged on working days
(local, default 2), read by the conference page, the attendance table and the dashboard."""

import datetime

import pytest
from django.urls import reverse

from conferences.models import Conference, ConferenceParticipant
from dashboards.measures import Measures, Scope
from tests.conferences.factories import ConferenceFactory, PlanFactory
from tests.documents.helpers import share_report
from timescales import rules
from timescales.models import LocalPolicy

D = datetime.date


def measures(start, end):
    return Measures(Scope("authority", "Whole authority"), start, end)


@pytest.mark.parametrize(
    "conference_on,shared_on,in_advance",
    [
        # Tuesday 7 April 2026, after Good Friday (3rd) and Easter Monday (6th): two working
        # days before is Wednesday 1 April.
        (D(2026, 4, 7), D(2026, 4, 1), True),
        (D(2026, 4, 7), D(2026, 4, 2), False),
        # Monday 4 January 2027, after New Year's Day (Friday 1st): Wednesday 30 December.
        (D(2027, 1, 4), D(2026, 12, 30), True),
        (D(2027, 1, 4), D(2026, 12, 31), False),
        # An ordinary Wednesday: Monday counts, Tuesday does not, the day itself never does.
        (D(2026, 11, 25), D(2026, 11, 23), True),
        (D(2026, 11, 25), D(2026, 11, 24), False),
        (D(2026, 11, 25), D(2026, 11, 25), False),
    ],
)
def test_in_advance_on_hand_worked_dates(db, conference_on, shared_on, in_advance):
    assert rules.reports_shared_in_advance(shared_on, conference_on) is in_advance


def test_the_number_of_working_days_is_local(db):
    policy = LocalPolicy.current()
    policy.reports_in_advance_working_days = 3
    policy.save()
    assert rules.reports_share_deadline(D(2026, 4, 7)) == D(2026, 3, 31)
    assert rules.reports_shared_in_advance(D(2026, 4, 1), D(2026, 4, 7)) is False
    assert "3 working days" in rules.in_words()["reports_in_advance"]


@pytest.fixture
def reviews(world):
    plan = PlanFactory(child=world.child, start_date=D(2026, 1, 5))

    def review(held_on):
        return ConferenceFactory(
            child=world.child,
            section47=None,
            plan=plan,
            conference_type="review",
            target_date=held_on,
            status="held",
            held_on=held_on,
        )

    return review


def test_dashboard_figure_counts_from_document_shares(world, reviews):
    on_time = reviews(D(2026, 4, 7))
    share_report(on_time, D(2026, 4, 1))
    late = reviews(D(2026, 4, 8))
    share_report(late, D(2026, 4, 7))
    not_a_parent = reviews(D(2026, 4, 9))
    share_report(not_a_parent, D(2026, 3, 2), kind="professional")
    reviews(D(2026, 4, 10))  # nothing shared
    m = measures(D(2026, 4, 1), D(2026, 4, 30))
    assert m.count("conferences_held") == 4
    assert set(m.population("reports_shared_in_advance").values_list("pk", flat=True)) == {
        on_time.pk
    }
    # A removed report no longer counts.
    from documents.models import Document

    Document.objects.filter(event_id=on_time.pk).update(
        removed_at=datetime.datetime.now(datetime.UTC)
    )
    assert measures(D(2026, 4, 1), D(2026, 4, 30)).count("reports_shared_in_advance") == 0


def test_dashboard_figure_reads_the_local_policy_once_and_follows_it(world, reviews, monkeypatch):
    """The figure judges every conference by the local timescale, read once rather than from
    the cache for each conference (issue 17: thousands of reads at 150,000 children)."""
    shared = [reviews(D(2026, 4, 7)), reviews(D(2026, 4, 8)), reviews(D(2026, 4, 9))]
    for conference in shared:
        share_report(conference, D(2026, 4, 1))
    policy = LocalPolicy.current()
    policy.reports_in_advance_working_days = 3
    policy.save()
    real = LocalPolicy.current.__func__
    calls = []

    def counted(cls):
        calls.append(cls)
        return real(cls)

    monkeypatch.setattr(LocalPolicy, "current", classmethod(counted))
    m = measures(D(2026, 4, 1), D(2026, 4, 30))
    # Three working days before 7 April (after Easter) is 31 March: that one was late.
    assert set(m.population("reports_shared_in_advance").values_list("pk", flat=True)) == {
        shared[1].pk,
        shared[2].pk,
    }
    assert len(calls) == 1


def test_conference_page_and_attendance_table_read_the_same_source(world, reviews, login):
    conference = reviews(D(2026, 4, 7))
    for name in ("Mary Example", "John Example"):
        ConferenceParticipant.objects.create(
            conference=conference, kind="parent", name=name, status="attended"
        )
    ConferenceParticipant.objects.create(
        conference=conference, kind="agency", agency="police", name="PC", status="attended"
    )
    share_report(conference, D(2026, 4, 1), recipient="mary example ")
    conference = Conference.objects.get(pk=conference.pk)
    assert conference.reports_shared_on == D(2026, 4, 1)
    assert conference.reports_shared_in_advance is True
    rows = {p.name: p.had_reports_in_advance for p in conference.participants.all()}
    assert rows == {"Mary Example": True, "John Example": False, "PC": None}
    page = login(world.social_worker).get(reverse("conferences:detail", args=[conference.pk]))
    content = page.content.decode()
    assert "Shared in advance: first shared with a parent on 1 Apr 2026" in content
    bs = login(world.business_support).get(
        reverse("conferences:reports-shared", args=[conference.pk])
    )
    assert "by 1 Apr 2026" in bs.content.decode()
    assert "mary example" in bs.content.decode()


def test_share_date_cannot_be_in_the_future(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document

    client = login(world.social_worker)
    client.post(
        reverse("documents:upload", args=[world.child.pk]),
        {
            "title": "SW report",
            "document_type": "sw_report",
            "document_date": "2026-11-20",
            "file": SimpleUploadedFile("r.txt", b"Report text.\n"),
        },
    )
    document = Document.objects.get()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("documents:share", args=[world.child.pk, document.pk]),
        {
            "recipient": "Mum",
            "recipient_kind": "parent",
            "method": "by_hand",
            "shared_on": tomorrow.isoformat(),
        },
    )
    assert "This date cannot be in the future." in response.content.decode()
    assert not document.shares.exists()
