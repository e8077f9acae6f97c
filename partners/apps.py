from django.apps import AppConfig


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "Partner agencies"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from conferences.events import register_event_listener
        from documents.contributions import register_contribution_listener

        from . import models
        from .api import schema  # noqa: F401 (the API key in the OpenAPI schema)
        from .webhooks import queue_event

        # A plan started or ended, a conference booked or moved: subscribed partners are told.
        register_event_listener(queue_event)
        # A contribution asked of an organisation's people: its subscribed systems are told.
        register_contribution_listener(queue_event)
        for model in (
            models.PartnerOrganisation,
            models.PartnerPerson,
            models.PartnerClient,
            models.WebhookSubscription,
        ):
            auditlog.register(model)
