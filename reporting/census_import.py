"""Loading a CIN census file: children, episodes, assessments, child in need plans, section 47
enquiries (each with the strategy discussion on its start date), initial conferences, child
protection plans with their categories and review conferences, and closures.

- Children are matched by LA child ID; episodes by referral date, and within them each record by
  its start date. A record that is already here is left as it is if it was entered in this
  system, and brought up to date (filled in or corrected, never cleared) if it came from a census
  file. Loading the same file twice therefore changes nothing.
- A child is loaded whole or not at all: any problem (a bad date, an unknown code, malformed XML,
  records that contradict each other or this system's rules) skips that child and is reported
  with the element and the child. The other children load.
- Every record made is marked as imported (`source` / `source_system` = "census") and audited as
  made by the inactive "census-import" user.

Records are validated in memory, each by its model's own `clean()`, and the child's whole
record by the same rule functions the services call (cases/rules.py, strategy/rules.py,
conferences/rules.py), so a child is refused with the words a form would use. This module
checks only what is the file's own: dates given twice, records nested in an episode they do
not fit, census flags that contradict each other. Records are written in batches with
bulk_create, their audit entries as plain multi-row inserts; what a batch of children already
holds is read in one query per table. A 10,000-child file loads in seconds, not minutes.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from accounts.models import User
from audit import versions as data_version
from cases import rules as case_rules
from cases.models import (
    Assessment,
    Child,
    CINPlan,
    RecordSource,
    Referral,
    ThresholdDecision,
)
from conferences import rules as plan_rules
from conferences.models import (
    INITIAL_TYPES,
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceStatus,
    ConferenceType,
)
from strategy import rules as enquiry_rules
from strategy.models import S47Decision, S47Outcome, Section47, StrategyDiscussion
from timescales import rules as timescales
from wirral_cp import dates
from wirral_cp.concurrency import save_with_version

from .census import CensusYear, ChildRecord, EpisodeRecord, PlanRecord
from .census_reader import ChildBlock, Problem, as_utf8, read_children, read_header

IMPORT_USERNAME = "census-import"
CENSUS = RecordSource.CENSUS_IMPORT.value
BATCH_SIZE = 500
IMPORTED_TEXT = "Imported from a CIN census return; the return does not hold the details."
# Bulk-created in this order, so that every record's parents already have their keys.
WRITE_ORDER = (
    Child,
    Referral,
    Assessment,
    CINPlan,
    StrategyDiscussion,
    Section47,
    ChildProtectionPlan,
    Conference,
)


@dataclass
class ImportReport:
    source_name: str = ""
    year: int | None = None
    children_in_file: int = 0
    children_created: int = 0
    children_updated: int = 0
    children_unchanged: int = 0
    children_skipped: int = 0
    records_created: Counter = field(default_factory=Counter)
    records_updated: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.records_created or self.records_updated)

    def summary(self) -> str:
        created = ", ".join(f"{n} {m}" for m, n in sorted(self.records_created.items())) or "none"
        updated = ", ".join(f"{n} {m}" for m, n in sorted(self.records_updated.items())) or "none"
        return (
            f"{self.children_in_file} children in the file: {self.children_created} new, "
            f"{self.children_updated} updated, {self.children_unchanged} unchanged, "
            f"{self.children_skipped} not loaded. Records created: {created}. "
            f"Records updated: {updated}."
        )


class _ChildInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def census_import_user() -> User:
    """The inactive, role-less user that imported records are made by."""
    user, created = User.objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"first_name": "CIN census", "last_name": "import", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def census_import(*, data: bytes, source_name: str = "", batch_size: int = BATCH_SIZE):
    """Load a census file (bytes). Returns an ImportReport; never raises for bad content."""
    report = ImportReport(source_name=source_name)
    data, problem = as_utf8(data)
    if problem:
        report.problems.append(problem)
        return report
    header = read_header(data)
    report.year = header.year
    report.problems.extend(header.problems)
    user = census_import_user()
    seen: set[str] = set()
    batch: list[ChildBlock] = []
    for block in read_children(data):
        report.children_in_file += 1
        if block.problems or block.record is None:
            _skip(report, block.problems)
            continue
        la_id = block.record.la_child_id
        if la_id in seen:
            _skip(
                report,
                [Problem("This LA child ID is in the file twice.", la_id, "Child", block.line)],
            )
            continue
        seen.add(la_id)
        batch.append(block)
        if len(batch) >= batch_size:
            _load_batch(batch, user, report)
            batch = []
    if batch:
        _load_batch(batch, user, report)
    if report.children_in_file == 0 and not report.problems:
        report.problems.append(Problem("The file has no <Child> records."))
    return report


def _skip(report: ImportReport, problems: list[Problem]) -> None:
    report.children_skipped += 1
    report.problems.extend(problems)


# --- One batch ----------------------------------------------------------------------------------


@dataclass
class _Writes:
    block: ChildBlock
    creates: list[models.Model] = field(default_factory=list)
    updates: list[tuple[models.Model, list[str]]] = field(default_factory=list)
    is_new_child: bool = False


@dataclass
class _Held:
    """What this system already holds for one child, read for a whole batch in a few queries
    (prefetch_related's per-object bookkeeping cost more than the queries themselves)."""

    referrals: list[Referral] = field(default_factory=list)
    section47s: list[Section47] = field(default_factory=list)
    plans: list[ChildProtectionPlan] = field(default_factory=list)
    conferences: list[Conference] = field(default_factory=list)  # by held_on, then pk
    assessments: dict[int, list[Assessment]] = field(default_factory=dict)  # by referral
    cin_plans: dict[int, list[CINPlan]] = field(default_factory=dict)  # by referral
    s47_conferences: dict[int, list[Conference]] = field(default_factory=dict)
    plan_conferences: dict[int, list[Conference]] = field(default_factory=dict)


def _existing_children(ids: list[str]) -> dict[str, tuple[Child, _Held]]:
    children = {c.pk: c for c in Child.objects.filter(la_child_id__in=ids)}
    held = {pk: _Held() for pk in children}
    if children:
        mine = {"child_id__in": list(children)}
        for r in Referral.objects.filter(**mine):
            held[r.child_id].referrals.append(r)
        for a in Assessment.objects.filter(**mine):
            held[a.child_id].assessments.setdefault(a.referral_id, []).append(a)
        for p in CINPlan.objects.filter(**mine):
            held[p.child_id].cin_plans.setdefault(p.referral_id, []).append(p)
        for s in Section47.objects.filter(**mine):
            held[s.child_id].section47s.append(s)
        for p in ChildProtectionPlan.objects.filter(**mine):
            held[p.child_id].plans.append(p)
        for c in Conference.objects.filter(**mine).order_by("held_on", "pk"):
            h = held[c.child_id]
            h.conferences.append(c)
            if c.section47_id:
                h.s47_conferences.setdefault(c.section47_id, []).append(c)
            if c.plan_id:
                h.plan_conferences.setdefault(c.plan_id, []).append(c)
    return {c.la_child_id: (c, held[pk]) for pk, c in children.items()}


def _load_batch(blocks: list[ChildBlock], user: User, report: ImportReport) -> None:
    existing = _existing_children([b.record.la_child_id for b in blocks])
    planned: list[_Writes] = []
    for block in blocks:
        try:
            child, held = existing.get(block.record.la_child_id, (None, None))
            writes = _ChildPlanner(block, child, held, user, year=report.year).plan()
        except _ChildInvalid as invalid:
            _skip(report, invalid.problems)
            continue
        if not writes.creates and not writes.updates:
            report.children_unchanged += 1
            continue
        planned.append(writes)
    if not planned:
        return
    try:
        with transaction.atomic():
            _write(planned, user, report)
    except (IntegrityError, ValidationError):
        # Something no check foresaw (for example a record entered meanwhile): find the child.
        for writes in planned:
            try:
                with transaction.atomic():
                    _write([writes], user, report)
            except (IntegrityError, ValidationError) as error:
                _skip(
                    report,
                    [
                        Problem(
                            f"The child could not be saved: {error}",
                            writes.block.record.la_child_id,
                            "Child",
                            writes.block.line,
                        )
                    ],
                )


def _write(planned: list[_Writes], user: User, report: ImportReport) -> None:
    counts = Counter()
    by_model: dict[type, list] = {m: [] for m in WRITE_ORDER}
    for writes in planned:
        for obj in writes.creates:
            by_model[type(obj)].append(obj)
    created_entries = []
    for model in WRITE_ORDER:
        objs = by_model[model]
        if not objs:
            continue
        # bulk_create takes each parent's new key (parents were created earlier in this write).
        model.objects.bulk_create(objs, batch_size=1000)
        counts[str(model._meta.verbose_name_plural)] += len(objs)
        created_entries.extend(objs)
    updated = Counter()
    for writes in planned:
        for obj, fields in writes.updates:
            if hasattr(obj, "version"):
                save_with_version(obj, expected_version=obj.version)
            else:
                obj.save(update_fields=fields)
            updated[str(obj._meta.verbose_name_plural)] += 1
    _audit(created_entries, [o for w in planned for o, _ in w.updates], user, report.source_name)
    data_version.bump()  # created in bulk, past the signals
    report.records_created.update(counts)
    report.records_updated.update(updated)
    for writes in planned:
        if writes.is_new_child:
            report.children_created += 1
        else:
            report.children_updated += 1


AUDIT_COLUMNS = (
    "content_type",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "changes_text",
    "actor",
    "timestamp",
    "additional_data",
)


def _audit(created, updated, user: User, source_name: str) -> None:
    """One audit entry per record made or changed, as the import user (bulk_create bypasses
    django-auditlog's signals).

    The entries are inserted as plain rows: building and preparing a LogEntry object for each
    of tens of thousands of records took longer than writing the records themselves. The values
    that are the same for every row are prepared for the database once, by their own fields.
    """
    fields = [LogEntry._meta.get_field(name) for name in AUDIT_COLUMNS]

    def prepared(name: str, value):
        return LogEntry._meta.get_field(name).get_db_prep_save(value, connection)

    changes = prepared("changes", {})
    timestamp = prepared("timestamp", timezone.now())
    details = prepared(
        "additional_data", {"source": "CIN census import", "file": source_name[:200]}
    )
    types = {}
    rows = []
    for action, objs in ((LogEntry.Action.CREATE, created), (LogEntry.Action.UPDATE, updated)):
        for obj in objs:
            model = type(obj)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model).pk
            rows.append(
                (
                    types[model],
                    str(obj.pk),
                    obj.pk,
                    str(obj)[:200],
                    int(action),
                    changes,
                    "",
                    user.pk,
                    timestamp,
                    details,
                )
            )
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(2000, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            # Names come from the model, every value is a parameter.
            cursor.execute(
                f"INSERT INTO {quote(LogEntry._meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([one_row] * len(chunk))}",
                [value for row in chunk for value in row],
            )


# --- One child -----------------------------------------------------------------------------------


def _noon(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(12, 0)))


