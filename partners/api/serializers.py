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
