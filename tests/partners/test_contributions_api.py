"""The partner API's contribution endpoints: a client's organisation's open requests, and a
contribution sent against one of them."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents.models import ContributionRequest, Document
from documents.services import contribution_request
from partners.models import PartnerPerson, Scope
from tests.cases.factories import ChildFactory
from tests.documents.samples import exe, pdf
from tests.documents.test_contributions import conference_of
from tests.partners.factories import OrganisationFactory
from tests.partners.test_api import api

LIST = "/api/v1/contribution-requests/"


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["instance"] == response.wsgi_request.path


def submit_url(pk):
    return f"/api/v1/contribution-requests/{pk}/contribution/"


@pytest.fixture
def surgery(db):
    return OrganisationFactory(name="Synthetic Surgery", agency="health")


def _conference(child):
    from conferences.models import Conference

    return Conference.objects.filter(child=child).first() or conference_of(child)


def asked(world, organisation, *, child=None):
    child = child or world.child
    person = PartnerPerson.objects.create(
        organisation=organisation, name="Dr Ada Test", email="ada@example.invalid"
    )
    return contribution_request(
        child=child,
        target=_conference(child),
        person=person,
        profession="gp",
        asked="Your report on attendance at appointments.",
        due_date=timezone.localdate() + datetime.timedelta(days=4),
        user=world.social_worker,
        link_base="http://testserver/",
    )


def test_lists_only_this_organisations_open_requests(world, surgery):
    mine = asked(world, surgery)
    asked(world, OrganisationFactory(name="Another Surgery"))
    answered = asked(world, surgery)
    ContributionRequest.objects.filter(pk=answered.pk).update(received_at=timezone.now())
    http, client = api([Scope.CONTRIBUTIONS], organisation=surgery)
    response = http.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body] == [mine.pk]
    row = body[0]
    assert set(row) == {
        "id",
        "kind",
        "asked",
        "due_date",
        "requested_at",
        "asked_of",
        "meeting",
        "child",
    }
    assert row["child"] == {
        "name": world.child.full_name,
        "date_of_birth": world.child.date_of_birth.isoformat(),
    }
    assert row["meeting"]["type"] == "conference" and row["kind"] == "report"
    assert LogEntry.objects.filter(additional_data__partner_client_id=client.pk).exists()


def test_a_restricted_childs_request_needs_the_scope(world, surgery):
    child = ChildFactory(is_restricted=True, allocated_team=world.team)
    request = asked(world, surgery, child=child)
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery)
    assert http.get(LIST).json() == []
    assert_problem(http.post(submit_url(request.pk), {"text": "x"}, format="json"), 404)
    http, _ = api([Scope.CONTRIBUTIONS, Scope.RESTRICTED_RECORDS], organisation=surgery)
    assert [r["id"] for r in http.get(LIST).json()] == [request.pk]


def test_without_the_scope_403_without_a_key_401(world, surgery):
    http, _ = api([Scope.PLAN_STATUS], organisation=surgery)
    assert_problem(http.get(LIST), 403)
    from rest_framework.test import APIClient

    assert_problem(APIClient().get(LIST), 401)
    assert_problem(APIClient().post(submit_url(1), {}), 401)


def test_submit_text_lands_on_the_meeting(world, surgery):
    request = asked(world, surgery)
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery)
    response = http.post(submit_url(request.pk), {"text": "Seen twice."}, format="json")
    assert response.status_code == 201, response.content
    request.refresh_from_db()
    assert request.received_via == "api" and request.in_time is True
    assert response.json()["documents"] == [d.pk for d in request.documents.all()]
    document = Document.objects.get()
    assert document.event == request.target and document.agency == "health"
    # Answered: a second time is a 404.
    assert_problem(http.post(submit_url(request.pk), {"text": "Again"}, format="json"), 404)


def test_submit_a_file_through_the_document_rules(world, surgery):
    request = asked(world, surgery)
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery)
    bad = SimpleUploadedFile("report.pdf", exe(), content_type="application/pdf")
    response = http.post(submit_url(request.pk), {"file": bad}, format="multipart")
    assert_problem(response, 400)
    assert not Document.objects.exists()
    good = SimpleUploadedFile("report.pdf", pdf(), content_type="application/pdf")
    response = http.post(submit_url(request.pk), {"file": good}, format="multipart")
    assert response.status_code == 201
    assert Document.objects.get().versions.get().content_type == "application/pdf"


def test_another_organisations_request_is_a_404(world, surgery):
    theirs = asked(world, OrganisationFactory(name="Another Surgery"))
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery)
    assert_problem(http.post(submit_url(theirs.pk), {"text": "x"}, format="json"), 404)
    assert_problem(http.post(submit_url(999999), {"text": "x"}, format="json"), 404)
    theirs.refresh_from_db()
    assert theirs.received_at is None


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   "}, {"text": "x" * 60_000}, {"text": "a\x00b"}, {"file": "x"}],
)
def test_bad_input_is_a_400_problem(world, surgery, body):
    request = asked(world, surgery)
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery)
    assert_problem(http.post(submit_url(request.pk), body, format="json"), 400)


def test_throttled_per_client(world, surgery):
    http, _ = api([Scope.CONTRIBUTIONS], organisation=surgery, rate_limit="2/minute")
    assert http.get(LIST).status_code == 200
    assert http.get(LIST).status_code == 200
    response = http.get(LIST)
    assert_problem(response, 429)
    assert "Retry-After" in response
