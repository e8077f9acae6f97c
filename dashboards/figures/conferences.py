"""Conferences: initial conferences and their timeliness, who took part, reviews, reports."""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from conferences.models import (
    INITIAL_TYPES,
    Conference,
    ConferenceParticipant,
    ConferenceStatus,
    ConferenceType,
    LateReason,
    shared_participants,
)
from conferences.reports_shared import reports_first_shared
from people.models import Kind
from people.models import Relationship as Link
from timescales import rules as timescales
from timescales.models import LocalPolicy

from .base import Card, Column, figure, population

TOOK_PART = ["attended", "sent_report"]


def _with(**participant) -> Q:
    # A sibling-group conference's participants are its lead's: one list for the group.
    return Q(Exists(shared_participants().filter(**participant)))


population(
    "conferences_held",
    kind="conference",
    query=lambda m: Conference.objects.filter(
        m.scope.conferences(),
        status=ConferenceStatus.HELD,
        held_on__gte=m.start,
        held_on__lte=m.end,
    ),
    on="held_on",
)
population("icpcs_held", of="conferences_held", where=Q(conference_type__in=INITIAL_TYPES))
population("icpcs_in_timescale", of="icpcs_held", where=Q(held_on__lte=F("target_date")))
population("icpcs_late", of="icpcs_held", where=Q(held_on__gt=F("target_date")))


def _icpcs_late_by_day_18(m) -> list[int]:
    return [
        pk
        for pk, held, target in m.population("icpcs_late").values_list(
            "pk", "held_on", "target_date"
        )
        if held <= timescales.icpc_day_18(target)
    ]


population("icpcs_late_by_day_18", kind="conference", model=Conference, ids=_icpcs_late_by_day_18)
# Why late ICPCs were late, one population per reason on the local list (and those with no
# reason: imported from a census return, or held before the reason was asked for).
for _code, _label in [*LateReason.choices, ("", "No reason recorded")]:
    population(
        f"icpcs_late_reason_{_code or 'none'}", of="icpcs_late", where=Q(late_reason_code=_code)
    )
population("icpcs_with_police", of="icpcs_held", where=_with(agency="police", status__in=TOOK_PART))
population(
    "icpcs_with_health_attendee", of="icpcs_held", where=_with(agency="health", status="attended")
)
population(
    "icpcs_health_knew_child",
    of="icpcs_held",
    where=_with(agency="health", status="attended", knows_child=True),
)
# Fathers not living with the child (as the family page records them), and whether the ICPC
# invited them: the father chosen as a participant of the conference (never a name).
_absent_fathers = Link.objects.filter(
    relative_id=OuterRef("child__person_id"), kind=Kind.FATHER, lives_with=False
)
population("icpcs_with_absent_father", of="icpcs_held", where=Q(Exists(_absent_fathers)))
population(
    "icpcs_absent_father_invited",
    of="icpcs_with_absent_father",
    where=Q(
        Exists(
            _absent_fathers.filter(
                Exists(
                    ConferenceParticipant.objects.filter(
                        # A sibling-group conference's invitations are on its lead.
                        conference_id=Coalesce(
                            OuterRef(OuterRef("group_lead_id")), OuterRef(OuterRef("pk"))
                        ),
                        person_id=OuterRef("person_id"),
                    )
                )
            )
        )
    ),
)
population("reviews_held", of="conferences_held", where=Q(conference_type=ConferenceType.REVIEW))
# A review imported from a census return whose plan's earlier reviews are not in it has no
# known target: it is neither in time nor late.
population("reviews_with_target", of="reviews_held", where=Q(target_date__isnull=False))
population("reviews_in_timescale", of="reviews_with_target", where=Q(held_on__lte=F("target_date")))


