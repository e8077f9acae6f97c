"""Every page of a child's record logs who looked, without each view having to remember."""

from auditlog.models import LogEntry
from django.urls import reverse

from tests.test_permission_matrix import ROUTES, _url, scene  # noqa: F401 - scene is a fixture

CHILD_PAGES = sorted(
    name for name, route in ROUTES.items() if route.startswith("children/<int:pk>/")
)


def _looks() -> int:
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()


def test_every_child_page_read_is_logged(world, login, scene):  # noqa: F811
    client = login(world.social_worker)
    logged = []
    for name in CHILD_PAGES:
        before = _looks()
        response = client.get(_url(name, scene))
        if response.status_code != 200:
            continue
        assert _looks() == before + 1, name
        entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
        assert entry.object_pk == str(world.child.pk)
        assert entry.actor == world.social_worker
        assert entry.additional_data["what"] == name
        logged.append(name)
    assert {"cases:chronology", "cases:notes", "conferences:family-plan-pdf"} <= set(logged)


def test_conference_page_with_minutes_is_logged_for_those_who_see_them(
    world,
    login,
    scene,  # noqa: F811
):
    conference = scene["conference"]
    before = _looks()
    login(world.social_worker).get(reverse("conferences:detail", args=[conference.pk]))
    assert _looks() == before + 1
    login(world.business_support).get(reverse("conferences:detail", args=[conference.pk]))
    assert _looks() == before + 1  # diary fields only: no case content was shown


def test_a_refused_look_is_not_logged_as_a_look(world, login):
    client = login(world.other_team_worker)
    before = _looks()
    assert client.get(reverse("cases:chronology", args=[world.child.pk])).status_code == 404
    assert _looks() == before


def test_the_chairs_outcome_and_minutes_page_is_logged_against_the_child(world, login, scene):  # noqa: F811
    conference = scene["conference"]
    before = _looks()
    response = login(world.iro).get(reverse("conferences:outcome", args=[conference.pk]))
    assert response.status_code == 200
    assert _looks() == before + 1
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.object_pk == str(conference.child_id)
    assert entry.actor == world.iro
