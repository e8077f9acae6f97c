"""Version 1 of the partner agencies' API."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import record_partner_call
from cases.access import plan_status_for_api_client
from documents.contributions import kind_of
from documents.selectors import contribution_requests_for_partner
from documents.services import contribution_submit

from ..models import Scope
from .auth import client_of
from .serializers import (
    ContributionIn,
    ContributionReceived,
    ContributionRequestOut,
    PlanStatusAnswer,
    PlanStatusQuery,
    Problem,
)

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


def _request_out(request: Any) -> dict[str, Any]:
    kind = kind_of(request.target) if request.target is not None else None
    child = request.child
    return {
        "id": request.pk,
        "kind": request.kind,
        "asked": request.asked,
        "due_date": request.due_date,
        "requested_at": request.requested_at,
        "asked_of": {
            "name": request.professional_name,
            "profession": request.get_profession_display(),
            "email": request.email,
        },
        "meeting": {
            "type": kind.slug if kind else "",
            "date": kind.meeting_date(request.target) if kind else None,
        },
        "child": {"name": child.full_name, "date_of_birth": child.date_of_birth},
    }


CONTRIBUTION_PROBLEMS = {
    **{code: PROBLEMS[code] for code in (401, 403, 429)},
    404: OpenApiResponse(
        response=Problem,
        description="No open request with this id was sent to this client's organisation.",
    ),
}


class ContributionRequestsView(APIView):
    """The authority's open contribution requests to this client's organisation."""

    required_scope = Scope.CONTRIBUTIONS
    audit_what = "partner API: open contribution requests"

    @extend_schema(
        operation_id="contribution_requests",
        summary="The open contribution requests to your organisation",
        description=(
            "Requests for information or a report, sent by the authority to your "
            "organisation's professionals and not yet answered: what is asked, by when, for "
            "which meeting, and the child's name and date of birth (what the professional's "
            "own page shows; nothing else of the record). A request about a restricted record "
            "is listed only to a client with the restricted_records scope."
        ),
        responses={200: ContributionRequestOut(many=True), **CONTRIBUTION_PROBLEMS},
        tags=["Contributions"],
    )
    def get(self, request: Request) -> Response:
        client = client_of(request)
        assert client is not None
        requests = list(
            contribution_requests_for_partner(
                client.organisation_id,
                may_see_restricted=client.has_scope(Scope.RESTRICTED_RECORDS),
            )
        )
        record_partner_call(
            request=request,
            client=client,
            child_id=None,
            details={
                "what": self.audit_what,
                "outcome": "answered",
                "requests": [r.pk for r in requests],
            },
        )
        return Response(ContributionRequestOut([_request_out(r) for r in requests], many=True).data)


class ContributionSubmitView(APIView):
    """Send a contribution against a request the client's organisation was sent."""

    required_scope = Scope.CONTRIBUTIONS
    audit_what = "partner API: contribution sent"
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="contribution_submit",
        summary="Send a contribution against a request",
        description=(
            "The text (JSON or multipart/form-data) and/or a file (multipart/form-data). It "
            "lands on the meeting as the professional's agency report, through the same rules "
            "as every upload: the file's type is checked from its content (a renamed or "
            "disguised file is refused with 400) and it is virus-scanned. A request that was "
            "not sent to your organisation, or is answered already, is 404."
        ),
        request={"multipart/form-data": ContributionIn, "application/json": ContributionIn},
        responses={
            201: ContributionReceived,
            400: OpenApiResponse(response=Problem, description="Nothing sent, or a refused file."),
            **CONTRIBUTION_PROBLEMS,
        },
        tags=["Contributions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        client = client_of(request)
        assert client is not None
        contribution = (
            contribution_requests_for_partner(
                client.organisation_id,
                may_see_restricted=client.has_scope(Scope.RESTRICTED_RECORDS),
            )
            .filter(pk=pk)
            .first()
        )
        if contribution is None:
            record_partner_call(
                request=request,
                client=client,
                child_id=None,
                details={"what": self.audit_what, "outcome": "refused: not found", "request": pk},
            )
            raise NotFound("No open contribution request with this id was sent to you.")
        data = ContributionIn(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        try:
            documents = contribution_submit(
                request=contribution,
                text=data.validated_data.get("text", ""),
                stream=upload,
                original_name=upload.name if upload else "",
                size=upload.size if upload else 0,
                via="api",
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"file": error.messages}
            ) from None
        contribution.refresh_from_db()
        record_partner_call(
            request=request,
            client=client,
            child_id=contribution.child_id,
            details={
                "what": self.audit_what,
                "outcome": "received",
                "request": contribution.pk,
                "documents": [d.pk for d in documents],
            },
        )
        answer = {
            "id": contribution.pk,
            "received_at": contribution.received_at,
            "in_time": bool(contribution.in_time),
            "documents": [d.pk for d in documents],
        }
        return Response(ContributionReceived(answer).data, status=201)
