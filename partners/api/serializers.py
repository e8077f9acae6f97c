from rest_framework import serializers

from cases.validators import validate_nhs_number


class PlanStatusQuery(serializers.Serializer):
    nhs_number = serializers.CharField(
        max_length=12,
        validators=[validate_nhs_number],
        help_text="The child's 10-digit NHS number (spaces allowed).",
    )
    reason = serializers.CharField(
        max_length=500,
        help_text="Why you are asking (e.g. 'unscheduled care: emergency department "
        "attendance'). Required; recorded in the authority's audit log.",
    )


class Contact(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["allocated_team", "duty"],
        help_text="allocated_team: the team working with the child; duty: the authority's "
        "front door.",
    )
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class PlanStatusAnswer(serializers.Serializer):
    nhs_number = serializers.CharField()
    subject_to_plan = serializers.BooleanField(
        help_text="Whether the child is subject to a child protection plan today."
    )
    plan_start_date = serializers.DateField(
        allow_null=True,
        help_text="Since when; null when there is no plan or the scope does not allow it.",
    )
    contact = Contact()
    checked_at = serializers.DateTimeField()


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = serializers.DictField(required=False)


class Meeting(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["strategy", "conference", "core-group"],
        help_text="What the contribution is for (other types may be added).",
    )
    date = serializers.DateField(allow_null=True)


class RequestChild(serializers.Serializer):
    """What the professional's page shows of the child, and nothing more."""

    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class AskedOf(serializers.Serializer):
    name = serializers.CharField()
    profession = serializers.CharField()
    email = serializers.EmailField()


class ContributionRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["information", "report"])
    asked = serializers.CharField(help_text="What is asked, as the authority wrote it.")
    due_date = serializers.DateField()
    requested_at = serializers.DateTimeField()
    asked_of = AskedOf()
    meeting = Meeting()
    child = RequestChild()


class ContributionIn(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=50_000, help_text="The contribution."
    )
    file = serializers.FileField(
        required=False,
        help_text="A document (multipart/form-data only): PDF, Word, OpenDocument text, "
        "images or plain text, checked by its content and scanned as every upload is.",
    )

    def validate(self, attrs):
        if not (attrs.get("text") or "").strip() and not attrs.get("file"):
            raise serializers.ValidationError("Send the text, a file, or both.")
        return attrs


class ContributionReceived(serializers.Serializer):
    id = serializers.IntegerField(help_text="The request's id.")
    received_at = serializers.DateTimeField()
    in_time = serializers.BooleanField(help_text="Received on or before the due date.")
    documents = serializers.ListField(child=serializers.IntegerField())
