"""Children who go missing: missing episodes, and return home interviews offered in time.

72 hours is clock hours from the return (statutory guidance), not working days: an offer made
at or before the return plus 72 hours is in time, whatever the weekend or a bank holiday.
"""

from datetime import timedelta

from django.db.models import F, Q

from cases.models import MissingEpisode
from timescales import rules as timescales

from .base import Card, Column, figure, population

population(
    "missing_episodes",
    kind="missing",
    query=lambda m: MissingEpisode.objects.filter(
        m.scope.children("child__", on="started_at", moment=True),
        started_at__gte=m.start_at,
        started_at__lt=m.end_at,
    ),
    # A team's figures: the team the child was allocated to when they went missing.
    on="started_at",
    on_moment=True,
)
population(
    "missing_returns",
    kind="missing",
    query=lambda m: MissingEpisode.objects.filter(
        m.scope.children("child__", on="ended_at", moment=True),
        ended_at__gte=m.start_at,
        ended_at__lt=m.end_at,
    ),
    on="ended_at",
    on_moment=True,
)
population(
    "return_interviews_in_time",
    of="missing_returns",
    where=Q(
        return_interview_offered_at__isnull=False,
        return_interview_offered_at__lte=F("ended_at")
        + timedelta(hours=timescales.RETURN_INTERVIEW_HOURS),
    ),
)

figure(
    "missing_episodes",
    "Missing episodes started",
    "missing_episodes",
    card=Card("multi", 80, "Missing episodes started"),
    column=Column(65, "Missing episodes"),
)
figure(
    "return_interviews_in_time",
    "Returns from missing with a return home interview offered within 72 hours",
    "return_interviews_in_time",
    of="missing_returns",
    card=Card("multi", 90, "Return home interviews offered in time"),
    column=Column(66, "Return interviews in time %"),
)
