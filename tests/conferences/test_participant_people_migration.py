"""Migration conferences/0018: participants and core groups recorded before a person could be
chosen are linked to one of the child's people only where the name proves it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("conferences", "0018_dashboard_indexes")]
AFTER = [("conferences", "0019_participant_and_core_group_people")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_only_a_name_held_by_exactly_one_of_the_childs_people_is_linked(
    world, migrations_back_to_latest
):
    from cases.family_people import link_family
    from conferences.models import ConferenceParticipant, CoreGroupMeeting
    from people.models import Person
    from people.models import Relationship as Link
    from tests.cases.factories import FamilyMemberFactory
    from tests.conferences.factories import ConferenceFactory, PlanFactory

    child = world.child
    FamilyMemberFactory(child=child, first_name="Jade", last_name="Lee", relationship="mother")
    FamilyMemberFactory(
        child=child, first_name="Sam", last_name="Lee", sex="M", relationship="father"
    )
    link_family()
    child.refresh_from_db()
    jade = Person.objects.get(first_name="Jade", last_name="Lee")
    # A grandfather of the same name as the father: "Sam Lee" proves neither.
    grandfather = Person.objects.create(first_name="Sam", last_name="Lee")
    Link.objects.create(person=grandfather, relative=child.person, kind="grandparent")
    stranger = Person.objects.create(first_name="Pat", last_name="Stranger")  # not the child's
    conference = ConferenceFactory(section47__strategy_discussion__referral__child=child)
    rows = {
        name: ConferenceParticipant.objects.create(conference=conference, kind=kind, name=name)
        for name, kind in (
            ("  jade   LEE ", "parent"),
            ("Sam Lee", "parent"),
            ("Pat Stranger", "family"),
            ("Jade Leigh", "family"),
        )
    }
    agency = ConferenceParticipant.objects.create(
        conference=conference, kind="agency", agency="health", name="Jade Lee"
    )
    plan = PlanFactory(child=child, start_date=datetime.date(2026, 1, 5))
    meetings = [
        CoreGroupMeeting.objects.create(
            plan=plan,
            meeting_date=datetime.date(2026, 2, 2),
            attendees=text,
            recorded_by=world.social_worker,
        )
        for text in (
            "Jade Lee (mother)\nSam Lee (father)\nDr Patel (GP)",
            "Jade Leeson (aunt)",
        )
    ]
    _migrate(BEFORE)

    _migrate(AFTER)

    linked = dict(
        ConferenceParticipant.objects.filter(pk__in=[r.pk for r in rows.values()]).values_list(
            "name", "person_id"
        )
    )
    assert linked == {
        "  jade   LEE ": jade.pk,
        "Sam Lee": None,  # two of the child's people have that name
        "Pat Stranger": None,  # not one of the child's people
        "Jade Leigh": None,  # spelled another way: a worker chooses
    }
    assert ConferenceParticipant.objects.get(pk=agency.pk).person_id is None
    assert list(meetings[0].family_attendees.all()) == [jade]
    assert not meetings[1].family_attendees.exists()  # "Jade Leeson" is not "Jade Lee"
    assert stranger.pk not in set(ConferenceParticipant.objects.values_list("person_id", flat=True))
