"""Forms for referrals (CIN episodes), assessments and allocation."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from accounts.models import User
from wirral_cp.forms import DateInput, DateTimeInput, VersionedModelForm

from ..codes.assessment_factor import AssessmentFactor
from ..models import Assessment, Referral, ThresholdDecision
from .child import AllocationForm as BaseAllocationForm


class RecordForm(VersionedModelForm):
    """A record form whose model-level errors on fields it does not show (for example the
    decision time when the received time is edited) appear at the top of the form."""

    def add_error(self, field, error):
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            mapped: dict[str, list] = {}
            for name, errors in error.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                mapped.setdefault(key, []).extend(errors)
            error = ValidationError(mapped)
        super().add_error(field, error)


class ReferralForm(RecordForm):
    class Meta:
        model = Referral
        fields = ["received_at", "source", "referrer_name", "reason", "primary_need"]
        widgets = {
            "received_at": DateTimeInput(),
            "reason": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "received_at": "When children's social care received it (UK time). The threshold "
            "decision is due 1 working day later.",
        }


class ReferralDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label="Threshold decision",
        choices=ThresholdDecision.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you weighed up, so that anyone reading the record later understands it.",
    )


class ReferralCloseForm(RecordForm):
    class Meta:
        model = Referral
        fields = ["closure_date", "closure_reason", "primary_need", "stepped_down_to_early_help"]
        widgets = {"closure_date": DateInput()}
        labels = {"stepped_down_to_early_help": "Stepped down to early help"}
        help_texts = {
            "closure_reason": 'RC9 ("referred to early help") records a step-down to early help.',
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("closure_date", "closure_reason", "primary_need"):
            self.fields[name].required = True
        if not self.initial.get("closure_date"):
            self.initial["closure_date"] = timezone.localdate()


class AssessmentForm(RecordForm):
    factors = forms.MultipleChoiceField(
        label="Factors identified",
        choices=AssessmentFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text='Tick every factor identified, or "21 No factors identified" on its own. '
        "Required before the assessment is authorised.",
    )

    class Meta:
        model = Assessment
        fields = ["start_date", "factors", "family_history", "childs_views", "analysis", "outcome"]
        widgets = {
            "start_date": DateInput(),
            "family_history": forms.Textarea(attrs={"rows": 5}),
            "childs_views": forms.Textarea(attrs={"rows": 5}),
            "analysis": forms.Textarea(attrs={"rows": 6}),
        }


class AssessmentAuthoriseForm(RecordForm):
    class Meta:
        model = Assessment
        fields = ["authorised_date"]
        widgets = {"authorised_date": DateInput()}
        labels = {"authorised_date": "Date authorised"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorised_date"].required = True
        if not self.initial.get("authorised_date"):
            self.initial["authorised_date"] = timezone.localdate()


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.team})" if obj.team_id else str(obj)


class AllocationForm(BaseAllocationForm):
    worker = WorkerChoiceField(
        queryset=User.objects.filter(groups__name="Social worker", is_active=True)
        .select_related("team")
        .distinct(),
        required=False,
        help_text="Leave empty to allocate to the team only. The worker must be in the team.",
    )
