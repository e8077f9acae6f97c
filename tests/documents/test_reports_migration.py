"""Migration conferences/0015: the typed "date reports were shared with parents" and the
attendance row's yes/no become report documents shared with the parents, so the figure that
now reads documents gives the same answer for past conferences."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("conferences", "0014_core_group_held_with")]
AFTER = [("conferences", "0015_reports_shared_from_documents")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_typed_dates_and_yes_answers_become_shared_report_documents(
    world, migrations_back_to_latest
):
    from tests.conferences.factories import ConferenceFactory, PlanFactory

    plan = PlanFactory(child=world.child, start_date=datetime.date(2026, 1, 5))
    dated, undated, neither = (
        ConferenceFactory(
            child=world.child,
            section47=None,
            plan=plan,
            conference_type="review",
            target_date=held,
            status="held",
            held_on=held,
            requested_by=world.social_worker,
        )
        for held in (
            datetime.date(2026, 4, 7),
            datetime.date(2026, 5, 6),
            datetime.date(2026, 6, 3),
        )
    )
    old = _migrate(BEFORE)
    Conference = old.get_model("conferences", "Conference")
    Participant = old.get_model("conferences", "ConferenceParticipant")
    Conference.objects.filter(pk=dated.pk).update(reports_shared_on=datetime.date(2026, 4, 1))
    for conference, answer in ((dated, None), (undated, True), (neither, False)):
        Participant.objects.create(
            conference_id=conference.pk,
            kind="parent",
            name="Mary Example",
            had_reports_in_advance=answer,
        )

    new = _migrate(AFTER)
    latest = MigrationExecutor(connection)
    latest.loader.build_graph()

    Share = new.get_model("documents", "DocumentShare")
    shares = {
        s.document.event_id: (s.recipient, s.recipient_kind, s.shared_on, s.document.document_type)
        for s in Share.objects.select_related("document")
    }
    assert shares == {
        dated.pk: ("Mary Example", "parent", datetime.date(2026, 4, 1), "sw_report"),
        # "Yes" with no date: the latest day that counts (Wednesday 6 May: Tuesday 5 May is one
        # working day before, Monday 4 May a bank holiday, so Friday 1 May is the second).
        undated.pk: ("Mary Example", "parent", datetime.date(2026, 5, 1), "sw_report"),
    }
    latest.migrate(latest.loader.graph.leaf_nodes())
    from conferences.models import Conference as Current

    assert Current.objects.get(pk=dated.pk).reports_shared_in_advance is True
    assert Current.objects.get(pk=undated.pk).reports_shared_in_advance is True
    assert Current.objects.get(pk=neither.pk).reports_shared_on is None
