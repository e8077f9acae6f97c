"""Event notifications: signed, identifiers and dates only, retried with backoff, replayed."""

import datetime
import json

import pytest
import requests
import responses

from conferences import services
from conferences.models import ChildProtectionPlan
from partners import tasks
from partners.delivery import retry_countdown, sign, verify
from partners.models import DeliveryStatus, Scope, WebhookDelivery
from partners.webhooks import CHILD_KEYS, DATA_KEYS, replay
from tests.accounts.factories import UserFactory
from tests.conferences.diary_helpers import book, icpc_for
from tests.conferences.factories import hold
from tests.partners.factories import SubscriptionFactory
from tests.strategy.factories import london

RECEIVER = "https://receiver.example.invalid/hooks"
ENVELOPE_KEYS = {"id", "type", "occurred_at", "data"}


@pytest.fixture
def subscription(db):
    return SubscriptionFactory(url=RECEIVER)


@pytest.fixture
def received():
    """A receiver that checks every signature as a partner would, and keeps what it got."""
    got: list[dict] = []

    def receive(request):
        secret = received.secret
        ok = verify(
            secret,
            request.headers["X-CP-Timestamp"],
            request.body,
            request.headers["X-CP-Signature"],
        )
        got.append({"ok": ok, "body": json.loads(request.body), "headers": request.headers})
        return (204 if ok else 401, {}, "")

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, RECEIVER, callback=receive)
        received.got = got
        received.mock = mock
        yield received


def assert_no_case_content(body: dict, child) -> None:
    assert set(body) == ENVELOPE_KEYS
    assert set(body["data"]) <= DATA_KEYS
    assert set(body["data"]["child"]) == CHILD_KEYS
    text = json.dumps(body)
    for private in (child.first_name, child.last_name, "NEG", "category", "reason", "Risk"):
        assert private not in text


def test_plan_started_and_conference_booked_are_sent_signed_with_no_case_content(
    world, subscription, received, django_capture_on_commit_callbacks
):
    received.secret = subscription.secret
    child = world.child
    child.nhs_number = "9434765919"
    child.save()
    icpc = icpc_for(child, strategy_on=datetime.date(2026, 8, 18))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    with django_capture_on_commit_callbacks(execute=True):
        hold(icpc, chair=world.iro, held_on=datetime.date(2026, 9, 8))
    types = [g["body"]["type"] for g in received.got]
    assert types == ["conference.booked", "plan.started"]
    assert all(g["ok"] for g in received.got)
    for g in received.got:
        assert_no_case_content(g["body"], child)
        assert g["body"]["data"]["child"] == {
            "nhs_number": "9434765919",
            "la_child_id": child.la_child_id,
        }
        assert g["headers"]["X-CP-Signature"].startswith("sha256=")
    plan = ChildProtectionPlan.objects.get(child=child)
    assert received.got[1]["body"]["data"] == {
        "child": received.got[1]["body"]["data"]["child"],
        "plan_id": plan.pk,
        "start_date": "2026-09-08",
        "end_date": None,
    }
    log = WebhookDelivery.objects.order_by("pk")
    assert [d.status for d in log] == [DeliveryStatus.DELIVERED] * 2
    assert [d.response_code for d in log] == [204, 204]
    assert [d.attempts for d in log] == [1, 1]


def test_a_conference_moved_is_its_own_event(
    world, subscription, received, django_capture_on_commit_callbacks
):
    received.secret = subscription.secret
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 14))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 14))  # same time: no event
    assert [g["body"]["type"] for g in received.got] == ["conference.booked", "conference.moved"]
    assert received.got[1]["body"]["data"]["scheduled_for"].startswith("2026-09-08T14:00")


