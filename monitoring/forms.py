from django import forms


class AcknowledgeForm(forms.Form):
    """What someone is doing about an alert; as long as the box on My tasks allows."""

    note = forms.CharField(
        max_length=500, error_messages={"required": "Say what is being done about it."}
    )
