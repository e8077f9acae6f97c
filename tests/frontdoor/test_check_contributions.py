"""A multi-agency check as the target of a contribution request: asked from the contact's page,
answered through the portal or the partner API, landing on the contact and answering the check."""

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import ContributionRequest, Document
from frontdoor.models import AgencyCheck
from tests.documents.test_contributions import ask, gp, sent_link, verified  # noqa: F401
from tests.frontdoor.helpers import check_for, contact_for
from tests.partners.factories import OrganisationFactory
from tests.partners.test_api import api


@pytest.fixture
def check(world):
    contact = contact_for(world.child, world.social_worker)
    # Amber: due some days after it is sent, so that a request may be due before it.
    return check_for(contact, world.social_worker, urgency="amber", sent_at=timezone.now())


def due(check):
    return timezone.localtime(check.due_at).date()


def ask_check(world, check, person):
    return ask(world, check, person, due=due(check), profession="gp")


def contact_page(world, check):
    return reverse("frontdoor:contact-detail", args=[world.child.pk, check.contact_id])


def test_the_contact_page_shows_the_panel_and_the_link_to_ask(world, check, gp, login):  # noqa: F811
    client = login(world.social_worker)
    page = client.get(contact_page(world, check)).content.decode()
    url = reverse(
        "documents:contribution-request-new", args=[world.child.pk, "agency-check", check.pk]
    )
    assert url in page
    form = client.get(url)
    assert form.status_code == 200
    ask_check(world, check, gp)
    page = client.get(contact_page(world, check)).content.decode()
    assert "Dr Ada Test" in page and "partner agencies: Police check" in page
    assert "Per agency: asked, received and late" in page


def test_a_check_request_asks_what_the_agency_knows(world, check, gp):  # noqa: F811
    request = ask_check(world, check, gp)
    assert request.kind == "check" and request.target == check
    assert "multi-agency check" in request.get_kind_display()


@pytest.mark.parametrize("persona", ["other_team_worker", "iro", "senior_manager", "administrator"])
def test_outside_the_childs_team_the_request_form_is_a_404(world, check, login, persona):
    client = login(getattr(world, persona))
    url = reverse(
        "documents:contribution-request-new", args=[world.child.pk, "agency-check", check.pk]
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert not ContributionRequest.objects.exists()


def test_a_check_of_another_child_is_a_404(world, check, login):
    from tests.cases.factories import ChildFactory

    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    client = login(world.social_worker)
    url = reverse("documents:contribution-request-new", args=[other.pk, "agency-check", check.pk])
    assert client.get(url).status_code == 404


def test_the_portal_answer_lands_on_the_contact_and_answers_the_check(
    world,
    check,
    gp,  # noqa: F811
    client,
    login,
    django_capture_on_commit_callbacks,
):
    request, path = sent_link(django_capture_on_commit_callbacks, world, check, gp, due=due(check))
    verified(client, path, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:contribute-answer"), {"text": "Known to the surgery: two visits."}
        )
    assert response.status_code == 200
    document = Document.objects.get(child=world.child)
    # A document of the contact, and of nothing else.
    assert document.event == check.contact
    assert list(request.documents.all()) == [document]
    check = AgencyCheck.objects.get(pk=check.pk)
    assert check.responded_at is not None and not check.nothing_known
    assert "Dr Ada Test" in check.response and document.title in check.response
    assert check.version == 2
    page = login(world.social_worker).get(contact_page(world, check)).content.decode()
    assert "Answered through a contribution request" in page


def test_a_response_already_recorded_is_left_as_it_is(world, check, gp):  # noqa: F811
    from documents.services import contribution_submit
    from frontdoor.services import check_respond

    request = ask_check(world, check, gp)
    check_respond(
        check=check,
        user=world.social_worker,
        responded_at=timezone.now(),
        response="Phoned: known for missed appointments.",
        nothing_known=False,
        expected_version=check.version,
    )
    contribution_submit(request=request, text="The written details.", stream=None, via="api")
    check.refresh_from_db()
    assert check.response == "Phoned: known for missed appointments."
    assert Document.objects.get(child=world.child).event == check.contact


def test_the_api_lists_and_answers_a_check_request(world, check):
    from partners.models import PartnerPerson, Scope

    surgery = OrganisationFactory(name="Synthetic Surgery", agency="health")
    person = PartnerPerson.objects.create(
        organisation=surgery, name="Dr Ada Test", email="ada@example.invalid"
    )
    request = ask_check(world, check, person)
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery)
    body = http.get("/api/v1/contribution-requests/").json()
    assert [r["id"] for r in body] == [request.pk]
    assert body[0]["kind"] == "check" and body[0]["meeting"]["type"] == "agency-check"
    response = http.post(
        f"/api/v1/contribution-requests/{request.pk}/contribution/",
        {"text": "Nothing further known."},
        format="json",
    )
    assert response.status_code in (200, 201)
    assert Document.objects.get(child=world.child).event == check.contact
    assert AgencyCheck.objects.get(pk=check.pk).responded_at is not None
    assert http.get("/api/v1/contribution-requests/").json() == []
