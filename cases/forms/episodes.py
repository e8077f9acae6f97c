"""Forms for referrals (CIN episodes), assessments, child in need plans and allocation."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Role, User
from wirral_cp.forms import DateInput, DateTimeInput, VersionedForm, VersionedModelForm

from ..codes.assessment_factor import AssessmentFactor
from ..models import Assessment, Child, CINPlan, Referral, ThresholdDecision
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


class ReferralDecisionForm(VersionedForm):
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


class EpisodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Referral) -> str:
        decision = f" ({obj.get_decision_display()})" if obj.decision else ""
        return f"Referral received {date_format(obj.referral_date, 'j M Y')}{decision}"


CIN_PLAN_HELP = (
    "A child in need plan cannot start in the future, before the referral was received, or while "
    "the child is on a child protection plan or another child in need plan."
)


class CINPlanStartForm(RecordForm):
    """Start a child in need plan in one of the child's open episodes."""

    referral = EpisodeChoiceField(
        label="Episode", queryset=Referral.objects.none(), empty_label=None
    )

    class Meta:
        model = CINPlan
        fields = ["referral", "start_date"]
        widgets = {"start_date": DateInput()}
        help_texts = {"start_date": CIN_PLAN_HELP}

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = (  # type: ignore[attr-defined]  # a ModelChoiceField
            Referral.objects.filter(child=child).open().order_by("-received_at", "-pk")
        )
        if not self.initial.get("start_date"):
            self.initial["start_date"] = timezone.localdate()


class CINPlanForm(RecordForm):
    """Correct the start date of a child in need plan."""

    class Meta:
        model = CINPlan
        fields = ["start_date"]
        widgets = {"start_date": DateInput()}
        help_texts = {"start_date": CIN_PLAN_HELP}


class CINPlanEndForm(RecordForm):
    """End a child in need plan, or change the date it ended."""

    class Meta:
        model = CINPlan
        fields = ["end_date"]
        widgets = {"end_date": DateInput()}
        help_texts = {
            "end_date": "The plan must end by the time its episode closes, and cannot end in "
            "the future."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True
        if not self.initial.get("end_date"):
            self.initial["end_date"] = timezone.localdate()


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.team})" if obj.team_id else str(obj)


class AllocationForm(BaseAllocationForm):
    worker = WorkerChoiceField(
        queryset=User.objects.filter(groups__name=Role.SOCIAL_WORKER, is_active=True)
        .select_related("team")
        .distinct(),
        required=False,
        help_text="Leave empty to allocate to the team only. The worker must be in the team.",
    )
