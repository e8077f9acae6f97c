"""Statutory visits to children on a plan: in timescale, and the child seen alone."""

from django.db.models import Q

from cases.models import Visit

from .base import Card, figure, population

population(
    "statutory_visits",
    kind="visit",
    query=lambda m: Visit.objects.statutory().filter(
        m.scope.children("child__", on="visit_date"),
        visit_date__gte=m.start,
        visit_date__lte=m.end,
    ),
    on="visit_date",
)
population("visits_seen_alone", of="statutory_visits", where=Q(seen_alone=True))


# Each visit's timeliness is stored when it is recorded (conferences.timeliness): a plain count.
population("visits_in_timescale", of="statutory_visits", where=Q(in_timescale=True))

figure(
    "statutory_visits",
    "Statutory visits (child seen)",
    "statutory_visits",
)
figure(
    "visits_in_timescale",
    "Statutory visits in timescale",
    "visits_in_timescale",
    of="statutory_visits",
    card=Card("multi", 60, "Statutory visits in timescale"),
)
figure(
    "visits_seen_alone",
    "Statutory visits, child seen alone",
    "visits_seen_alone",
    of="statutory_visits",
    card=Card("multi", 70, "Visits with the child seen alone"),
)
