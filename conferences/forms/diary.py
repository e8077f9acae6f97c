"""Forms for the conference diary: scheduling, invitations and attendance, the chair's record,
minutes and feedback."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from accounts.models import Role, User
from timescales.models import LocalPolicy
from wirral_cp.dates import day
from wirral_cp.forms import DateInput, DateTimeInput, VersionedForm, VersionedModelForm

from ..models import (
    Conference,
    ConferenceDecision,
    ConferenceDissent,
    ConferenceParticipant,
    ConferenceStatus,
    ConferenceType,
    FeedbackResponse,
    LateReason,
    RespondentType,
)


def active_iros():
    return User.objects.filter(is_active=True, groups__name=Role.IRO).distinct()


class ConferenceModelForm(VersionedModelForm):
    """Conference.clean() checks the whole record; an error about a field this form does not
    show is shown at the top of the form instead of failing."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            mapped: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                key = field if field in self.fields else NON_FIELD_ERRORS
                mapped.setdefault(key, []).extend(messages)
            errors = ValidationError(mapped)
        super()._update_errors(errors)


# The late reason (from the list, and in words) and the interim safety plan: asked for when a
# conference is, or would be, after its target date.
LATE_FIELDS = ("late_reason_code", "late_reason", "interim_safety_plan")
LATE_WIDGETS = {
    "late_reason_code": forms.RadioSelect,
    "late_reason": forms.Textarea(attrs={"rows": 3}),
    "interim_safety_plan": forms.Textarea(attrs={"rows": 4}),
}


def _offer_late_fields(form, late: bool) -> None:
    if not late:
        for name in LATE_FIELDS:
            form.fields.pop(name, None)
        return
    form.fields["late_reason_code"].choices = LateReason.choices


# --- The diary ---------------------------------------------------------------------------------


