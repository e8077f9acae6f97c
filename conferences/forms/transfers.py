"""Forms for ending a plan outside a review and for moves between authorities. The rules are
the models' and the services' (conferences/services_transfers.py); the forms collect."""

from django import forms

from cases.codes.closure_reason import ClosureReason
from wirral_cp.forms import DateInput, VersionedForm, VersionedModelForm

from ..models import PlanEndReason, TransferIn, TransferOut

# A move to another authority ends the plan through the transfer-out page, on the day the
# receiving authority's conference is held.
END_REASONS = [(r.value, r.label) for r in PlanEndReason if r != PlanEndReason.MOVED]


class PlanEndForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Why the plan is ending",
        choices=[("", "Choose a reason")] + END_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the plan is ending."},
    )
    end_date = forms.DateField(
        label="Date the plan ends",
        widget=DateInput(),
        help_text="The day it happened: the 18th birthday, the date of death, the day the "
        "child left the country or became looked after.",
        error_messages={"required": "Give the date the plan ends.", "invalid": "Give a real date."},
    )
    details = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="How you know, and who was told.",
    )
    closure_reason = forms.ChoiceField(
        label="For a child who reached 18: the reason the episode closes",
        choices=[
            ("", "Not applicable"),
            (ClosureReason.RC6.value, ClosureReason.RC6.label),
            (ClosureReason.RC7.value, ClosureReason.RC7.label),
        ],
        required=False,
        help_text="A child who died, left the country or reached 18 needs no more services "
        "here: the episode closes the same day (RC2 died, RC7 left the country). A child who "
        "became looked after stays open as a child in need.",
    )


class TransferInForm(forms.ModelForm):
    class Meta:
        model = TransferIn
        fields = ["from_authority", "notified_on", "other_plan_start", "other_category"]
        widgets = {"notified_on": DateInput(), "other_plan_start": DateInput()}
        help_texts = {
            "notified_on": "The transfer-in conference is due within 15 working days of this.",
            "other_category": "The conference decides the category of this authority's plan.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_authority"].required = False  # the model's message says it


class TransferOutForm(VersionedModelForm):
    class Meta:
        model = TransferOut
        fields = [
            "to_authority",
            "moved_on",
            "receiving_conference_on",
            "receiving_conference_held",
        ]
        widgets = {"moved_on": DateInput(), "receiving_conference_on": DateInput()}
        help_texts = {
            "receiving_conference_on": "Booked or held. The plan here continues until it is held.",
            "receiving_conference_held": "Tick once the receiving authority confirms it was held: "
            "the plan here then ends on that date and the episode closes (RC5).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_authority"].required = False
