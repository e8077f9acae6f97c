"""Contributions asked of partner professionals: received in time, by agency.

Whether a contribution was in time is stored when it arrives (documents.ContributionRequest
`in_time`, against the due date stored when it was asked): a plain count. The requests counted
are those due in the period that have arrived or whose due date has passed (one due today and
not yet in is neither met nor missed yet); withdrawn ones are not counted.
"""

from django.db.models import Q
from django.utils import timezone

from cases.codes.agency import Agency
from documents.models import PROFESSION_AGENCY, ContributionRequest

from .base import Card, figure, population

AGENCIES = sorted(set(PROFESSION_AGENCY.values()), key=lambda a: Agency(a).label)

population(
    "contributions_due",
    kind="contribution",
    query=lambda m: ContributionRequest.objects.filter(
        Q(received_at__isnull=False) | Q(due_date__lt=timezone.localdate()),
        m.scope.children("child__", on="due_date"),
        cancelled_at__isnull=True,
        due_date__gte=m.start,
        due_date__lte=m.end,
    ),
    on="due_date",
)
population("contributions_in_time", of="contributions_due", where=Q(in_time=True))
figure(
    "contributions_in_time",
    "Contributions from partner agencies received in time",
    "contributions_in_time",
    of="contributions_due",
    card=Card("multi", 80, "Partner contributions received in time"),
)
for position, agency in enumerate(AGENCIES, start=1):
    label = Agency(agency).label
    population(f"contributions_due_{agency}", of="contributions_due", where=Q(agency=agency))
    population(
        f"contributions_in_time_{agency}",
        of=f"contributions_due_{agency}",
        where=Q(in_time=True),
    )
    figure(
        f"contributions_in_time_{agency}",
        f"Contributions from {label.lower()} received in time",
        f"contributions_in_time_{agency}",
        of=f"contributions_due_{agency}",
        card=Card("multi", 80 + position, f"{label}: contributions in time"),
    )
