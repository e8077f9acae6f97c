import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Visit
from cases.services import record_save
from tests.cases.factories import ChildFactory, VisitFactory
from tests.personas import PERSONAS

# Who may see the child (read the visits) and who may change the record (record visits).
SEE = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}
WRITE = {"social_worker", "same_team_worker", "team_manager"}


def expected_status(persona: str, allowed: set[str], ok: int) -> int:
    if persona == "anonymous":
        return 302
    return ok if persona in allowed else 404


def visit_data(**overrides) -> dict:
    data = {
        "visit_date": timezone.localdate().isoformat(),
        "visit_type": "statutory_cp",
        "child_seen": "on",
        "seen_alone": "on",
        "bedroom_seen": "on",
        "unannounced": "",
        "childs_words": "I want my dog to live with us again.",
        "observations": "The home was warm; food in the cupboards.",
        "reason_not_seen": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


@pytest.fixture
def visit(world):
    return VisitFactory(
        child=world.child,
        visit_date=timezone.localdate() - datetime.timedelta(days=3),
        recorded_by=world.social_worker,
    )


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url_name, allowed",
    [("cases:visits", SEE), ("cases:visit-add", WRITE), ("cases:visit-edit", WRITE)],
)
def test_visit_pages_get_permission_matrix(world, login, visit, persona, url_name, allowed):
    args = [world.child.pk, visit.pk] if url_name == "cases:visit-edit" else [world.child.pk]
    response = login(world.persona(persona)).get(reverse(url_name, args=args))
    status = expected_status(persona, allowed, 200)
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert world.child.full_name in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_visit_add_post_permission_matrix(world, login, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:visit-add", args=[world.child.pk]), visit_data()
    )
    status = expected_status(persona, WRITE, 302)
    assert response.status_code == status
    assert Visit.objects.filter(child=world.child).count() == (1 if persona in WRITE else 0)
    if persona in WRITE:
        assert response.url == reverse("cases:visits", args=[world.child.pk])
    elif persona == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_visit_edit_post_permission_matrix(world, login, visit, persona):
    response = login(world.persona(persona)).post(
        reverse("cases:visit-edit", args=[world.child.pk, visit.pk]),
        visit_data(observations="Edited observations.", version=visit.version),
    )
    assert response.status_code == expected_status(persona, WRITE, 302)
    visit.refresh_from_db()
    assert (visit.observations == "Edited observations.") is (persona in WRITE)


def test_visit_list_refuses_post(world, login):
    response = login(world.social_worker).post(reverse("cases:visits", args=[world.child.pk]))
    assert response.status_code == 405


def test_visit_of_another_child_cannot_be_edited_through_this_child(world, login, visit):
    other_child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    response = login(world.social_worker).post(
        reverse("cases:visit-edit", args=[other_child.pk, visit.pk]),
        visit_data(observations="Hijacked.", version=visit.version),
    )
    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.observations != "Hijacked."


# --- Recording and showing visits ------------------------------------------------------------


def test_recorded_visit_is_recorded_by_the_user_with_every_detail(world, login):
    client = login(world.same_team_worker)
    client.post(
        reverse("cases:visit-add", args=[world.child.pk]),
        visit_data(unannounced="on", visit_type="cin"),
    )
    visit = Visit.objects.get(child=world.child)
    assert visit.recorded_by == world.same_team_worker
    assert visit.visit_type == "cin"
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen, visit.unannounced) == (
        True,
        True,
        True,
        True,
    )
    assert visit.childs_words == "I want my dog to live with us again."


def test_editing_a_visit_keeps_who_recorded_it(world, login, visit):
    login(world.team_manager).post(
        reverse("cases:visit-edit", args=[world.child.pk, visit.pk]),
        visit_data(observations="Manager's addition.", version=visit.version),
    )
    visit.refresh_from_db()
    assert visit.recorded_by == world.social_worker
    assert visit.version == 2