def _as_list(messages: str | list[str]) -> list[str]:
    return [messages] if isinstance(messages, str) else list(messages)


@cache
def _fk_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


class _ChildPlanner:
    """Works out what loading one child means: the records to make and those to bring up to
    date, all checked before anything is written."""

    def __init__(
        self,
        block: ChildBlock,
        child: Child | None,
        held: _Held | None,
        user: User,
        *,
        year: int | None = None,
    ) -> None:
        # The first day of the return's year: its reviews are those held from then on.
        self.year_start = CensusYear(year).start if year else None
        self.block = block
        self.record: ChildRecord = block.record
        self.child = child
        self.held = held or _Held()
        self.user = user
        self.writes = _Writes(block=block)
        self.problems: list[Problem] = []
        # Where each record is in the file (for the problems), and what each episode in the
        # file holds once loaded (for the rules on closing it).
        self.where: dict[int, str] = {}
        self.in_file: list[tuple[Referral, list[Assessment], list[CINPlan]]] = []
        self.enquiry_referral: dict[int, Referral] = {}
        self.icpc_days: dict[int, list[date]] = {}

    def problem(self, element: str, message: str) -> None:
        self.problems.append(Problem(message, self.record.la_child_id, element, self.block.line))

    def fail_if_problems(self) -> None:
        if self.problems:
            raise _ChildInvalid(self.problems)

    def plan(self) -> _Writes:
        self._check_record()
        self.fail_if_problems()
        if self.child is None:
            self.child = self._new_child()
            self.writes.is_new_child = True
            existing_referrals, existing_s47s, existing_plans = [], [], []
            loose_icpcs = []
        else:
            self._update_child()
            existing_referrals = list(self.held.referrals)
            existing_s47s = list(self.held.section47s)
            existing_plans = list(self.held.plans)
            loose_icpcs = [
                c
                for c in self.held.conferences
                if c.section47_id is None and c.conference_type in INITIAL_TYPES
            ]
        self.referrals = {r.referral_date: r for r in existing_referrals}
        self.s47s = {s.start_date: s for s in existing_s47s}
        self.plans = {p.start_date: p for p in existing_plans}
        self.loose_icpcs = {c.held_on: c for c in loose_icpcs if c.held_on}
        self.all_referrals = list(existing_referrals)
        self.all_plans = list(existing_plans)
        self.all_s47s = list(existing_s47s)
        self.all_cin_plans = [
            p for r in existing_referrals for p in self.held.cin_plans.get(r.pk, [])
        ]
        for n, episode in enumerate(self.record.episodes, start=1):
            self._episode(episode, f"CINdetails[{n}]")
        self.fail_if_problems()
        self._check_merged()
        self.fail_if_problems()
        return self.writes

    # -- checks on the file's own records ------------------------------------------------------

    def _check_record(self) -> None:
        r = self.record
        if r.birth_date and r.expected_birth_date:
            self.problem("ChildIdentifiers", "Both a date of birth and an expected date of birth.")
        if not r.birth_date and not r.expected_birth_date:
            self.problem("ChildIdentifiers", "Neither a date of birth nor an expected one.")
        self._check_twice(r)
        for n, e in enumerate(r.episodes, start=1):
            # Only what the file alone says. How the records fit together (inside their
            # episode, closed with it, never overlapping) is checked on the loaded records by
            # the rules the services use, in _check_merged.
            path = f"CINdetails[{n}]"
            end = e.closure_date or date.max
            for m, s in enumerate(e.section47s, start=1):
                where = f"{path}/Section47[{m}]"
                if s.icpc_date and s.icpc_date < s.start:
                    self.problem(where, "The initial conference is before the enquiry started.")
                if s.icpc_date and s.icpc_not_required:
                    self.problem(
                        where, "An initial conference date and 'ICPC not required' together."
                    )
            for m, p in enumerate(e.plans, start=1):
                # A protection plan has no link to its episode here: the file's nesting is
                # the only place that says which episode it belongs to.
                where = f"{path}/ChildProtectionPlans[{m}]"
                if p.start < e.referral_date or p.start > end:
                    self.problem(where, "The plan starts outside the episode it belongs to.")
                for review in p.reviews:
                    if review <= p.start or (p.end and review > p.end):
                        self.problem(
                            f"{where}/Reviews",
                            f"The review on {dates.day(review)} is outside the plan's dates.",
                        )
            if e.nfa and (e.assessments or e.section47s or e.plans or e.cin_plans):
                self.problem(path, "A referral with no further action has work recorded on it.")

    def _check_twice(self, r: ChildRecord) -> None:
        """Records are matched by their dates (episodes by referral, the rest by start), so one
        date twice would be two records where the system can hold only one."""
        seen = {"episode": set(), "enquiry": set(), "plan": set()}

        def once(kind: str, day: date, where: str, what: str, place: str = "file") -> bool:
            if day in seen[kind]:
                self.problem(where, f"The {what} {dates.day(day)} is in the {place} twice.")
                return False
            seen[kind].add(day)
            return True

        for n, e in enumerate(r.episodes, start=1):
            path = f"CINdetails[{n}]"
            if not once("episode", e.referral_date, path, "episode referred on"):
                continue  # its records would only be reported twice as well
            seen["assessment"], seen["cin plan"] = set(), set()
            for m, a in enumerate(e.assessments, start=1):
                where = f"{path}/Assessments[{m}]"
                once("assessment", a.start, where, "assessment started on", "episode")
            for m, p in enumerate(e.cin_plans, start=1):
                where = f"{path}/CINPlanDates[{m}]"
                once("cin plan", p.start, where, "child in need plan started on", "episode")
            for m, s in enumerate(e.section47s, start=1):
                once("enquiry", s.start, f"{path}/Section47[{m}]", "enquiry started on")
            for m, p in enumerate(e.plans, start=1):
                where = f"{path}/ChildProtectionPlans[{m}]"
                once("plan", p.start, where, "child protection plan started on")

    def _check_merged(self) -> None:
        """The rules on how the child's records fit together once loaded, the file's and those
        already here alike, by the same functions the services call: one open episode,
        enquiry, plan and child in need plan at a time, plans that never overlap or run
        alongside each other, and each episode in the file holding its records and closing
        with them. Each pair is reported once, against the later record."""

        def report(obj: models.Model, element: str, messages) -> None:
            for message in messages:
                self.problem(self.where.get(id(obj), element), message)

        def flat(errors: dict) -> list[str]:
            return [m for messages in errors.values() for m in _as_list(messages)]

        episodes = sorted(self.all_referrals, key=lambda r: (r.referral_date, r.pk or 0))
        for n, referral in enumerate(episodes):
            report(referral, "CINdetails", flat(case_rules.episode_clash(referral, episodes[:n])))
        enquiries = sorted(self.all_s47s, key=lambda s: (s.start_date, s.pk or 0))
        for n, enquiry in enumerate(enquiries):
            report(enquiry, "Section47", enquiry_rules.second_open_enquiry(enquiry, enquiries[:n]))
        plans = sorted(self.all_plans, key=lambda p: (p.start_date, p.pk or 0))
        for n, plan in enumerate(plans):
            report(
                plan,
                "ChildProtectionPlans",
                plan_rules.protection_plan_overlaps(plan, plans[:n]),
            )
        cin_plans = sorted(self.all_cin_plans, key=lambda p: (p.start_date, p.pk or 0))
        for n, cin_plan in enumerate(cin_plans):
            report(
                cin_plan,
                "CINPlanDates",
                case_rules.cin_plan_overlaps(cin_plan, cin_plans[:n])
                or plan_rules.cin_plan_clash(cin_plan, plans),
            )
        referrals_by_pk = {r.pk: r for r in self.all_referrals if r.pk}
        by_episode: dict[int, list[Section47]] = {}
        for enquiry in self.all_s47s:
            referral = self.enquiry_referral.get(id(enquiry)) or referrals_by_pk.get(
                enquiry.referral_id
            )
            if referral is not None:
                by_episode.setdefault(id(referral), []).append(enquiry)
        for referral, assessments, episode_cin_plans in self.in_file:
            report(
                referral,
                "CINdetails",
                case_rules.referral_before_birth(referral, self.child),
            )
            episode_enquiries = by_episode.get(id(referral), [])
            for assessment in assessments:
                report(
                    assessment,
                    "Assessments",
                    flat(case_rules.assessment_in_episode(assessment, referral)),
                )
            for cin_plan in episode_cin_plans:
                report(
                    cin_plan,
                    "CINPlanDates",
                    flat(case_rules.cin_plan_in_episode(cin_plan, referral)),
                )
            for enquiry in episode_enquiries:
                discussion = enquiry.strategy_discussion if enquiry.pk is None else None
                report(
                    enquiry,
                    "Section47",
                    flat(enquiry_rules.enquiry_in_episode(enquiry, referral, discussion)),
                )
            closure = referral.closure_date
            if closure is None:
                continue
            problems = case_rules.assessments_on_closure(closure, assessments)
            for enquiry in sorted(episode_enquiries, key=lambda s: s.start_date):
                problems += plan_rules.enquiry_open_on(enquiry, closure, self._icpcs(enquiry))
            problems += plan_rules.protection_plans_open_on(referral.referral_date, closure, plans)
            problems += case_rules.cin_plans_open_on(closure, episode_cin_plans)
            where = self.where.get(id(referral), "CINdetails")
            for message in problems:
                self.problem(f"{where}/CINclosureDate", message)

    def _icpcs(self, enquiry: Section47) -> list[date]:
        """The days the enquiry's initial conferences were held, here or in the file."""
        days = list(self.icpc_days.get(id(enquiry), []))
        if enquiry.pk:
            days += [
                c.held_on
                for c in self.held.s47_conferences.get(enquiry.pk, [])
                if c.conference_type in INITIAL_TYPES
                and c.status == ConferenceStatus.HELD
                and c.held_on
            ]
        return days

    # -- building and validating records ---------------------------------------------------------

    def _validate(self, obj: models.Model, element: str) -> None:
        try:
            obj.full_clean(
                exclude=_fk_names(type(obj)), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                label = "" if field_name == "__all__" else f"{field_name}: "
                for message in messages:
                    self.problem(element, f"{label}{message}")

    def _create(self, obj: models.Model, element: str) -> models.Model:
        self._validate(obj, element)
        self.writes.creates.append(obj)
        self.where[id(obj)] = element
        return obj

    def _update(self, obj: models.Model, values: dict, element: str) -> None:
        """Fill in or correct a census-sourced record (never clear a value)."""
        self.where[id(obj)] = element
        changed = [
            name
            for name, value in values.items()
            if value not in (None, "", []) and getattr(obj, name) != value
        ]
        if not changed:
            return
        for name in changed:
            setattr(obj, name, values[name])
        self._validate(obj, element)
        self.writes.updates.append((obj, changed))

    def _child_values(self) -> dict:
        r = self.record
        return {
            "upn": r.upn,
            "upn_unknown_reason": "" if r.upn else r.upn_unknown,
            "date_of_birth": r.birth_date,
            "expected_date_of_birth": None if r.birth_date else r.expected_birth_date,
            "sex": r.sex,
            "date_of_death": r.death_date,
            "ethnicity": r.ethnicity,
            "disabilities": r.disabilities,
        }

    def _new_child(self) -> Child:
        child = Child(
            la_child_id=self.record.la_child_id,
            last_name=f"Child {self.record.la_child_id}",
            source=CENSUS,
            **self._child_values(),
        )
        return self._create(child, "ChildIdentifiers")

    def _update_child(self) -> None:
        if self.child.source == CENSUS:
            values = self._child_values()
            if self.child.date_of_birth:
                values.pop("expected_date_of_birth")
            self._update(self.child, values, "ChildIdentifiers")

    def _episode(self, e: EpisodeRecord, path: str) -> None:
        referral = self.referrals.get(e.referral_date)
        decision = (
            ThresholdDecision.STRATEGY
            if e.section47s
            else ThresholdDecision.NFA
            if e.nfa
            else ThresholdDecision.ASSESSMENT
        )
        if referral is None:
            referral = self._create(
                Referral(
                    child=self.child,
                    received_at=_noon(e.referral_date),
                    source=e.source,
                    reason=IMPORTED_TEXT,
                    primary_need=e.primary_need,
                    decision=decision,
                    closure_date=e.closure_date,
                    closure_reason=e.closure_reason,
                    stepped_down_to_early_help=e.closure_reason == "RC9",
                    source_system=CENSUS,
                    created_by=self.user,
                ),
                path,
            )
            self.referrals[e.referral_date] = referral
            self.all_referrals.append(referral)
            assessments, cin_plans = {}, {}
        else:
            self.where[id(referral)] = path
            if referral.source_system == CENSUS:
                self._update(
                    referral,
                    {
                        "source": e.source,
                        "primary_need": e.primary_need,
                        "closure_date": e.closure_date,
                        "closure_reason": e.closure_reason,
                        "stepped_down_to_early_help": e.closure_reason == "RC9" or None,
                    },
                    path,
                )
            assessments = {a.start_date: a for a in self.held.assessments.get(referral.pk, [])}
            cin_plans = {p.start_date: p for p in self.held.cin_plans.get(referral.pk, [])}
        for n, a in enumerate(e.assessments, start=1):
            self._assessment(referral, assessments, a, f"{path}/Assessments[{n}]")
        for n, p in enumerate(e.cin_plans, start=1):
            self._cin_plan(referral, cin_plans, p, f"{path}/CINPlanDates[{n}]")
        self.in_file.append((referral, list(assessments.values()), list(cin_plans.values())))
        plans_by_start = {}
        for n, p in enumerate(e.plans, start=1):
            plans_by_start[p.start] = self._plan(p, f"{path}/ChildProtectionPlans[{n}]")
        for n, s in enumerate(e.section47s, start=1):
            self._section47(referral, s, plans_by_start, e.plans, f"{path}/Section47[{n}]")
        if e.icpc_date and e.icpc_date not in self.loose_icpcs:
            plan = plans_by_start.get(e.icpc_date)
            self.loose_icpcs[e.icpc_date] = self._initial_conference(
                None, e.icpc_date, e.icpc_date, plan, self._plan_record(e.plans, e.icpc_date), path
            )

    def _assessment(self, referral, existing, a, path) -> None:
        found = existing.get(a.start)
        if found is None:
            existing[a.start] = self._create(
                Assessment(
                    referral=referral,
                    child=self.child,
                    start_date=a.start,
                    authorised_date=a.authorised,
                    factors=a.factors,
                    source_system=CENSUS,
                ),
                path,
            )
        else:
            self.where[id(found)] = path
            if found.source_system == CENSUS:
                self._update(
                    found, {"authorised_date": a.authorised, "factors": a.factors or None}, path
                )

    def _cin_plan(self, referral, existing, p, path) -> None:
        found = existing.get(p.start)
        if found is None:
            plan = self._create(
                CINPlan(
                    child=self.child,
                    referral=referral,
                    start_date=p.start,
                    end_date=p.end,
                    source_system=CENSUS,
                ),
                path,
            )
            existing[p.start] = plan
            self.all_cin_plans.append(plan)
        else:
            self.where[id(found)] = path
            if found.source_system == CENSUS:
                self._update(found, {"end_date": p.end}, path)

    def _plan(self, p: PlanRecord, path: str) -> ChildProtectionPlan:
        plan = self.plans.get(p.start)
        if plan is None:
            plan = self._create(
                ChildProtectionPlan(
                    child=self.child,
                    start_date=p.start,
                    end_date=p.end,
                    initial_category=p.initial_category,
                    latest_category=p.latest_category,
                    number_of_previous_plans=p.previous_plans,
                    source_system=CENSUS,
                ),
                path,
            )
            self.plans[p.start] = plan
            self.all_plans.append(plan)
            held_reviews = {}
        else:
            self.where[id(plan)] = path
            if plan.source_system == CENSUS:
                self._update(
                    plan,
                    {
                        "end_date": p.end,
                        "latest_category": p.latest_category,
                        "number_of_previous_plans": p.previous_plans,
                    },
                    path,
                )
            held_reviews = {
                c.held_on: c
                for c in self.held.plan_conferences.get(plan.pk, [])
                if c.conference_type == ConferenceType.REVIEW and c.held_on
            }
        previous = max([d for d in held_reviews if d < (p.reviews or [date.max])[0]], default=None)
        for review in p.reviews:
            if review in held_reviews:
                previous = review
                continue
            target = self._review_target(plan, p.start, previous, review)
            ends = p.end == review
            held_reviews[review] = self._create(
                Conference(
                    child=self.child,
                    plan=plan,
                    conference_type=ConferenceType.REVIEW,
                    status=ConferenceStatus.HELD,
                    target_date=target,
                    requested_at=_noon(previous or p.start),
                    held_on=review,
                    decision=ConferenceDecision.END if ends else ConferenceDecision.CONTINUE,
                    category="" if ends else p.latest_category,
                    source_system=CENSUS,
                ),
                f"{path}/Reviews/CPPreviewDate",
            )
            previous = review
        return plan

    def _review_target(
        self, plan: ChildProtectionPlan, start: date, previous: date | None, review: date
    ) -> date | None:
        """A held review's target: 6 months from the review before it when that is known. With
        none before it, the first review's target (3 months from the ICPC) only when it really
        is the plan's first review: the plan began in the return's year (whose reviews the
        return lists in full), the plan was recorded here (so its reviews are all here), or
        the review is within the first review's timescale (no review can have preceded it).
        Otherwise the plan began in an earlier year, its earlier reviews are not in the
        return, and the target is not known."""
        if previous is not None:
            return timescales.later_review_due(previous)
        first = timescales.first_review_due(start)
        if (
            (self.year_start is not None and start >= self.year_start)
            or plan.source_system != CENSUS
            or review <= first
        ):
            return first
        return None

    @staticmethod
    def _plan_record(plans: list[PlanRecord], start: date) -> PlanRecord | None:
        return next((p for p in plans if p.start == start), None)

    def _section47(self, referral, s, plans_by_start, plan_records, path) -> None:
        enquiry = self.s47s.get(s.start)
        if enquiry is None:
            discussion = self._create(
                StrategyDiscussion(
                    child=self.child,
                    referral=referral,
                    held_at=_noon(s.start),
                    reason=IMPORTED_TEXT,
                    chair=self.user,
                    s47_decision=S47Decision.START,
                    source_system=CENSUS,
                    created_by=self.user,
                ),
                path,
            )
            enquiry = self._create(
                Section47(
                    child=self.child,
                    referral=referral,
                    strategy_discussion=discussion,
                    start_date=s.start,
                    source_system=CENSUS,
                ),
                path,
            )
            self.s47s[s.start] = enquiry
            self.all_s47s.append(enquiry)
            self.enquiry_referral[id(enquiry)] = referral
            held = None
        else:
            self.where[id(enquiry)] = path
            held = next(
                (
                    c
                    for c in self.held.s47_conferences.get(enquiry.pk, [])
                    if c.conference_type in INITIAL_TYPES and c.status == ConferenceStatus.HELD
                ),
                None,
            )
            if enquiry.source_system != CENSUS:
                return
        values = {}
        if s.icpc_date:
            values = {"outcome": S47Outcome.ICPC_REQUIRED, "completion_date": s.icpc_date}
        elif s.icpc_not_required:
            values = {
                "outcome": S47Outcome.ICPC_NOT_REQUIRED,
                "outcome_rationale": "Recorded as 'ICPC not required' in a CIN census return.",
                # The return does not say when the enquiry ended.
                "completion_date": enquiry.completion_date or s.start,
            }
        if enquiry.pk is None:
            for name, value in values.items():
                setattr(enquiry, name, value)
            self._validate(enquiry, path)
        else:
            self._update(enquiry, values, path)
        if s.icpc_date and held is None:
            self.icpc_days.setdefault(id(enquiry), []).append(s.icpc_date)
            self._initial_conference(
                enquiry,
                s.icpc_date,
                s.target or timescales.icpc_due(s.start),
                plans_by_start.get(s.icpc_date),
                self._plan_record(plan_records, s.icpc_date),
                path,
            )

    def _initial_conference(self, enquiry, held_on, target, plan, plan_record, path):
        return self._create(
            Conference(
                child=self.child,
                section47=enquiry,
                plan=plan,
                conference_type=ConferenceType.INITIAL,
                status=ConferenceStatus.HELD,
                target_date=target,
                requested_at=_noon(enquiry.start_date if enquiry else held_on),
                held_on=held_on,
                decision=ConferenceDecision.PLAN if plan else ConferenceDecision.NO_PLAN,
                category=plan_record.initial_category if plan_record else "",
                source_system=CENSUS,
            ),
            f"{path}/DateOfInitialCPC",
        )
