"""Forms for the child protection plan: outcomes, actions and core groups.

Validation lives in the models' clean(); ModelForm runs it, so the messages a social worker
understands ("Every action needs an owner ...") appear on the form.
"""

import hashlib

from django import forms

from wirral_cp.dates import day
from wirral_cp.forms import DateInput, VersionedModelForm

from ..models import ActionProgress, ChildProtectionPlan, CoreGroupMeeting, PlanAction, PlanOutcome


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PlanOutcomeForm(forms.ModelForm):
    """An outcome has no version column, so the form carries a digest of the text it started
    from: if someone else changed the outcome meanwhile, the view refuses the stale edit."""

    original = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanOutcome
        fields = ["what_needs_to_change", "order"]
        widgets = {"what_needs_to_change": forms.Textarea(attrs={"rows": 4})}
        labels = {"order": "Position in the plan"}
        help_texts = {
            "what_needs_to_change": "In words the family will understand: what must be "
            "different for the child to be safe.",
            "order": "Outcomes are listed from the lowest number.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["original"].initial = text_digest(self.instance.what_needs_to_change)


class PlanActionForm(VersionedModelForm):
    class Meta:
        model = PlanAction
        fields = [
            "action",
            "owner",
            "timescale",
            "evidence_of_done",
            "progress",
            "progress_evidence",
        ]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3}),
            "timescale": DateInput(),
            "evidence_of_done": forms.Textarea(attrs={"rows": 2}),
            "progress_evidence": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"action": "What will be done", "progress_evidence": "Evidence of progress"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not required on the form, so an empty owner or timescale reaches the model's clean()
        # and the worker reads its message rather than a bare "This field is required".
        self.fields["owner"].required = False
        self.fields["timescale"].required = False


class CoreGroupForm(forms.ModelForm):
    class Meta:
        model = CoreGroupMeeting
        fields = [
            "meeting_date",
            "attendees",
            "parents_attended",
            "child_seen_or_views",
            "discussion",
            "next_meeting_date",
        ]
        widgets = {
            "meeting_date": DateInput(),
            "next_meeting_date": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "child_seen_or_views": forms.Textarea(attrs={"rows": 3}),
            "discussion": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"parents_attended": "Parents or carers attended"}
        help_texts = {
            "child_seen_or_views": "In the child's own words where you can.",
            "next_meeting_date": "Left empty, it is set to the latest date the next core group "
            "is due.",
        }

    also_for: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="This core group was also for the plans of",
        queryset=ChildProtectionPlan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Brothers and sisters whose plans were made at the same conference. Each plan "
        "gets its own record of this meeting and keeps its own timescale.",
    )

    def __init__(self, *args, sibling_plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sibling_plans is None or not sibling_plans.exists():
            del self.fields["also_for"]
        else:
            field = self.fields["also_for"]
            field.queryset = sibling_plans
            field.label_from_instance = lambda p: (
                f"{p.child.full_name} (plan from {day(p.start_date)})"
            )


class ActionProgressForm(forms.Form):
    """One row per open action: the progress the core group found, and what shows it."""

    progress = forms.ChoiceField(choices=ActionProgress.choices)
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: PlanAction, **kwargs):
        self.action = action
        kwargs.setdefault("prefix", f"action-{action.pk}")
        kwargs.setdefault("initial", {"progress": action.progress, "version": action.version})
        super().__init__(*args, **kwargs)
        self.fields["progress"].label = "Progress"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("progress") == ActionProgress.DONE and not (
            cleaned.get("evidence", "").strip() or self.action.progress_evidence.strip()
        ):
            self.add_error("evidence", "Say what shows the action has been done.")
        return cleaned
