from django import forms

from people.models import Person, PersonName
from people.models import Relationship as Link
from wirral_cp.forms import DateInput, VersionedForm, VersionedModelForm


class HouseholdMoveForm(VersionedForm):
    """The child's household from a date: where, and who lives there with the child.

    `version` is the child's person's: a move recorded by someone else since the page was
    opened makes this one stale."""

    address = forms.CharField(max_length=300, help_text="House number and street, and town.")
    postcode = forms.CharField(max_length=10, required=False)
    start_date = forms.DateField(
        label="From", widget=DateInput(), help_text="The day the child started living here."
    )
    people = forms.ModelMultipleChoiceField(
        label="Who lives there with the child",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the child's family. Add someone missing on the family page first.",
    )

    def __init__(self, *args, family_people: list[Person], version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in family_people]
        )
        self.fields["version"].initial = version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class InvolvementForm(VersionedModelForm):
    """How a significant adult is involved in the child's plan, or why not."""

    class Meta:
        model = Link
        fields = ["involved_in_safety_plan", "not_invited_reason", "not_involved_reason"]
        labels = {"involved_in_safety_plan": "Part of the safety plan"}


class OtherNameForm(forms.ModelForm):
    """One other name of a person: known as, a previous name, an alias, the name at birth."""

    class Meta:
        model = PersonName
        fields = ["kind", "first_name", "last_name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {
            "kind": "Kind of name",
            "first_name": "First name",
            "last_name": "Last name",
            "start_date": "Used from",
            "end_date": "Used until",
        }

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("first_name") or "").strip() and not (
            cleaned.get("last_name") or ""
        ).strip():
            raise forms.ValidationError("Give a first name or a last name.")
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "A name cannot stop being used before it was first used.")
        return cleaned


class _OtherNameFormSet(forms.BaseModelFormSet):
    error_row_label = "Name"


OtherNameFormSet = forms.modelformset_factory(
    PersonName, form=OtherNameForm, formset=_OtherNameFormSet, extra=1, can_delete=True
)


class PersonVersionForm(VersionedForm):
    """The version of the person whose names are changed: someone else's change to the person
    since the page was opened makes this one stale."""

    def __init__(self, *args, version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


class RelationshipForm(VersionedModelForm):
    """A relationship recorded once between two people: what it is, parental responsibility,
    and when it began and ended."""

    class Meta:
        model = Link
        fields = ["kind", "parental_responsibility", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {
            "kind": "Relationship",
            "parental_responsibility": "Has parental responsibility",
            "start_date": "From",
            "end_date": "Until",
        }
        help_texts = {
            "kind": "What the first person is to the second.",
            "end_date": "Leave empty while the relationship continues.",
        }
