"""Sibling-group conferences: business support book one conference for several children.

Each child keeps their own conference (enquiry, target date, late reason, decision, category,
plan); the group's invitations, attendance and minutes are kept once, on the conference of the
child it was booked for (the lead). See conferences/services.py `conference_group_add`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from cases.views.common import add_service_errors

from .. import services
from ..forms.diary import SiblingAddForm
from ..models import ConferenceStatus
from ..selectors import (
    conferences_for_user,
    get_conference_to_schedule,
    group_children,
    sibling_candidates,
)

GROUPABLE = (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED)


@require_http_methods(["GET", "POST"])
def group(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The children this conference considers, and adding another child's conference to it."""
    user = request.user
    lead = get_conference_to_schedule(user, pk)
    if lead.group_lead_id:
        messages.info(request, "Children are added on the conference the group was booked for.")
        return redirect("conferences:detail", lead.group_lead_id)
    if request.method == "POST" and lead.status not in GROUPABLE:
        messages.error(
            request,
            f"This conference is {lead.get_status_display().lower()}: no more children can be "
            "added to it.",
        )
        return redirect("conferences:group", lead.pk)
    data = request.POST if request.method == "POST" else None
    candidates = sibling_candidates(user, lead)
    form = SiblingAddForm(data, candidates=candidates, initial={"version": lead.version})
    if data is not None and form.is_valid():
        member = form.cleaned_data["conference"]
        try:
            services.conference_group_add(
                lead=lead,
                member=member,
                user=user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{member.child.full_name} will be considered at this conference too."
            )
            return redirect("conferences:group", lead.pk)
    members = group_children(user, [lead])[lead.pk]
    return render(
        request,
        "conferences/conference_group.html",
        {
            "conference": lead,
            "title": "Children considered",
            "members": members,
            "form": form,
            "can_add": lead.status in GROUPABLE,
        },
    )


@require_POST
def group_remove(request: AuthenticatedRequest, pk: int, member_id: int) -> HttpResponse:
    user = request.user
    lead = get_conference_to_schedule(user, pk)
    member = conferences_for_user(user).filter(pk=member_id, group_lead=lead).first()
    if member is None:
        raise Http404("No such conference")
    version = request.POST.get("version", "")
    try:
        services.conference_group_remove(
            lead=lead,
            member=member,
            user=user,
            expected_version=int(version) if version.isdecimal() else -1,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{member.child.full_name}'s conference is no longer part of this one: book it on "
            "its own.",
        )
    return redirect("conferences:group", lead.pk)
