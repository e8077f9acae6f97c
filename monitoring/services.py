"""The scan: run every rule, store each finding once, resolve what no longer holds."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import User
from audit import versions as data_version
from cases.models import Child
from conferences.timeliness import refresh_timeliness
from timescales.models import LocalPolicy
from timescales.rules import Standing, timeliness_fingerprint

from .models import PENDING_STATUSES, Alert, AlertStatus, ScanMark
from .rules import RULES, RULES_BY_CODE, Finding, Rule, ScanContext


@dataclass(frozen=True)
class Classified:
    finding: Finding
    status: str
    days_overdue: int


def classify(
    finding: Finding,
    rule: Rule,
    as_of: date,
    policy: LocalPolicy,
    standings: dict[date, tuple[str, int]] | None = None,
) -> Classified:
    """Overdue, due soon, or not yet due (stored all the same: it is what the child's record
    shows as next due). `standings`: each due date's status and days, for one scan's day and
    policy (a scan classifies a hundred thousand findings from a few thousand due dates)."""
    if rule.immediate:
        return Classified(finding, AlertStatus.OPEN, 0)
    due = finding.due_date
    known = standings.get(due) if standings is not None and due is not None else None
    if known is None:
        known = _standing(due, as_of, policy)
        if standings is not None and due is not None:
            standings[due] = known
    return Classified(finding, *known)


def _standing(due, as_of: date, policy: LocalPolicy) -> tuple[str, int]:
    standing = Standing(due, as_of, policy)
    if standing.kind == Standing.OVERDUE:
        return AlertStatus.OPEN, max(-standing.left, 1)
    if standing.kind == Standing.DUE_SOON:
        return AlertStatus.DUE_SOON, -standing.left
    return AlertStatus.UPCOMING, -standing.left


def findings(
    *, as_of: date, child_ids: Iterable[int] | None = None, rules: Iterable[Rule] = RULES
) -> list[Classified]:
    policy = LocalPolicy.current()
    ctx = ScanContext(
        as_of=as_of,
        policy=policy,
        child_ids=frozenset(child_ids) if child_ids is not None else None,
    )
    results = []
    standings: dict[date, tuple[str, int]] = {}
    for rule in rules:
        if ctx.child_ids is not None and not rule.per_child:
            continue
        for finding in rule.find(ctx):
            results.append(classify(finding, rule, as_of, policy, standings))
    return results


TIMELINESS_MARK = "timeliness_fingerprint"


def refresh_stored_timeliness(child_ids: list[int] | None = None) -> int:
    """The stored due dates of visits and core groups, for the children just written to; in a
    whole scan, for every child but only when the local timescales or the calendar changed
    since they were last worked out (it does not change with the date)."""
    if child_ids is not None:
        return refresh_timeliness(child_ids)
    policy = LocalPolicy.current()
    fingerprint = timeliness_fingerprint(policy)
    mark = ScanMark.objects.filter(name=TIMELINESS_MARK).first()
    if mark is not None and mark.value == fingerprint:
        return 0
    changed = refresh_timeliness(policy=policy)
    ScanMark.objects.update_or_create(name=TIMELINESS_MARK, defaults={"value": fingerprint})
    return changed


@dataclass
class ScanResult:
    found: list[Classified]
    created: int
    updated: int
    resolved: int


# Rows written per statement and per transaction: a user's acknowledgement waits at most for one
# batch, never for the whole run.
BATCH_SIZE = 500

# The columns of a pending alert the scan compares and writes.
_FACTS = ("status", "due_date", "evidence", "worker", "team", "iro")
_NO_OWNER = (None, None)
_held = attrgetter(*_FACTS)  # those facts of a stored alert, as a tuple
_WRITTEN = [
    "status",
    "due_date",
    "evidence",
    "responsible_worker",
    "responsible_team",
    "responsible_iro",
    "last_found_at",
]


class _Stored(NamedTuple):
    """A pending alert as the scan read it (plain values, no lock held; a tuple, as a hundred
    thousand are read each night)."""

    pk: int
    rule: str
    status: str
    due_date: date | None
    evidence: str
    worker: int | None
    team: int | None
    iro: int | None
    acknowledged_at: datetime | None
    last_found_at: datetime

    _COLUMNS = (
        "pk",
        "rule",
        "status",
        "due_date",
        "evidence",
        "responsible_worker_id",
        "responsible_team_id",
        "responsible_iro_id",
        "acknowledged_at",
        "last_found_at",
    )


@dataclass(frozen=True)
class _Target:
    """What a finding says a pending alert should hold (its status before acknowledgement)."""

    classified: Classified
    worker: int | None
    team: int | None

    def facts(self, stored: _Stored) -> tuple:
        f = self.classified.finding
        status = _status(stored, self.classified)
        return (status, f.due_date, f.evidence[:500], self.worker, self.team, f.iro_id)


def _status(stored: _Stored, c: Classified) -> str:
    """The status a found alert should have now. Acknowledged stays acknowledged (someone has
    said what is being done) unless it was a due-soon warning that has since become overdue, or
    it is no longer due at all (not yet due again: a new date to meet)."""
    if stored.status != AlertStatus.ACKNOWLEDGED or c.status == AlertStatus.UPCOMING:
        return c.status
    due = c.finding.due_date
    if c.status == AlertStatus.OPEN and due is not None and not _is_immediate(c.finding.rule):
        acknowledged_on = (
            timezone.localtime(stored.acknowledged_at).date() if stored.acknowledged_at else None
        )
        if acknowledged_on is None or acknowledged_on <= due:
            return AlertStatus.OPEN  # acknowledged while due soon, and now overdue
    return AlertStatus.ACKNOWLEDGED


def _is_immediate(code: str) -> bool:
    rule = RULES_BY_CODE.get(code)
    return rule is not None and rule.immediate


@dataclass
class _Changes:
    """What one scan will write, worked out from one read of the alerts without locking any."""

    create: list[Alert]
    update: list[tuple[_Stored, _Target]]
    resolve: list[_Stored]


def timescales_scan(
    *, as_of: date | None = None, child_ids: Iterable[int] | None = None
) -> ScanResult:
    """Evaluate every rule (for every child, or only `child_ids`) and bring the alerts in line.

    Idempotent: the same facts give the same alerts, however often it runs. A finding seen again
    updates its alert; an alert whose finding has gone is resolved. Only what changed is written
    (a new finding, one resolved, a status crossing into due soon or overdue, a new due date,
    evidence or owner): on a quiet night that is a few rows in a hundred thousand. Nothing is
    locked while the rules run; each batch of writes is its own short transaction, and a batch
    re-reads its rows under lock so that an acknowledgement made meanwhile is kept.
    """
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    child_ids = list(child_ids) if child_ids is not None else None
    with _without_jit(child_ids is None):
        refresh_stored_timeliness(child_ids)
        found = findings(as_of=as_of, child_ids=child_ids)
        changes = _changes(found, child_ids=child_ids, now=now)
    updated, resolved = _apply(changes, now=now)
    if changes.create or updated or resolved:
        data_version.bump()  # the alerts were written in bulk, past the signals
    return ScanResult(found=found, created=len(changes.create), updated=updated, resolved=resolved)


@contextmanager
def _without_jit(whole: bool) -> Iterator[None]:
    """PostgreSQL's JIT off for the whole scan's reads, as they were before. The rules' queries
    over the whole authority are estimated dear enough to be compiled, and compiling their many
    subplans costs far more than running them (150,000 children: the IRO caseload count took
    about a second to compile and 40 ms to run). Every connection has it off already unless
    DATABASE_JIT is on (settings), so only then is it turned off here. A child's own evaluation
    is cheap enough that the planner never compiles it, so it is left as it is (and its query
    count unchanged)."""
    if not whole or connection.vendor != "postgresql" or not settings.DATABASE_JIT:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', false)")
        (before, _off) = cursor.fetchone()
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', %s, false)", [before])
        except DatabaseError:
            pass  # a failed transaction: its rollback undoes the setting too


def _changes(found: list[Classified], *, child_ids: list[int] | None, now: datetime) -> _Changes:
    existing_qs = Alert.objects.filter(status__in=PENDING_STATUSES)
    if child_ids is not None:
        existing_qs = existing_qs.filter(child_id__in=child_ids)
    existing = {
        (stored.rule, subject): stored
        for subject, stored in (
            (row[-1], _Stored._make(row[:-1]))
            for row in existing_qs.order_by().values_list(*_Stored._COLUMNS, "subject_key")
        )
    }

    if child_ids is None:
        children_qs = Child.objects.all()
    else:
        children_qs = Child.objects.filter(
            pk__in={c.finding.child_id for c in found if c.finding.child_id}
        )
    # Unordered (the models' default orderings would sort the authority's children and alerts
    # for nothing).
    owners = {
        pk: (worker, team)
        for pk, worker, team in children_qs.order_by().values_list(
            "pk", "allocated_worker_id", "allocated_team_id"
        )
    }

    changes = _Changes(create=[], update=[], resolve=[])
    seen = set()
    for c in found:
        f = c.finding
        key = (f.rule, f.subject_key)
        if key in seen:
            continue
        seen.add(key)
        worker, team = owners.get(f.child_id, _NO_OWNER) if f.child_id else _NO_OWNER
        worker = f.worker_id or worker
        stored = existing.get(key)
        if stored is None:
            changes.create.append(
                Alert(
                    rule=f.rule,
                    subject_key=f.subject_key,
                    child_id=f.child_id,
                    status=c.status,
                    due_date=f.due_date,
                    evidence=f.evidence[:500],
                    responsible_worker_id=worker,
                    responsible_team_id=team,
                    responsible_iro_id=f.iro_id,
                    first_found_at=now,
                    last_found_at=now,
                )
            )
            continue
        # The target's facts (_Target.facts), without building one for every unchanged alert.
        facts = (_status(stored, c), f.due_date, f.evidence[:500], worker, team, f.iro_id)
        if facts != _held(stored):
            changes.update.append((stored, _Target(c, worker, team)))

    gone = [stored for key, stored in existing.items() if key not in seen]
    if child_ids is not None:
        # A per-child evaluation only speaks for rules that are evaluated per child.
        gone = [a for a in gone if RULES_BY_CODE.get(a.rule) and RULES_BY_CODE[a.rule].per_child]
    changes.resolve = gone
    return changes


def _apply(changes: _Changes, *, now: datetime) -> tuple[int, int]:
    """Write the changes in batches, each in a short transaction of its own. Returns the alerts
    updated and resolved.

    New alerts rely on the unique constraint: one found meanwhile by another scan (a child's
    evaluation after a save) is left as that scan wrote it. An alert is re-read under lock in
    its batch: one resolved or re-evaluated by another scan since this one read it is left
    alone (that scan read the facts later), and one acknowledged meanwhile is decided again from
    its acknowledged state, so the acknowledgement is never overwritten.
    """
    for start in range(0, len(changes.create), BATCH_SIZE):
        with transaction.atomic():
            Alert.objects.bulk_create(
                changes.create[start : start + BATCH_SIZE], ignore_conflicts=True
            )

    updated = 0
    for start in range(0, len(changes.update), BATCH_SIZE):
        batch = {
            stored.pk: (stored, target)
            for stored, target in changes.update[start : start + BATCH_SIZE]
        }
        with transaction.atomic():
            rows = []
            # Most nights most changes are a status crossing a threshold, nothing else: those are
            # one plain UPDATE per new status, not a CASE per column per row.
            crossing: dict[str, list[int]] = {}
            for fresh in _locked(batch):
                stored, target = batch[fresh.pk]
                if (
                    fresh.status == AlertStatus.RESOLVED
                    or fresh.last_found_at != stored.last_found_at
                ):
                    continue
                facts = target.facts(fresh)
                now_held = _held(fresh)
                if facts == now_held:
                    continue
                if facts[1:] == now_held[1:]:
                    crossing.setdefault(facts[0], []).append(fresh.pk)
                    continue
                status, due_date, evidence, worker, team, iro = facts
                rows.append(
                    Alert(
                        pk=fresh.pk,
                        status=status,
                        due_date=due_date,
                        evidence=evidence,
                        responsible_worker_id=worker,
                        responsible_team_id=team,
                        responsible_iro_id=iro,
                        last_found_at=now,
                    )
                )
            for status, pks in crossing.items():
                updated += Alert.objects.filter(pk__in=pks).update(status=status, last_found_at=now)
            Alert.objects.bulk_update(rows, _WRITTEN)
            updated += len(rows)

    resolved = 0
    for start in range(0, len(changes.resolve), BATCH_SIZE):
        batch = {
            stored.pk: (stored, None) for stored in changes.resolve[start : start + BATCH_SIZE]
        }
        with transaction.atomic():
            pks = [
                fresh.pk
                for fresh in _locked(batch)
                if fresh.status != AlertStatus.RESOLVED
                and fresh.last_found_at == batch[fresh.pk][0].last_found_at
            ]
            resolved += Alert.objects.filter(pk__in=pks).update(
                status=AlertStatus.RESOLVED, resolved_at=now
            )
    return updated, resolved


def _locked(batch: Mapping[int, object]) -> list[_Stored]:
    """The batch's alerts as they are now, locked until the batch's transaction ends (in the
    order of their keys, as every writer takes them, so two scans never deadlock)."""
    qs = Alert.objects.select_for_update().filter(pk__in=list(batch)).order_by("pk")
    return [_Stored(*row) for row in qs.values_list(*_Stored._COLUMNS)]


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user: User, note: str) -> Alert:
    """Someone who can act has seen the alert and says what is being done."""
    from django.core.exceptions import ValidationError

    if not note.strip():
        raise ValidationError({"note": "Say what is being done about it."})
    # Its status as it is now, locked for the moment of the write: a scan writing the same alert
    # waits for this (or this for the scan's one batch), and neither overwrites the other.
    alert.status = (
        Alert.objects.select_for_update().filter(pk=alert.pk).values_list("status", flat=True).get()
    )
    if alert.status not in (AlertStatus.OPEN, AlertStatus.DUE_SOON):
        raise ValidationError("Only an open alert can be acknowledged.")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = user
    alert.acknowledged_at = timezone.now()
    alert.acknowledgement_note = note.strip()
    alert.save(
        update_fields=["status", "acknowledged_by", "acknowledged_at", "acknowledgement_note"]
    )
    return alert
