from django import forms

from accounts.models import Role, Team, User
from wirral_cp.forms import DateInput, VersionedForm, VersionedModelForm

from ..codes.disability import Disability
from ..codes.ethnicity import Ethnicity
from ..codes.sex import Sex
from ..models import Child, PreviousPlanElsewhere, ProtectiveOrder


class ChildForm(VersionedModelForm):
    disabilities = forms.MultipleChoiceField(
        choices=Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text='Tick every disability, or "No disability". Census codes are stored.',
    )

    class Meta:
        model = Child
        fields = [
            "first_name",
            "last_name",
            "known_as",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "ethnicity",
            "disabilities",
            "upn",
            "upn_unknown_reason",
            "nhs_number",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "first_language",
            "interpreter_required",
            "communication_needs",
            "date_of_death",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "expected_date_of_birth": DateInput(),
            "date_of_death": DateInput(),
            "communication_needs": forms.Textarea(attrs={"rows": 3}),
        }


class BirthForm(VersionedForm):
    """The birth of a child recorded before birth: the real date of birth, sex and names."""

    date_of_birth = forms.DateField(widget=DateInput())
    sex = forms.ChoiceField(choices=[("", "Choose")] + list(Sex.choices))
    ethnicity = forms.ChoiceField(
        choices=Ethnicity.choices,
        help_text='"Information not yet obtained" until the family has been asked.',
    )
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100)
    known_as = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, child: Child, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": child.version,
                "ethnicity": child.ethnicity,
                "first_name": child.first_name,
                "last_name": child.last_name,
                "known_as": child.known_as,
            },
        )
        super().__init__(*args, **kwargs)


class AllocationForm(VersionedForm):
    team = forms.ModelChoiceField(queryset=Team.objects.all())
    worker = forms.ModelChoiceField(
        queryset=User.objects.filter(groups__name=Role.SOCIAL_WORKER, is_active=True).distinct(),
        required=False,
        help_text="Leave empty to allocate to the team only.",
    )
    start_date = forms.DateField(widget=DateInput())
    reason = forms.CharField(max_length=300, required=False)


class RestrictionForm(forms.Form):
    is_restricted = forms.BooleanField(label="Restrict this record", required=False)
    restricted_to = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("last_name", "first_name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who may open it",
        help_text="Only these people will be able to open the record. Include yourself if "
        "you still need to.",
    )

    def __init__(self, *args, child: Child, **kwargs):
        kwargs.setdefault(
            "initial",
            {"is_restricted": child.is_restricted, "restricted_to": child.restricted_to.all()},
        )
        super().__init__(*args, **kwargs)


class PreviousPlanElsewhereForm(VersionedModelForm):
    class Meta:
        model = PreviousPlanElsewhere
        fields = ["local_authority", "start_date", "end_date", "notes"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ProtectiveOrderForm(VersionedModelForm):
    class Meta:
        model = ProtectiveOrder
        fields = ["kind", "start_date", "end_date", "details"]
        widgets = {
            "kind": forms.RadioSelect,
            "start_date": DateInput(),
            "end_date": DateInput(),
            "details": forms.Textarea(attrs={"rows": 3}),
        }
