"""Contribution requests: staff ask a partner professional; the professional answers.

Staff views reach the child and the meeting through `selectors.contribution_target_for_user`
(the one door, and the roles a meeting's app allows). The professional's pages are public but
show nothing until the emailed link has been used once and the code sent to the same address
confirmed; the session then holds the one request's id, and the page reads that request only
(`selectors.portal_request`): the child's name and date of birth, the meeting and its date,
what is asked.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from audit.services import record_access
from cases.access import child_is_writable_by, get_child_for_user
from cases.views.common import add_service_errors

from . import services
from .contributions import kind_of, target_kind
from .forms import (
    ContributionCodeForm,
    ContributionForm,
    ContributionRequestForm,
    ContributionWithdrawForm,
)
from .selectors import (
    contribution_request_withdrawable_by,
    contribution_requests_of_child,
    contribution_target_for_user,
    get_contribution_request_for_user,
    portal_request,
)

SESSION_KEY = "contribution_portal"


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _target_url(target) -> str:
    kind = kind_of(target)
    return kind.url(target) if kind and kind.url else "/"


@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedRequest, pk: int, slug: str, target_id: int) -> HttpResponse:
    """Ask a named professional for their information or report for this meeting."""
    child, target = contribution_target_for_user(request.user, pk, slug, target_id)
    kind = target_kind(slug)
    assert kind is not None
    meeting_on = kind.meeting_date(target)
    form = ContributionRequestForm(
        request.POST if request.method == "POST" else None,
        initial={
            "due_date": meeting_on if meeting_on and meeting_on >= timezone.localdate() else None
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contribution_request(
                child=child,
                target=target,
                person=data["person"],
                profession=data["profession"],
                asked=data["asked"],
                due_date=data["due_date"],
                user=request.user,
                link_base=_link_base(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{data['person'].name} has been emailed a link to send their answer."
            )
            return redirect(_target_url(target))
    return render(
        request,
        "documents/contribution_request_form.html",
        {
            "form": form,
            "kind": kind,
            "target": target,
            "meeting_on": meeting_on,
            "cancel_url": _target_url(target),
        },
    )


@require_GET
def child_requests(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    requests = list(contribution_requests_of_child(child))
    today = timezone.localdate()
    for item in requests:
        kind = kind_of(item.target) if item.target is not None else None
        item.meeting = kind.label if kind else "Meeting"  # type: ignore[attr-defined]
        item.meeting_url = _target_url(item.target) if item.target else ""  # type: ignore[attr-defined]
        item.meeting_on = kind.meeting_date(item.target) if kind else None  # type: ignore[attr-defined]
        item.status_words = item.status(today)  # type: ignore[attr-defined]
    return render(
        request,
        "documents/contribution_requests.html",
        {
            "child": child,
            "active_tab": "documents",
            "requests": requests,
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_POST
def request_new_link(request: AuthenticatedRequest, pk: int, request_id: int) -> HttpResponse:
    contribution = get_contribution_request_for_user(request.user, pk, request_id, write=True)
    try:
        services.contribution_new_link(
            request=contribution, user=request.user, link_base=_link_base(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new link has been sent to {contribution.email}.")
    return redirect("documents:contribution-requests", pk)


@require_http_methods(["GET", "POST"])
def request_withdraw(request: AuthenticatedRequest, pk: int, request_id: int) -> HttpResponse:
    """Withdraw a request, with the reason: the requester or the child's team."""
    contribution = contribution_request_withdrawable_by(request.user, pk, request_id)
    form = ContributionWithdrawForm(
        request.POST if request.method == "POST" else None, initial={"seen": contribution.stamp}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_withdraw(
                request=contribution,
                user=request.user,
                reason=form.cleaned_data["reason"],
                seen=form.cleaned_data["seen"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The request to {contribution.professional_name} has been withdrawn."
            )
            return redirect("documents:contribution-requests", pk)
    return render(
        request,
        "documents/contribution_withdraw.html",
        {
            "form": form,
            "contribution": contribution,
            "child_pk": pk,
            "cancel_url": reverse_lazy("documents:contribution-requests", args=[pk]),
        },
    )


# --- The professional's pages (public) -------------------------------------------------------


def _refused(request: HttpRequest, message: str, status: int = 410) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return render(
        request, "documents/contribution_refused.html", {"message": message}, status=status
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Opening it shows a button (a mail scanner's GET spends nothing); the
    POST spends the link and sends the code."""
    try:
        services.contribution_link_check(token=token)
    except services.ContributionRefused as error:
        return _refused(request, " ".join(error.messages), status=error.status)
    if request.method == "POST":
        try:
            contribution = services.contribution_link_open(token=token)
        except services.ContributionRefused as error:
            return _refused(request, " ".join(error.messages), status=error.status)
        request.session.cycle_key()
        request.session[SESSION_KEY] = {"id": contribution.pk, "until": None}
        return redirect("documents:contribute-code")
    return render(request, "documents/contribute_start.html")


def _session_request_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_KEY)
    return value.get("id") if isinstance(value, dict) else None


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def contribute_code(request: HttpRequest) -> HttpResponse:
    request_id = _session_request_id(request)
    if request_id is None:
        return _refused(request, "Open the link in the email you were sent.", status=404)
    form = ContributionCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_code_check(request_id=request_id, code=form.cleaned_data["code"])
        except services.ContributionRefused as error:
            return _refused(request, " ".join(error.messages))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.cycle_key()
            until = timezone.now() + timedelta(minutes=settings.CONTRIBUTION_SESSION_MINUTES)
            request.session[SESSION_KEY] = {"id": request_id, "until": until.isoformat()}
            return redirect("documents:contribute-answer")
    return render(request, "documents/contribute_code.html", {"form": form})


def _verified_request(request: HttpRequest):
    value = request.session.get(SESSION_KEY)
    if not isinstance(value, dict) or not value.get("until"):
        return None
    if datetime.fromisoformat(value["until"]) <= timezone.now():
        return None
    return portal_request(int(value["id"]))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def contribute_answer(request: HttpRequest) -> HttpResponse:
    if _session_request_id(request) is None:
        return _refused(request, "Open the link in the email you were sent.", status=404)
    contribution = _verified_request(request)
    if contribution is None:
        return _refused(
            request,
            "This page is no longer open. If you have not sent your contribution yet, ask the "
            "sender for a new link.",
        )
    kind = kind_of(contribution.target)
    form = ContributionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.contribution_submit(
                request=contribution,
                text=form.cleaned_data["text"],
                stream=upload or None,
                original_name=upload.name if upload else "",
                size=upload.size if upload else 0,
                via="portal",
            )
        except services.ContributionRefused as error:
            return _refused(request, " ".join(error.messages))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(SESSION_KEY, None)
            return render(request, "documents/contribute_done.html")
    # The child's name and date of birth shown outside the staff's sign-in: a look, audited.
    record_access(
        request=request,
        obj=contribution,
        what=f"contribution request, shown to {contribution.professional_name} "
        f"<{contribution.email}> (the emailed link and code)",
    )
    return render(
        request,
        "documents/contribute_answer.html",
        {
            "form": form,
            "contribution": contribution,
            "subject": contribution.child,
            "meeting": kind.label if kind else "Meeting",
            "meeting_on": kind.meeting_date(contribution.target) if kind else None,
        },
    )
