from django import forms

from wirral_cp.forms import DateInput, VersionedModelForm

from ..models import PARENT_RELATIONSHIPS, Child, FamilyMember, Professional


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FamilyMember) -> str:
        return f"{obj} ({obj.get_relationship_display().lower()})"


class FamilyMemberForm(VersionedModelForm):
    """A person in the child's family or network.

    The partner is one of this child's family; the parent they are related through is one of
    this child's recorded mothers and fathers.
    """

    class Meta:
        model = FamilyMember
        fields = [
            "first_name",
            "last_name",
            "relationship",
            "through_parent",
            "sex",
            "date_of_birth",
            "lives_with_child",
            "parental_responsibility",
            "involved_in_safety_plan",
            "partner",
            "partnership_status",
            "is_deceased",
            "date_of_death",
            "address",
            "phone",
            "notes",
        ]
        field_classes = {"partner": PartnerChoiceField, "through_parent": PartnerChoiceField}
        labels = {
            "through_parent": "Which parent they are related through",
            "lives_with_child": "Lives in the child's household",
            "involved_in_safety_plan": "Involved in the safety plan",
            "partnership_status": "Partnership",
            "is_deceased": "Deceased",
        }
        help_texts = {
            "through_parent": (
                "For a half-sibling, the parent they share with the child; for a grandparent, "
                "the parent whose mother or father they are; for an aunt, uncle or cousin, the "
                "parent on whose side they are. Leave empty if not known."
            ),
            "partner": "Their partner or spouse, if also recorded for this child.",
            "partnership_status": "Needed when a partner is chosen.",
            "is_deceased": "Tick if they have died, even if the date is not known.",
        }
        widgets = {
            "date_of_birth": DateInput(),
            "date_of_death": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        # Model.clean() compares the partner's child with this one, so set it before validation.
        self.instance.child = child
        others = FamilyMember.objects.filter(child=child).order_by("last_name", "first_name", "pk")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        # Both are ModelChoiceFields; the stubs type a form's fields as plain Field.
        self.fields["partner"].queryset = others  # type: ignore[attr-defined]
        self.fields["through_parent"].queryset = others.filter(  # type: ignore[attr-defined]
            relationship__in=PARENT_RELATIONSHIPS
        )
        self.fields["through_parent"].empty_label = "Not known or not applicable"  # type: ignore[attr-defined]


class ProfessionalForm(VersionedModelForm):
    class Meta:
        model = Professional
        fields = ["name", "agency", "role", "organisation", "phone", "email", "is_current"]
        labels = {"is_current": "Currently involved with the child"}

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.child = child
