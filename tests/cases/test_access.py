import pytest
from django.http import Http404
from django.urls import reverse

from cases.access import children_for_user, get_child_for_user

# (persona, may see the child, may change it)
ACCESS = [
    ("social_worker", True, True),
    ("same_team_worker", True, True),
    ("other_team_worker", False, False),
    ("team_manager", True, True),
    ("other_manager", False, False),
    ("iro", False, False),
    ("business_support", False, False),
    ("senior_manager", True, False),
    ("administrator", False, False),
]


@pytest.mark.parametrize("persona, can_see, can_write", ACCESS)
def test_get_child_for_user(world, persona, can_see, can_write):
    user = world.persona(persona)
    if can_see:
        assert get_child_for_user(user, world.child.pk) == world.child
    else:
        with pytest.raises(Http404):
            get_child_for_user(user, world.child.pk)
    if can_write:
        assert get_child_for_user(user, world.child.pk, write=True) == world.child
    else:
        with pytest.raises(Http404):
            get_child_for_user(user, world.child.pk, write=True)
    assert (world.child in children_for_user(user)) is can_see


@pytest.mark.parametrize(
    "persona, status",
    [(p, 200 if see else 404) for p, see, _ in ACCESS] + [("anonymous", 302)],
)
def test_child_page_answers_404_to_those_who_may_not_see_it(world, login, persona, status):
    client = login(world.persona(persona))
    response = client.get(reverse("cases:child-detail", args=[world.child.pk]))
    assert response.status_code == status
    if status == 200:
        assert world.child.la_child_id in response.content.decode()


def test_child_list_shows_only_visible_children(world, login):
    from tests.cases.factories import ChildFactory

    hidden = ChildFactory(allocated_team=world.other_team, last_name="Hiddenchild")
    content = login(world.social_worker).get(reverse("cases:child-list")).content.decode()
    assert world.child.last_name in content
    assert hidden.last_name not in content


def test_search_by_id_and_date_of_birth(world, login):
    client = login(world.social_worker)
    child = world.child
    by_id = client.get(reverse("cases:child-list"), {"q": child.la_child_id})
    assert child.last_name in by_id.content.decode()
    by_dob = client.get(
        reverse("cases:child-list"), {"q": child.date_of_birth.strftime("%d/%m/%Y")}
    )
    assert child.last_name in by_dob.content.decode()
    none = client.get(reverse("cases:child-list"), {"q": "Zzzznotaname"})
    assert child.last_name not in none.content.decode()
