from django import forms
from django.utils import timezone

from accounts.models import Team
from cases.codes.primary_need import PrimaryNeed
from wirral_cp.forms import DateInput, VersionedForm, VersionedModelForm

from .models import EarlyHelpAssessment, FamilyHelpPlan
from .services import STEP_DOWN_CLOSURE_REASONS


class EarlyHelpAssessmentForm(VersionedModelForm):
    class Meta:
        model = EarlyHelpAssessment
        fields = [
            "start_date",
            "completion_date",
            "lead_practitioner",
            "lead_agency",
            "organisation",
            "summary",
        ]
        widgets = {
            "start_date": DateInput(),
            "completion_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }


class FamilyHelpPlanForm(VersionedModelForm):
    class Meta:
        model = FamilyHelpPlan
        fields = [
            "assessment",
            "start_date",
            "end_date",
            "lead_practitioner",
            "lead_agency",
            "outcomes",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = EarlyHelpAssessment.objects.filter(
            child_id=self.instance.child_id
        )


class ReviewForm(forms.Form):
    review_date = forms.DateField(widget=DateInput(), initial=timezone.localdate)
    notes = forms.CharField(
        label="What the review found and agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


def _teams(exclude: int | None = None, *, family_help: bool):
    """The receiving teams: Family Help teams for a step-down, the others for a step-up."""
    teams = Team.objects.family_help() if family_help else Team.objects.social_care()
    teams = teams.order_by("name")
    return teams.exclude(pk=exclude) if exclude else teams


class StepDownForm(VersionedForm):
    """Close the episode and step the child down to a Family Help team (the version is the
    episode's)."""

    closure_date = forms.DateField(widget=DateInput(), label="Date the episode closes")
    closure_reason = forms.ChoiceField(
        choices=STEP_DOWN_CLOSURE_REASONS,
        label="Reason for closure",
        help_text="RC9 after an assessment; RC7 when the child's needs are now met by Family "
        "Help after a plan.",
    )
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Receiving Family Help team"
    )
    reason = forms.CharField(
        label="Why Family Help now",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has changed, and what Family Help will do.",
    )

    def __init__(self, *args, exclude_team: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        team_field = self.fields["to_team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = _teams(exclude_team, family_help=True)
        if not self.initial.get("closure_date"):
            self.initial["closure_date"] = timezone.localdate()


class StepUpForm(forms.Form):
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Receiving children's social care team"
    )
    reason = forms.CharField(
        label="Reason for the referral and presenting concerns",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has happened, and why Family Help is no longer enough.",
    )

    def __init__(self, *args, exclude_team: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        team_field = self.fields["to_team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = _teams(exclude_team, family_help=False)


class AcceptForm(VersionedForm):
    accepted_on = forms.DateField(
        widget=DateInput(), label="Date accepted", initial=timezone.localdate
    )


class StepUpAcceptForm(AcceptForm):
    primary_need = forms.ChoiceField(
        choices=PrimaryNeed.choices,
        label="Primary need",
        help_text='The main reason the child may need services (census code; "N0 Not stated" '
        "if it is not yet clear).",
    )