class DiaryFilterForm(forms.Form):
    """The diary's filters. A filter given wrongly (a date that is not one, a range that ends
    before it starts) is said on the form and left out; the others still apply."""

    MINE, ALL = "mine", "all"
    error_summary = False  # not a failed submit: the page says which filter was left out

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Upcoming and recently held")] + list(ConferenceStatus.choices),
    )
    conference_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types")] + list(ConferenceType.choices)
    )
    chair = forms.ModelChoiceField(
        label="Chair", required=False, queryset=User.objects.none(), empty_label="Any chair"
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=DateInput(),
        help_text="The day held, or booked for; the target date if not yet booked.",
    )
    date_to = forms.DateField(label="To", required=False, widget=DateInput())
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[(MINE, "My conferences"), (ALL, "All conferences I can see")],
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = active_iros().order_by(  # type: ignore[attr-defined]  # a ModelChoiceField
            "last_name", "first_name", "pk"
        )
        if not user.is_iro:
            del self.fields["show"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the date range must not be before its start.")
        return cleaned

    def value(self, name: str):
        """The filter's value if it was given rightly, else none (for "show": the IRO's own)."""
        default = self.MINE if name == "show" else ""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default


# --- Business support: arranging the conference -------------------------------------------------


def now():
    """The moment a booking is judged from (a function, so a test of a past year can move it)."""
    return timezone.now()


class ScheduleForm(ConferenceModelForm):
    """Date, time, venue and chair; the late reason and interim safety plan appear only when
    the conference is (or would be) after its target date."""

    LATE_FIELDS = LATE_FIELDS

    class Meta:
        model = Conference
        fields = ["scheduled_for", "venue", "chair", *LATE_FIELDS]
        widgets = {"scheduled_for": DateTimeInput(), **LATE_WIDGETS}
        labels = {"chair": "Chair (independent reviewing officer)"}

    def __init__(self, *args, late: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_for"].required = True
        self.fields["venue"].required = True
        self.fields["chair"].required = True
        self.fields["chair"].queryset = active_iros()  # type: ignore[attr-defined]  # a ModelChoiceField
        self.late = late
        # The late fields are always on the page (hidden until the date is past the target, by
        # static/js/late-fields.js); they count only when the date is late.
        self.fields["late_reason_code"].choices = LateReason.choices  # type: ignore[attr-defined]
        for name in LATE_FIELDS:
            self.fields[name].required = False
        self.fields[
            "late_reason_code"
        ].help_text = (
            "The date is after the target date: say why the conference cannot be held in time."
        )

    def clean_scheduled_for(self):
        when = self.cleaned_data.get("scheduled_for")
        # A day already gone is refused; an earlier hour of today is not, because a conference
        # convened this morning at short notice is often booked once it has begun.
        if when is not None and timezone.localdate(when) < timezone.localdate(now()):
            raise ValidationError(
                "That day has already gone: book the conference for today or a day still to come."
            )
        return when

    def clean(self):
        cleaned = super().clean()
        if not self.late:
            # Rearranged to a date in time: the reason it was late no longer applies.
            cleaned["late_reason_code"] = ""
            cleaned["late_reason"] = ""
        return cleaned

    @staticmethod
    def posted_date_is_late(data, conference: Conference) -> bool:
        """Whether the date and time in the submitted form fall after the target date."""
        field = forms.DateTimeField(required=False)
        try:
            when = field.clean(data.get("scheduled_for"))
        except ValidationError:
            return False
        target = conference.target_date
        return when is not None and target is not None and timezone.localtime(when).date() > target


class CancelForm(ConferenceModelForm):
    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (ConferenceStatus.CANCELLED, "Cancelled: it will not take place"),
            (ConferenceStatus.ADJOURNED, "Adjourned: it will be rearranged"),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Conference
        fields = ["cancelled_reason"]
        widgets = {"cancelled_reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cancelled_reason"].required = True
        self.order_fields(["status", "cancelled_reason"])

    def _post_clean(self):
        # The service sets the status and checks the whole record.
        pass


class MinutesDistributeForm(forms.Form):
    distributed_on = forms.DateField(label="Date the minutes were sent", widget=DateInput())

    def clean_distributed_on(self):
        value = self.cleaned_data["distributed_on"]
        if value > timezone.localdate():
            raise ValidationError("This date cannot be in the future.")
        return value


# --- Invitations and attendance ----------------------------------------------------------------


class ParticipantForm(forms.ModelForm):
    """One participant. A parent or family member is chosen from the child's people (`people`:
    {person id: label}); the name is still kept as typed, and filled from the person when left
    empty."""

    class Meta:
        model = ConferenceParticipant
        fields = [
            "kind",
            "person",
            "agency",
            "name",
            "role",
            "invited_on",
            "status",
            "knows_child",
            "supported_by",
        ]
        widgets = {"invited_on": DateInput()}
        labels = {
            "kind": "Who they are",
            "status": "Attendance",
            "person": "Which of the child's people",
        }
        help_texts = {
            "knows_child": "Health attendees only: have they met the child or family?",
            "person": "Parents and family: choose them, so that they are counted as themselves "
            "whatever the name typed.",
        }

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = field.queryset.filter(pk__in=list(people or {}))
        field.label_from_instance = lambda p: (people or {}).get(p.pk, p.full_name)
        field.empty_label = "Not one of the child's people"
        self.fields["name"].required = False

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None and not (data.get("name") or "").strip():
            data["name"] = person.full_name
        if not (data.get("name") or "").strip() and "name" not in self.errors:
            self.add_error(
                "name", "Enter the person's name, or choose them from the child's people."
            )
        return data


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3, can_delete=True)


def formset_rows(formset) -> list[dict]:
    """The filled-in rows of a valid formset, without deleted ones."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


# --- The chair's record ------------------------------------------------------------------------


class OutcomeForm(ConferenceModelForm):
    class Meta:
        model = Conference
        fields = [
            "held_on",
            "childs_views",
            "childs_views_how",
            "parents_views",
            "worries",
            "working_well",
            "needs_to_happen",
            "decision",
            "category",
            "decision_reasons",
            "outline_plan",
            "first_core_group_date",
            "next_review_date",
            "visit_working_days",
            "see_child_alone",
            "end_next_step",
            "minutes",
            *LATE_FIELDS,
        ]
        widgets = {
            **LATE_WIDGETS,
            "held_on": DateInput(),
            "childs_views": forms.Textarea(attrs={"rows": 4}),
            "parents_views": forms.Textarea(attrs={"rows": 4}),
            "worries": forms.Textarea(attrs={"rows": 4}),
            "working_well": forms.Textarea(attrs={"rows": 4}),
            "needs_to_happen": forms.Textarea(attrs={"rows": 4}),
            "decision_reasons": forms.Textarea(attrs={"rows": 4}),
            "outline_plan": forms.Textarea(attrs={"rows": 4}),
            "first_core_group_date": DateInput(),
            "next_review_date": DateInput(),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "childs_views": "In the child's own words where possible.",
            "parents_views": "What each parent or carer said, in their own words where "
            "possible, and whether they agree with the decision.",
            "worries": "The harm that has happened, and the harm we are worried could happen "
            "(the analysis of risk, Signs of Safety).",
            "working_well": "Strengths and safety: what the family and network already do to "
            "keep the child safe.",
            "needs_to_happen": "What must change for the child to be safe enough, and the next "
            "steps.",
            "category": "Only when there is (or continues to be) a plan.",
            "outline_plan": "What needs to change for the child to be safe. The core group "
            "turns this into actions with owners and timescales.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conference: Conference = self.instance
        for name in ("held_on", "decision", "decision_reasons", "childs_views"):
            self.fields[name].required = True
        if conference.group_lead_id:
            # A sibling group's minutes are written once, on the conference it was booked for.
            del self.fields["minutes"]
        if conference.is_initial:
            allowed = (ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN)
            del self.fields["end_next_step"]
        else:
            allowed = (ConferenceDecision.CONTINUE, ConferenceDecision.END)
            del self.fields["outline_plan"]
            del self.fields["first_core_group_date"]
            plan = conference.plan
            if plan is not None and not self.is_bound and conference.decision == "":
                # A review starts from what the plan has now.
                self.initial.setdefault("visit_working_days", plan.visit_working_days)
                self.initial.setdefault("see_child_alone", plan.see_child_alone)
        self.fields["visit_working_days"].help_text = (
            "How often the child is to be visited and seen while on the plan. Leave empty for "
            "the local timescale: at most "
            f"{LocalPolicy.current().statutory_visit_working_days} working days apart."
        )
        choices = [
            (value, label) for value, label in ConferenceDecision.choices if value in allowed
        ]
        self.fields["decision"].widget = forms.RadioSelect()
        self.fields["decision"].choices = choices
        # An initial conference held after its target date says why; asked for once the
        # target has passed (a conference is recorded on or before today).
        _offer_late_fields(
            self, conference.is_initial and timezone.localdate() > conference.target_date
        )
        if "late_reason_code" in self.fields:
            self.fields["late_reason_code"].help_text = (
                f"Only if the conference was held after its target date "
                f"({day(conference.target_date)})."
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held_on") and cleaned["held_on"] > timezone.localdate():
            self.add_error("held_on", "A conference cannot be held in the future.")
        if cleaned.get("decision") in (ConferenceDecision.NO_PLAN, ConferenceDecision.END):
            # No plan follows: nothing to visit by, whatever the boxes said.
            cleaned["visit_working_days"] = None
            cleaned["see_child_alone"] = True
        return cleaned


class DissentForm(forms.ModelForm):
    """One row of dissent: who did not agree with the conference, with what, and why."""

    class Meta:
        model = ConferenceDissent
        fields = ["who", "from_what", "why"]
        widgets = {"why": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not required on the form: an empty row is left out, a half-filled one gets the
        # model's message ("Say why they disagreed ...").
        for name in ("who", "why"):
            self.fields[name].required = False
        self.fields["from_what"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not cleaned.get("DELETE") and not cleaned.get("from_what"):
            self.add_error("from_what", "Say what they disagreed with.")
        return cleaned


class _DissentFormSet(forms.BaseModelFormSet):
    error_row_label = "Dissent"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this dissent"


DissentFormSet = forms.modelformset_factory(
    ConferenceDissent, form=DissentForm, formset=_DissentFormSet, extra=1, can_delete=True
)


class MinutesForm(ConferenceModelForm):
    class Meta:
        model = Conference
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].required = True


# --- Feedback ----------------------------------------------------------------------------------

SCORE_WIDGETS = {
    "listened_to": forms.RadioSelect,
    "understood": forms.RadioSelect,
    "prepared": forms.RadioSelect,
}
SCORE_HELP = "1 = strongly disagree, 5 = strongly agree."


class ScoresMixin:
    """Scores as five radio buttons, with no empty choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SCORE_WIDGETS:
            self.fields[name].choices = FeedbackResponse.SCORE_CHOICES


class PaperFeedbackForm(ScoresMixin, forms.ModelForm):
    class Meta:
        model = FeedbackResponse
        fields = ["respondent_type", "listened_to", "understood", "prepared", "comments"]
        widgets = {**SCORE_WIDGETS, "comments": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"listened_to": SCORE_HELP}


class FeedbackInviteForm(forms.Form):
    respondent_type = forms.ChoiceField(label="Who the link is for", choices=RespondentType.choices)


class PublicFeedbackForm(ScoresMixin, forms.ModelForm):
    """What a parent or professional fills in through the link: scores and comments only."""

    class Meta:
        model = FeedbackResponse
        fields = ["listened_to", "understood", "prepared", "comments"]
        widgets = {**SCORE_WIDGETS, "comments": forms.Textarea(attrs={"rows": 4})}
        labels = {"comments": "Anything else you would like to tell us (optional)"}
        help_texts = {
            "listened_to": SCORE_HELP,
            "comments": "Please do not include names or other personal details.",
        }


class SiblingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        child = obj.child
        born = (
            f"born {day(child.date_of_birth)}"
            if child.date_of_birth
            else "unborn"
            if child.is_unborn
            else "date of birth not known"
        )
        target = f"{day(obj.target_date)}" if obj.target_date else "not known"
        return (
            f"{child.full_name} ({born}): {obj.get_conference_type_display().lower()}, "
            f"target date {target}"
        )


class SiblingAddForm(VersionedForm):
    """Business support add another child's own conference to the one being booked."""

    conference = SiblingChoiceField(
        label="Child to be considered at this conference too",
        queryset=Conference.objects.none(),
        empty_label="Choose a child",
        help_text="Each child needs their own section 47 enquiry requiring a conference, or a "
        "review due for their plan. Children discussed at the same strategy discussion are "
        "listed first.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = candidates