def _reports_shared_in_advance(m) -> list[int]:
    """Held conferences whose reports were shared with a parent in advance: read from the
    documents (conferences/reports_shared.py), judged by the local timescale."""
    conferences = m.population("conferences_held")
    held = dict(conferences.values_list("pk", "held_on"))
    first = reports_first_shared(conferences.values("pk"))
    # Once, not from the cache for each conference (and not at all with nothing shared: the
    # first read of a new database writes the policy's row, which would forget kept figures).
    policy = LocalPolicy.current() if first else None
    return [
        pk
        for pk, day in first.items()
        if timescales.reports_shared_in_advance(day, held[pk], policy)
    ]


population(
    "reports_shared_in_advance", kind="conference", model=Conference, ids=_reports_shared_in_advance
)

figure(
    "icpc_held",
    "Initial conferences held",
    "icpcs_held",
    card=Card("icpc", 10, "ICPCs held"),
    column=Column(10, "ICPCs held"),
)
figure(
    "icpc_in_timescale",
    "ICPCs within 15 working days",
    "icpcs_in_timescale",
    of="icpcs_held",
    json=("count", "pct"),
    card=Card("icpc", 20, "Within 15 working days", note="conference"),
    column=Column(20, "ICPCs in timescale %"),
)
figure("icpc_late", "ICPCs after 15 working days", "icpcs_late", json=())
figure(
    "icpc_late_by_day_18",
    "Late ICPCs held by day 18",
    "icpcs_late_by_day_18",
    card=Card("icpc", 30, "Late, but held by working day 18"),
)
for _position, (_code, _label) in enumerate(
    [*LateReason.choices, ("", "No reason recorded")], start=31
):
    figure(
        f"icpc_late_reason_{_code or 'none'}",
        f"Late ICPCs: {_label.lower() if _code else 'no reason recorded'}",
        f"icpcs_late_reason_{_code or 'none'}",
        card=Card("icpc_late", _position, f"Late: {_label.lower()}" if _code else _label),
    )
figure(
    "icpc_with_police",
    "ICPCs with police",
    "icpcs_with_police",
    of="icpcs_held",
    card=Card("icpc", 40, "ICPCs with police"),
)
figure(
    "icpc_health_knew_child",
    "ICPCs where the health attendee knew the child",
    "icpcs_health_knew_child",
    of="icpcs_with_health_attendee",
    card=Card("icpc", 50, "Health attendee knew the child"),
)
figure(
    "icpc_absent_father_invited",
    "ICPCs that invited a father not living with the child",
    "icpcs_absent_father_invited",
    of="icpcs_with_absent_father",
    json=("count", "pct"),
    card=Card("icpc", 60, "Fathers not living with the child invited"),
)
figure(
    "reports_shared_in_advance",
    "Conferences with reports shared in advance",
    "reports_shared_in_advance",
    of="conferences_held",
    card=Card("icpc", 70, "Reports shared with parents in advance"),
)
figure("reviews_held", "Review conferences held", "reviews_held")
figure(
    "reviews_in_timescale",
    "Reviews in timescale",
    "reviews_in_timescale",
    of="reviews_with_target",
    card=Card("multi", 40, "Reviews in timescale"),
    column=Column(60, "Reviews in timescale %"),
)
figure("conferences_held", "Conferences held", "conferences_held")

# Transfer-in conferences (a child on another authority's plan moved here): held by the target
# stored when the notification was recorded (15 working days from it).
population(
    "transfer_ins_held",
    of="conferences_held",
    where=Q(conference_type=ConferenceType.TRANSFER_IN),
)
population(
    "transfer_ins_in_timescale", of="transfer_ins_held", where=Q(held_on__lte=F("target_date"))
)
figure("transfer_in_held", "Transfer-in conferences held", "transfer_ins_held")
figure(
    "transfer_in_in_timescale",
    "Transfer-in conferences within 15 working days of the notification",
    "transfer_ins_in_timescale",
    of="transfer_ins_held",
    json=("count", "pct"),
    card=Card("icpc", 90, "Transfer-in conferences within 15 working days", note="conference"),
)
