"""Forms for the child protection plan: outcomes, actions and core groups.

Validation lives in the models' clean(); ModelForm runs it, so the messages a social worker
understands ("Every action needs an owner ...") appear on the form.
"""

import hashlib

from django import forms

from wirral_cp.dates import day
from wirral_cp.forms import DateInput, VersionedModelForm

from ..models import (
    ActionProgress,
    ChildProtectionPlan,
    CoreGroupMeeting,
    CoreGroupMember,
    PlanAction,
    PlanOutcome,
)


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


class OwnerFieldsMixin:
    """The action's owner: a member of the plan's core group, chosen from the list, or (only
    for someone outside it) a name typed in. `owner` then holds the member's name in words."""

    fields: dict
    instance: PlanAction

    def _set_up_owner(self, members) -> None:
        member = self.fields["owner_member"]
        member.queryset = members
        member.required = False
        member.label = "Who will do it (from the core group)"
        member.empty_label = "Choose someone from the core group"
        member.label_from_instance = lambda m: m.label
        owner = self.fields["owner"]
        owner.required = False
        owner.label = "Or someone outside the core group"
        owner.help_text = "Their name and agency, only if they are not in the core group."
        if self.instance.owner_member_id:
            self.initial["owner"] = ""  # type: ignore[attr-defined]

    def _clean_owner(self, cleaned: dict) -> None:
        member, typed = cleaned.get("owner_member"), (cleaned.get("owner") or "").strip()
        if member and typed:
            self.add_error(  # type: ignore[attr-defined]
                "owner",
                "Choose someone from the core group or write the name of someone outside it, "
                "not both.",
            )
        elif member:
            cleaned["owner"] = member.label[:200]
        else:
            cleaned["owner"] = typed


class PlanActionForm(OwnerFieldsMixin, VersionedModelForm):
    class Meta:
        model = PlanAction
        fields = [
            "action",
            "owner_member",
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

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Not required on the form, so an empty owner or timescale reaches the model's clean()
        # and the worker reads its message rather than a bare "This field is required".
        self._set_up_owner(members if members is not None else CoreGroupMember.objects.none())
        self.fields["timescale"].required = False

    def clean(self):
        cleaned = super().clean()
        self._clean_owner(cleaned)
        return cleaned


# --- Outcomes and actions on one page ----------------------------------------------------------


class PlanEditorForm(forms.Form):
    """The plan's own part of the one-page editor: the contingency plan, and the fingerprint
    of the outcomes and actions the page was drawn from (services.plan_content_digest)."""

    contingency_plan = forms.CharField(
        label="What happens if the plan does not work (the contingency plan)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What will happen if the changes are not made or the child is not safe: "
        "for example a legal planning meeting, or the child staying with a named relative.",
    )
    digest = forms.CharField(widget=forms.HiddenInput)


class OutcomeRowForm(forms.ModelForm):
    class Meta:
        model = PlanOutcome
        fields = ["what_needs_to_change"]
        widgets = {"what_needs_to_change": forms.Textarea(attrs={"rows": 2})}
        labels = {"what_needs_to_change": "What needs to change"}
        help_texts = {
            "what_needs_to_change": "In words the family will understand: what must be "
            "different for the child to be safe."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty new outcome (and its empty actions) is left out; an empty outcome with
        # actions is refused with a message that says so (the view checks).
        self.fields["what_needs_to_change"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        if self.instance.pk and not (cleaned.get("what_needs_to_change") or "").strip():
            self.add_error(
                "what_needs_to_change",
                'Say what needs to change, or tick "Remove this outcome (and its actions)".',
            )
        return cleaned

    def _post_clean(self):
        # An empty outcome row is checked by the view, with its actions in sight.
        if not (self.cleaned_data.get("what_needs_to_change") or "").strip():
            return
        super()._post_clean()


class ActionRowForm(OwnerFieldsMixin, VersionedModelForm):
    class Meta:
        model = PlanAction
        fields = ["action", "owner_member", "owner", "timescale", "evidence_of_done"]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 2}),
            "timescale": DateInput(),
            "evidence_of_done": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"action": "What will be done", "timescale": "By when"}

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_owner(members if members is not None else CoreGroupMember.objects.none())
        self.fields["action"].required = False
        self.fields["timescale"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        if not (cleaned.get("action") or "").strip():
            self.add_error("action", "Say what will be done.")
        self._clean_owner(cleaned)
        return cleaned

    def _post_clean(self):
        if self.cleaned_data.get("DELETE"):
            return  # a row ticked for removal is not checked
        super()._post_clean()


class _OutcomeFormSet(forms.BaseModelFormSet):
    error_row_label = "Outcome"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this outcome (and its actions)"


class _ActionFormSet(forms.BaseInlineFormSet):
    error_row_label = "Action"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this action"

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["members"] = self.members
        return kwargs

    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)


def outcome_formset(extra: int):
    return forms.modelformset_factory(
        PlanOutcome, form=OutcomeRowForm, formset=_OutcomeFormSet, extra=extra, can_delete=True
    )


def action_formset(extra: int):
    return forms.inlineformset_factory(
        PlanOutcome,
        PlanAction,
        form=ActionRowForm,
        formset=_ActionFormSet,
        extra=extra,
        can_delete=True,
    )


class CoreGroupForm(forms.ModelForm):
    class Meta:
        model = CoreGroupMeeting
        fields = [
            "meeting_date",
            "family_attendees",
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
            "family_attendees": forms.CheckboxSelectMultiple,
            "child_seen_or_views": forms.Textarea(attrs={"rows": 3}),
            "discussion": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "parents_attended": "Parents or carers attended",
            "family_attendees": "The child's family who attended",
            "attendees": "Everyone else who attended",
        }
        help_texts = {
            "family_attendees": "Tick each of the child's people who came, so that they are "
            "counted as themselves whatever the name.",
            "attendees": "Professionals and anyone else, one per line, with their role.",
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

    def __init__(self, *args, sibling_plans=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        attended = self.fields["family_attendees"]
        attended.queryset = attended.queryset.filter(pk__in=list(people or {}))
        attended.label_from_instance = lambda p: (people or {}).get(p.pk, p.full_name)
        if not people:
            del self.fields["family_attendees"]
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


class FamilyWordsForm(VersionedModelForm):
    class Meta:
        model = ChildProtectionPlan
        fields = ["family_worries"]
        widgets = {"family_worries": forms.Textarea(attrs={"rows": 8})}
        labels = {"family_worries": "What we are worried about"}
        help_texts = {
            "family_worries": "Write it for the family: short sentences, everyday words, "
            "what happened and what could happen to the child. Not the conference's reasons "
            "copied in."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_worries"].required = True

    def clean_family_worries(self):
        return self.cleaned_data["family_worries"].strip()
