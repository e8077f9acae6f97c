from django import forms
from django.conf import settings
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


class EnrolmentCodeForm(forms.Form):
    """The one-time code an administrator gave the user, before any key or QR code is shown."""

    enrolment_code = forms.CharField(
        label="Enrolment code from your administrator",
        help_text="Twelve letters and numbers, for example ABCD-EFGH-JK23. Spaces and hyphens "
        "do not matter.",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
    )


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


class DemoPasswordMixin:
    """Refuses the demo's published password unless the site runs in demo mode: a database
    seeded for the demo and then served for real must not open to the README's password."""

    def clean(self):
        password = self.data.get("password", "")
        if not settings.DEMO_MODE and password and password == settings.DEMO_PASSWORD:
            raise ValidationError(
                "That is the demo's password, which only works in the demo. Ask your "
                "administrator to set a password for your account.",
                code="demo_password",
            )
        return super().clean()


class LoginForm(DemoPasswordMixin, UsernameLengthMixin, AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's and the demo's
    password outside the demo."""


class AdminLoginForm(DemoPasswordMixin, UsernameLengthMixin, AdminAuthenticationForm):
    """The admin site's sign-in form, with the same refusals."""
