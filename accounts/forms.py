from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


class TOTPCodeForm(forms.Form):
    """Six digits from the authenticator app; spaces (as some apps show them) are ignored."""

    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The six-digit code shown in the app now. It changes every 30 seconds.",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise ValidationError("Enter the six digits shown in your authenticator app.")
        return token


class UsernameLengthMixin:
    """Refuses a username longer than any account's, on a Django sign-in form.

    Django sets the length on the field after it is built, so without the validator an overlong
    name reaches authenticate(), and django-axes fails to record the failed attempt in its
    255-character column (a 500 on PostgreSQL instead of "wrong username or password").
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's."""


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin site's sign-in form, refusing a username longer than any account's."""
