"""Version 1 of the partner agencies' API."""

from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import record_partner_call
from cases.access import plan_status_for_api_client

from ..models import Scope
from .auth import client_of
from .serializers import PlanStatusAnswer, PlanStatusQuery, Problem

PROBLEMS = {
    code: OpenApiResponse(response=Problem, description=text)
    for code, text in {
        400: "The request is not valid (the NHS number's check digit, a missing reason).",
        401: "No API key, or a key that is unknown, revoked or expired.",
        403: "The client does not have the scope.",
        429: "Too many calls: wait as Retry-After says.",
    }.items()
}


class PlanStatusView(APIView):
    """Is this child subject to a child protection plan? (the question NHS CP-IS answers)."""

    required_scope = Scope.PLAN_STATUS
    audit_what = "partner API: plan status"

    @extend_schema(
        operation_id="plan_status",
        summary="Is this child subject to a child protection plan?",
        description=(
            "By NHS number: yes or no, since when, and whom to contact. The category of abuse "
            "is never returned. A child on no plan and an NHS number the authority does not "
            "know answer the same (no, the duty contact). A restricted record answers yes or "
            "no with the duty contact unless the client has the restricted_records scope. "
            "Sent as POST so that the NHS number stays out of URLs and server logs. Every "
            "call is audited with the client and the reason."
        ),
        request=PlanStatusQuery,
        responses={200: PlanStatusAnswer, **PROBLEMS},
        tags=["Child protection plans"],
    )
    def post(self, request: Request) -> Response:
        client = client_of(request)
        assert client is not None  # HasScope has refused anonymous calls
        query = PlanStatusQuery(data=request.data)
        if not query.is_valid():
            record_partner_call(
                request=request,
                client=client,
                child_id=None,
                details={"what": self.audit_what, "outcome": "refused: invalid request"},
            )
            raise ValidationError(query.errors)
        nhs_number = query.validated_data["nhs_number"].replace(" ", "")
        reason = query.validated_data["reason"].strip()
        status = plan_status_for_api_client(
            nhs_number,
            may_see_restricted=client.has_scope(Scope.RESTRICTED_RECORDS),
            on=timezone.localdate(),
        )
        if status.team is not None:
            contact: dict[str, Any] = {
                "kind": "allocated_team",
                "name": status.team.name,
                "phone": status.team.contact_phone,
                "email": status.team.contact_email,
            }
        else:
            duty = settings.AUTHORITY_DUTY_CONTACT
            contact = {"kind": "duty", **{k: duty[k] for k in ("name", "phone", "email")}}
        answer = {
            "nhs_number": nhs_number,
            "subject_to_plan": status.on_plan,
            "plan_start_date": status.since,
            "contact": contact,
            "checked_at": timezone.now(),
        }
        record_partner_call(
            request=request,
            client=client,
            child_id=status.child_id,
            details={
                "what": self.audit_what,
                "outcome": "answered",
                "reason": reason,
                "nhs_number": nhs_number,
                "subject_to_plan": status.on_plan,
                "contact": contact["kind"],
            },
        )
        return Response(PlanStatusAnswer(answer).data)
