from django import forms
from django.utils import timezone

from cases.codes.agency import Agency
from cases.models import Child
from wirral_cp.forms import DateInput, DateTimeInput, VersionedModelForm

from .models import (
    S47Decision,
    SafetyAction,
    Section47,
    StrategyDiscussion,
    StrategyParticipant,
)

# Decided when the enquiry was started: a later discussion on it does not ask them again.
_ENQUIRY_FIELDS = ("s47_decision", "enquiry_type", "single_agency_reason")


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
        enquiry = self.instance.follows_enquiry
        if enquiry is not None:
            started_by = enquiry.strategy_discussion
            self.instance.s47_decision = S47Decision.CONTINUE
            self.instance.enquiry_type = started_by.enquiry_type
            self.instance.single_agency_reason = started_by.single_agency_reason
            for name in _ENQUIRY_FIELDS:
                del self.fields[name]
        if siblings is None:
            del self.fields["siblings"]
        else:
            self.fields["siblings"].queryset = siblings
            if not siblings.exists():
                del self.fields["siblings"]


class ParticipantForm(forms.ModelForm):
    """One row of the participants table: the agency first, each box labelled for a screen
    reader by its column and row (the table's headings say it to everyone else)."""

    class Meta:
        model = StrategyParticipant
        fields = ["agency", "health_service", "name", "role", "participation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-select-sm form-control-sm")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned  # a row ticked for removal is not checked
        if cleaned.get("agency") == Agency.HEALTH and not cleaned.get("health_service"):
            self.add_error("health_service", "Say which health service took part.")
        return cleaned

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def _post_clean(self):
        # The row's own model checks (a health service for health) only for a row kept.
        if self.cleaned_data.get("DELETE"):
            return
        super()._post_clean()


class SafetyActionForm(forms.ModelForm):
    class Meta:
        model = SafetyAction
        fields = ["action", "owner", "due_date", "completed_date"]
        widgets = {"due_date": DateInput(), "completed_date": DateInput()}


class _ParticipantFormSet(forms.BaseFormSet):
    error_row_label = "Participant"


ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=_ParticipantFormSet, extra=2, can_delete=True
)
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
