"""Reads of case data, always scoped to what the user may see.

`children_for_user` is the single statement of who may see which child; every list, search,
drill-down and export starts from it, and `get_child_for_user` is how a view fetches one child.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import Child


def children_for_user(user: User) -> QuerySet[Child]:
    """Children this user may open.

    - senior managers: every child;
    - social workers: children allocated to them or to their team;
    - team managers: children of the teams they manage (and their own team);
    - IROs: children whose conferences they chair (added with the conferences app);
    - business support and administrators: no case records (conference diary only).
    """
    qs = Child.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_senior_manager:
        return qs
    condition = Q(pk__in=[])
    if user.is_social_worker or user.is_team_manager:
        condition |= Q(allocated_worker=user)
        if user.team_id:
            condition |= Q(allocated_team_id=user.team_id)
    if user.is_team_manager and user.managed_team_ids:
        condition |= Q(allocated_team_id__in=user.managed_team_ids)
    return qs.filter(condition)


def child_is_writable_by(user: User, child: Child) -> bool:
    """Who may change a child's record: the allocated worker, their team, their managers."""
    if not (user.is_social_worker or user.is_team_manager):
        return False
    return (
        child.allocated_worker_id == user.pk
        or (user.team_id is not None and child.allocated_team_id == user.team_id)
        or (user.is_team_manager and child.allocated_team_id in user.managed_team_ids)
    )


def get_child_for_user(user: User, pk: int, *, write: bool = False) -> Child:
    """The child with this pk if the user may see it (and change it, with write=True); else 404."""
    child = (
        children_for_user(user)
        .select_related("allocated_team", "allocated_worker")
        .filter(pk=pk)
        .first()
    )
    if child is None or (write and not child_is_writable_by(user, child)):
        raise Http404("No such child")
    return child
