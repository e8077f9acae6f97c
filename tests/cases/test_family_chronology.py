"""The family chronology reads each chronology source once for the whole family (issue 19):
its query count is the same for two children as for five, and the single child's chronology
is built from the same sources (one rule, one set of sources)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import chronology
from cases.chronology import chronology_for, chronology_for_children
from cases.family_people import link_family
from cases.models import Child, ChronologyEdit, ManualChronologyEntry
from tests.accounts.factories import make_user
from tests.cases.factories import (
    CaseNoteFactory,
    ChildFactory,
    FamilyMemberFactory,
    MissingEpisodeFactory,
    ReferralFactory,
    VisitFactory,
)
from tests.conferences.factories import ConferenceFactory, hold
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london


def _family(world, n, *, surname):
    """`n` children of one mother, each with a record of every kind the sources read."""
    first = ChildFactory(
        allocated_team=world.team, allocated_worker=world.social_worker, last_name=surname
    )
    children = [first] + [
        ChildFactory(allocated_team=world.team, last_name=surname) for _ in range(n - 1)
    ]
    for i, child in enumerate(children):
        FamilyMemberFactory(
            child=child,
            first_name="Ann",
            last_name=surname,
            date_of_birth=datetime.date(1985, 5, 5),
            relationship="mother",
        )
        referral = ReferralFactory(
            child=child,
            received_at=london(2026, 8, 3 + i, 9),
            decision="strategy",
            decided_by=world.team_manager,
            decided_at=london(2026, 8, 3 + i, 10),
        )
        discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 4 + i))
        hold(
            ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion)),
            chair=world.iro,
            held_on=datetime.date(2026, 9, 7 + i),
        )
        CaseNoteFactory(child=child, author=world.social_worker, is_significant=True)
        VisitFactory(child=child, child_seen=False, seen_alone=False, reason_not_seen="Out")
        MissingEpisodeFactory(child=child)
        ManualChronologyEntry.objects.create(
            child=child,
            event_date=datetime.date(2020, 1, 1),
            date_accuracy="year",
            source="health",
            description=f"Health visitor's concerns {i}",
            recorded_by=world.social_worker,
        )
        ChronologyEdit.objects.create(
            child=child,
            source_key=f"referral:{referral.pk}:received",
            description=f"Own words {i}",
            edited_by=world.social_worker,
        )
    link_family()
    return [Child.objects.get(pk=c.pk) for c in children]


def test_the_family_chronology_query_count_is_the_same_for_two_children_and_five(world, login):
    client = login(world.social_worker)
    two = _family(world, 2, surname="Twofamily")
    five = _family(world, 5, surname="Fivefamily")
    counts = {}
    for family in (two, five):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("cases:family-chronology", args=[family[0].pk]))
        assert response.status_code == 200
        assert len(response.context["children"]) == len(family)
        counts[len(family)] = len(queries)
    assert counts[5] == counts[2], counts


def test_each_source_reads_once_for_any_number_of_children(world):
    """Every registered source (this app's and those the upper apps register) takes the set of
    children and reads once: a source written for one child fails here."""
    two = _family(world, 2, surname="Twofamily")
    five = _family(world, 5, surname="Fivefamily")
    for source in chronology.SOURCES:
        counts = []
        for family in (two, five):
            with CaptureQueriesContext(connection) as queries:
                events = list(source(family))
            counts.append(len(queries))
            assert {e.child_id for e in events} <= {c.pk for c in family}, source
        assert counts[0] == counts[1] <= 2, (source.__name__, counts)


def test_the_family_chronology_has_each_childs_events_as_their_own_chronology_does(world):
    family = _family(world, 3, surname="Threefamily")
    rows = chronology_for_children(family)
    for child in family:
        own = chronology_for(child)
        assert [e.key for whose, e in rows if whose.pk == child.pk] == [e.key for e in own]
        assert any(e.edited for e in own)  # the worker's own words, in both
    assert len(rows) == sum(len(chronology_for(c)) for c in family)


def test_a_restricted_sibling_s_events_are_absent_from_the_family_chronology(world, login):
    family = _family(world, 3, surname="Threefamily")
    secret = family[2]
    named = make_user(Role.SOCIAL_WORKER, team=world.team, username="sw_named")
    secret.is_restricted = True
    secret.save()
    secret.restricted_to.set([named])
    response = login(world.social_worker).get(
        reverse("cases:family-chronology", args=[family[0].pk])
    )
    assert {c.pk for c in response.context["children"]} == {family[0].pk, family[1].pk}
    assert all(whose.pk != secret.pk for whose, _ in response.context["events"])
    html = response.content.decode()
    assert secret.first_name not in html
    assert "Health visitor&#x27;s concerns 2" not in html  # the sibling's manual entry too
    assert "Health visitor&#x27;s concerns 1" in html and "Manual entry" in html
    assert response.context["withheld"] == 1
    # The worker named on the record sees all three.
    response = login(named).get(reverse("cases:family-chronology", args=[family[0].pk]))
    assert len(response.context["children"]) == 3


@pytest.mark.parametrize("persona", ["other_team_worker", "administrator"])
def test_the_family_chronology_is_404_outside_the_childs_reach(world, login, persona):
    family = _family(world, 2, surname="Twofamily")
    response = login(world.persona(persona)).get(
        reverse("cases:family-chronology", args=[family[0].pk])
    )
    assert response.status_code == 404
