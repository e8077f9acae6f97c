"""Reads of contacts and multi-agency checks, through the one door (`cases.access`).

A contact is a record of its child: a contact of a child the user may not open does not exist
for them (404 on a page, absent from every list).
"""

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import User
from cases.access import child_is_managed_by, child_is_writable_by, children_for_user
from cases.models import Child
from wirral_cp.dates import day

from .models import AgencyCheck, Contact


def contacts_for_user(user: User) -> QuerySet[Contact]:
    """Contacts of the children this user may open, with what the front door's list shows."""
    return (
        Contact.objects.filter(child__in=children_for_user(user))
        .select_related("child", "child__allocated_team", "decided_by")
        .annotate(
            checks_sent=Count("checks", distinct=True),
            checks_waiting=Count(
                "checks", filter=Q(checks__responded_at__isnull=True), distinct=True
            ),
        )
    )


def get_contact(child: Child, contact_id: int) -> Contact:
    """A contact of this (already access-checked) child, or 404."""
    return get_object_or_404(
        child.contacts.select_related(
            "recorded_by", "decided_by", "acknowledged_by", "outcome_notified_by", "referral"
        ),
        pk=contact_id,
    )


def get_check(child: Child, check_id: int) -> AgencyCheck:
    """A multi-agency check of this (already access-checked) child, or 404."""
    return get_object_or_404(child.agency_checks.select_related("contact"), pk=check_id)


def is_front_door_worker(user: User) -> bool:
    """A social worker of a team marked as the front door (MASH, duty)."""
    return bool(user.is_social_worker and user.team_id and user.team and user.team.front_door)


def may_decide(user: User, child: Child) -> bool:
    """Who decides on a contact: a manager of the child's team, or a front-door worker who may
    change the child's record."""
    if child_is_managed_by(user, child):
        return True
    return is_front_door_worker(user) and child_is_writable_by(user, child)


def child_summary_section(child: Child, user: User, today: date) -> dict[str, Any]:
    """The front door's part of the child's summary: the latest contacts, and one waiting for
    a decision."""
    contacts = list(child.contacts.select_related("decided_by").order_by("-received_at")[:5])
    waiting = [c for c in contacts if not c.decision]
    alerts = [
        f"The contact received {day(c.received_date)} is waiting for a decision "
        f"(due {day(c.decision_due)})."
        for c in waiting
    ]
    return {
        "contacts": contacts,
        "contacts_url": reverse("frontdoor:child-contacts", args=[child.pk]),
        "alerts": alerts,
    }
