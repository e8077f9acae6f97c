from django import forms
from django.utils import timezone

from cases.codes.agency import Agency
from cases.models import Child
from wirral_cp.forms import DateInput, DateTimeInput, VersionedModelForm

from .models import SafetyAction, Section47, StrategyDiscussion, StrategyParticipant


class StrategyDiscussionForm(VersionedModelForm):
    siblings = forms.ModelMultipleChoiceField(
        queryset=Child.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Siblings discussed at the same time",
        help_text="Each sibling gets their own record with the same participants and decisions.",
    )

    class Meta:
        model = StrategyDiscussion
        fields = [
            "held_at",
            "discussion_type",
            "chair",
            "reason",
            "summary",
            "missing_agency_reason",
            "referrer_invited",
            "education_invited",
            "s47_decision",
            "enquiry_type",
            "single_agency_reason",
            "abe_decision",
            "abe_declined_reason",
            "criminal_investigation",
            "police_information_sharing",
        ]
        widgets = {
            "held_at": DateTimeInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "missing_agency_reason": forms.Textarea(attrs={"rows": 2}),
            "single_agency_reason": forms.Textarea(attrs={"rows": 2}),
            "abe_declined_reason": forms.Textarea(attrs={"rows": 2}),
            "police_information_sharing": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, chairs=None, siblings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if chairs is not None:
            self.fields["chair"].queryset = chairs
        if siblings is None:
            del self.fields["siblings"]
        else:
            self.fields["siblings"].queryset = siblings
            if not siblings.exists():
                del self.fields["siblings"]


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = StrategyParticipant
        fields = ["agency", "health_service", "name", "role", "participation"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agency") == Agency.HEALTH and not cleaned.get("health_service"):
            self.add_error("health_service", "Say which health service took part.")
        return cleaned


class SafetyActionForm(forms.ModelForm):
    class Meta:
        model = SafetyAction
        fields = ["action", "owner", "due_date", "completed_date"]
        widgets = {"due_date": DateInput(), "completed_date": DateInput()}


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3, can_delete=True)
SafetyActionFormSet = forms.formset_factory(SafetyActionForm, extra=2, can_delete=True)

DEFAULT_PARTICIPANTS = [
    {"agency": Agency.SOCIAL_CARE, "participation": "attended"},
    {"agency": Agency.POLICE, "participation": "attended"},
    {"agency": Agency.HEALTH, "participation": "attended"},
]


def formset_rows(formset) -> list[dict]:
    """The filled-in rows of a valid formset, without deleted ones."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class Section47Form(VersionedModelForm):
    class Meta:
        model = Section47
        fields = [
            "child_seen_date",
            "child_seen_alone",
            "interim_safety_plan",
            "outcome",
            "outcome_rationale",
            "completion_date",
        ]
        widgets = {
            "child_seen_date": DateInput(),
            "completion_date": DateInput(),
            "interim_safety_plan": forms.Textarea(attrs={"rows": 3}),
            "outcome_rationale": forms.Textarea(attrs={"rows": 3}),
        }


class PeriodForm(forms.Form):
    date_from = forms.DateField(label="From", widget=DateInput(), required=False)
    date_to = forms.DateField(label="To", widget=DateInput(), required=False)

    def period(self):
        today = timezone.localdate()
        start = self.cleaned_data.get("date_from") or today.replace(day=1)
        end = self.cleaned_data.get("date_to") or today
        return start, end

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError("The end of the period must be after its start.")
        return cleaned