def test_visit_list_shows_the_childs_words_in_quotation(world, login, visit):
    VisitFactory(
        child=world.child,
        visit_date=timezone.localdate() - datetime.timedelta(days=20),
        child_seen=False,
        seen_alone=False,
        childs_words="",
        reason_not_seen="Nobody answered the door.",
    )
    content = (
        login(world.senior_manager)
        .get(reverse("cases:visits", args=[world.child.pk]))
        .content.decode()
    )
    assert "<blockquote" in content
    assert "“I like my new bedroom.”" in content
    assert "in their own words" in content
    assert "Child not seen" in content
    assert "Nobody answered the door." in content
    # Readers do not get edit links.
    assert reverse("cases:visit-edit", args=[world.child.pk, visit.pk]) not in content


def test_visit_list_shows_last_seen_and_last_seen_alone(world, login):
    today = timezone.localdate()
    VisitFactory(child=world.child, visit_date=today - datetime.timedelta(days=30))
    VisitFactory(
        child=world.child,
        visit_date=today - datetime.timedelta(days=5),
        seen_alone=False,
        reason_not_seen="Mother would not leave the room.",
    )
    response = login(world.social_worker).get(reverse("cases:visits", args=[world.child.pk]))
    assert response.context["last_seen"].visit_date == today - datetime.timedelta(days=5)
    assert response.context["last_seen_alone"].visit_date == today - datetime.timedelta(days=30)
    content = response.content.decode()
    assert "Not seen alone" in content
    assert "Mother would not leave the room." in content


def test_childs_words_are_escaped_on_the_list(world, login):
    VisitFactory(child=world.child, childs_words="<script>alert(1)</script>")
    content = (
        login(world.social_worker)
        .get(reverse("cases:visits", args=[world.child.pk]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_visit_list_shows_only_this_childs_visits(world, login):
    VisitFactory(child=ChildFactory(), childs_words="Words of a different child")
    content = (
        login(world.social_worker)
        .get(reverse("cases:visits", args=[world.child.pk]))
        .content.decode()
    )
    assert "Words of a different child" not in content


# --- Validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"child_seen": "", "seen_alone": "on", "childs_words": "", "reason_not_seen": "Out"},
            "The child cannot be seen alone without being seen.",
        ),
        (
            {"visit_date": (datetime.date.today() + datetime.timedelta(days=400)).isoformat()},
            "A visit cannot be recorded in the future.",
        ),
        (
            {"child_seen": "", "seen_alone": "", "childs_words": "", "reason_not_seen": ""},
            "Say why the child was not seen.",
        ),
        (
            {"child_seen": "", "seen_alone": "", "reason_not_seen": "At school."},
            "The child&#x27;s words are recorded when the child was seen",
        ),
    ],
    ids=["seen-alone-without-seen", "future-date", "no-reason-not-seen", "words-when-not-seen"],
)
def test_invalid_visit_is_refused_with_a_message(world, login, overrides, message):
    response = login(world.social_worker).post(
        reverse("cases:visit-add", args=[world.child.pk]), visit_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.filter(child=world.child).exists()


def test_stale_visit_edit_is_refused_and_nothing_saved(world, login, visit):
    opened_version = visit.version
    # Someone else saves the visit after our user opened the edit page.
    visit.observations = "Saved by a colleague."
    record_save(instance=visit, user=world.same_team_worker, expected_version=opened_version)
    response = login(world.social_worker).post(
        reverse("cases:visit-edit", args=[world.child.pk, visit.pk]),
        visit_data(observations="My late change.", version=opened_version),
    )
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    visit.refresh_from_db()
    assert visit.observations == "Saved by a colleague."
    assert visit.version == opened_version + 1


# --- Query count ------------------------------------------------------------------------------


def test_visit_list_query_count_does_not_grow_with_visits(
    world, login, django_assert_max_num_queries
):
    client = login(world.social_worker)
    url = reverse("cases:visits", args=[world.child.pk])
    VisitFactory(child=world.child, recorded_by=world.social_worker)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(29):
        VisitFactory(
            child=world.child,
            recorded_by=world.same_team_worker if i % 2 else world.social_worker,
            child_seen=bool(i % 3),
            seen_alone=False,
            reason_not_seen="" if i % 3 else "Not at home.",
        )
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["visits"]) == 30
