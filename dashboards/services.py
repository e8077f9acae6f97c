"""The dashboards' figures kept ahead of anyone asking (the beat schedule runs it)."""

from django.http import QueryDict

from accounts.models import Role, Team, User

from .measures import Measures, Scope, shown
from .selectors import period_from


def keep_figures(*, teams: bool = True, iros: bool = True) -> int:
    """Work out and keep, for the default period (the last three months to today), the figures
    of the authority (the service dashboard's, by team, and the metrics JSON's), with `teams`
    of each team's dashboard and with `iros` of each IRO's, where those kept are not the
    current data version's. Run after the nightly scan and every few minutes in the working
    day (the beat schedule), so that a look at a dashboard finds its figures kept, or at most
    minutes old, rather than waiting for them to be worked out. Returns how many scopes it
    worked out."""
    start, end, as_of = period_from(QueryDict())
    scopes = [(Scope.authority(), True), (Scope.authority(), False)]
    if teams:
        scopes += [
            (Scope("team", name, (pk,)), False)
            for pk, name in Team.objects.order_by("pk").values_list("pk", "name")
        ]
    if iros:
        scopes += [
            (Scope.of_iro(iro), False)
            for iro in User.objects.filter(groups__name=Role.IRO, is_active=True).order_by("pk")
        ]
    worked_out = 0
    for scope, by_team in scopes:
        measures = Measures(scope, start, end, as_of, by_team=by_team)
        if measures.restore() or measures.version is None:
            continue  # kept at the current version already (or nothing can be kept)
        shown(measures)
        measures.keep()
        worked_out += 1
    return worked_out
