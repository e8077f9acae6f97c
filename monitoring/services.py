"""The scan: run every rule, store each finding once, resolve what no longer holds."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Child
from conferences.timeliness import refresh_timeliness
from timescales.calendar import working_days_between
from timescales.models import LocalPolicy
from timescales.rules import timeliness_fingerprint

from .models import PENDING_STATUSES, Alert, AlertStatus, ScanMark
from .rules import RULES, Finding, Rule, ScanContext


@dataclass(frozen=True)
class Classified:
    finding: Finding
    status: str
    days_overdue: int


def classify(finding: Finding, rule: Rule, as_of: date, policy: LocalPolicy) -> Classified:
    """Overdue, due soon, or not yet due (stored all the same: it is what the child's record
    shows as next due)."""
    if rule.immediate:
        return Classified(finding, AlertStatus.OPEN, 0)
    overdue = working_days_between(finding.due_date, as_of)
    if as_of > finding.due_date:
        return Classified(finding, AlertStatus.OPEN, max(overdue, 1))
    if -overdue <= policy.due_soon_working_days:
        return Classified(finding, AlertStatus.DUE_SOON, overdue)
    return Classified(finding, AlertStatus.UPCOMING, overdue)


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
    for rule in rules:
        if ctx.child_ids is not None and not rule.per_child:
            continue
        for finding in rule.find(ctx):
            results.append(classify(finding, rule, as_of, policy))
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


@transaction.atomic
def timescales_scan(
    *, as_of: date | None = None, child_ids: Iterable[int] | None = None
) -> ScanResult:
    """Evaluate every rule (for every child, or only `child_ids`) and bring the alerts in line.

    Idempotent: the same facts give the same alerts, however often it runs. A finding seen again
    updates its alert; an alert whose finding has gone is resolved.
    """
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    child_ids = list(child_ids) if child_ids is not None else None
    refresh_stored_timeliness(child_ids)
    found = findings(as_of=as_of, child_ids=child_ids)

    existing_qs = Alert.objects.select_for_update().filter(status__in=PENDING_STATUSES)
    if child_ids is not None:
        existing_qs = existing_qs.filter(child_id__in=child_ids)
    existing = {(a.rule, a.subject_key): a for a in existing_qs}

    ids = {c.finding.child_id for c in found if c.finding.child_id}
    children_qs = Child.objects.all() if child_ids is None else Child.objects.filter(pk__in=ids)
    owners = {
        pk: (worker, team)
        for pk, worker, team in children_qs.values_list(
            "pk", "allocated_worker_id", "allocated_team_id"
        )
    }

    to_create, to_update = [], []
    seen = set()
    for c in found:
        f = c.finding
        key = (f.rule, f.subject_key)
        if key in seen:
            continue
        seen.add(key)
        worker, team = owners.get(f.child_id, (None, None))
        alert = existing.get(key)
        if alert is None:
            to_create.append(
                Alert(
                    rule=f.rule,
                    subject_key=f.subject_key,
                    child_id=f.child_id,
                    status=c.status,
                    due_date=f.due_date,
                    days_overdue=c.days_overdue,
                    evidence=f.evidence[:500],
                    responsible_worker_id=worker,
                    responsible_team_id=team,
                    responsible_iro_id=f.iro_id,
                    first_found_at=now,
                    last_found_at=now,
                )
            )
            continue
        before = (
            alert.status,
            alert.due_date,
            alert.days_overdue,
            alert.evidence,
            alert.responsible_worker_id,
            alert.responsible_team_id,
            alert.responsible_iro_id,
        )
        status = c.status
        if (
            alert.status == AlertStatus.ACKNOWLEDGED
            and c.status != AlertStatus.UPCOMING
            and not (c.status == AlertStatus.OPEN and alert.days_overdue <= 0)
        ):
            # Acknowledged stays acknowledged, unless a due-soon warning has now become overdue.
            status = AlertStatus.ACKNOWLEDGED
        alert.status = status
        alert.due_date = f.due_date
        alert.days_overdue = c.days_overdue
        alert.evidence = f.evidence[:500]
        alert.responsible_worker_id = worker
        alert.responsible_team_id = team
        alert.responsible_iro_id = f.iro_id
        after = (
            alert.status,
            alert.due_date,
            alert.days_overdue,
            alert.evidence,
            alert.responsible_worker_id,
            alert.responsible_team_id,
            alert.responsible_iro_id,
        )
        if after != before:
            # Only what changed is written: a nightly scan of a quiet authority writes little.
            alert.last_found_at = now
            to_update.append(alert)

    gone = [a for key, a in existing.items() if key not in seen]
    if child_ids is not None:
        # A per-child evaluation only speaks for rules that are evaluated per child.
        from .rules import RULES_BY_CODE

        gone = [a for a in gone if RULES_BY_CODE.get(a.rule) and RULES_BY_CODE[a.rule].per_child]
    for alert in gone:
        alert.status = AlertStatus.RESOLVED
        alert.resolved_at = now

    Alert.objects.bulk_create(to_create)
    Alert.objects.bulk_update(
        to_update,
        [
            "status",
            "due_date",
            "days_overdue",
            "evidence",
            "responsible_worker",
            "responsible_team",
            "responsible_iro",
            "last_found_at",
        ],
    )
    Alert.objects.bulk_update(gone, ["status", "resolved_at"])
    return ScanResult(
        found=found, created=len(to_create), updated=len(to_update), resolved=len(gone)
    )


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user: User, note: str) -> Alert:
    """Someone who can act has seen the alert and says what is being done."""
    from django.core.exceptions import ValidationError

    if not note.strip():
        raise ValidationError({"note": "Say what is being done about it."})
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
