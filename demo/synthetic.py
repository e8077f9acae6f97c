"""A large synthetic authority for benchmarks: tens of thousands of children, made quickly.

Every name is invented (drawn from short lists of made-up surnames); no real person or case.
Records are written with bulk_create in batches, bypassing per-row validation for speed, but
the data follows the same rules the forms enforce (dates in order, one open plan, one open
enquiry, census codes), so scans and dashboards behave as they would on real data.
"""

import multiprocessing
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth.models import Group
from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import Role, Team, User
from audit import versions as data_version
from cases.family_people import link_family
from cases.models import (
    Allocation,
    Assessment,
    Child,
    FamilyMember,
    ManagementOversight,
    ProtectiveOrder,
    Referral,
    Visit,
)
from conferences.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceParticipant,
    CoreGroupMeeting,
    LateReason,
    PlanAction,
    PlanOutcome,
)
from conferences.timeliness import refresh_timeliness
from familyhelp.models import EarlyHelpAssessment
from frontdoor.models import Contact
from strategy.models import Section47, StrategyDiscussion, StrategyParticipant
from timescales import rules as timescales
from timescales.calendar import add_working_days

SURNAMES = [
    "Ashdown",
    "Brightwater",
    "Cloverfield",
    "Dunmere",
    "Elmsworth",
    "Fernhollow",
    "Glenbrook",
    "Hartwell",
    "Ivybridge",
    "Juniper",
    "Kestrelton",
    "Larkspur",
    "Meadowcroft",
    "Northwick",
    "Oakhurst",
    "Pebblestone",
    "Quillfeather",
    "Rosewater",
    "Sableton",
    "Thistledown",
    "Umberfield",
    "Valemont",
    "Willowby",
    "Yarrowdale",
    "Zephyrine",
]
FIRST = {
    "F": ["Amelie", "Bea", "Cora", "Daisy", "Ellie", "Freya", "Gracie", "Hana", "Isla", "Jude"],
    "M": ["Alfie", "Ben", "Caleb", "Dev", "Eli", "Finn", "Gabe", "Hugo", "Ivo", "Jonah"],
}
CATEGORIES = ["NEG", "NEG", "NEG", "EMO", "EMO", "PHY", "SAB", "MUL"]
BATCH = 2000
# Children generated (with all their records) per transaction.
CHUNK = 5000
# The oldest assessment left open: later ones are all completed.
OPEN_ASSESSMENT_DAYS = 60


@dataclass
class Counts:
    children: int = 0
    referrals: int = 0
    discussions: int = 0
    section47s: int = 0
    conferences: int = 0
    plans: int = 0
    visits: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, other: "Counts") -> None:
        for name in ("children", "referrals", "discussions", "section47s", "conferences"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.plans += other.plans
        self.visits += other.visits
        for key, value in other.extra.items():
            self.extra[key] = self.extra.get(key, 0) + value


def _insert(objs: list[Any]) -> None:
    """bulk_create, without its per-field machinery on PostgreSQL: one INSERT ... VALUES of
    a batch, RETURNING the ids (set on the objects, as bulk_create does). Foreign keys given as
    objects take their ids, auto_now fields the time, JSON fields their encoding; every other
    value is written as the model holds it (the generator only makes valid values)."""
    if not objs:
        return
    model: type[Model] = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        model._default_manager.using(alias).bulk_create(objs, batch_size=BATCH)
        return
    from psycopg2.extras import execute_values

    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    fks = [f for f in fields if f.is_relation]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    encoded = [f for f in fields if f.get_internal_type() == "JSONField"]
    now = timezone.now()
    for obj in objs:
        for f in fks:
            if getattr(obj, f.attname) is None:
                related = f.get_cached_value(obj, None)
                if related is not None:
                    setattr(obj, f.attname, related.pk)
        for f in stamped:
            setattr(obj, f.attname, now)
    names = [f.attname for f in fields]
    encode = {f.attname: f for f in encoded}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # The table and column names are the model's own.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES %s RETURNING {quote(meta.pk.column)}"  # noqa: E501, S608
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            rows = [
                tuple(
                    encode[name].get_db_prep_save(getattr(obj, name), connection)
                    if name in encode
                    else getattr(obj, name)
                    for name in names
                )
                for obj in batch
            ]
            ids = execute_values(cursor.cursor, sql, rows, page_size=BATCH, fetch=True)
            for obj, (pk,) in zip(batch, ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = alias


def _aware(d: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour, 0)))


