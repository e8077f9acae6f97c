"""Stored timeliness of statutory visits and core groups: each one's due date and whether it
was met, worked out once here and read by every page and figure (like an alert's due date).

A visit where the child was seen while on a plan (whatever the visit was typed) is due within
the working days the child's conference set, or the local default, of the later of the child's
last visit with the child seen and the start of the plan (timescales.rules.statutory_visit_due);
a core group within the local number of working days of the plan's start
(the first) or weeks of the last one (timescales.rules.core_group_due). Recording, changing or
deleting a visit, a core group or a plan changes what the *next* one was due by, so the child's
records are worked out again together, after the change commits (the per-child scan), and all
of them when the local timescales or the calendar change (the nightly scan).
"""

import bisect
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from django.db import router
from django.db.models import Model, QuerySet

from audit import versions as data_version
from cases.models import Visit
from timescales import rules as timescales
from timescales.models import LocalPolicy
from wirral_cp.bulk import set_columns

from .models import ChildProtectionPlan, CoreGroupMeeting

BATCH = 2000
M = TypeVar("M", bound=Model)


def _scoped(qs: QuerySet[M], child_ids: frozenset[int] | None, field: str) -> QuerySet[M]:
    return qs if child_ids is None else qs.filter(**{f"{field}__in": child_ids})


def refresh_visits(
    child_ids: Iterable[int] | None = None, policy: LocalPolicy | None = None
) -> int:
    """Store each visit's due date and whether it was in timescale; returns how many visits
    changed. A visit counts when the child was seen (whatever its type) while on a plan; the
    rest keep neither. Only visits whose stored values differ are written."""
    policy = policy or LocalPolicy.current()
    scope = frozenset(child_ids) if child_ids is not None else None
    plans: dict[int, list[tuple[date, date | None, int | None]]] = {}
    for child_id, started, ended, every in (
        _scoped(ChildProtectionPlan.objects.all(), scope, "child_id")
        .order_by("child_id", "start_date")
        .values_list("child_id", "start_date", "end_date", "visit_working_days")
    ):
        plans.setdefault(child_id, []).append((started, ended, every))
    rows = (
        _scoped(Visit.objects.all(), scope, "child_id")
        .order_by("child_id", "visit_date", "pk")
        .values_list("pk", "child_id", "visit_date", "child_seen", "due_date", "in_timescale")
    )
    due_after: dict[tuple[date, date | None, int | None], date | None] = {}
    changed: list[tuple[int, date | None, bool | None]] = []
    child, previous = None, None
    for pk, child_id, visited, seen, stored_due, stored_met in rows.iterator(chunk_size=BATCH):
        if child_id != child:
            child, previous = child_id, None
        due = None
        plan = _plan_on(plans.get(child_id, []), visited) if seen else None
        if plan is not None:
            started, _, every = plan
            key = (started, previous, every)
            if key not in due_after:
                due_after[key] = timescales.statutory_visit_due(started, previous, policy, every)
            due = due_after[key]
        met = None if due is None else visited <= due
        if (due, met) != (stored_due, stored_met):
            changed.append((pk, due, met))
        if seen:
            previous = visited
    _store(Visit, changed)
    return len(changed)


def _plan_on(
    plans: list[tuple[date, date | None, int | None]], day: date
) -> tuple[date, date | None, int | None] | None:
    """The plan (start, end, visit frequency) the child was on that day, if any."""
    position = bisect.bisect_right([started for started, _, _ in plans], day)
    if not position:
        return None
    plan = plans[position - 1]
    ended = plan[1]
    return plan if ended is None or day <= ended else None


def refresh_core_groups(
    child_ids: Iterable[int] | None = None, policy: LocalPolicy | None = None
) -> int:
    """Store each core group's due date and whether it was held in timescale; returns how many
    changed."""
    policy = policy or LocalPolicy.current()
    scope = frozenset(child_ids) if child_ids is not None else None
    rows = (
        _scoped(CoreGroupMeeting.objects.all(), scope, "plan__child_id")
        .order_by("plan_id", "meeting_date", "pk")
        .values_list(
            "pk", "plan_id", "plan__start_date", "meeting_date", "due_date", "in_timescale"
        )
    )
    changed: list[tuple[int, date | None, bool | None]] = []
    plan, previous = None, None
    for pk, plan_id, plan_start, held, stored_due, stored_met in rows.iterator(chunk_size=BATCH):
        if plan_id != plan:
            plan, previous = plan_id, None
        due = timescales.core_group_due(plan_start, previous, policy)
        met = held <= due
        if (due, met) != (stored_due, stored_met):
            changed.append((pk, due, met))
        previous = held
    _store(CoreGroupMeeting, changed)
    return len(changed)


def _store(model: type[Model], rows: list[tuple[int, date | None, bool | None]]) -> None:
    """Write (pk, due_date, in_timescale) rows, in bulk (`wirral_cp.bulk.set_columns`)."""
    if not rows:
        return
    alias = router.db_for_write(model)
    data_version.bump(alias)  # written in bulk, past the signals
    set_columns(model, ["due_date", "in_timescale"], rows, using=alias)


def refresh_timeliness(
    child_ids: Iterable[int] | None = None, policy: LocalPolicy | None = None
) -> int:
    """Both, for the children given (or every child)."""
    child_ids = list(child_ids) if child_ids is not None else None
    return refresh_visits(child_ids, policy) + refresh_core_groups(child_ids, policy)
