"""Reads of Family Help records for a user, through the one door (`cases.access`)."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.access import children_for_user
from cases.models import Child
from timescales import rules as timescales

from .models import EarlyHelpAssessment, FamilyHelpPlan, FamilyHelpRequest, StepDown, StepUp


def _teams_of(user: User) -> set[int]:
    teams = set(user.managed_team_ids) if user.is_team_manager else set()
    if user.team_id:
        teams.add(user.team_id)
    return teams


def family_help_reach(user: User) -> Q | None:
    """Registered with `cases.access.register_reach`: the children a user reaches through
    Family Help, besides their own allocations:

    - a step-down, a step-up or a front-door request for Family Help waiting for their team to
      accept it (the receiving team reads the record to decide);
    - a step-down they agreed as manager, for the 12 months in which a re-referral of the child
      is flagged to them.
    """
    if not (user.is_social_worker or user.is_team_manager):
        return None
    teams = _teams_of(user)
    pending = (
        Q(
            pk__in=StepDown.objects.filter(to_team_id__in=teams, accepted_on__isnull=True).values(
                "child_id"
            )
        )
        | Q(
            pk__in=StepUp.objects.filter(to_team_id__in=teams, accepted_on__isnull=True).values(
                "child_id"
            )
        )
        | Q(
            pk__in=FamilyHelpRequest.objects.filter(
                to_team_id__in=teams, accepted_on__isnull=True
            ).values("child_id")
        )
    )
    if not user.is_team_manager:
        return pending
    since = timescales.re_referral_window_start(timezone.localdate())
    agreed = StepDown.objects.filter(agreed_by=user, referral__closure_date__gte=since)
    return pending | Q(pk__in=agreed.values("child_id"))


def assessments_for_child(child: Child) -> QuerySet[EarlyHelpAssessment]:
    return child.early_help_assessments.select_related("recorded_by")


def plans_for_child(child: Child) -> QuerySet[FamilyHelpPlan]:
    return child.family_help_plans.select_related("assessment").prefetch_related("reviews")


def step_downs_for_child(child: Child) -> QuerySet[StepDown]:
    return child.step_downs.select_related("to_team", "agreed_by", "accepted_by", "referral")


def step_ups_for_child(child: Child) -> QuerySet[StepUp]:
    return child.step_ups.select_related("to_team", "requested_by", "accepted_by", "referral")


def requests_for_child(child: Child) -> QuerySet[FamilyHelpRequest]:
    return child.family_help_requests.select_related(
        "to_team", "requested_by", "accepted_by", "contact"
    )


def pending_requests_for(user: User) -> QuerySet[FamilyHelpRequest]:
    """Front-door requests for Family Help waiting for one of this user's teams, in reach."""
    return (
        FamilyHelpRequest.objects.filter(
            to_team_id__in=_teams_of(user),
            accepted_on__isnull=True,
            child__in=children_for_user(user).values("pk"),
        )
        .select_related("child", "to_team", "requested_by", "contact")
        .order_by("requested_at", "pk")
    )


def request_to_accept(user: User, pk: int) -> FamilyHelpRequest:
    """A pending front-door request this user may accept (a manager of the receiving team);
    else 404."""
    request = pending_requests_for(user).filter(pk=pk).first()
    if request is None or not _may_accept_for(user, request.to_team_id):
        raise Http404("No such request")
    return request


def pending_step_downs_for(user: User) -> QuerySet[StepDown]:
    """Step-downs waiting for one of this user's teams to accept them, in their reach."""
    return (
        StepDown.objects.filter(
            to_team_id__in=_teams_of(user),
            accepted_on__isnull=True,
            child__in=children_for_user(user).values("pk"),
        )
        .select_related("child", "to_team", "agreed_by", "referral")
        .order_by("agreed_at", "pk")
    )


def pending_step_ups_for(user: User) -> QuerySet[StepUp]:
    """Step-ups waiting for one of this user's teams to accept them, in their reach."""
    return (
        StepUp.objects.filter(
            to_team_id__in=_teams_of(user),
            accepted_on__isnull=True,
            child__in=children_for_user(user).values("pk"),
        )
        .select_related("child", "to_team", "requested_by")
        .order_by("requested_at", "pk")
    )


def _may_accept_for(user: User, team_id: int) -> bool:
    return user.is_team_manager and team_id in user.managed_team_ids


def step_down_to_accept(user: User, pk: int) -> StepDown:
    """A pending step-down this user may accept (a manager of the receiving team); else 404."""
    step_down = pending_step_downs_for(user).filter(pk=pk).first()
    if step_down is None or not _may_accept_for(user, step_down.to_team_id):
        raise Http404("No such step-down")
    return step_down


def step_up_to_accept(user: User, pk: int) -> StepUp:
    """A pending step-up this user may accept (a manager of the receiving team); else 404."""
    step_up = pending_step_ups_for(user).filter(pk=pk).first()
    if step_up is None or not _may_accept_for(user, step_up.to_team_id):
        raise Http404("No such step-up")
    return step_up


def plans_due_review(user: User, *, by: object = None) -> QuerySet[FamilyHelpPlan]:
    """Open Family Help plans of children this user may open whose review is due by `by`
    (default: today), from the stored due date; soonest first."""
    by = by or timezone.localdate()
    return (
        FamilyHelpPlan.objects.filter(
            end_date__isnull=True,
            next_review_due__lte=by,
            child__in=children_for_user(user).values("pk"),
        )
        .select_related("child")
        .order_by("next_review_due", "pk")
    )
