import factory

from partners.models import (
    PartnerAPIKey,
    PartnerClient,
    PartnerOrganisation,
    Scope,
    WebhookSubscription,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Wirral Hospital {n}")
    agency = "health"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerClient

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Emergency department system {n}")
    scopes = factory.LazyFunction(lambda: [Scope.PLAN_STATUS])


def issue(client: PartnerClient) -> str:
    """A new key for `client` (the admin's rotation), returned in clear."""
    from partners.admin import issue_key

    return issue_key(client)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookSubscription

    client = factory.SubFactory(ClientFactory, scopes=[Scope.EVENTS])
    url = "https://receiver.example.invalid/hooks"
    events = factory.LazyFunction(
        lambda: ["plan.started", "plan.ended", "conference.booked", "conference.moved"]
    )


__all__ = ["ClientFactory", "OrganisationFactory", "PartnerAPIKey", "SubscriptionFactory", "issue"]
