"""Merging two people (issue 20 item 4): every record of every app moves to the surviving
person (and the duplicate child's to the surviving child), found by introspecting every
model; audited; refused when someone else saved first; reversed within a period."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.family_people import link_family
from cases.merge import merge_fields, people_merge, people_merge_reverse
from cases.models import Allocation, Child, ChronologyEdit, OpenedWithReason
from conferences.models import CoreGroupMeeting, CoreGroupMember, TransferIn, TransferOut
from people.models import (
    Person,
    PersonAddress,
    PersonMerge,
    PersonName,
    PossibleSamePerson,
)
from people.models import Relationship as Link
from tests.cases.factories import ChildFactory, FamilyMemberFactory, ManagementOversightFactory
from tests.conferences.factories import PlanFactory
from tests.test_permission_matrix import scene  # noqa: F401 - fixture: records of every kind


def _every_fk(target):
    """Independently of cases.merge: every FK/one-to-one to `target` in every app's models."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        if model in (PersonMerge,) or model._meta.label == "people.PersonMergeMove":
            continue
        for f in model._meta.get_fields():
            concrete = getattr(f, "concrete", False) and f.is_relation
            if concrete and f.related_model is target and (f.many_to_one or f.one_to_one):
                found.add((model._meta.label, f.attname))
    return found


def test_merge_fields_are_every_models_references(db):
    for target in (Child, Person):
        assert {(m.model._meta.label, m.field.attname) for m in merge_fields(target)} == (
            _every_fk(target)
        )


def _complete(world, scene, duplicate_child):  # noqa: F811
    """Add the rows the permission matrix's scene lacks, so every reference has one."""
    person = duplicate_child.person
    other = Person.objects.create(first_name="Third", last_name="Person")
    PersonName.objects.create(person=person, first_name="Old", last_name="Name")
    PersonAddress.objects.create(person=person, address="2 Test Row", postcode="CH1 1AA")
    mother = Link.objects.filter(relative=person).first()
    Link.objects.create(person=other, relative=person, kind="grandparent", through=mother.person)
    Link.objects.create(person=other, relative=mother.person, kind="friend")
    grandchild = Person.objects.create(first_name="Grand", last_name="Child")
    Link.objects.create(person=grandchild, relative=other, kind="aunt_uncle", through=person)
    Link.objects.create(person=person, relative=other, kind="sibling")
    # Named on a brother's family page (in another team).
    brother = ChildFactory(allocated_team=world.other_team)
    FamilyMemberFactory(child=brother, relationship="sibling", person=person)
    PossibleSamePerson.objects.create(first=person, second=other, reason="test")
    PossibleSamePerson.objects.create(first=other, second=person, reason="test, other way")
    duplicate_child.restricted_to.add(world.team_manager)
    Allocation.objects.create(
        child=duplicate_child,
        team=world.team,
        worker=world.social_worker,
        start_date=datetime.date(2026, 1, 5),
        allocated_by=world.team_manager,
    )
    ChronologyEdit.objects.create(
        child=duplicate_child, source_key="x:1", description="d", edited_by=world.social_worker
    )
    ManagementOversightFactory(child=duplicate_child, manager=world.team_manager)
    conference = scene["conference"]
    TransferIn.objects.create(
        child=duplicate_child,
        referral=conference.section47.strategy_discussion.referral,
        from_authority="Sefton",
        notified_on=datetime.date(2026, 7, 1),
        other_plan_start=datetime.date(2026, 3, 1),
        other_category="NEG",
        conference=conference,
        recorded_by=world.social_worker,
    )
    TransferOut.objects.create(
        child=duplicate_child,
        plan=conference.plan,
        to_authority="Cheshire",
        moved_on=datetime.date(2026, 11, 1),
        recorded_by=world.social_worker,
    )
    CoreGroupMember.objects.create(plan=conference.plan, name="Core Member", person=person)
    # Chosen from the child's people: invited to a conference, at a core group.
    conference.participants.create(kind="family", name="Chosen Person", person=person)
    CoreGroupMeeting.objects.create(
        plan=conference.plan,
        meeting_date=conference.plan.start_date,
        attendees="Dr Patel (GP)",
        recorded_by=world.social_worker,
    ).family_attendees.add(person)
    OpenedWithReason.objects.create(
        user=world.other_team_worker,
        child=duplicate_child,
        reason="A contact",
        expires_at=timezone.now(),
    )


def _references(target_pk, target):
    """Every row pointing at `target_pk`, by (model, field): their pks."""
    found = {}
    for mf in merge_fields(target):
        pks = set(
            mf.model._default_manager.filter(**{mf.field.attname: target_pk}).values_list(
                "pk", flat=True
            )
        )
        found[(mf.model._meta.label, mf.field.attname)] = pks
    return found


@pytest.fixture
def pair(world, scene):  # noqa: F811
    duplicate = Child.objects.get(pk=scene["pk"])
    survivor = ChildFactory(
        first_name=duplicate.first_name,
        last_name=duplicate.last_name,
        date_of_birth=duplicate.date_of_birth,
        allocated_team=world.team,
        allocated_worker=world.social_worker,
    )
    link_family(children=[survivor])
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    _complete(world, scene, duplicate)
    # The survivor already has the same grandparent: that relationship is not moved twice.
    third = Person.objects.get(first_name="Third")
    Link.objects.create(person=third, relative=survivor.person, kind="grandparent")
    return survivor, duplicate


