"""Form helpers shared by every app."""

from django import forms

from .concurrency import MissingVersionError, VersionedModel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


class VersionedForm(forms.Form):
    """A form that changes an existing versioned record: it must send back the version the
    user started from, or the edit lock could be skipped by leaving it out."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None and "version" not in self.errors:
            raise MissingVersionError()
        return cleaned


class VersionedModelForm(forms.ModelForm):
    """Carries the version of the record the user started from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.instance, VersionedModel) and self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        is_edit = isinstance(self.instance, VersionedModel) and self.instance.pk
        if is_edit and cleaned.get("version") is None and "version" not in self.errors:
            raise MissingVersionError()
        return cleaned

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")
