"""Reads for referrals (CIN episodes), assessments, child in need plans, allocation and caseloads.

Every function takes a child already fetched through `get_child_for_user` (or a user, for
caseloads) and runs a fixed number of queries whatever the size of the record.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, Team, User
from timescales.rules import (
    is_re_referral,
    is_re_referral_after_closure,
    re_referral_window_start,
)

from .codes.assessment_factor import AssessmentFactor
from .models import Allocation, Assessment, Child, CINPlan, Referral


def rereferral_window_start(referral_date: date) -> date:
    """Re-referral rule: one place for it, timescales.rules (used by alerts and dashboards)."""
    return re_referral_window_start(referral_date)


def _earlier(referral: Referral, episodes: list[Referral]) -> list[Referral]:
    return [e for e in episodes if e.pk != referral.pk and e.received_at < referral.received_at]


def rereferral_of(referral: Referral, episodes: list[Referral]) -> Referral | None:
    """The DfE re-referral: the child's latest referral before this one when it was within
    12 months of it (whatever became of it), or None."""
    previous = max(_earlier(referral, episodes), key=lambda e: e.received_at, default=None)
    if previous and is_re_referral(referral.referral_date, [previous.referral_date]):
        return previous
    return None


def after_closure_of(referral: Referral, episodes: list[Referral]) -> Referral | None:
    """The local measure: the latest earlier episode that closed (or stepped down to early
    help) within 12 months before this referral, or None."""
    closed = [
        e
        for e in _earlier(referral, episodes)
        if e.closure_date and is_re_referral_after_closure(referral.referral_date, [e.closure_date])
    ]
    return max(closed, key=lambda e: (e.closure_date, e.received_at), default=None)


def _mark_rereferral(referral: Referral, episodes: list[Referral]) -> None:
    referral.rereferral_of = rereferral_of(referral, episodes)
    referral.after_closure_of = after_closure_of(referral, episodes)


def _assessments_prefetch() -> Prefetch:
    return Prefetch(
        "assessments",
        queryset=Assessment.objects.select_related("authorised_by").order_by("-start_date", "-pk"),
    )


def _label_factors(assessments) -> None:
    labels = dict(AssessmentFactor.choices)
    for assessment in assessments:
        assessment.factor_labels = [labels.get(code, code) for code in assessment.factors or []]


def referrals_for_child(child: Child) -> list[Referral]:
    """The child's episodes, newest first, each with its assessments, its child in need plans
    `rereferral_of` (the referral before it, when within 12 months: the DfE re-referral) and
    `after_closure_of` (an earlier episode closed within 12 months before it: the local
    measure). Three queries in all."""
    episodes = list(
        Referral.objects.filter(child=child)
        .select_related("decided_by")
        .prefetch_related(_assessments_prefetch(), "cin_plans")
        .order_by("-received_at", "-pk")
    )
    for episode in episodes:
        _mark_rereferral(episode, episodes)
        _label_factors(episode.assessments.all())
    return episodes


def referral_for_child(child: Child, referral_id: int) -> Referral:
    """One episode of this child (404 if it belongs to another), with its assessments, its child
    in need plans, `rereferral_of` and `after_closure_of` (as `referrals_for_child`, worked out
    from one query of the child's episodes of the 12 months before it)."""
    referral = get_object_or_404(
        Referral.objects.filter(child=child)
        .select_related("decided_by", "created_by")
        .prefetch_related(_assessments_prefetch(), "cin_plans"),
        pk=referral_id,
    )
    window = re_referral_window_start(referral.referral_date)
    window_at = timezone.make_aware(datetime.combine(window, time.min))
    earlier = list(
        Referral.objects.filter(child=child, received_at__lt=referral.received_at)
        .filter(Q(received_at__gte=window_at) | Q(closure_date__gte=window))
        .exclude(pk=referral.pk)
    )
    _mark_rereferral(referral, earlier)
    _label_factors(referral.assessments.all())
    return referral


def open_referral(child: Child) -> Referral | None:
    return Referral.objects.filter(child=child).open().order_by("-received_at").first()


def assessment_for_child(child: Child, assessment_id: int) -> Assessment:
    """One assessment of this child (404 otherwise), with its episode."""
    assessment = get_object_or_404(
        Assessment.objects.filter(child=child).select_related("referral", "authorised_by"),
        pk=assessment_id,
    )
    _label_factors([assessment])
    return assessment


def cin_plans_for_child(child: Child) -> list[CINPlan]:
    """The child's child in need plans, newest first, each with its episode: one query."""
    return list(
        CINPlan.objects.filter(child=child)
        .select_related("referral")
        .order_by("-start_date", "-pk")
    )


def cin_plan_for_child(child: Child, plan_id: int) -> CINPlan:
    """One child in need plan of this child (404 if it belongs to another), with its episode."""
    return get_object_or_404(
        CINPlan.objects.filter(child=child).select_related("referral"), pk=plan_id
    )


def allocation_history(child: Child) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(child=child)
        .select_related("team", "worker", "allocated_by")
        .order_by("-start_date", "-pk")
    )


# --- Caseloads --------------------------------------------------------------------------------


def caseload_teams(user: User) -> QuerySet[Team] | None:
    """Teams whose caseloads this user may see: all for senior managers, the teams they manage
    for team managers; None for everyone else."""
    if user.is_senior_manager:
        return Team.objects.all()
    if user.is_team_manager and user.managed_team_ids:
        return Team.objects.filter(pk__in=user.managed_team_ids)
    return None


@dataclass
class TeamCaseload:
    team: Team
    workers: list[User]
    children: int
    open_episodes: int
    team_only: int


def team_caseloads(teams: QuerySet[Team]) -> list[TeamCaseload]:
    """Each social worker in `teams` with the number of children allocated to them in that team
    and how many of those have an open episode: one aggregate query for the workers, and one for
    the teams (with the children allocated to the team but to no worker)."""
    in_team = Q(allocated_children__allocated_team_id=F("team_id"))
    open_episode = (
        in_team
        & Q(allocated_children__referrals__pk__isnull=False)
        & Q(allocated_children__referrals__closure_date__isnull=True)
    )
    workers = (
        User.objects.filter(team__in=teams, groups__name=Role.SOCIAL_WORKER)
        .annotate(
            children_count=Count("allocated_children", filter=in_team, distinct=True),
            open_count=Count("allocated_children", filter=open_episode, distinct=True),
        )
        .order_by("team__name", "last_name", "first_name", "username")
    )
    by_team: dict[int, list[User]] = {}
    for worker in workers:
        by_team.setdefault(worker.team_id, []).append(worker)
    result = []
    teams = teams.annotate(
        team_only=Count("children", filter=Q(children__allocated_worker__isnull=True))
    ).order_by("name")
    for team in teams:
        members = by_team.get(team.pk, [])
        result.append(
            TeamCaseload(
                team=team,
                workers=members,
                children=sum(w.children_count for w in members),
                open_episodes=sum(w.open_count for w in members),
                team_only=team.team_only,
            )
        )
    return result
