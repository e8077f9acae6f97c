"""The person index: family entries become people and relationships, once (issue 19)."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases.access import person_for, persons_masked_for, persons_visible_to
from cases.family import family_of, genogram_members
from cases.family_people import Models, link_family, relationship_counts
from cases.genogram import build_genogram
from cases.models import Child, FamilyMember
from cases.services import family_member_save
from people.models import (
    Household,
    HouseholdMember,
    Kind,
    Person,
    PersonAddress,
    PossibleSamePerson,
)
from people.models import Relationship as Link
from tests.accounts.factories import make_user
from tests.cases.factories import ChildFactory, FamilyMemberFactory, ReferralFactory
from tests.strategy.factories import london

SVG = "{http://www.w3.org/2000/svg}"
MOTHER_BORN = datetime.date(1990, 3, 4)


def _siblings(world, n=2, **child_fields):
    """`n` children of one mother and father, each with the parents typed on their own page
    (the old shape: one copy of each parent per child), none linked yet."""
    children = [world.child] + [
        ChildFactory(
            allocated_team=world.team,
            allocated_worker=world.social_worker,
            last_name=world.child.last_name,
            **child_fields,
        )
        for _ in range(n - 1)
    ]
    for child in children:
        mother = FamilyMemberFactory(
            child=child,
            first_name="Jade",
            last_name="Testwood",
            date_of_birth=MOTHER_BORN,
            relationship="mother",
        )
        FamilyMemberFactory(
            child=child,
            first_name="Mark",
            last_name="Testwood",
            sex="M",
            date_of_birth=datetime.date(1988, 1, 2),
            relationship="father",
            lives_with_child=False,
            partner=mother,
            partnership_status="separated",
        )
    return children


def _fresh(children):
    """The children as saved now (link_family gave them their persons)."""
    return [Child.objects.get(pk=c.pk) for c in children]


def _assert_every_entry_is_a_relationship():
    """No relationship lost: each entry has a person and a relationship between that person
    and the child's person, of the entry's kind."""
    for entry in FamilyMember.objects.select_related("child", "link"):
        assert entry.person_id is not None, entry
        assert entry.link is not None, entry
        assert {entry.link.person_id, entry.link.relative_id} == {
            entry.person_id,
            entry.child.person_id,
        }, entry


# --- 1. the migration -------------------------------------------------------------------------


def test_the_migration_makes_each_entry_a_person_and_merges_proved_duplicates(world):
    children = _siblings(world, n=3)
    # A grandmother with no date of birth on two pages: nothing proves she is one person.
    for child in children[:2]:
        FamilyMemberFactory(
            child=child,
            first_name="Irene",
            last_name="Oldbury",
            relationship="grandmother",
            lives_with_child=False,
            parental_responsibility=False,
            address="4 Old Road, Demotown",
        )
    before = relationship_counts()
    assert before["entries_with_person"] == 0
    from importlib import import_module

    from django.apps import apps

    # The migration's own function, on rows of the old shape.
    import_module("cases.migrations.0014_people_from_family").forwards(apps, None)
    after = relationship_counts()
    assert after["entries"] == before["entries"] == 3 * 2 + 2
    assert after["entries_with_person"] == after["entries_linked"] == after["entries"]
    _assert_every_entry_is_a_relationship()
    # Three children, one mother, one father, two unproved grandmothers.
    assert Person.objects.count() == Child.objects.count() + 2 + 2
    assert Person.objects.filter(first_name="Jade").count() == 1
    jade = Person.objects.get(first_name="Jade")
    assert Link.objects.filter(person=jade, kind=Kind.MOTHER).count() == 3
    assert Link.objects.filter(person=jade, kind=Kind.MOTHER, parental_responsibility=True).count()
    # The partnership recorded on three pages is one relationship.
    assert Link.objects.filter(kind=Kind.PARTNER).count() == 1
    assert Link.objects.get(kind=Kind.PARTNER).partnership_status == "separated"
    pair = PossibleSamePerson.objects.get()
    assert {pair.first.first_name, pair.second.first_name} == {"Irene"}
    assert PersonAddress.objects.filter(address="4 Old Road, Demotown").count() == 2
    # Each child lives with the mother; the siblings share the household.
    assert Household.objects.count() == 1
    assert set(HouseholdMember.objects.values_list("person__first_name", flat=True)) == {
        c.first_name for c in children
    } | {"Jade"}
    # Run again: nothing more.
    assert link_family() == {"persons": 0, "relationships": 0, "households": 0, "possible_same": 0}
    assert relationship_counts() == after


def test_the_migration_keeps_different_dates_of_birth_apart(world):
    born = datetime.date(1980, 1, 1)
    FamilyMemberFactory(child=world.child, first_name="Amy", date_of_birth=born)
    other = ChildFactory(last_name=world.child.last_name)
    FamilyMemberFactory(child=other, first_name="Amy", date_of_birth=datetime.date(1981, 1, 1))
    link_family()
    assert Person.objects.filter(first_name="Amy").count() == 2
    assert not PossibleSamePerson.objects.exists()


def test_a_sibling_typed_on_a_page_is_the_sibling_s_own_record(world):
    brother = ChildFactory(last_name=world.child.last_name, sex="M")
    FamilyMemberFactory(
        child=world.child,
        first_name=brother.first_name,
        last_name=brother.last_name,
        date_of_birth=brother.date_of_birth,
        sex="M",
        relationship="sibling",
        parental_responsibility=False,
    )
    link_family()
    brother.refresh_from_db()
    entry = FamilyMember.objects.get(child=world.child)
    assert entry.person_id == brother.person_id


def _reset_people():
    FamilyMember.objects.update(person=None, link=None)
    Child.objects.update(person=None)
    HouseholdMember.objects.all().delete()
    Household.objects.all().delete()
    PossibleSamePerson.objects.all().delete()
    PersonAddress.objects.all().delete()
    Link.objects.all().delete()
    Person.objects.all().delete()


def test_the_demo_data_migrates_with_no_relationship_lost(db):
    from demo.seed import seed_demo

    seed_demo()
    _reset_people()  # the shape before the person index
    before = relationship_counts()
    link_family(Models.current())
    after = relationship_counts()
    assert after["entries"] == before["entries"] > 0
    assert after["entries_linked"] == after["entries"]
    _assert_every_entry_is_a_relationship()
    # Ruby's and Leo's mother, father and grandmother are one person each.
    for name in ("Jade", "Mark", "Irene"):
        people = Person.objects.filter(first_name=name, last_name__in=["Testwood", "Oldbury"])
        assert people.count() == 1
    assert Person.objects.filter(child_record__isnull=False).count() == Child.objects.count()


def test_the_synthetic_authority_migrates_with_no_relationship_lost(db):
    from demo.synthetic import generate_authority

    generate_authority(children=120, seed=7)
    linked = relationship_counts()
    persons = Person.objects.count()
    links = Link.objects.count()
    assert linked["entries_linked"] == linked["entries"] > 0
    # Siblings share their parents: fewer people than entries plus children.
    assert persons < linked["entries"] + Child.objects.count()
    _reset_people()
    before = relationship_counts()
    link_family()
    after = relationship_counts()
    assert after["entries"] == before["entries"] == linked["entries"]
    assert after["entries_linked"] == after["entries"]
    assert Person.objects.count() == persons
    assert Link.objects.count() == links
    _assert_every_entry_is_a_relationship()


# --- the person record -----------------------------------------------------------------------


def test_a_person_s_nhs_number_is_checked_by_its_check_digit(db):
    person = Person(last_name="Testwood", nhs_number="943 476 5918")
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "check digit" in str(error.value)
    person.nhs_number = "943 476 5919"
    person.full_clean()
    assert person.nhs_number == "9434765919"


def test_the_reverse_of_a_relationship_is_implied(world):
    _siblings(world, n=1)
    link_family()
    link = Link.objects.get(kind=Kind.MOTHER)
    assert link.word_from(link.relative_id) == "Mother"
    assert link.word_from(link.person_id) == "Daughter"


# --- 3. siblings, the genogram, the family chronology ---------------------------------------


def test_a_grandparent_added_on_one_child_shows_on_each_grandchild_s_genogram(world, login):
    children = _siblings(world, n=3)
    link_family()
    children = _fresh(children)
    mother = FamilyMember.objects.get(child=children[0], relationship="mother")
    grandmother = FamilyMember(
        child=children[0],
        first_name="Irene",
        last_name="Oldbury",
        sex="F",
        date_of_birth=datetime.date(1960, 8, 3),
        relationship="grandmother",
        through_parent=mother,
    )
    family_member_save(member=grandmother, user=world.social_worker)
    assert FamilyMember.objects.filter(first_name="Irene").count() == 1  # recorded once
    client = login(world.social_worker)
    for child in children:
        page = client.get(reverse("cases:genogram", args=[child.pk])).content.decode()
        assert "Irene Oldbury" in page, child
        drawing = build_genogram(child, genogram_members(child, family_of(child)))
        names = {d["name"] for d in drawing.descriptions}
        assert "Irene Oldbury" in names
        # The text alternative lists the same people as the picture.
        svg = ET.fromstring(str(drawing.svg))  # noqa: S314 - the app's own output
        groups = [g for g in svg.iter(f"{SVG}g") if "person" in (g.get("class") or "")]
        drawn = [" ".join(t.text or "" for t in g.iter() if t.tag != f"{SVG}g") for g in groups]
        assert len(drawn) == len(drawing.descriptions)
        for description in drawing.descriptions:
            assert sum(description["name"] in text for text in drawn) >= 1
    # On the other grandchildren she is drawn above their mother, through her.
    relative = next(r for r in family_of(children[2]).relatives if r.person.first_name == "Irene")
    assert relative.word == "Grandmother"
    assert relative.through is not None and relative.through.first_name == "Jade"
    assert not relative.recorded


def test_siblings_are_listed_with_their_status(world, login):
    children = _siblings(world, n=2)
    link_family()
    ReferralFactory(child=children[1])
    client = login(world.social_worker)
    page = client.get(reverse("cases:family-view", args=[children[0].pk])).content.decode()
    assert children[1].full_name in page
    assert "Sibling (full)" in page
    assert "Open episode" in page
    assert str(world.social_worker) in page
    assert "Jade Testwood" in page and "parental responsibility" in page.lower()


def test_a_half_sibling_through_a_named_parent(world):
    children = _siblings(world, n=1)
    half = ChildFactory(last_name="Other", allocated_team=world.team)
    FamilyMemberFactory(
        child=half, first_name="Jade", last_name="Testwood", date_of_birth=MOTHER_BORN
    )
    link_family()
    children = _fresh(children)
    relative = next(r for r in family_of(children[0]).siblings)
    assert relative.person.pk == Child.objects.get(pk=half.pk).person_id
    assert relative.kind == Kind.HALF_SIBLING
    assert relative.through.first_name == "Jade"


def test_a_sibling_on_a_restricted_record_is_masked(world, login):
    children = _fresh(_siblings(world, n=2))
    link_family()
    children = _fresh(children)
    secret = children[1]
    named = make_user(Role.SOCIAL_WORKER, team=world.team, username="sw_named")
    secret.is_restricted = True
    secret.save()
    secret.restricted_to.set([named])
    client = login(world.social_worker)
    for name in ("cases:family-view", "cases:genogram", "cases:family-chronology"):
        page = client.get(reverse(name, args=[children[0].pk])).content.decode()
        assert secret.first_name not in page, name
    page = client.get(reverse("cases:family-view", args=[children[0].pk])).content.decode()
    assert "Restricted record" in page and str(named) in page
    secret_person = Child.objects.get(pk=secret.pk).person_id
    assert not persons_visible_to(world.social_worker).filter(pk=secret_person).exists()
    assert persons_masked_for(world.social_worker).filter(pk=secret_person).exists()
    response = client.get(reverse("people:person-detail", args=[secret_person]))
    assert response.status_code == 404
    # The person named on the record sees their sibling.
    assert persons_visible_to(named).filter(pk=secret_person).exists()


def test_an_adult_related_only_to_a_restricted_child_is_masked(world):
    FamilyMemberFactory(child=world.child, first_name="Zed", date_of_birth=MOTHER_BORN)
    link_family()
    zed = Person.objects.get(first_name="Zed")
    assert person_for(world.social_worker, zed.pk) == zed
    named = make_user(Role.SOCIAL_WORKER, team=world.team, username="sw_named")
    child = Child.objects.get(pk=world.child.pk)
    child.is_restricted = True
    child.save()
    child.restricted_to.set([named])
    assert persons_masked_for(world.social_worker).filter(pk=zed.pk).exists()
    with pytest.raises(Exception) as error:
        person_for(world.social_worker, zed.pk)
    assert "restricted" in str(error.value).lower()
    assert person_for(named, zed.pk) == zed
    # Someone in another team reaches neither.
    with pytest.raises(Exception, match="No such person"):
        person_for(world.other_team_worker, zed.pk)


def test_the_family_chronology_orders_same_day_events_by_time(world, login):
    children = _siblings(world, n=2)
    link_family()
    ReferralFactory(child=children[0], received_at=london(2026, 9, 14, 15), reason="Afternoon")
    ReferralFactory(child=children[1], received_at=london(2026, 9, 14, 9), reason="Morning")
    client = login(world.social_worker)
    page = client.get(reverse("cases:family-chronology", args=[children[0].pk])).content.decode()
    assert page.index("Morning") < page.index("Afternoon")
    assert children[1].full_name in page and children[0].full_name in page


@pytest.mark.parametrize(
    "page", ["cases:family-view", "cases:genogram", "cases:child-detail", "cases:family-chronology"]
)
def test_queries_per_page_stay_constant_as_the_family_grows(world, login, page):
    client = login(world.social_worker)
    small = _siblings(world, n=2)
    for child in small:
        ReferralFactory(child=child)
    link_family()
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(page, args=[small[0].pk])).status_code == 200
    big_world_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    big = [big_world_child] + [
        ChildFactory(allocated_team=world.team, last_name=big_world_child.last_name)
        for _ in range(6)
    ]
    for child in big:
        for first, sex, rel in (("Ann", "F", "mother"), ("Bob", "M", "father")):
            FamilyMemberFactory(
                child=child,
                first_name=first,
                last_name="Bigfamily",
                sex=sex,
                date_of_birth=datetime.date(1985, 5, 5),
                relationship=rel,
            )
        FamilyMemberFactory(
            child=child,
            first_name=f"Gran{child.pk}",
            relationship="grandmother",
            lives_with_child=False,
        )
        ReferralFactory(child=child)
    link_family()
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(page, args=[big[0].pk])).status_code == 200
    assert len(many) == len(few)


# --- 6. data protection at the family level --------------------------------------------------


def test_every_look_at_a_person_is_audited(world, login):
    _siblings(world, n=1)
    link_family()
    jade = Person.objects.get(first_name="Jade")
    client = login(world.social_worker)
    response = client.get(reverse("people:person-detail", args=[jade.pk]))
    assert response.status_code == 200
    assert "Mother" in response.content.decode()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Person), object_pk=str(jade.pk)
    )
    assert entry.actor == world.social_worker
    assert entry.additional_data == {"what": "people:person-detail"}
    # A worker of another team: 404, and no entry.
    client = login(world.other_team_worker)
    assert client.get(reverse("people:person-detail", args=[jade.pk])).status_code == 404
    assert not LogEntry.objects.filter(object_pk=str(jade.pk), actor=world.other_team_worker)


def test_possible_same_person_pairs_are_listed_for_those_who_may_see_both(world, login):
    for child in (world.child, ChildFactory(allocated_team=world.team)):
        FamilyMemberFactory(child=child, first_name="Irene", last_name="Oldbury")
    link_family()
    client = login(world.social_worker)
    page = client.get(reverse("people:possible-same")).content.decode()
    assert page.count("Irene Oldbury") == 2
    client = login(world.other_team_worker)
    page = client.get(reverse("people:possible-same")).content.decode()
    assert "Irene Oldbury" not in page


def test_editing_an_entry_updates_the_person_and_its_relationship(world):
    member = FamilyMemberFactory(child=world.child, first_name="Jo", date_of_birth=MOTHER_BORN)
    link_family()
    member.refresh_from_db()
    member.relationship = "aunt"
    member.first_name = "Joanne"
    family_member_save(member=member, user=world.social_worker, expected_version=member.version)
    member.refresh_from_db()
    assert member.person.first_name == "Joanne"
    assert member.link.kind == Kind.AUNT_UNCLE
    assert not Link.objects.filter(kind=Kind.MOTHER, person=member.person).exists()


# --- 2. households ---------------------------------------------------------------------------


def test_a_move_of_household_is_recorded_with_dates_and_shown_on_the_summary(world, login):
    children = _siblings(world, n=2)
    link_family()
    child = Child.objects.get(pk=children[0].pk)
    jade = Person.objects.get(first_name="Jade")
    brother = Child.objects.get(pk=children[1].pk).person
    client = login(world.social_worker)
    url = reverse("cases:household-move", args=[child.pk])
    response = client.post(
        url,
        {
            "address": "9 New Street, Demotown",
            "postcode": "ZZ1 1ZZ",
            "start_date": "2026-10-01",
            "people": [jade.pk, brother.pk],
            "version": child.person.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    home = Household.objects.get(address="9 New Street, Demotown")
    assert home.start_date == datetime.date(2026, 10, 1)
    assert set(home.members.values_list("person_id", flat=True)) == {
        child.person_id,
        jade.pk,
        brother.pk,
    }
    old = HouseholdMember.objects.get(person=jade, household__address="")
    assert old.end_date == datetime.date(2026, 9, 30)
    assert PersonAddress.objects.get(person=jade, start_date=datetime.date(2026, 10, 1))
    summary = client.get(reverse("cases:child-detail", args=[child.pk])).content.decode()
    assert "9 New Street, Demotown" in summary
    assert "Jade Testwood" in summary and "Parental responsibility" in summary
    # The same form sent again is stale: someone has recorded a move since it was opened.
    response = client.post(
        url,
        {
            "address": "10 Other Street",
            "start_date": "2026-11-01",
            "version": child.person.version,
        },
    )
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert not Household.objects.filter(address="10 Other Street").exists()


def test_a_move_with_a_bad_date_is_refused_on_the_form(world, login):
    _siblings(world, n=1)
    link_family()
    child = Child.objects.get(pk=world.child.pk)
    client = login(world.social_worker)
    response = client.post(
        reverse("cases:household-move", args=[child.pk]),
        {"address": "1 Road", "start_date": "31/02/2026", "version": child.person.version},
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert not Household.objects.filter(address="1 Road").exists()


# --- 5. fathers and the wider family ---------------------------------------------------------


def test_each_significant_adult_shows_whether_invited_attended_and_in_the_safety_plan(world, login):
    from tests.conferences.factories import ConferenceFactory

    _siblings(world, n=1)
    link_family()
    mark = Link.objects.get(kind=Kind.FATHER)
    mark.not_invited_reason = "Address not known"
    mark.save()
    conference = ConferenceFactory(section47__strategy_discussion__referral__child=world.child)
    # Chosen from the child's people (the name as typed does not matter).
    me = Child.objects.get(pk=world.child.pk).person
    jade = Link.objects.filter(kind=Kind.MOTHER, relative=me).get().person
    conference.participants.create(
        kind="parent", name="Jade  Testwood", role="Mother", status="attended", person=jade
    )
    client = login(world.social_worker)
    page = client.get(reverse("cases:family-view", args=[world.child.pk])).content.decode()
    section = page[page.index('id="adults-h"') :]
    jade_row = section[section.index("Jade Testwood") :].split("</tr>")[0]
    assert jade_row.count("Yes") >= 3  # lives with, invited, attended
    mark_row = section[section.index("Mark Testwood") :].split("</tr>")[0]
    assert "No: Address not known" in mark_row


def test_a_father_not_involved_with_a_child_on_a_plan_is_flagged(world):
    from monitoring.models import Alert
    from monitoring.services import timescales_scan
    from tests.conferences.factories import PlanFactory

    plan = PlanFactory()
    child = plan.child
    FamilyMemberFactory(
        child=child,
        first_name="Mark",
        last_name="Testwood",
        sex="M",
        relationship="father",
        date_of_birth=datetime.date(1988, 1, 2),
        lives_with_child=False,
    )
    link_family()
    father = Link.objects.get(kind=Kind.FATHER)
    key = f"father:{father.pk}"
    timescales_scan(as_of=plan.start_date + datetime.timedelta(days=1))
    assert Alert.objects.get(rule="FATHER_NOT_INVOLVED", subject_key=key).status == "open"
    # A reason recorded (or his involvement) clears it.
    father.not_involved_reason = "Non-molestation order"
    father.save()
    timescales_scan(as_of=plan.start_date + datetime.timedelta(days=2))
    assert Alert.objects.get(rule="FATHER_NOT_INVOLVED", subject_key=key).status == "resolved"
    father.not_involved_reason = ""
    father.save()
    from tests.conferences.factories import ConferenceFactory

    conference = ConferenceFactory(section47__strategy_discussion__referral__child=child)
    conference.participants.create(kind="parent", name="Mark Testwood", person=father.person)
    timescales_scan(as_of=plan.start_date + datetime.timedelta(days=3))
    assert Alert.objects.get(rule="FATHER_NOT_INVOLVED", subject_key=key).status == "resolved"


def test_the_dashboard_counts_icpcs_that_invited_a_father_not_living_with_the_child(world):
    from tests.dashboards.test_measures import D, _icpc, measures

    first, second = ChildFactory(), ChildFactory()
    for child in (first, second):
        FamilyMemberFactory(
            child=child,
            first_name="Mark",
            last_name=child.last_name,
            sex="M",
            relationship="father",
            lives_with_child=False,
        )
    FamilyMemberFactory(child=world.child, relationship="father", lives_with_child=True, sex="M")
    link_family()
    invited = _icpc(first, D(2018, 9, 13))
    other = _icpc(second, D(2018, 9, 13))
    _icpc(world.child, D(2018, 9, 13))
    first.refresh_from_db()
    father = Link.objects.get(kind=Kind.FATHER, relative=first.person).person
    invited.participants.create(
        kind="parent", name=f"mark {first.last_name}", role="Father", person=father
    )
    # A namesake of the other child's father, not chosen as him, does not count for him.
    other.participants.create(kind="parent", name=f"Mark {second.last_name}")
    summary = measures(D(2018, 9, 1), D(2018, 9, 30)).summary()
    assert summary["icpc_absent_father_invited"] == 1
    assert summary["icpc_absent_father_invited_pct"] == 50.0


def test_a_worker_records_why_a_father_is_not_involved(world, login):
    _siblings(world, n=1)
    link_family()
    mark = Link.objects.get(kind=Kind.FATHER)
    client = login(world.social_worker)
    url = reverse("cases:involvement-edit", args=[world.child.pk, mark.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"not_involved_reason": "Non-molestation order", "version": mark.version}
    )
    assert response.status_code == 302
    mark.refresh_from_db()
    assert mark.not_involved_reason == "Non-molestation order"
    page = client.get(reverse("cases:family-view", args=[world.child.pk])).content.decode()
    assert "not to be involved, Non-molestation order" in page
    # A stale form is refused; another team's worker gets a 404.
    response = client.post(url, {"not_involved_reason": "x", "version": mark.version - 1})
    assert "Someone else saved this record" in response.content.decode()
    client = login(world.other_team_worker)
    assert client.get(url).status_code == 404


def test_a_household_made_by_saving_a_family_entry_is_in_the_audit_trail(world):
    child = ChildFactory(allocated_team=world.team, address_line_1="1 Synthetic Row")
    link_family(children=[child])
    member = FamilyMember(
        child=child,
        first_name="Nora",
        last_name=child.last_name,
        sex="F",
        date_of_birth=MOTHER_BORN,
        relationship="mother",
        lives_with_child=True,
    )
    family_member_save(member=member, user=world.social_worker)
    household = Household.objects.get(members__person=member.person)
    assert set(household.members.values_list("person_id", flat=True)) == {
        member.person_id,
        Child.objects.get(pk=child.pk).person_id,
    }
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Household),
        object_pk=str(household.pk),
        action=LogEntry.Action.CREATE,
    ).exists()
