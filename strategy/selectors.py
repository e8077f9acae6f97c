"""Reads of strategy discussions and section 47 enquiries, scoped to what the user may see."""

from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from cases.access import child_is_writable_by, children_for_user
from cases.models import Child

from .models import Compliance, Section47, Section47QuerySet, StrategyDiscussion


def discussions_for_user(user: User) -> QuerySet[StrategyDiscussion]:
    return (
        StrategyDiscussion.objects.filter(child__in=children_for_user(user))
        .with_participation()
        .select_related("child", "chair", "child__allocated_team", "child__allocated_worker")
    )


def section47s_for_user(user: User) -> Section47QuerySet:
    return Section47.objects.filter(child__in=children_for_user(user)).select_related(
        "child", "child__allocated_worker", "child__allocated_team", "manager_agreed_by"
    )


def get_discussion(child: Child, discussion_id: int) -> StrategyDiscussion:
    """A discussion of this (already access-checked) child, or 404."""
    return get_object_or_404(
        child.strategy_discussions.select_related("chair", "referral", "follows_enquiry"),
        pk=discussion_id,
    )


def get_section47(child: Child, enquiry_id: int) -> Section47:
    return get_object_or_404(
        child.section47s.select_related(
            "strategy_discussion", "referral", "manager_agreed_by", "icpc_requested_by"
        ),
        pk=enquiry_id,
    )


def compliance_of(discussion: StrategyDiscussion) -> Compliance:
    """From the queryset annotations when present (lists), else from the participants."""
    if hasattr(discussion, "has_health"):
        return Compliance(
            # The list's queryset annotations, which the stubs cannot see.
            social_care=discussion.has_social_care,  # type: ignore[attr-defined]
            police=discussion.has_police,  # type: ignore[attr-defined]
            health=discussion.has_health,
        )
    return Compliance.of(list(discussion.participants.all()))


def discussions_in_period(user: User, start: date, end: date) -> QuerySet[StrategyDiscussion]:
    return discussions_for_user(user).filter(held_at__date__gte=start, held_at__date__lte=end)


def possible_siblings(user: User, child: Child) -> QuerySet[Child]:
    """Children the user may record for who look like this child's siblings and have an
    open referral: same surname, or same first address line and postcode."""
    same_family = Q(last_name__iexact=child.last_name)
    if child.address_line_1 and child.postcode:
        same_family |= Q(address_line_1__iexact=child.address_line_1, postcode=child.postcode)
    candidates = (
        children_for_user(user)
        .filter(same_family, referrals__closure_date__isnull=True)
        .exclude(pk=child.pk)
        .distinct()
    )
    writable = [c.pk for c in candidates if child_is_writable_by(user, c)]
    return Child.objects.filter(pk__in=writable)
