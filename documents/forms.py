from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from cases.codes.agency import Agency
from wirral_cp.forms import DateInput, VersionedForm

from .models import ContributionRequest, DocumentType, Profession, RecipientKind, ShareMethod
from .validation import ALLOWED_IN_WORDS, Checked, check_upload, max_upload_bytes


class UploadField(forms.FileField):
    """A file checked by its content (type, size, polyglots) before anything is stored."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            f"{ALLOWED_IN_WORDS}; at most {filesizeformat(max_upload_bytes())}.",
        )
        kwargs.setdefault("error_messages", {"required": "Choose a file to upload."})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.checked = self._check(upload)
        return upload

    @staticmethod
    def _check(upload) -> Checked:
        try:
            return check_upload(upload, upload.size)
        except ValidationError:
            raise
        finally:
            upload.seek(0)


class DocumentUploadForm(forms.Form):
    about = forms.ChoiceField(label="What the document is about", required=False)
    title = forms.CharField(max_length=200)
    document_type = forms.ChoiceField(label="Type of document", choices=DocumentType.choices)
    author = forms.CharField(label="Author", max_length=200, required=False)
    agency = forms.ChoiceField(
        label="Author's agency", choices=[("", "---------"), *Agency.choices], required=False
    )
    document_date = forms.DateField(
        label="Date of the document", widget=DateInput(), initial=timezone.localdate
    )
    file = UploadField()

    def __init__(self, *args, about_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = about_choices  # type: ignore[attr-defined]
        self.fields["document_type"].choices = [  # type: ignore[attr-defined]
            c for c in DocumentType.choices if c[0] != DocumentType.MINUTES
        ]

    def clean_document_date(self):
        day = self.cleaned_data["document_date"]
        if day > timezone.localdate():
            raise ValidationError("The date of the document cannot be in the future.")
        return day


class NewVersionForm(VersionedForm):
    file = UploadField(label="The new version")
    note = forms.CharField(label="What changed", max_length=300, required=False)


class ShareForm(forms.Form):
    recipient = forms.CharField(label="Sent or given to", max_length=200)
    recipient_kind = forms.ChoiceField(label="Who they are", choices=RecipientKind.choices)
    method = forms.ChoiceField(label="How", choices=ShareMethod.choices, widget=forms.RadioSelect)
    shared_on = forms.DateField(label="Date sent or given", widget=DateInput())

    def clean_shared_on(self):
        day = self.cleaned_data["shared_on"]
        if day > timezone.localdate():
            raise ValidationError("This date cannot be in the future.")
        return day


class RemoveForm(VersionedForm):
    reason = forms.CharField(
        label="Why it is being removed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The document's title, type and dates stay on the record with this reason.",
    )


class ReviewForm(forms.Form):
    document = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: keep for a further 5 years (open proceedings); or destroy.",
    )


class ContributionRequestForm(forms.Form):
    person: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label="Who is asked",
        queryset=None,  # set in __init__: the active people of active partner organisations
        help_text="Partner professionals are added by an administrator (Partner agencies).",
        empty_label="Choose a professional",
    )
    profession = forms.ChoiceField(label="Their role", choices=Profession.choices)
    asked = forms.CharField(
        label="What is asked",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Shown to the professional with the child's name and date of birth and the "
        "meeting's date: nothing else of the record.",
    )
    due_date = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = ContributionRequest._meta.get_field("person").related_model
        self.fields["person"].queryset = (
            people._default_manager.filter(is_active=True, organisation__is_active=True)
            .select_related("organisation")
            .order_by("name")
        )

    def clean_due_date(self):
        day = self.cleaned_data["due_date"]
        if day < timezone.localdate():
            raise ValidationError("The due date cannot be in the past.")
        return day


class ContributionWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the request withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the meeting was cancelled, or the information came another way.",
        error_messages={"required": "Say why the request is withdrawn."},
    )
    seen = forms.CharField(widget=forms.HiddenInput, max_length=200)


class ContributionCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=6,
        min_length=6,
        help_text="The 6 digits in the email we have just sent you.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the code from the email."},
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError("The code is 6 digits.")
        return code


class ContributionForm(forms.Form):
    text = forms.CharField(
        label="Your contribution",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50_000,
        required=False,
    )
    file = UploadField(label="Attach a document (optional)", required=False)

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("file"):
            raise ValidationError("Write your contribution or attach a document (or both).")
        return data