def test_merge_moves_every_record_of_every_app_and_the_reversal_moves_them_back(world, pair):
    survivor, duplicate = pair
    s_person, d_person = survivor.person, duplicate.person
    child_refs = _references(duplicate.pk, Child)
    person_refs = _references(d_person.pk, Person)
    # Every reference of every app has a row here: a new app's model fails this until its
    # record is added to the scene (tests/test_permission_matrix.py) or above.
    missing = sorted(k for k, v in {**child_refs, **person_refs}.items() if not v)
    assert not missing, f"No record points at the duplicate through: {missing}"
    survivor_before = _references(survivor.pk, Child)

    merge = people_merge(
        survivor=s_person,
        duplicate=d_person,
        user=world.team_manager,
        reason="The same child registered twice.",
        survivor_version=s_person.version,
        duplicate_version=d_person.version,
    )

    assert not Child.objects.filter(pk=duplicate.pk).exists()
    assert not Person.objects.filter(pk=d_person.pk).exists()
    after_child = _references(survivor.pk, Child)
    after_person = _references(s_person.pk, Person)
    for key, pks in child_refs.items():
        assert pks <= after_child[key], key
    for key, pks in person_refs.items():
        if key == ("cases.Child", "person_id"):
            continue  # the duplicate child's own record: removed, kept for a reversal
        if key == ("people.Relationship", "relative_id"):
            # The grandparent the survivor already had: said once, the copy kept aside.
            assert len(pks - after_person[key]) == 1
            continue
        assert pks <= after_person[key], key
    assert _references(duplicate.pk, Child) == {k: set() for k in child_refs}
    # The duplicate's current allocation ended; the survivor's record has both.
    assert not Allocation.objects.filter(child=survivor, end_date__isnull=True).count() > 1
    # Audited, with the manager as the actor.
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(PersonMerge), object_pk=str(merge.pk)
    )
    assert entry.actor == world.team_manager

    people_merge_reverse(
        merge=merge, user=world.team_manager, reason="Twins, not one child.", expected_version=1
    )

    assert Child.objects.filter(pk=duplicate.pk).exists()
    assert Person.objects.filter(pk=d_person.pk).exists()
    assert _references(duplicate.pk, Child) == child_refs
    assert _references(d_person.pk, Person) == person_refs
    assert _references(survivor.pk, Child) == survivor_before
    assert Allocation.objects.filter(child=duplicate, end_date__isnull=True).exists()
    merge.refresh_from_db()
    assert merge.reversed_by == world.team_manager


def test_merge_refused_when_someone_else_saved_first(world, pair):
    survivor, duplicate = pair
    with pytest.raises(ValidationError, match="Someone else saved"):
        people_merge(
            survivor=survivor.person,
            duplicate=duplicate.person,
            user=world.team_manager,
            reason="Same",
            survivor_version=survivor.person.version - 1,
            duplicate_version=duplicate.person.version,
        )
    assert Child.objects.filter(pk=duplicate.pk).exists()
    assert not PersonMerge.objects.filter(duplicate_id=duplicate.person_id).exists()


def test_merge_refused_when_both_have_an_open_plan(world, pair):
    survivor, duplicate = pair
    PlanFactory(child=survivor, start_date=datetime.date(2026, 9, 1))
    with pytest.raises(ValidationError, match="only one may be open"):
        people_merge(
            survivor=survivor.person,
            duplicate=duplicate.person,
            user=world.team_manager,
            reason="Same",
            survivor_version=survivor.person.version,
            duplicate_version=duplicate.person.version,
        )
    assert Child.objects.filter(pk=duplicate.pk).exists()
    assert not PersonMerge.objects.filter(duplicate_id=duplicate.person_id).exists()


def test_reversal_refused_after_its_period(world, pair):
    survivor, duplicate = pair
    merge = people_merge(
        survivor=survivor.person,
        duplicate=duplicate.person,
        user=world.team_manager,
        reason="Same",
        survivor_version=survivor.person.version,
        duplicate_version=duplicate.person.version,
    )
    PersonMerge.objects.filter(pk=merge.pk).update(reversible_until=timezone.now())
    merge.refresh_from_db()
    with pytest.raises(ValidationError, match="can no longer be reversed"):
        people_merge_reverse(merge=merge, user=world.team_manager, reason="x", expected_version=1)


def test_manager_merges_and_reverses_through_the_pages(world, pair, login):
    survivor, duplicate = pair
    s_person, d_person = survivor.person, duplicate.person
    url = reverse("people:merge", args=[s_person.pk, d_person.pk])
    assert login(world.social_worker).get(url).status_code == 404
    assert login(world.other_manager).get(url).status_code == 404
    client = login(world.team_manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"survivor": str(s_person.pk), "reason": "", "version": 1})
    assert response.status_code == 200 and Child.objects.filter(pk=duplicate.pk).exists()
    response = client.post(
        url,
        {
            "survivor": str(s_person.pk),
            "reason": "The same child registered twice.",
            "version": s_person.version,
            "other_version": d_person.version,
        },
    )
    merge = PersonMerge.objects.get(duplicate_id=d_person.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:merge-detail", args=[merge.pk])
    assert not Child.objects.filter(pk=duplicate.pk).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Referral" in page and "Reverse the merge" in page
    response = client.post(
        reverse("people:merge-reverse", args=[merge.pk]),
        {"reason": "They are twins.", "version": merge.version},
    )
    assert response.status_code == 302
    assert Child.objects.filter(pk=duplicate.pk).exists()
