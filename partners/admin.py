"""Administration of partner agencies (Django admin, used by the administrator role)."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from rest_framework_api_key.admin import APIKey

from .models import (
    PartnerAPIKey,
    PartnerClient,
    PartnerOrganisation,
    PartnerPerson,
    Scope,
    WebhookDelivery,
    WebhookSubscription,
    new_webhook_secret,
)
from .webhooks import replay

# The library's own key model is not used (keys belong to a partner client).
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)

EVENT_CHOICES = [
    ("plan.started", "A child protection plan started"),
    ("plan.ended", "A child protection plan ended"),
    ("conference.booked", "A conference was booked"),
    ("conference.moved", "A conference was moved to another date or time"),
    ("contribution.requested", "A contribution was asked of one of the organisation's people"),
]


@transaction.atomic
def issue_key(client: PartnerClient) -> str:
    """A new key for the client; every key it had is revoked. The key is shown once."""
    client.keys.filter(revoked=False).update(revoked=True)
    _key, secret = PartnerAPIKey.objects.create_key(
        client=client, name=f"{client.name} {timezone.localdate():%Y-%m-%d}"
    )
    return secret


@transaction.atomic
def revoke_client(client: PartnerClient) -> None:
    """Revoked at once: its keys stop on the next call and its webhooks are not sent."""
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    client.keys.filter(revoked=False).update(revoked=True)


class PartnerPersonInline(admin.TabularInline):
    model = PartnerPerson
    extra = 0


class PartnerClientInline(admin.TabularInline):
    model = PartnerClient
    fields = ("name", "is_active", "revoked_at")
    readonly_fields = ("revoked_at",)
    extra = 0
    show_change_link = True


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "ods_code", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("name", "ods_code")
    inlines = [PartnerPersonInline, PartnerClientInline]


@admin.register(PartnerPerson)
class PartnerPersonAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "role", "email", "is_active")
    list_filter = ("organisation", "is_active")
    search_fields = ("name", "email")


class PartnerClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = PartnerClient
        fields = ("organisation", "name", "scopes", "rate_limit", "is_active")

    def clean_rate_limit(self) -> str:
        from rest_framework.throttling import SimpleRateThrottle

        rate = self.cleaned_data["rate_limit"].strip()
        if rate:
            try:
                SimpleRateThrottle.parse_rate(SimpleRateThrottle, rate)
            except (ValueError, KeyError, IndexError):
                raise forms.ValidationError(
                    'Write the rate as a number of calls, a slash and a period, as "60/minute".'
                ) from None
        return rate


class PartnerAPIKeyInline(admin.TabularInline):
    model = PartnerAPIKey
    fields = ("prefix", "name", "created", "expiry_date", "revoked")
    readonly_fields = ("prefix", "name", "created", "expiry_date", "revoked")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PartnerClient)
class PartnerClientAdmin(admin.ModelAdmin):
    form = PartnerClientForm
    list_display = ("name", "organisation", "scope_list", "is_active", "revoked_at")
    list_filter = ("is_active", "organisation")
    search_fields = ("name", "organisation__name")
    readonly_fields = ("revoked_at", "created_at")
    inlines = [PartnerAPIKeyInline]
    actions = ["rotate_key", "revoke"]

    @admin.display(description="scopes")
    def scope_list(self, obj: PartnerClient) -> str:
        return ", ".join(obj.scopes or []) or "none"

    def save_model(self, request, obj, form, change) -> None:
        was_active = (
            PartnerClient.objects.filter(pk=obj.pk).values_list("is_active", flat=True).first()
        )
        super().save_model(request, obj, form, change)
        if change and was_active and not obj.is_active:
            revoke_client(obj)

    @admin.action(description="Issue a new key (the old keys are revoked)", permissions=["change"])
    def rotate_key(self, request, queryset) -> None:
        for client in queryset:
            if not client.is_usable:
                self.message_user(
                    request, f"{client} is revoked: no key issued.", level=messages.ERROR
                )
                continue
            key = issue_key(client)
            self.message_user(
                request,
                f"New key for {client}: {key} . Copy it now and send it to the partner by a "
                "secure route: it is not shown again. Its earlier keys are revoked.",
                level=messages.WARNING,
            )

    @admin.action(description="Revoke the client (its keys stop at once)", permissions=["change"])
    def revoke(self, request, queryset) -> None:
        for client in queryset:
            revoke_client(client)
        self.message_user(request, f"Revoked {queryset.count()} client(s).")


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label="Receiver URL", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookSubscription
        fields = ("client", "url", "events", "is_active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.startswith("https://"):
            raise forms.ValidationError("The receiver's address must start with https://.")
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "client", "event_list", "is_active")
    list_filter = ("is_active",)
    actions = ["rotate_secret"]

    @admin.display(description="events")
    def event_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.events or [])

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                f"Signing secret for {obj.url}: {obj.secret} . Send it to the partner by a "
                "secure route: it is not shown again.",
                level=messages.WARNING,
            )

    @admin.action(description="Issue a new signing secret", permissions=["change"])
    def rotate_secret(self, request, queryset) -> None:
        for subscription in queryset:
            subscription.secret = new_webhook_secret()
            subscription.save(update_fields=["secret"])
            self.message_user(
                request,
                f"New signing secret for {subscription.url}: {subscription.secret} .",
                level=messages.WARNING,
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event",
        "subscription",
        "status",
        "attempts",
        "response_code",
        "last_attempt_at",
    )
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send again (replay)", permissions=["change"])
    def send_again(self, request, queryset) -> None:
        for delivery in queryset:
            replay(delivery)
        self.message_user(request, f"Sent {queryset.count()} event(s) again.")
