from django import forms

from people.models import Person
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