def _staff(n_teams: int, prefix: str) -> tuple[list[Team], dict[int, list[User]], list[User]]:
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    teams, workers, iros = [], {}, []
    for t in range(n_teams):
        team, _ = Team.objects.get_or_create(name=f"{prefix} team {t + 1:02d}")
        teams.append(team)
        manager, created = User.objects.get_or_create(
            username=f"{prefix.lower()}.tm{t + 1:02d}",
            defaults={"first_name": "Manager", "last_name": f"{prefix} {t + 1:02d}", "team": team},
        )
        if created:
            manager.set_unusable_password()
            manager.save()
        manager.groups.add(groups[Role.TEAM_MANAGER])
        team.managers.add(manager)
        workers[team.pk] = []
        for w in range(8):
            worker, created = User.objects.get_or_create(
                username=f"{prefix.lower()}.sw{t + 1:02d}{w + 1}",
                defaults={
                    "first_name": "Worker",
                    "last_name": f"{prefix} {t + 1:02d}-{w + 1}",
                    "team": team,
                },
            )
            if created:
                worker.set_unusable_password()
                worker.save()
            worker.groups.add(groups[Role.SOCIAL_WORKER])
            workers[team.pk].append(worker)
    for i in range(max(3, n_teams * 3 // 4)):
        iro, created = User.objects.get_or_create(
            username=f"{prefix.lower()}.iro{i + 1:02d}",
            defaults={"first_name": "IRO", "last_name": f"{prefix} {i + 1:02d}"},
        )
        if created:
            iro.set_unusable_password()
            iro.save()
        iro.groups.add(groups[Role.IRO])
        iros.append(iro)
    return teams, workers, iros


def _early_help(referrals: list[Referral], as_of: date) -> None:
    """An early help assessment after every other step-down to early help (Annex A List 2),
    chosen by position, not by the random draws, so the rest of the authority is unchanged."""
    stepped = [r for r in referrals if r.stepped_down_to_early_help and r.closure_date]
    assessments = []
    for i, r in enumerate(stepped[::2]):
        start = r.closure_date + timedelta(days=3 + i % 5)
        if start > as_of:
            continue
        done = start + timedelta(days=15 + i % 10)
        assessments.append(
            EarlyHelpAssessment(
                child_id=r.child_id,
                start_date=start,
                completion_date=done if done <= as_of else None,
                lead_practitioner="Synthetic practitioner",
                lead_agency=("education", "health", "social_care")[i % 3],
                organisation="Synthetic Family Help team",
            )
        )
    _insert(assessments)


def _contacts(referrals: list[Referral]) -> None:
    """The front door's contact before every referral, decided as that referral (a strategy
    discussion or a referral for assessment), and a contact decided "information and advice"
    a month before every sixth one (Annex A List 1). Chosen by position, not by the random
    draws, so the rest of the authority is unchanged."""
    contacts = []
    for i, r in enumerate(referrals):
        received = timezone.localtime(r.received_at)
        worker_id = r.child.allocated_worker_id
        base = {
            "child_id": r.child_id,
            "source": r.source,
            "referrer_name": "Synthetic referrer",
            "referrer_agency": "Synthetic agency",
            "reported": "Synthetic contact.",
            "consent": "given",
            "recorded_by_id": worker_id,
        }
        contacts.append(
            Contact(
                **base,
                received_at=received,
                decision_due=timescales.contact_decision_due(received.date()),
                acknowledgement_due=timescales.referrer_acknowledgement_due(received.date()),
                decision="strategy" if r.decision == "strategy" else "referral",
                decided_by_id=worker_id,
                decided_at=received,
                referral_id=r.pk,
                acknowledged_at=received,
                acknowledged_by_id=worker_id,
                acknowledgement_method="email",
                acknowledged_to="Synthetic referrer",
            )
        )
        if i % 6 == 0:
            earlier = received - timedelta(days=30)
            contacts.append(
                Contact(
                    **base,
                    received_at=earlier,
                    decision_due=timescales.contact_decision_due(earlier.date()),
                    acknowledgement_due=timescales.referrer_acknowledgement_due(earlier.date()),
                    decision="advice",
                    decision_reason="Synthetic: advice to the referrer.",
                    decided_by_id=worker_id,
                    decided_at=earlier,
                    acknowledged_at=earlier,
                    acknowledged_by_id=worker_id,
                    acknowledgement_method="email",
                    acknowledged_to="Synthetic referrer",
                )
            )
    _insert(contacts)


def _protective_orders(plans: list[ChildProtectionPlan]) -> None:
    """Police protection (72 hours) before every fifth plan, an emergency protection order
    (8 days) before every seventh: Annex A List 7 asks for either in the last six months."""
    orders = []
    for i, plan in enumerate(plans):
        if i % 5 == 0:
            start = plan.start_date - timedelta(days=20)
            orders.append(
                ProtectiveOrder(
                    child_id=plan.child_id,
                    kind="police",
                    start_date=start,
                    end_date=start + timedelta(days=3),
                    details="Synthetic police protection.",
                )
            )
        elif i % 7 == 0:
            start = plan.start_date - timedelta(days=18)
            orders.append(
                ProtectiveOrder(
                    child_id=plan.child_id,
                    kind="epo",
                    start_date=start,
                    end_date=start + timedelta(days=8),
                    details="Synthetic emergency protection order.",
                )
            )
    _insert(orders)


def generate_authority(
    *,
    children: int,
    seed: int = 2026,
    as_of: date | None = None,
    prefix: str = "Synthetic",
    chunk: int = CHUNK,
    workers: int = 1,
) -> Counts:
    """Create `children` synthetic children with referrals, enquiries, conferences and plans.

    Streamed: `chunk` children at a time, each chunk with all its records in its own
    transaction (and its visits' and core groups' timeliness stored), so memory stays bounded
    and no transaction holds the whole authority. Each chunk draws from its own random
    generators (seeded by `seed` and its place), so the records are the same however many
    `workers` (processes, on PostgreSQL) share the chunks; only which namesakes in other
    chunks the person index proves the same or lists as possibly the same can differ (a
    chunk sees the chunks committed before it)."""
    as_of = as_of or timezone.localdate()
    n_teams = max(2, children // 1000)
    with transaction.atomic():
        teams, staff, iros = _staff(n_teams, prefix)
        managers = [team.managers.first() for team in teams]
    start_index = Child.objects.filter(la_child_id__startswith="SYN").count()
    plan = _Plan(seed, as_of, teams, staff, iros, managers)
    offsets = [(offset, min(chunk, children - offset)) for offset in range(0, children, chunk)]
    counts = Counts(extra={"core_groups": 0, "actions": 0, "participants": 0})
    if workers > 1 and len(offsets) > 1 and connections["default"].vendor == "postgresql":
        # Each process opens its own connection: none is shared across the fork.
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(min(workers, len(offsets)))
        with pool:
            done = pool.imap_unordered(
                _chunk_in_process,
                [(plan, place, start_index + o, n) for place, (o, n) in enumerate(offsets)],
            )
            for part in done:
                counts.add(part)
    else:
        for place, (offset, n) in enumerate(offsets):
            counts.add(_chunk(plan, place, start_index + offset, n))
    return counts


@dataclass(frozen=True)
class _Plan:
    """What every chunk shares: the seed, the day, and the staff made first."""

    seed: int
    as_of: date
    teams: list[Team]
    workers: dict[int, list[User]]
    iros: list[User]
    managers: list[User | None]


def _chunk(plan: _Plan, place: int, first_index: int, n: int) -> Counts:
    """The chunk at `place`, in its own transaction: `n` children numbered from
    `first_index`."""
    # The first chunk draws as a single-chunk authority always has; each later one from
    # generators of its own place.
    rng = random.Random(plan.seed if place == 0 else f"{plan.seed}:{place}")
    family_rng = random.Random(plan.seed * 7 + 19 if place == 0 else f"{plan.seed}:{place}:f")
    moves_rng = random.Random(f"{plan.seed}:{place}:allocations")
    ctx = _Context(
        rng, plan.as_of, plan.teams, plan.workers, plan.iros, plan.managers, family_rng, moves_rng
    )
    counts = Counts(extra={"core_groups": 0, "actions": 0, "participants": 0})
    # Loaded in bulk, past the services and their audit trail (synthetic records).
    with transaction.atomic(), disable_auditlog():
        child_ids = _generate_chunk(ctx, first_index, n, counts)
        # Past the services: store each visit's and core group's timeliness as recording
        # them one by one would.
        refresh_timeliness(child_ids)
        data_version.bump()  # written in bulk, past the signals
    return counts


def _chunk_in_process(job: tuple[_Plan, int, int, int]) -> Counts:
    try:
        return _chunk(*job)
    finally:
        connections.close_all()


@dataclass
class _Context:
    rng: random.Random
    as_of: date
    teams: list[Team]
    workers: dict[int, list[User]]
    iros: list[User]
    managers: list[User | None]
    # Families from a generator of their own, so the rest of the authority is as it was.
    family_rng: random.Random
    # Allocation histories too.
    moves_rng: random.Random
    late_reasons: list[str] = field(
        default_factory=lambda: [code for code, _ in LateReason.choices]
    )
    # Conferences made so far in the chunk (their late reasons and managers take turns).
    conferences: int = 0
    # The last child's surname and parents (a family stays within its chunk).
    last_family: tuple[str, tuple[tuple[str, date], tuple[str, date]]] | None = None


def _generate_chunk(ctx: _Context, first_index: int, n: int, counts: Counts) -> list[int]:
    """`n` children numbered from `first_index` and all their records; returns their ids."""
    rng, as_of, teams, workers, iros = ctx.rng, ctx.as_of, ctx.teams, ctx.workers, ctx.iros
    managers, late_reasons = ctx.managers, ctx.late_reasons
    # About a third of the children are a brother or sister of the child before, with the same
    # surname and the same parents (one mother and father in the person index, not two).
    family_rng = ctx.family_rng
    parents_of: list[tuple[tuple[str, date], tuple[str, date]]] = []
    child_rows = []
    for i in range(first_index, first_index + n):
        sex = rng.choice("FM")
        team = teams[i % len(teams)]
        dob = as_of - timedelta(days=rng.randint(365, 17 * 365))
        first_name = rng.choice(FIRST[sex])
        last_name = rng.choice(SURNAMES)
        if ctx.last_family is not None and family_rng.random() < 0.33:
            last_name = ctx.last_family[0]
            parents_of.append(ctx.last_family[1])
        else:
            parents_of.append(
                (
                    (
                        family_rng.choice(FIRST["F"]),
                        as_of - timedelta(days=family_rng.randint(20 * 365, 45 * 365)),
                    ),
                    (
                        family_rng.choice(FIRST["M"]),
                        as_of - timedelta(days=family_rng.randint(20 * 365, 50 * 365)),
                    ),
                )
            )
        ctx.last_family = (last_name, parents_of[-1])
        child_rows.append(
            Child(
                la_child_id=f"SYN{i:08d}",
                first_name=first_name,
                last_name=last_name,
                date_of_birth=dob,
                sex=sex,
                ethnicity=rng.choice(["WBRI", "WBRI", "WBRI", "MWBC", "AIND", "BAFR", "WOTH"]),
                disabilities=["NONE"],
                upn_unknown_reason="UN1" if (as_of - dob).days < 6 * 365 else "UN2",
                allocated_team=team,
                allocated_worker=rng.choice(workers[team.pk]),
                town="Synthtown",
                postcode="ZZ99 9ZZ",
            )
        )
    _insert(child_rows)

    referrals, family = [], []
    for child, parents in zip(child_rows, parents_of, strict=True):
        (mother_name, mother_born), (father_name, father_born) = parents
        received = as_of - timedelta(days=rng.randint(1, 730))
        r = rng.random()
        decision = (
            "assessment" if r < 0.6 else "strategy" if r < 0.85 else "nfa" if r < 0.95 else ""
        )
        referral = Referral(
            child=child,
            received_at=_aware(received, 9),
            source=rng.choice(["2A", "3A", "6", "1A"]),
            reason="Synthetic referral.",
            primary_need=rng.choice(["N1", "N1", "N4", "N5"]),
            decision=decision,
            decided_at=_aware(add_working_days(received, rng.choice([0, 1, 1, 2])), 15)
            if decision
            else None,
        )
        if decision == "nfa":
            referral.closure_date = min(as_of, received + timedelta(days=1))
            referral.closure_reason = "RC8"
        elif decision == "assessment" and (as_of - received).days > 120 and rng.random() < 0.7:
            referral.closure_date = received + timedelta(days=rng.randint(30, 100))
            referral.closure_reason = rng.choice(["RC8", "RC9", "RC7"])
            referral.stepped_down_to_early_help = referral.closure_reason == "RC9"
        referrals.append(referral)
        if rng.random() < 0.7:
            family.append(
                FamilyMember(
                    child=child,
                    first_name=mother_name,
                    last_name=child.last_name,
                    date_of_birth=mother_born,
                    sex="F",
                    relationship="mother",
                    lives_with_child=True,
                    parental_responsibility=True,
                )
            )
            family.append(
                FamilyMember(
                    child=child,
                    first_name=father_name,
                    last_name=child.last_name,
                    date_of_birth=father_born,
                    sex="M",
                    relationship="father",
                    lives_with_child=rng.random() < 0.5,
                    parental_responsibility=True,
                )
            )
    _insert(referrals)
    counts.extra["allocations"] = counts.extra.get("allocations", 0) + _allocations(ctx, referrals)
    _contacts(referrals)
    _early_help(referrals, as_of)
    _insert(family)
    # Every child and parent a person; siblings' parents proved the same (names and birth).
    link_family(members=family, children=child_rows)

    assessments = []
    # The census year (from 1 April) that `as_of` falls in.
    census_year_start = date(as_of.year if as_of.month >= 4 else as_of.year - 1, 4, 1)
    for referral in referrals:
        if referral.decision not in ("assessment", "strategy"):
            continue
        start = add_working_days(referral.referral_date, 1)
        if start > as_of:
            continue
        authorised = add_working_days(start, rng.randint(15, 55))
        # Some assessments are still open, but only recent ones: one open for months would
        # break the DfE census rule 8736 (an open assessment starts in the census year).
        done = authorised <= as_of and (
            referral.closure_date is not None
            or rng.random() < 0.85
            or start < max(as_of - timedelta(days=OPEN_ASSESSMENT_DAYS), census_year_start)
        )
        if referral.closure_date and authorised > referral.closure_date:
            authorised = referral.closure_date
        assessments.append(
            Assessment(
                referral=referral,
                child_id=referral.child_id,
                start_date=start,
                authorised_date=authorised if done else None,
                factors=rng.choice([["21"], ["3B", "4B"], ["16A"], ["1B", "3B"]]) if done else [],
            )
        )
    _insert(assessments)

    discussions, participants, enquiries = [], [], []
    for referral in referrals:
        if referral.decision != "strategy":
            continue
        held = add_working_days(referral.referral_date, rng.choice([0, 1, 1, 2]))
        if held > as_of:
            held = referral.referral_date
        discussion = StrategyDiscussion(
            child_id=referral.child_id,
            referral=referral,
            held_at=_aware(held, 11),
            discussion_type=rng.choice(["phone", "meeting", "online"]),
            reason="Synthetic.",
            chair=rng.choice(workers[referral.child.allocated_team_id]),
            s47_decision="start",
            enquiry_type="joint" if rng.random() < 0.8 else "single",
            single_agency_reason="Synthetic reason.",
            referrer_invited="invited",
            education_invited="invited",
        )
        discussions.append(discussion)
    _insert(discussions)
    for d in discussions:
        participants.append(
            StrategyParticipant(
                discussion=d, agency="social_care", name="SW", participation="attended"
            )
        )
        if rng.random() < 0.9:
            participants.append(
                StrategyParticipant(
                    discussion=d, agency="police", name="Police", participation="attended"
                )
            )
        health = rng.random()
        participants.append(
            StrategyParticipant(
                discussion=d,
                agency="health",
                health_service="gp",
                name="Health",
                participation="attended"
                if health < 0.75
                else "information"
                if health < 0.85
                else "absent",
            )
        )
        enquiries.append(
            Section47(
                child_id=d.child_id,
                referral_id=d.referral_id,
                strategy_discussion=d,
                start_date=d.held_date,
                child_seen_date=d.held_date,
                child_seen_alone=True,
            )
        )
    _insert(participants)

    # Each enquiry's outcome is decided before it is written (no second UPDATE pass).
    conferences, plans = [], []
    for e in enquiries:
        turn = ctx.conferences + len(conferences)
        target = e.icpc_target_date
        if target > as_of and rng.random() < 0.7:
            conferences.append(
                Conference(
                    child_id=e.child_id,
                    section47=e,
                    conference_type="initial",
                    status="requested",
                    target_date=target,
                    chair=rng.choice(iros),
                )
            )
            continue
        if rng.random() < 0.25:
            e.outcome, e.outcome_rationale = "unsubstantiated", "Synthetic rationale."
            e.completion_date = min(as_of, e.start_date + timedelta(days=10))
            continue
        held = add_working_days(e.start_date, rng.choice([8, 10, 12, 14, 15, 15, 16, 18, 22]))
        if held > as_of:
            conferences.append(
                Conference(
                    child_id=e.child_id,
                    section47=e,
                    conference_type="initial",
                    status="scheduled",
                    target_date=target,
                    scheduled_for=_aware(held),
                    chair=rng.choice(iros),
                    late_reason_code=late_reasons[turn % len(late_reasons)]
                    if held > target
                    else "",
                    late_reason="Synthetic." if held > target else "",
                    interim_safety_plan="Synthetic." if held > target else "",
                )
            )
            continue
        plan_made = rng.random() < 0.8
        category = rng.choice(CATEGORIES)
        conference = Conference(
            child_id=e.child_id,
            section47=e,
            conference_type="initial",
            status="held",
            target_date=target,
            scheduled_for=_aware(held),
            held_on=held,
            chair=rng.choice(iros),
            decision="plan" if plan_made else "no_plan",
            category=category if plan_made else "",
            minutes="Synthetic minutes.",
            minutes_approved_at=_aware(held),
            minutes_distributed_on=add_working_days(held, rng.choice([5, 10, 15, 20])),
            late_reason_code=late_reasons[turn % len(late_reasons)] if held > target else "",
            late_reason="Synthetic: the reason in words." if held > target else "",
            interim_safety_plan="Synthetic interim plan." if held > target else "",
            interim_plan_agreed_by=managers[turn % len(managers)] if held > target else None,
            interim_plan_agreed_at=_aware(target) if held > target else None,
        )
        if conference.minutes_distributed_on > as_of:
            conference.minutes_distributed_on = None
        conferences.append(conference)
        e.outcome = "icpc"
        e.completion_date = held
        if plan_made:
            plan = ChildProtectionPlan(
                child_id=e.child_id,
                start_date=held,
                initial_category=category,
                latest_category=category,
            )
            if rng.random() < 0.5 and (as_of - held).days > 100:
                plan.end_date = held + timedelta(days=rng.randint(90, max(91, (as_of - held).days)))
                plan.end_next_step = rng.choice(["cin_plan", "early_help", "nfi"])
            conference.plan = plan
            plans.append(plan)
    _insert(enquiries)
    _insert(plans)
    _protective_orders(plans)
    for c in conferences:
        if c.plan is not None:
            c.plan_id = c.plan.pk
    _insert(conferences)

    conf_participants = []
    for c in conferences:
        if c.status != "held":
            continue
        conf_participants.append(
            ConferenceParticipant(
                conference=c, kind="agency", agency="social_care", name="SW", status="attended"
            )
        )
        if rng.random() < 0.7:
            conf_participants.append(
                ConferenceParticipant(
                    conference=c,
                    kind="agency",
                    agency="police",
                    name="Police",
                    status=rng.choice(["attended", "sent_report"]),
                )
            )
        conf_participants.append(
            ConferenceParticipant(
                conference=c,
                kind="agency",
                agency="health",
                name="Health",
                status="attended",
                knows_child=rng.random() < 0.75,
            )
        )
        conf_participants.append(
            ConferenceParticipant(
                conference=c,
                kind="parent",
                name="Parent",
                status="attended",
            )
        )
    _insert(conf_participants)
    _reports_shared(conferences, rng)

    reviews, core_groups, visits, oversight, outcomes, actions = [], [], [], [], [], []
    recorder = workers[teams[0].pk][0]
    for plan in plans:
        end = plan.end_date or as_of
        chair = rng.choice(iros)
        review_on = plan.start_date
        first = True
        while True:
            due = (review_on + timedelta(days=91)) if first else review_on + timedelta(days=182)
            held = due + timedelta(days=rng.choice([-14, -7, 0, 0, 3, 20]))
            if held > end:
                if plan.end_date is None:
                    reviews.append(
                        Conference(
                            child_id=plan.child_id,
                            plan=plan,
                            conference_type="review",
                            status="requested",
                            target_date=due,
                            chair=chair,
                        )
                    )
                break
            reviews.append(
                Conference(
                    child_id=plan.child_id,
                    plan=plan,
                    conference_type="review",
                    status="held",
                    target_date=due,
                    held_on=held,
                    chair=chair,
                    decision="continue",
                    category=plan.latest_category,
                    minutes_distributed_on=None,
                    source_system="synthetic",
                )
            )
            review_on, first = held, False
        meeting = add_working_days(plan.start_date, rng.choice([7, 9, 10, 12]))
        while meeting <= end:
            core_groups.append(
                CoreGroupMeeting(
                    plan=plan,
                    meeting_date=meeting,
                    attendees="Synthetic",
                    recorded_by=recorder,
                    parents_attended=rng.random() < 0.8,
                )
            )
            meeting += timedelta(weeks=rng.choice([4, 5, 6, 6, 7]))
        visit = add_working_days(plan.start_date, rng.choice([3, 5, 8]))
        while visit <= end:
            visits.append(
                Visit(
                    child_id=plan.child_id,
                    visit_date=visit,
                    visit_type="statutory_cp",
                    child_seen=(seen := rng.random() < 0.95),
                    seen_alone=seen and rng.random() < 0.7,
                    reason_not_seen="Synthetic.",
                    recorded_by=recorder,
                )
            )
            visit = add_working_days(visit, rng.choice([6, 8, 10, 10, 12]))
        oversee = plan.start_date + timedelta(days=rng.randint(3, 20))
        manager_ids = {}
        while oversee <= end:
            oversight.append(
                ManagementOversight(
                    child_id=plan.child_id,
                    manager_id=manager_ids.get(plan.child_id, recorder.pk),
                    oversight_date=oversee,
                    reflection="Synthetic.",
                    direction="Synthetic.",
                    next_review_date=oversee + timedelta(weeks=4),
                )
            )
            oversee += timedelta(weeks=rng.choice([3, 4, 4, 5]))
        for n in range(2):
            outcomes.append(
                PlanOutcome(plan=plan, what_needs_to_change="Synthetic outcome.", order=n)
            )
    _insert(reviews)
    _insert(core_groups)
    _insert(visits)
    _insert(oversight)
    _insert(outcomes)
    for outcome in outcomes:
        for _ in range(2):
            actions.append(
                PlanAction(
                    outcome=outcome,
                    action="Synthetic action.",
                    owner="Parent",
                    timescale=outcome.plan.start_date + timedelta(days=rng.randint(14, 120)),
                    progress=rng.choice(["done", "on_track", "off_track", "not_started"]),
                    progress_evidence="Synthetic.",
                )
            )
    _insert(actions)
    ctx.conferences += len(conferences)

    counts.children += len(child_rows)
    counts.referrals += len(referrals)
    counts.discussions += len(discussions)
    counts.section47s += len(enquiries)
    counts.conferences += len(conferences) + len(reviews)
    counts.plans += len(plans)
    counts.visits += len(visits)
    counts.extra["core_groups"] += len(core_groups)
    counts.extra["actions"] += len(actions)
    counts.extra["participants"] += len(participants) + len(conf_participants)
    return [child.pk for child in child_rows]


def _allocations(ctx: _Context, referrals: list[Referral]) -> int:
    """Each child's allocation history, from their referral: about one child in five came
    from another team since, and one in twenty moved twice (a generator of its own, so the
    rest of the authority is as it was). The days each was in force are stored as the
    services store them (`AllocationQuerySet.restate`)."""
    rng, teams, workers, as_of = ctx.moves_rng, ctx.teams, ctx.workers, ctx.as_of
    rows = []
    for referral in referrals:
        child = referral.child
        start = referral.referral_date
        r = rng.random()
        moves = 2 if r < 0.05 else 1 if r < 0.2 else 0
        if (as_of - start).days < 30 * (moves + 1):
            moves = 0
        # The days the child moved, after the first, in order; the last allocation is now's.
        days = sorted(
            start + timedelta(days=rng.randint(14, (as_of - start).days)) for _ in range(moves)
        )
        place = teams.index(child.allocated_team)
        history = [
            (teams[(place + moves - k) % len(teams)], day) for k, day in enumerate([start, *days])
        ]
        for k, (team, day) in enumerate(history):
            latest = k == len(history) - 1
            rows.append(
                Allocation(
                    child=child,
                    team=team,
                    worker=child.allocated_worker if latest else rng.choice(workers[team.pk]),
                    start_date=day,
                    end_date=None if latest else history[k + 1][1],
                    reason="Synthetic allocation",
                )
            )
    _insert(rows)
    Allocation.objects.filter(child_id__in=[r.child_id for r in referrals]).restate()
    return len(rows)


def _reports_shared(conferences: list, rng: random.Random) -> None:
    """Most held conferences had the social work report shared with the parent two or three
    working days before (some on the day before: not in advance). No file is stored: the
    synthetic authority is for the measures and the benchmarks."""
    from django.contrib.contenttypes.models import ContentType

    from documents.models import Document, DocumentShare

    conference_type = ContentType.objects.get_for_model(Conference)
    held = [c for c in conferences if c.status == "held" and rng.random() < 0.85]
    documents = [
        Document(
            child_id=c.child_id,
            event_type=conference_type,
            event_id=c.pk,
            title="Social work report for the conference",
            document_type="sw_report",
            document_date=add_working_days(c.held_on, -rng.choice([1, 2, 3])),
            created_by_id=c.chair_id,
        )
        for c in held
    ]
    Document.objects.bulk_create(documents, batch_size=BATCH)
    DocumentShare.objects.bulk_create(
        [
            DocumentShare(
                document=d,
                recipient="Parent",
                recipient_kind="parent",
                method="by_hand",
                shared_on=d.document_date,
                recorded_by_id=d.created_by_id,
            )
            for d in documents
        ],
        batch_size=BATCH,
    )
