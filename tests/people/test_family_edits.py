"""From the family view: a person's other names and a relationship recorded once (its type,
parental responsibility, start and end dates) are changed on their own pages, atomically,
audited, refused when someone else saved first (issue 19)."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Role
from cases.family_people import link_family
from cases.models import Child, FamilyMember
from cases.services import family_member_save
from people.models import Kind, Person, PersonName
from people.models import Relationship as Link
from tests.accounts.factories import make_user
from tests.cases.factories import ChildFactory, FamilyMemberFactory
from tests.people.test_family_people import _fresh, _siblings
from tests.personas import PERSONAS

WRITERS = {"social_worker", "same_team_worker", "team_manager"}


def _names_data(person, rows, *, initial=0, version=None):
    data = {
        "version": person.version if version is None else version,
        "names-TOTAL_FORMS": str(len(rows)),
        "names-INITIAL_FORMS": str(initial),
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"names-{n}-{key}"] = value
    return data


@pytest.fixture
def family(world):
    children = _siblings(world, n=2)
    link_family()
    children = _fresh(children)
    jade = Person.objects.get(first_name="Jade")
    link = Link.objects.get(person=jade, relative=children[0].person, kind=Kind.MOTHER)
    return {"children": children, "jade": jade, "link": link}


def test_the_family_view_links_to_each_person_s_names_and_relationship(world, login, family):
    child = family["children"][0]
    html = login(world.social_worker).get(reverse("cases:family-view", args=[child.pk]))
    html = html.content.decode()
    assert reverse("cases:person-names-edit", args=[child.pk, family["jade"].pk]) in html
    assert reverse("cases:relationship-edit", args=[child.pk, family["link"].pk]) in html
    # A reader who may not change the record sees no such links.
    html = login(world.senior_manager).get(reverse("cases:family-view", args=[child.pk]))
    assert reverse("cases:relationship-edit", args=[child.pk, family["link"].pk]) not in (
        html.content.decode()
    )


def test_other_names_are_added_changed_and_removed_and_audited(world, login, family):
    child, jade = family["children"][0], family["jade"]
    client = login(world.social_worker)
    url = reverse("cases:person-names-edit", args=[child.pk, jade.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _names_data(jade, [{"kind": "alias", "first_name": "Jay", "last_name": "Smith"}])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    name = PersonName.objects.get(person=jade)
    assert (name.kind, str(name)) == ("alias", "Jay Smith")
    jade.refresh_from_db()
    assert jade.version == 2
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PersonName),
        action=LogEntry.Action.CREATE,
        actor=world.social_worker,
    ).exists()
    # Changed, then removed.
    row = {"id": name.pk, "kind": "previous", "first_name": "Jade", "last_name": "Smith"}
    client.post(url, _names_data(jade, [row], initial=1))
    name.refresh_from_db()
    assert (name.kind, name.last_name) == ("previous", "Smith")
    jade.refresh_from_db()
    client.post(url, _names_data(jade, [{**row, "DELETE": "on"}], initial=1))
    assert not PersonName.objects.filter(person=jade).exists()
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PersonName),
        action=LogEntry.Action.DELETE,
    ).exists()
    # The person's page, seen from the other child too, lists names as recorded once.
    page = client.get(reverse("people:person-detail", args=[jade.pk])).content.decode()
    assert "Jade Testwood" in page


def test_a_names_page_opened_before_someone_else_saved_is_refused(world, login, family):
    child, jade = family["children"][0], family["jade"]
    client = login(world.social_worker)
    url = reverse("cases:person-names-edit", args=[child.pk, jade.pk])
    old = jade.version
    client.post(url, _names_data(jade, [{"kind": "alias", "first_name": "Jay"}]))
    response = client.post(
        url, _names_data(jade, [{"kind": "alias", "first_name": "J"}], version=old)
    )
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert list(PersonName.objects.values_list("first_name", flat=True)) == ["Jay"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"kind": "previous", "first_name": "", "last_name": ""},
            "Give a first name or a last name.",
        ),
        (
            {
                "kind": "alias",
                "first_name": "Jay",
                "start_date": "2020-01-01",
                "end_date": "2019-01-01",
            },
            "A name cannot stop being used before it was first used.",
        ),
        ({"kind": "nickname", "first_name": "Jay"}, "Select a valid choice."),
    ],
)
def test_bad_names_are_refused_with_a_message(world, login, family, row, message):
    child, jade = family["children"][0], family["jade"]
    response = login(world.social_worker).post(
        reverse("cases:person-names-edit", args=[child.pk, jade.pk]), _names_data(jade, [row])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message.split(" ")[0] in html
    assert not PersonName.objects.exists()


def test_names_of_someone_outside_the_family_or_masked_are_404(world, login, family):
    child = family["children"][0]
    client = login(world.social_worker)
    stranger = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    FamilyMemberFactory(child=stranger, first_name="Zed", last_name="Elsewhere")
    link_family()
    zed = Person.objects.get(first_name="Zed")
    url = reverse("cases:person-names-edit", args=[child.pk, zed.pk])
    assert client.get(url).status_code == 404
    # A brother on a restricted record the worker is not named on.
    secret = family["children"][1]
    secret.is_restricted = True
    secret.save()
    secret.restricted_to.set([make_user(Role.SOCIAL_WORKER, team=world.team, username="sw_x")])
    url = reverse("cases:person-names-edit", args=[child.pk, secret.person_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_a_relationship_is_changed_and_the_family_entries_keep_in_step(world, login, family):
    child, link = family["children"][0], family["link"]
    client = login(world.social_worker)
    url = reverse("cases:relationship-edit", args=[child.pk, link.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "mother",
            "parental_responsibility": "",
            "start_date": "2017-03-14",
            "end_date": "2026-10-01",
            "version": link.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    link.refresh_from_db()
    assert not link.parental_responsibility
    assert link.start_date == datetime.date(2017, 3, 14)
    assert link.end_date == datetime.date(2026, 10, 1)
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Link),
        object_pk=str(link.pk),
        action=LogEntry.Action.UPDATE,
        actor=world.social_worker,
    ).exists()
    entry = FamilyMember.objects.get(link=link)
    assert entry.parental_responsibility is False
    # A later save of the family page entry does not undo the change.
    entry.phone = "01234 567890"
    family_member_save(member=entry, user=world.social_worker, expected_version=entry.version)
    link.refresh_from_db()
    assert not link.parental_responsibility


def test_a_relationship_s_type_changes_and_its_entry_says_the_same(world, login):
    FamilyMemberFactory(
        child=world.child,
        first_name="Irene",
        sex="F",
        relationship="aunt",
        date_of_birth=datetime.date(1960, 1, 1),
    )
    link_family()
    child = Child.objects.get(pk=world.child.pk)
    link = Link.objects.get(relative=child.person, kind=Kind.AUNT_UNCLE)
    response = login(world.social_worker).post(
        reverse("cases:relationship-edit", args=[child.pk, link.pk]),
        {"kind": "grandparent", "version": link.version},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    link.refresh_from_db()
    assert link.kind == Kind.GRANDPARENT
    entry = FamilyMember.objects.get(first_name="Irene")
    assert entry.relationship == "grandmother" and entry.link_id == link.pk
    family_member_save(member=entry, user=world.social_worker, expected_version=entry.version)
    assert Link.objects.filter(relative=child.person).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "mother", "start_date": "2020-01-01", "end_date": "2019-01-01"},
            "end_date",
            "A relationship cannot end before it starts.",
        ),
        ({"kind": "great_aunt"}, "kind", "Select a valid choice."),
        ({"kind": "professional"}, "kind", "cannot say this relationship"),
    ],
)
def test_bad_relationship_input_is_refused_with_a_message(
    world, login, family, data, field, message
):
    child, link = family["children"][0], family["link"]
    response = login(world.social_worker).post(
        reverse("cases:relationship-edit", args=[child.pk, link.pk]),
        {**data, "version": link.version},
    )
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    link.refresh_from_db()
    assert link.kind == Kind.MOTHER and link.version == 1


def test_a_relationship_saved_meanwhile_is_not_overwritten(world, login, family):
    child, link = family["children"][0], family["link"]
    client = login(world.social_worker)
    url = reverse("cases:relationship-edit", args=[child.pk, link.pk])
    client.post(url, {"kind": "mother", "start_date": "2017-03-14", "version": 1})
    response = client.post(url, {"kind": "mother", "start_date": "2018-01-01", "version": 1})
    assert "Someone else saved this record" in response.content.decode()
    link.refresh_from_db()
    assert link.start_date == datetime.date(2017, 3, 14)


def test_another_child_s_relationship_is_404_here(world, login, family):
    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    FamilyMemberFactory(child=other, first_name="Zed", last_name="Elsewhere")
    link_family()
    foreign = Link.objects.get(person__first_name="Zed")
    url = reverse("cases:relationship-edit", args=[family["children"][0].pk, foreign.pk])
    client = login(world.social_worker)
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "father", "version": 1}).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_edit_pages_for_each_persona(world, login, family, persona):
    child, jade, link = family["children"][0], family["jade"], family["link"]
    client = login(world.persona(persona))
    names = reverse("cases:person-names-edit", args=[child.pk, jade.pk])
    relationship = reverse("cases:relationship-edit", args=[child.pk, link.pk])
    expected = 302 if persona == "anonymous" else 200 if persona in WRITERS else 404
    assert client.get(names).status_code == expected
    assert client.get(relationship).status_code == expected
    client.post(names, _names_data(jade, [{"kind": "alias", "first_name": "Jay"}]))
    client.post(relationship, {"kind": "mother", "end_date": "2026-10-01", "version": 1})
    link.refresh_from_db()
    assert PersonName.objects.exists() == (persona in WRITERS)
    assert (link.end_date is not None) == (persona in WRITERS)
