"""Which scope a user may look at: the one access rule for dashboards, JSON and drill-downs."""

from datetime import date, timedelta

from django.http import Http404, QueryDict
from django.utils import timezone

from accounts.models import Role, Team, User

from .measures import Scope


class BadPeriod(ValueError):
    pass


def period_from(params: QueryDict) -> tuple[date, date, date]:
    """`from`, `to` and `as_of` from the query string; the last 3 months by default."""
    today = timezone.localdate()
    try:
        end = date.fromisoformat(params["to"]) if params.get("to") else today
        start = (
            date.fromisoformat(params["from"]) if params.get("from") else end - timedelta(days=91)
        )
        as_of = date.fromisoformat(params["as_of"]) if params.get("as_of") else end
    except ValueError as error:
        raise BadPeriod("Dates must look like 2026-11-26.") from error
    if end < start:
        raise BadPeriod("The end of the period must not be before its start.")
    if (end - start).days > 3 * 366:
        raise BadPeriod("Choose a period of at most three years.")
    return start, end, as_of


def scope_for(user: User, params: QueryDict, *, default: str | None = None) -> Scope:
    """The scope asked for, if this user may see it; otherwise 404.

    Senior managers: the authority, any team or any IRO. Team managers: the teams they manage
    (one or all of them). IROs: their own conferences. Whatever the scope, the rows a
    drill-down lists still pass through `cases.access` (`in_reach`, `Mask`).
    """
    if params.get("team"):
        try:
            ids = tuple(sorted({int(t) for t in params["team"].split(",")}))
        except ValueError as error:
            raise Http404("No such team") from error
        allowed = user.is_senior_manager or (
            user.is_team_manager and set(ids) <= set(user.managed_team_ids)
        )
        teams = list(Team.objects.filter(pk__in=ids))
        if not allowed or len(teams) != len(ids):
            raise Http404("No such team")
        return Scope("team", ", ".join(t.name for t in teams), ids)
    if params.get("iro"):
        try:
            iro = User.objects.get(pk=int(params["iro"]), groups__name=Role.IRO)
        except (ValueError, User.DoesNotExist) as error:
            raise Http404("No such IRO") from error
        # An IRO's figures are about the children they chair for, across teams: a team
        # manager's reach is their teams, so only the IRO and senior managers see them.
        if not (user.is_senior_manager or user.pk == iro.pk):
            raise Http404("No such IRO")
        return Scope.of_iro(iro)
    kind = default or (
        "authority"
        if user.is_senior_manager
        else "team"
        if user.is_team_manager
        else "iro"
        if user.is_iro
        else None
    )
    if kind == "authority" and user.is_senior_manager:
        return Scope.authority()
    if kind == "team" and user.is_team_manager and user.managed_team_ids:
        ids = tuple(sorted(user.managed_team_ids))
        names = ", ".join(Team.objects.filter(pk__in=ids).values_list("name", flat=True))
        return Scope("team", names, ids)
    if kind == "iro" and user.is_iro:
        return Scope.of_iro(user)
    raise Http404("No dashboard for this user")