def test_plan_ended_outside_a_review(
    world, subscription, received, django_capture_on_commit_callbacks
):
    from conferences.services_transfers import plan_end_outside_review
    from tests.conferences.factories import PlanFactory

    received.secret = subscription.secret
    plan = PlanFactory(child=world.child, start_date=datetime.date(2026, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        plan_end_outside_review(
            plan=plan,
            user=world.social_worker,
            reason="left_country",
            end_date=datetime.date(2026, 7, 1),
            details="The family emigrated to Spain.",
        )
    (got,) = received.got
    assert got["body"]["type"] == "plan.ended"
    assert got["body"]["data"]["end_date"] == "2026-07-01"
    assert_no_case_content(got["body"], world.child)
    assert "Spain" not in json.dumps(got["body"])


def test_nothing_is_sent_when_the_change_is_rolled_back(world, subscription, received):
    # Without the commit (the test's transaction never commits), no delivery is attempted.
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    assert received.got == []


def test_unsubscribed_events_and_clients_without_the_scope_are_not_sent(
    world, received, django_capture_on_commit_callbacks
):
    SubscriptionFactory(url=RECEIVER, events=["plan.ended"])
    SubscriptionFactory(url=RECEIVER, client__scopes=[Scope.PLAN_STATUS])
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    assert received.got == []
    assert not WebhookDelivery.objects.exists()


def test_a_restricted_child_is_told_only_to_clients_with_the_scope(
    world, received, django_capture_on_commit_callbacks
):
    plain = SubscriptionFactory(url=RECEIVER)
    allowed = SubscriptionFactory(
        url=RECEIVER, client__scopes=[Scope.EVENTS, Scope.RESTRICTED_RECORDS]
    )
    received.secret = allowed.secret
    world.child.is_restricted = True
    world.child.save()
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    assert list(WebhookDelivery.objects.values_list("subscription", flat=True)) == [allowed.pk]
    assert plain.deliveries.count() == 0


def test_a_failing_receiver_is_retried_with_exponential_backoff_then_failed(
    world, subscription, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PARTNER_WEBHOOK_MAX_ATTEMPTS = 4
    settings.PARTNER_WEBHOOK_BACKOFF_SECONDS = 30
    countdowns: list[int] = []
    real_retry = tasks.deliver_webhook.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(tasks.deliver_webhook, "retry", spy)
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, RECEIVER, status=503)
        with django_capture_on_commit_callbacks(execute=True):
            book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
        assert len(mock.calls) == 4
    assert countdowns == [30, 60, 120]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 4
    assert delivery.response_code == 503
    assert "503" in delivery.last_error


def test_a_receiver_that_recovers_is_delivered_on_a_retry(
    world, subscription, django_capture_on_commit_callbacks
):
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, RECEIVER, body=requests.ConnectionError("refused"))
        mock.add(responses.POST, RECEIVER, status=200)
        with django_capture_on_commit_callbacks(execute=True):
            book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 2, 200)


def test_backoff_doubles(settings):
    settings.PARTNER_WEBHOOK_BACKOFF_SECONDS = 30
    assert [retry_countdown(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]


def test_replay_sends_the_same_event_again_and_logs_it(
    world, subscription, received, django_capture_on_commit_callbacks
):
    received.secret = subscription.secret
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with django_capture_on_commit_callbacks(execute=True):
        book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    first = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = replay(first)
    again.refresh_from_db()
    assert again.replay_of == first
    assert again.status == DeliveryStatus.DELIVERED
    assert [g["body"]["id"] for g in received.got] == [str(first.event_id)] * 2
    assert all(g["ok"] for g in received.got)


def test_a_revoked_client_is_sent_nothing_more(
    world, subscription, django_capture_on_commit_callbacks
):
    from partners.admin import revoke_client

    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, RECEIVER, status=500)
        with django_capture_on_commit_callbacks(execute=True):
            book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
            revoke_client(subscription.client)
        assert len(mock.calls) == 0
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac
    import time

    body = b'{"id":"x"}'
    now = int(time.time())
    expected = hmac.new(b"s3cret", f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    assert sign("s3cret", now, body) == f"sha256={expected}"
    assert verify("s3cret", str(now), body, f"sha256={expected}")
    assert not verify("other", str(now), body, f"sha256={expected}")
    assert not verify("s3cret", str(now), body + b" ", f"sha256={expected}")
    assert not verify("s3cret", str(now - 3600), body, sign("s3cret", now - 3600, body))


def test_the_service_still_works_with_no_subscription(world):
    icpc = icpc_for(world.child, strategy_on=datetime.date(2026, 8, 18))
    book(icpc, chair=world.iro, when=london(2026, 9, 8, 10))
    assert services is not None
    assert not WebhookDelivery.objects.exists()
    assert UserFactory is not None


def test_contribution_requested_goes_to_the_organisations_subscribers_only(
    world, received, django_capture_on_commit_callbacks
):
    from documents.services import contribution_request
    from partners.models import PartnerPerson
    from tests.documents.test_contributions import conference_of
    from tests.partners.factories import OrganisationFactory, SubscriptionFactory

    surgery = OrganisationFactory(name="Webhook Surgery")
    mine = SubscriptionFactory(
        url=RECEIVER, events=["contribution.requested"], client__organisation=surgery
    )
    SubscriptionFactory(url=RECEIVER, events=["contribution.requested"])  # another organisation
    received.secret = mine.secret
    child = world.child
    child.nhs_number = "9434765919"
    child.save()
    conference = conference_of(child)
    gp = PartnerPerson.objects.create(organisation=surgery, name="Dr W", email="w@example.invalid")
    due = datetime.date.today() + datetime.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        request = contribution_request(
            child=child,
            target=conference,
            person=gp,
            profession="gp",
            asked="Your report about the bruising",
            due_date=due,
            user=world.social_worker,
            link_base="http://testserver/",
        )
    assert WebhookDelivery.objects.filter(event="contribution.requested").count() == 1
    assert len(received.got) == 1 and received.got[0]["ok"]
    body = received.got[0]["body"]
    assert body["type"] == "contribution.requested"
    assert_no_case_content(body, child)
    assert body["data"]["contribution_request_id"] == request.pk
    assert body["data"]["due_date"] == due.isoformat()
    assert "bruising" not in json.dumps(body) and "Dr W" not in json.dumps(body)
