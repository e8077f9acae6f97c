"""The forms of "Known to us?", the registration warning, and merging two people."""

from django import forms

from people.selectors import Criteria
from people.validators import validate_nhs_number
from wirral_cp.forms import DateInput, VersionedForm


class KnownSearchForm(forms.Form):
    """Search the whole authority's person index: any of these, at least one."""

    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(required=False, widget=DateInput())
    nhs_number = forms.CharField(
        label="NHS number", max_length=12, required=False, validators=[validate_nhs_number]
    )
    postcode = forms.CharField(max_length=10, required=False)
    address = forms.CharField(
        max_length=200, required=False, help_text="Part of the address is enough."
    )
    la_child_id = forms.CharField(label="LA child ID", max_length=20, required=False)

    def clean_nhs_number(self) -> str:
        return "".join(self.cleaned_data.get("nhs_number", "").split())

    def clean(self):
        data = super().clean()
        if not self.errors and self.criteria().is_empty:
            raise forms.ValidationError(
                "Give a name, a date of birth, an NHS number, an address, a postcode or an LA "
                "child ID."
            )
        return data

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            date_of_birth=data.get("date_of_birth"),
            nhs_number=data.get("nhs_number", ""),
            postcode=data.get("postcode", ""),
            address=data.get("address", ""),
            la_child_id=data.get("la_child_id", ""),
        )


class OpenWithReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this record?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: a contact received today about this child. Your reason is "
        "recorded and the team holding the record can see it.",
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if len(reason) < 10:
            raise forms.ValidationError("Say in a sentence why you need to open the record.")
        return reason


DIFFERENT = "different"


class RegistrationMatchForm(forms.Form):
    """After the warning: this is one of the people shown, or someone else, and why."""

    match_decision = forms.ChoiceField(
        label="Is the child one of these people?", widget=forms.RadioSelect, choices=[]
    )
    different_reason = forms.CharField(
        label="Why is this child someone else?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: a different date of birth confirmed with the school.",
    )
    matches_shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, choosable: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["match_decision"].choices = [  # type: ignore[attr-defined]
            *choosable,
            (DIFFERENT, "None of these: this child is someone else"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("match_decision") == DIFFERENT and not data.get("different_reason", "").strip():
            self.add_error("different_reason", "Say why this child is someone else.")
        return data

    def shown_ids(self) -> set[int]:
        raw = self.data.get("matches_shown", "")
        return {int(x) for x in raw.split(",") if x.strip().isdigit()}


class MergeForm(VersionedForm):
    """Merge two people: which record survives, and why they are one person."""

    survivor = forms.ChoiceField(label="Which record is kept?", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    other_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = choices  # type: ignore[attr-defined]


class MergeReverseForm(VersionedForm):
    reason = forms.CharField(
        label="Why is the merge being reversed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
