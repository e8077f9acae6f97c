"""Alerts: the timescale breaches still open."""

from monitoring.models import Alert

from .base import Column, figure, population


def _open_alerts(m):
    qs = Alert.objects.active().filter(status__in=["open", "acknowledged"])
    if m.scope.kind == "team":
        return qs.filter(responsible_team_id__in=m.scope.team_ids)
    if m.scope.kind == "iro":
        return qs.filter(responsible_iro_id=m.scope.iro_id)
    return qs


# By team, an alert is its responsible team's (as the alerts pages count it).
population("open_alerts", kind="alert", query=_open_alerts, team_key="responsible_team_id")

# Its figure heads the alerts section, beside the breakdowns by rule and by worker.
figure("open_alerts", "Open alerts", "open_alerts", column=Column(70, "Open alerts"))
