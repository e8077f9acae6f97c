"""Multi-agency (MASH) checks: answered within the local target for their urgency, by agency.

A check counts in the period its answer was due (its stored due time, from the urgency's local
target when it was sent); it was answered in time when the response came at or before then.
A check still unanswered once its time has passed counts as not in time.
"""

from django.db.models import F, Q

from frontdoor.models import AgencyCheck, CheckAgency

from .base import Card, figure, population

population(
    "agency_checks_due",
    kind="agency_check",
    query=lambda m: AgencyCheck.objects.filter(
        m.scope.children("child__", on="due_at", moment=True),
        due_at__gte=m.start_at,
        due_at__lt=m.end_at,
    ),
    on="due_at",
    on_moment=True,
)
IN_TIME = Q(responded_at__isnull=False, responded_at__lte=F("due_at"))
population("agency_checks_in_time", of="agency_checks_due", where=IN_TIME)

figure(
    "agency_checks_in_time",
    "Multi-agency checks answered within their target",
    "agency_checks_in_time",
    of="agency_checks_due",
    card=Card("multi", 92, "Agency checks answered in time", note="check"),
)

for _position, (_agency, _label) in enumerate(CheckAgency.choices, start=93):
    population(f"agency_checks_due_{_agency}", of="agency_checks_due", where=Q(agency=_agency))
    population(
        f"agency_checks_in_time_{_agency}",
        of=f"agency_checks_due_{_agency}",
        where=IN_TIME,
    )
    figure(
        f"agency_checks_in_time_{_agency}",
        f"{_label} checks answered within their target",
        f"agency_checks_in_time_{_agency}",
        of=f"agency_checks_due_{_agency}",
        card=Card("multi", _position, f"{_label} checks answered in time", note="check"),
    )
