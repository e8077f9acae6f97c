from django import forms
from django.core.exceptions import ValidationError


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
