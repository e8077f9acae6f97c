"""Reads of case data. Who may see which child is decided in `cases.access` (the one door);
the reads here start from a child the caller already fetched through it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts.models import User
from people.selectors import Criteria, person_matches

from .access import (
    KnownResult,
    Mask,
    child_is_managed_by,
    child_is_writable_by,
    known_to_us,
    may_search_known_to_us,
)
from .family import household_and_responsibility
from .models import Child, CINPlan, ManagementOversight, Referral, ServiceReferral, Visit

# Higher apps add their part of the child's summary (the plan and the next conference; what is
# due, from the stored timescales; open alerts), registered from their AppConfig.ready.
SummarySection = Callable[[Child, User, date], dict]
_SUMMARY_SECTIONS: list[SummarySection] = []


def register_summary_section(section: SummarySection) -> None:
    if section not in _SUMMARY_SECTIONS:
        _SUMMARY_SECTIONS.append(section)


@dataclass(frozen=True)
class DueItem:
    """One timescale pending for a child, as the rules stored it when its records were written."""

    code: str  # the rule ("STATUTORY_VISIT")
    subject: str  # what it is about ("plan:12")
    what: str  # the rule's name, in words
    date: date
    sentence: str  # the rule, said to a social worker
    # The next step that meets it and the form that takes it ("Record a visit", a URL).
    action: str = ""
    url: str = ""


def due_steps(child: Child, today: date, subjects: tuple[str, ...] = ()) -> list[dict]:
    """What is due for this child (or for these subjects of its records: "plan:12"), soonest
    first, each with its next step and whether it is overdue: what the summary and the event
    pages show."""
    return [
        {
            "what": d.what,
            "date": d.date,
            "overdue": d.date < today,
            "action": d.action,
            "url": d.url,
        }
        for d in due_for_child(child)
        if not subjects or d.subject in subjects
    ]


# The rule engine (monitoring) says what is due for a child, registered from its AppConfig.
DueSource = Callable[[Child], list[DueItem]]
_DUE_SOURCES: list[DueSource] = []


def register_due_source(source: DueSource) -> None:
    if source not in _DUE_SOURCES:
        _DUE_SOURCES.append(source)


def due_for_child(child: Child) -> list[DueItem]:
    """Every timescale pending for this child, soonest first: the one source the summary, the
    plan pages and My tasks share. Nothing here works a due date out."""
    items = [item for source in _DUE_SOURCES for item in source(child)]
    return sorted(items, key=lambda d: (d.date, d.code, d.subject))


def child_summary(child: Child, user: User) -> dict:
    """What a manager needs to read in a minute, in a fixed number of queries.

    "Next due" (`due`) is read from the timescales the rules stored for this child
    (monitoring's section): the summary never works a due date out for itself.
    """
    today = timezone.localdate()
    open_referral = (
        Referral.objects.filter(child=child, closure_date__isnull=True)
        .select_related("decided_by")
        .prefetch_related("assessments")
        .order_by("-received_at")
        .first()
    )
    last_visit = Visit.objects.filter(child=child, child_seen=True).order_by("-visit_date").first()
    last_seen_alone = (
        Visit.objects.filter(child=child, seen_alone=True).order_by("-visit_date").first()
    )
    last_oversight = (
        ManagementOversight.objects.filter(child=child)
        .select_related("manager")
        .order_by("-oversight_date", "-pk")
        .first()
    )
    waiting_services = list(
        ServiceReferral.objects.filter(
            child=child, date_started__isnull=True, date_declined__isnull=True
        )
    )
    alerts: list[str] = []
    if child.allocated_worker_id is None:
        alerts.append("The child has no allocated social worker.")
    summary: dict = {
        "cin_plan": CINPlan.objects.filter(child=child, end_date__isnull=True).first(),
        "open_referral": open_referral,
        "last_visit": last_visit,
        "last_seen_alone": last_seen_alone,
        "last_oversight": last_oversight,
        "waiting_services": waiting_services,
        "due": [],
        "open_alerts": [],
        "plan": None,
        "step_down": None,
        "next_conference": None,
        "alerts": alerts,
        "can_edit": child_is_writable_by(user, child),
        "is_manager": child_is_managed_by(user, child),
    }
    summary["due"] = due_steps(child, today)
    # Who the child lives with now, and who has parental responsibility (the person index).
    home = household_and_responsibility(child, today=today)
    mask = Mask(user)
    summary["household"] = home["household"]
    summary["household_people"] = [
        {"person": p, "masked": mask.hides(getattr(p, "child_record", None))}
        for p in home["household_people"]
    ]
    summary["with_pr"] = home["with_pr"]
    for section in _SUMMARY_SECTIONS:
        extra = section(child, user, today)
        alerts.extend(extra.pop("alerts", []))
        summary.update(extra)
    return summary


def known_to_us_search(
    user: User, criteria: Criteria, *, limit: int = 20, at_least: int = 1
) -> list[KnownResult]:
    """ "Known to us?": the person index's matches for `criteria`, best first, each cut to what
    this user may see (`cases.access.known_to_us`). The one selector the search page, the
    registration warning and (embedded with `cases/_known_results.html`) the front door's
    contact page use. Constant queries, whatever the index's size."""
    if not may_search_known_to_us(user):
        return []
    return known_to_us(user, person_matches(criteria, limit=limit, at_least=at_least))
