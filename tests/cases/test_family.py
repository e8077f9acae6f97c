import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import FamilyMember, Professional
from tests.cases.factories import ChildFactory, FamilyMemberFactory, ProfessionalFactory
from tests.personas import PERSONAS

VIEWERS = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITERS = {"social_worker", "same_team_worker", "team_manager"}


def expected(persona: str, allowed: set[str]) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in allowed else 404


def member_data(**overrides) -> dict:
    data = {
        "first_name": "Dale",
        "last_name": "Testfather",
        "relationship": "father",
        "sex": "M",
        "date_of_birth": "1990-04-02",
        "partner": "",
        "partnership_status": "",
        "address": "1 Example Street, ZZ99 1ZZ",
        "phone": "",
        "notes": "",
        "involved_in_safety_plan": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def professional_data(**overrides) -> dict:
    data = {
        "name": "Priya Testnurse",
        "agency": "health",
        "role": "Health visitor",
        "organisation": "Example Community Health",
        "phone": "0151 000 0000",
        "email": "priya@example.invalid",
        "is_current": "on",
    }
    data.update(overrides)
    return data


# --- permission matrices ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_family_page_is_shown_only_to_those_who_may_see_the_child(world, login, persona):
    FamilyMemberFactory(child=world.child, first_name="Mina", last_name="Visiblemother")
    response = login(world.persona(persona)).get(reverse("cases:family", args=[world.child.pk]))
    assert response.status_code == expected(persona, VIEWERS)
    if response.status_code == 200:
        assert "Mina Visiblemother" in response.content.decode()
    if persona == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "page", ["family-add", "family-edit", "professional-add", "professional-edit"]
)
def test_family_forms_are_shown_only_to_those_who_may_change_the_record(
    world, login, persona, page
):
    member = FamilyMemberFactory(child=world.child)
    professional = ProfessionalFactory(child=world.child)
    args = {
        "family-add": [world.child.pk],
        "family-edit": [world.child.pk, member.pk],
        "professional-add": [world.child.pk],
        "professional-edit": [world.child.pk, professional.pk],
    }[page]
    response = login(world.persona(persona)).get(reverse(f"cases:{page}", args=args))
    assert response.status_code == expected(persona, WRITERS)
    if response.status_code == 200:
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_adding_a_family_member_is_for_writers_only(world, login, persona):
    client = login(world.persona(persona))
    response = client.post(
        reverse("cases:family-add", args=[world.child.pk]), member_data(last_name="Newfather")
    )
    saved = FamilyMember.objects.filter(child=world.child, last_name="Newfather")
    if persona in WRITERS:
        assert response.status_code == 302
        assert response.url == reverse("cases:family", args=[world.child.pk])
        member = saved.get()
        assert member.relationship == "father"
        assert member.involved_in_safety_plan is True
        assert member.lives_with_child is False
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not saved.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_a_family_member_is_for_writers_only(world, login, persona):
    member = FamilyMemberFactory(child=world.child, first_name="Old", last_name="Name")
    response = login(world.persona(persona)).post(
        reverse("cases:family-edit", args=[world.child.pk, member.pk]),
        member_data(first_name="New", relationship="mother", sex="F", version=member.version),
    )
    member.refresh_from_db()
    if persona in WRITERS:
        assert response.status_code == 302
        assert (member.first_name, member.relationship, member.version) == ("New", "mother", 2)
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert (member.first_name, member.version) == ("Old", 1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_adding_a_professional_is_for_writers_only(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:professional-add", args=[world.child.pk]), professional_data()
    )
    saved = Professional.objects.filter(child=world.child, name="Priya Testnurse")
    if persona in WRITERS:
        assert response.status_code == 302
        assert saved.get().role == "Health visitor"
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not saved.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_a_professional_is_for_writers_only(world, login, persona):
    professional = ProfessionalFactory(child=world.child, role="GP")
    response = login(world.persona(persona)).post(
        reverse("cases:professional-edit", args=[world.child.pk, professional.pk]),
        professional_data(role="Paediatrician", version=professional.version),
    )
    professional.refresh_from_db()
    if persona in WRITERS:
        assert response.status_code == 302
        assert professional.role == "Paediatrician"
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert professional.role == "GP"


def test_a_family_member_of_another_child_cannot_be_edited_through_this_child(world, login):
    other = FamilyMemberFactory(child=ChildFactory(allocated_team=world.team), first_name="Kept")
    response = login(world.social_worker).post(
        reverse("cases:family-edit", args=[world.child.pk, other.pk]),
        member_data(first_name="Changed", version=1),
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.first_name == "Kept"


def test_a_professional_of_another_child_cannot_be_edited_through_this_child(world, login):
    other = ProfessionalFactory(child=ChildFactory(allocated_team=world.team), role="GP")
    response = login(world.social_worker).post(
        reverse("cases:professional-edit", args=[world.child.pk, other.pk]),
        professional_data(role="Changed", version=1),
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.role == "GP"


def test_family_page_refuses_other_methods(world, login):
    response = login(world.social_worker).delete(reverse("cases:family", args=[world.child.pk]))
    assert response.status_code == 405


# --- validation -------------------------------------------------------------------------------


def post_add(client, child, **overrides):
    return client.post(reverse("cases:family-add", args=[child.pk]), member_data(**overrides))


def test_a_future_date_of_birth_is_refused(world, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_add(login(world.social_worker), world.child, date_of_birth=tomorrow)
    assert response.status_code == 200
    assert "The date of birth cannot be in the future." in response.content.decode()
    assert not FamilyMember.objects.filter(child=world.child).exists()


def test_a_future_date_of_death_is_refused(world, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_add(login(world.social_worker), world.child, date_of_death=tomorrow)
    assert "The date of death cannot be in the future." in response.content.decode()
    assert not FamilyMember.objects.filter(child=world.child).exists()


def test_a_death_before_birth_is_refused(world, login):
    response = post_add(
        login(world.social_worker),
        world.child,
        date_of_birth="1990-04-02",
        date_of_death="1989-01-01",
        is_deceased="on",
    )
    assert response.status_code == 200
    assert "The date of death cannot be before the date of birth." in response.content.decode()
    assert not FamilyMember.objects.filter(child=world.child).exists()


def test_a_partner_without_a_partnership_status_is_refused(world, login):
    mother = FamilyMemberFactory(child=world.child)
    response = post_add(login(world.social_worker), world.child, partner=mother.pk)
    assert response.status_code == 200
    assert "Say what kind of partnership this is." in response.content.decode()
    assert FamilyMember.objects.filter(child=world.child).count() == 1


def test_a_partner_with_a_status_is_saved(world, login):
    mother = FamilyMemberFactory(child=world.child)
    response = post_add(
        login(world.social_worker), world.child, partner=mother.pk, partnership_status="separated"
    )
    assert response.status_code == 302
    father = FamilyMember.objects.get(child=world.child, relationship="father")
    assert (father.partner, father.partnership_status) == (mother, "separated")


def test_the_partner_choice_lists_only_this_childs_other_family_members(world, login):
    mine = FamilyMemberFactory(child=world.child, first_name="Ownfamily")
    editing = FamilyMemberFactory(child=world.child, first_name="Beingedited")
    FamilyMemberFactory(child=ChildFactory(allocated_team=world.team), first_name="Otherfamily")
    response = login(world.social_worker).get(
        reverse("cases:family-edit", args=[world.child.pk, editing.pk])
    )
    choices = response.context["form"].fields["partner"].queryset
    assert list(choices) == [mine]
    content = response.content.decode()
    assert "Otherfamily" not in content
    assert f'<option value="{mine.pk}">' in content


def test_a_partner_from_another_childs_family_is_refused(world, login):
    stranger = FamilyMemberFactory(child=ChildFactory(allocated_team=world.team))
    response = post_add(
        login(world.social_worker), world.child, partner=stranger.pk, partnership_status="married"
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not FamilyMember.objects.filter(child=world.child).exists()


def test_a_person_cannot_be_their_own_partner(world, login):
    member = FamilyMemberFactory(child=world.child)
    response = login(world.social_worker).post(
        reverse("cases:family-edit", args=[world.child.pk, member.pk]),
        member_data(partner=member.pk, partnership_status="married", version=member.version),
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.partner is None
    assert member.version == 1


def test_a_stale_family_member_edit_is_refused_and_nothing_saved(world, login):
    member = FamilyMemberFactory(child=world.child, first_name="Original")
    opened_version = member.version
    # Someone else saves the record after this user opened the form.
    FamilyMember.objects.filter(pk=member.pk).update(first_name="Theirs", version=2)
    response = login(world.social_worker).post(
        reverse("cases:family-edit", args=[world.child.pk, member.pk]),
        member_data(first_name="Mine", version=opened_version),
    )
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    member.refresh_from_db()
    assert (member.first_name, member.version) == ("Theirs", 2)


def test_a_stale_professional_edit_is_refused_and_nothing_saved(world, login):
    professional = ProfessionalFactory(child=world.child, role="GP")
    Professional.objects.filter(pk=professional.pk).update(role="School nurse", version=2)
    response = login(world.social_worker).post(
        reverse("cases:professional-edit", args=[world.child.pk, professional.pk]),
        professional_data(role="Paediatrician", version=1),
    )
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    professional.refresh_from_db()
    assert (professional.role, professional.version) == ("School nurse", 2)


def test_a_professional_needs_a_valid_email(world, login):
    response = login(world.social_worker).post(
        reverse("cases:professional-add", args=[world.child.pk]),
        professional_data(email="not-an-email"),
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not Professional.objects.exists()


# --- the page ---------------------------------------------------------------------------------


def family_page(client, child) -> str:
    response = client.get(reverse("cases:family", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_family_page_flags_fathers_not_living_with_the_child(world, login):
    FamilyMemberFactory(
        child=world.child,
        first_name="Away",
        relationship="father",
        sex="M",
        lives_with_child=False,
        involved_in_safety_plan=False,
    )
    FamilyMemberFactory(
        child=world.child, first_name="Home", relationship="mother", involved_in_safety_plan=True
    )
    content = family_page(login(world.social_worker), world.child)
    assert content.count("Father not in household") == 1
    assert "Fathers not living with the child:" in content
    assert "(not involved in the safety plan)" in content
    assert "Involved in the safety plan:</strong> 1 of 2 family members" in content


def test_family_page_says_when_no_father_is_recorded(world, login):
    FamilyMemberFactory(child=world.child, relationship="mother")
    content = family_page(login(world.social_worker), world.child)
    assert "No father is recorded for this child." in content
    assert "Father not in household" not in content


def test_family_page_lists_partners_and_professionals(world, login):
    mother = FamilyMemberFactory(child=world.child, first_name="Mara", last_name="Testmum")
    FamilyMemberFactory(
        child=world.child,
        first_name="Rob",
        last_name="Testdad",
        relationship="father",
        sex="M",
        partner=mother,
        partnership_status="divorced",
    )
    ProfessionalFactory(
        child=world.child, name="Dr Ann Example", role="GP", email="ann@example.invalid"
    )
    content = family_page(login(world.social_worker), world.child)
    # The partnership shows on both people, whoever recorded it.
    assert "Rob Testdad (divorced)" in content
    assert "Mara Testmum (divorced)" in content
    assert "Dr Ann Example" in content
    assert 'href="mailto:ann@example.invalid"' in content


def test_edit_links_are_shown_only_to_those_who_may_change_the_record(world, login):
    member = FamilyMemberFactory(child=world.child)
    edit_url = reverse("cases:family-edit", args=[world.child.pk, member.pk])
    add_url = reverse("cases:family-add", args=[world.child.pk])
    url = reverse("cases:family", args=[world.child.pk])
    writer = login(world.social_worker).get(url).content.decode()
    assert edit_url in writer and add_url in writer
    reader = login(world.senior_manager).get(url).content.decode()
    assert edit_url not in reader and add_url not in reader


def test_family_page_escapes_names(world, login):
    FamilyMemberFactory(child=world.child, first_name="<script>alert(1)</script>")
    content = family_page(login(world.social_worker), world.child)
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def _family_of(child, size):
    people = FamilyMemberFactory.create_batch(size, child=child, relationship="sibling")
    for person, partner in zip(people[::2], people[1::2], strict=False):
        person.partner = partner
        person.partnership_status = "partners"
        person.save()
    ProfessionalFactory.create_batch(size, child=child)


def test_family_page_says_which_parent_a_relative_is_related_through(world, login):
    father = FamilyMemberFactory(
        child=world.child, first_name="Rob", last_name="Away", relationship="father", sex="M"
    )
    FamilyMemberFactory(
        child=world.child,
        first_name="Nan",
        last_name="Elder",
        relationship="grandmother",
        sex="F",
        through_parent=father,
    )
    FamilyMemberFactory(child=world.child, first_name="Sis", relationship="sibling")
    content = family_page(login(world.social_worker), world.child)
    assert content.count("through Rob Away (father)") == 1


def test_family_page_runs_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    client = login(world.social_worker)
    small = ChildFactory(allocated_team=world.team)
    _family_of(small, 2)
    _family_of(world.child, 30)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:family", args=[small.pk]))
    with django_assert_max_num_queries(13), CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cases:family", args=[world.child.pk]))
    content = response.content.decode()
    for member in FamilyMember.objects.filter(child=world.child):
        assert reverse("cases:family-edit", args=[world.child.pk, member.pk]) in content
    assert len(many) == len(few)
