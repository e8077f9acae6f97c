"""Forms for visits, case notes, the chronology, management oversight and service referrals.

Validation lives in the models' clean(); ModelForm runs it, so the messages appear on the form.
"""

from django import forms
from django.utils import timezone

from timescales import rules as timescales
from timescales.models import LocalPolicy
from wirral_cp.forms import DateInput, DateTimeInput, VersionedModelForm

from ..models import (
    CaseNote,
    ManagementOversight,
    ManualChronologyEntry,
    MissingEpisode,
    NoteType,
    ServiceReferral,
    Visit,
)


class VisitForm(VersionedModelForm):
    class Meta:
        model = Visit
        fields = [
            "visit_date",
            "visit_type",
            "child_seen",
            "seen_alone",
            "bedroom_seen",
            "unannounced",
            "childs_words",
            "observations",
            "reason_not_seen",
        ]
        widgets = {
            "visit_date": DateInput(),
            "childs_words": forms.Textarea(attrs={"rows": 4}),
            "observations": forms.Textarea(attrs={"rows": 6}),
            "reason_not_seen": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "reason_not_seen": "Required when the child was not seen. If the child was seen but "
            "not alone, say why here too.",
        }


class MissingEpisodeForm(VersionedModelForm):
    class Meta:
        model = MissingEpisode
        fields = [
            "started_at",
            "ended_at",
            "reported_to_police",
            "return_interview_offered_at",
            "return_interview_outcome",
            "details",
        ]
        widgets = {
            "started_at": DateTimeInput(),
            "ended_at": DateTimeInput(),
            "return_interview_offered_at": DateTimeInput(),
            "details": forms.Textarea(attrs={"rows": 4}),
        }


class CaseNoteForm(VersionedModelForm):
    class Meta:
        model = CaseNote
        fields = ["event_date", "note_type", "subject", "text", "is_significant"]
        widgets = {
            "event_date": DateInput(),
            "text": forms.Textarea(attrs={"rows": 10}),
        }
        labels = {"event_date": "Date it happened", "is_significant": "Significant event"}
        help_texts = {
            "is_significant": "Significant events are listed in the child's chronology.",
        }


class CaseNoteCorrectionForm(CaseNoteForm):
    """A correction to a case note: the text it replaces is kept, with this reason."""

    correction_reason = forms.CharField(
        label="Reason for the correction",
        max_length=300,
        help_text="Kept with the earlier text, for anyone reading the record later.",
    )

    class Meta(CaseNoteForm.Meta):
        pass

    def clean(self):
        cleaned = super().clean()
        changed = [f for f in self.changed_data if f not in ("correction_reason", "version")]
        if not changed:
            raise forms.ValidationError("You have not changed anything in the note.")
        return cleaned


class NoteFilterForm(forms.Form):
    type = forms.ChoiceField(
        label="Type of note",
        choices=[("", "All types"), *NoteType.choices],
        required=False,
    )
    significant = forms.BooleanField(label="Significant events only", required=False)


class ChronologyDescribeForm(forms.Form):
    """A worker's wording for one entry; `restore` goes back to the system's. `was` carries the
    wording the worker saw, so that a change someone else made meanwhile is not overwritten."""

    source_key = forms.CharField(max_length=60, widget=forms.HiddenInput)
    description = forms.CharField(label="Short description", max_length=300, required=False)
    was = forms.CharField(max_length=300, required=False, strip=False, widget=forms.HiddenInput)
    restore = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("restore") and not data.get("description"):
            raise forms.ValidationError("empty")
        return data


class ManualChronologyEntryForm(VersionedModelForm):
    """A historical event or another agency's information, written into the chronology by hand,
    with its source and how exact its date is."""

    class Meta:
        model = ManualChronologyEntry
        fields = [
            "event_date",
            "date_accuracy",
            "event_time",
            "source",
            "source_name",
            "description",
        ]
        widgets = {
            "event_date": DateInput(),
            "date_accuracy": forms.RadioSelect(),
            "event_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not [f for f in self.changed_data if f != "version"]:
            raise forms.ValidationError("You have not changed anything in the entry.")
        return cleaned


class ManagementOversightForm(VersionedModelForm):
    class Meta:
        model = ManagementOversight
        fields = ["oversight_date", "reflection", "direction", "next_review_date"]
        widgets = {
            "oversight_date": DateInput(),
            "reflection": forms.Textarea(attrs={"rows": 6}),
            "direction": forms.Textarea(attrs={"rows": 6}),
            "next_review_date": DateInput(),
        }
        labels = {"oversight_date": "Date of oversight"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The local policy, read now: an administrator may have changed it since start-up.
        policy = LocalPolicy.current()
        weeks = timescales.quantity(policy.oversight_weeks, "week")
        review = self.fields["next_review_date"]
        review.help_text = f"At most {weeks} on for a child on a child protection plan."
        if not self.instance.pk:
            # ModelForm's initial holds the empty instance's None values; replace those.
            today = timezone.localdate()
            self.initial["oversight_date"] = self.initial.get("oversight_date") or today
            due = timescales.next_oversight_due(today, policy)
            self.initial["next_review_date"] = self.initial.get("next_review_date") or due


class ServiceReferralForm(VersionedModelForm):
    class Meta:
        model = ServiceReferral
        fields = [
            "service",
            "service_detail",
            "date_referred",
            "date_started",
            "date_declined",
            "decline_reason",
            "notes",
        ]
        widgets = {
            "date_referred": DateInput(),
            "date_started": DateInput(),
            "date_declined": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "service_detail": "Service name or detail",
            "date_started": "Date the service started",
            "date_declined": "Date declined",
        }
        help_texts = {
            "service_detail": "For example the team or provider, or the service if 'Other'.",
            "date_started": "Leave empty while the child or family is still waiting.",
            "date_declined": "If the service or the family declined it; give the reason below.",
        }
