"""Forms of the front door: a contact, its decision, the referrer told, and agency checks."""

from django import forms
from django.utils import timezone

from accounts.models import Team
from cases.codes.primary_need import PrimaryNeed
from wirral_cp.forms import DateTimeInput, VersionedForm, VersionedModelForm

from .models import OPENS_REFERRAL, AgencyCheck, Contact, ContactDecision, Method


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = [
            "received_at",
            "source",
            "referrer_name",
            "referrer_agency",
            "referrer_phone",
            "referrer_email",
            "referrer_address",
            "reported",
            "consent",
        ]
        widgets = {
            "received_at": DateTimeInput(),
            "reported": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "received_at": "When the front door received it (UK time). The decision and the "
            "referrer's acknowledgement are due by the end of the next working day.",
            "reported": "What the referrer told us, in their words where you can.",
        }


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Decision", choices=ContactDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you weighed up, including what the agency checks found.",
    )
    primary_need = forms.ChoiceField(
        label="Primary need (for a referral or a strategy discussion)",
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        required=False,
        help_text="The census primary need code of the referral this opens.",
    )
    family_help_team = forms.ModelChoiceField(
        label="Receiving Family Help team (for Family Help)",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Choose the team",
        help_text="The team asked to take the child on. The request waits for its manager to "
        "accept it, with a date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team_field = self.fields["family_help_team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = Team.objects.family_help().order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ContactDecision.FAMILY_HELP and not cleaned.get(
            "family_help_team"
        ):
            self.add_error(
                "family_help_team", "Choose the Family Help team asked to take the child on."
            )
        if cleaned.get("decision") in OPENS_REFERRAL and not cleaned.get("primary_need"):
            self.add_error(
                "primary_need",
                "Give the primary need: a referral needs one (N0 Not stated if it is not yet "
                "clear).",
            )
        return cleaned


class ToldForm(VersionedForm):
    """The referrer told (of the acknowledgement, or of the outcome): when, how, to whom."""

    at = forms.DateTimeField(label="When", widget=DateTimeInput())
    method = forms.ChoiceField(label="How", choices=Method.choices, widget=forms.RadioSelect)
    to = forms.CharField(label="To whom", max_length=200)
    letter = forms.BooleanField(
        label="Make the letter from its template and keep it on the child's record",
        required=False,
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now():
            raise forms.ValidationError("This cannot be in the future.")
        return at


class CheckForm(forms.ModelForm):
    class Meta:
        model = AgencyCheck
        fields = ["agency", "requested_from", "urgency", "sent_at"]
        widgets = {"sent_at": DateTimeInput(), "urgency": forms.RadioSelect}


class ResponseForm(VersionedModelForm):
    class Meta:
        model = AgencyCheck
        fields = ["responded_at", "nothing_known", "response"]
        widgets = {
            "responded_at": DateTimeInput(),
            "response": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responded_at"].required = True
