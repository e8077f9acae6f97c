"""Administration of partner agencies: organisations, people, clients and keys, subscriptions;
key rotation; revoking a client stops it at once; replaying a delivery."""

import pytest
import responses
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import roles_ensure
from partners.models import (
    DeliveryStatus,
    PartnerAPIKey,
    PartnerClient,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
)
from tests.partners.factories import ClientFactory, OrganisationFactory, SubscriptionFactory

URL = "/api/v1/plan-status/"


@pytest.fixture
def admin_client(world, login):
    roles_ensure()
    return login(world.administrator)


def _key_from(response) -> str:
    text = next(str(m) for m in response.context["messages"] if "New key" in str(m))
    return text.split(": ", 1)[1].split(" .", 1)[0]


def _ask(key: str):
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return http.post(URL, {"nhs_number": "9434765919", "reason": "ED"}, format="json")


def test_an_administrator_reaches_every_partner_page(admin_client):
    client = ClientFactory()
    SubscriptionFactory(client=client)
    for name in (
        "partnerorganisation",
        "partnerperson",
        "partnerclient",
        "webhooksubscription",
        "webhookdelivery",
    ):
        assert admin_client.get(reverse(f"admin:partners_{name}_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:partners_partnerclient_change", args=[client.pk]))
    assert page.status_code == 200


def test_other_roles_do_not_reach_the_partner_admin(world, login):
    roles_ensure()
    response = login(world.senior_manager).get(reverse("admin:partners_partnerclient_changelist"))
    assert response.status_code == 302


def test_an_administrator_adds_an_organisation_a_person_and_a_client_with_scopes(admin_client):
    response = admin_client.post(
        reverse("admin:partners_partnerorganisation_add"),
        {
            "name": "Wirral Community Health",
            "agency": "health",
            "ods_code": "RY7",
            "contact_email": "it@example.invalid",
            "is_active": "on",
            "people-TOTAL_FORMS": "1",
            "people-INITIAL_FORMS": "0",
            "people-0-name": "Dr A Synthetic",
            "people-0-role": "GP",
            "people-0-email": "gp@example.invalid",
            "people-0-is_active": "on",
            "clients-TOTAL_FORMS": "0",
            "clients-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = OrganisationFactory._meta.model.objects.get(name="Wirral Community Health")
    assert organisation.people.get().role == "GP"
    response = admin_client.post(
        reverse("admin:partners_partnerclient_add"),
        {
            "organisation": organisation.pk,
            "name": "ED system",
            "scopes": [Scope.PLAN_STATUS],
            "rate_limit": "not a rate",
            "is_active": "on",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "60/minute" in response.content.decode()
    response = admin_client.post(
        reverse("admin:partners_partnerclient_add"),
        {
            "organisation": organisation.pk,
            "name": "ED system",
            "scopes": [Scope.PLAN_STATUS],
            "rate_limit": "30/minute",
            "is_active": "on",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert PartnerClient.objects.get(name="ED system").scopes == [Scope.PLAN_STATUS]


def test_key_rotation_issues_a_new_key_and_revokes_the_old(admin_client, world):
    client = ClientFactory()
    changelist = reverse("admin:partners_partnerclient_changelist")
    action = {"action": "rotate_key", "_selected_action": [client.pk]}
    first = _key_from(admin_client.post(changelist, action, follow=True))
    assert _ask(first).status_code == 200
    second = _key_from(admin_client.post(changelist, action, follow=True))
    assert first != second
    assert _ask(first).status_code == 401
    assert _ask(second).status_code == 200
    keys = PartnerAPIKey.objects.filter(client=client)
    assert keys.count() == 2 and keys.filter(revoked=False).count() == 1
    # The key is stored hashed: neither key's text is in the database row.
    assert all(first not in k.hashed_key and second not in k.hashed_key for k in keys)


def test_revoking_a_client_in_the_admin_stops_it_at_once(admin_client, world):
    client = ClientFactory()
    changelist = reverse("admin:partners_partnerclient_changelist")
    key = _key_from(
        admin_client.post(
            changelist, {"action": "rotate_key", "_selected_action": [client.pk]}, follow=True
        )
    )
    assert _ask(key).status_code == 200
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [client.pk]})
    assert _ask(key).status_code == 401
    client.refresh_from_db()
    assert not client.is_active and client.revoked_at is not None
    assert not client.keys.filter(revoked=False).exists()


def test_a_subscription_needs_https_and_gets_a_secret(admin_client):
    client = ClientFactory(scopes=[Scope.EVENTS])
    add = reverse("admin:partners_webhooksubscription_add")
    data = {"client": client.pk, "events": ["plan.started"], "is_active": "on"}
    response = admin_client.post(add, {**data, "url": "http://insecure.example.invalid/"})
    assert "must start with https://" in response.content.decode()
    response = admin_client.post(
        add, {**data, "url": "https://receiver.example.invalid/hooks"}, follow=True
    )
    subscription = WebhookSubscription.objects.get()
    assert len(subscription.secret) >= 32
    assert any(subscription.secret in str(m) for m in response.context["messages"])


def test_an_administrator_replays_a_failed_delivery(
    admin_client, django_capture_on_commit_callbacks
):
    subscription = SubscriptionFactory(url="https://receiver.example.invalid/hooks")
    failed = WebhookDelivery.objects.create(
        subscription=subscription,
        event="plan.started",
        payload={"id": "x", "type": "plan.started", "occurred_at": "", "data": {}},
        status=DeliveryStatus.FAILED,
        attempts=6,
        response_code=503,
    )
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, subscription.url, status=200)
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(
                reverse("admin:partners_webhookdelivery_changelist"),
                {"action": "send_again", "_selected_action": [failed.pk]},
            )
    again = WebhookDelivery.objects.get(replay_of=failed)
    assert again.status == DeliveryStatus.DELIVERED
    assert again.event_id == failed.event_id
