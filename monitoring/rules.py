"""The timescale and compliance rules, each a small named unit in one place.

Every rule has a code, a sentence that explains it to a social worker or manager (its timescale
filled in when it is read, from timescales.rules and the LocalPolicy in force), whether it is
national (fixed) or local (LocalPolicy), and a `find` function that looks at the records in a
handful of queries (never one per child) and yields Findings with the due date and evidence.

A timescale rule gives a due date; the scan turns it into "due soon" (within
LocalPolicy.due_soon_working_days) or "overdue". A compliance rule (`immediate=True`) is a gap as
soon as it is found.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role, User
from cases.models import (
    FamilyMember,
    ManagementOversight,
    MissingEpisode,
    Referral,
    ThresholdDecision,
    Visit,
)
from conferences.models import (
    INITIAL_TYPES,
    ActionProgress,
    ChildProtectionPlan,
    Conference,
    ConferenceParticipant,
    ConferenceStatus,
    ConferenceType,
    CoreGroupMeeting,
    ParticipantKind,
    PlanAction,
    TransferOut,
    shared_participants,
)
from documents.contributions import kind_of
from documents.models import ContributionRequest
from familyhelp.models import FamilyHelpPlan, StepDown
from frontdoor.models import AgencyCheck, Contact
from people.models import Kind
from people.models import Relationship as Link
from strategy.models import S47Outcome, Section47, StrategyDiscussion
from timescales import rules as timescales
from timescales.models import LocalPolicy
from wirral_cp.dates import day, day_time


@dataclass(frozen=True)
class Finding:
    rule: str
    subject_key: str
    child_id: int | None
    due_date: date | None
    evidence: str
    iro_id: int | None = None
    # Whose task it is, when not the child's allocated worker's (the manager who agreed a
    # step-down hears of the child's re-referral).
    worker_id: int | None = None


T = TypeVar("T")


@dataclass
class ScanContext:
    as_of: date
    policy: LocalPolicy
    child_ids: frozenset[int] | None = None  # None: every child
    # What several rules read alike (each plan's core groups, reviews, chairs), read once a scan.
    shared: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        _memo.reset()  # a new scan: the language or time zone may have changed since the last

    def once(self, key: str, read: Callable[[], T]) -> T:
        if key not in self.shared:
            self.shared[key] = read()
        return self.shared[key]  # type: ignore[return-value]

    def scope(self, qs, field_name: str = "child_id"):
        if self.child_ids is None:
            return qs
        return qs.filter(**{f"{field_name}__in": self.child_ids})


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    wording: str  # the sentence, with {icpc}-style places for timescales.rules.in_words()
    national: bool
    find: Callable[[ScanContext], Iterable[Finding]] = field(repr=False)
    immediate: bool = False
    per_child: bool = True

    @property
    def sentence(self) -> str:
        """The rule in words with the timescales in force as it is read: an administrator may
        have changed a local one since the rule was declared."""
        return self.wording.format(**timescales.in_words())


class _Memo:
    """Local days and dates in words for one scan: it words a hundred thousand findings from a
    few thousand distinct dates, and the language and time zone do not change while it runs
    (asking Django for them each time cost more than the rules' queries)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.tz = timezone.get_current_timezone()
        self.days: dict[date, str] = {}


_memo = _Memo()


def _local(dt) -> date:
    return dt.astimezone(_memo.tz).date()


def _d(d: date) -> str:
    try:
        return _memo.days[d]
    except KeyError:
        worded = _memo.days[d] = f"{day(d)}"
        return worded


# --- Front door ---------------------------------------------------------------------------------


def _referral_decision(ctx: ScanContext) -> Iterable[Finding]:
    rows = ctx.scope(Referral.objects.filter(closure_date__isnull=True, decision="")).values_list(
        "pk", "child_id", "received_at"
    )
    for pk, child_id, received in rows:
        received_on = _local(received)
        yield Finding(
            "REFERRAL_DECISION",
            f"referral:{pk}",
            child_id,
            timescales.referral_decision_due(received_on),
            f"Referral received {_d(received_on)} has no threshold decision.",
        )


def _contact_decision(ctx: ScanContext) -> Iterable[Finding]:
    """A contact with no decision: due by the date stored when it was recorded."""
    rows = ctx.scope(Contact.objects.filter(decision="")).values_list(
        "pk", "child_id", "received_at", "decision_due"
    )
    for pk, child_id, received, due in rows:
        yield Finding(
            "CONTACT_DECISION",
            f"contact:{pk}",
            child_id,
            due,
            f"Contact received {day_time(received)} has no decision.",
        )


def _contact_acknowledgement(ctx: ScanContext) -> Iterable[Finding]:
    """A referrer not yet told their contact was received: due by the stored date."""
    rows = ctx.scope(Contact.objects.filter(acknowledged_at__isnull=True)).values_list(
        "pk", "child_id", "received_at", "acknowledgement_due", "referrer_name"
    )
    for pk, child_id, received, due, name in rows:
        who = name or "The referrer"
        yield Finding(
            "CONTACT_ACKNOWLEDGEMENT",
            f"contact:{pk}",
            child_id,
            due,
            f"{who} has not been acknowledged for the contact of {_d(_local(received))}.",
        )


def _agency_checks_late(ctx: ScanContext) -> Iterable[Finding]:
    """A multi-agency check still unanswered after its due time (stored when it was sent, from
    the local target for its urgency). Hours, not days: on the day of the scan it is late once
    the moment has passed; for a later day, once that day is after the due time's day."""
    now = timezone.now()
    today = timezone.localdate()
    rows = ctx.scope(AgencyCheck.objects.awaiting()).values_list(
        "pk", "child_id", "agency", "urgency", "due_at"
    )
    for pk, child_id, agency, urgency, due_at in rows:
        due_on = _local(due_at)
        late = due_at < now if ctx.as_of <= today else ctx.as_of > due_on
        if not late:
            continue
        yield Finding(
            "AGENCY_CHECK_LATE",
            f"check:{pk}",
            child_id,
            due_on,
            f"The {agency} check ({urgency}) was due by "
            f"{day_time(due_at)} and has not been answered.",
        )


def _assessment(ctx: ScanContext) -> Iterable[Finding]:
    rows = ctx.scope(
        Referral.objects.filter(
            closure_date__isnull=True,
            decision__in=[ThresholdDecision.ASSESSMENT, ThresholdDecision.STRATEGY],
        ).exclude(assessments__authorised_date__isnull=False)
    ).values_list("pk", "child_id", "received_at")
    for pk, child_id, received in rows:
        received_on = _local(received)
        yield Finding(
            "ASSESSMENT_45",
            f"referral:{pk}",
            child_id,
            timescales.assessment_due(received_on),
            f"No authorised assessment for the referral of {_d(received_on)}.",
        )


def _open_s47s_without_icpc(ctx: ScanContext):
    """Enquiries waiting for an initial conference: open ones with no outcome yet, and any on
    "ICPC required" whose conference has not been held. Completing the enquiry does not end
    the wait (it once silenced the ICPC alert)."""
    held_icpc = Conference.objects.filter(
        section47=OuterRef("pk"), status=ConferenceStatus.HELD, conference_type__in=INITIAL_TYPES
    )
    return ctx.scope(
        Section47.objects.filter(
            Q(completion_date__isnull=True, outcome="") | Q(outcome=S47Outcome.ICPC_REQUIRED)
        )
        .exclude(source_system="census", completion_date__isnull=False)
        .exclude(Exists(held_icpc))
    )


def _icpc(ctx: ScanContext) -> Iterable[Finding]:
    chairs = dict(
        Conference.objects.filter(chair__isnull=False, section47__isnull=False)
        .filter(status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED])
        .values_list("section47_id", "chair_id")
    )
    for pk, child_id, start in _open_s47s_without_icpc(ctx).values_list(
        "pk", "child_id", "start_date"
    ):
        yield Finding(
            "ICPC_15",
            f"section47:{pk}",
            child_id,
            timescales.icpc_due(start),
            f"No initial conference held for the enquiry started {_d(start)}.",
            iro_id=chairs.get(pk),
        )


def _icpc_late_no_interim_plan(ctx: ScanContext) -> Iterable[Finding]:
    rows = _open_s47s_without_icpc(ctx).values_list(
        "pk", "child_id", "start_date", "interim_safety_plan"
    )
    conferences: dict[int, list] = {}
    linked_rows = (
        ctx.scope(Conference.objects.filter(section47__isnull=False))
        .filter(conference_type__in=INITIAL_TYPES)
        .exclude(status=ConferenceStatus.CANCELLED)
        .values_list("section47_id", "scheduled_for", "interim_safety_plan")
    )
    for s47_id, scheduled, plan in linked_rows:
        conferences.setdefault(s47_id, []).append((scheduled, plan))
    for pk, child_id, start, s47_plan in rows:
        target = timescales.icpc_due(start)
        linked = conferences.get(pk, [])
        late = ctx.as_of > target or any(s and _local(s) > target for s, _ in linked)
        has_plan = bool(s47_plan.strip()) or any(p.strip() for _, p in linked)
        if late and not has_plan:
            yield Finding(
                "ICPC_LATE_NO_INTERIM_PLAN",
                f"section47:{pk}",
                child_id,
                target,
                f"The ICPC is late (target {_d(target)}) and no interim safety plan is recorded.",
            )


def _transfer_in(ctx: ScanContext) -> Iterable[Finding]:
    """A transfer-in conference not yet held: due by the target stored when the notification
    was recorded (15 working days from it)."""
    rows = ctx.scope(
        Conference.objects.filter(
            conference_type=ConferenceType.TRANSFER_IN,
            status__in=[
                ConferenceStatus.REQUESTED,
                ConferenceStatus.SCHEDULED,
                ConferenceStatus.ADJOURNED,
            ],
        )
    ).values_list(
        "pk",
        "child_id",
        "target_date",
        "chair_id",
        "transfer_in__from_authority",
        "transfer_in__notified_on",
    )
    for pk, child_id, target, chair, authority, notified in rows:
        told = f"{authority} told us of the move on {_d(notified)}" if notified else "Moved in"
        yield Finding(
            "TRANSFER_IN_15",
            f"conference:{pk}",
            child_id,
            target,
            f"{told}: the transfer-in conference has not been held.",
            iro_id=chair,
        )


def _transfer_out(ctx: ScanContext) -> Iterable[Finding]:
    """A child who moved away whose plan here is still open after the date the receiving
    authority gave for its transfer-in conference: find out whether it was held."""
    rows = ctx.scope(
        TransferOut.objects.filter(
            receiving_conference_held=False,
            receiving_conference_on__isnull=False,
            plan__end_date__isnull=True,
        )
    ).values_list("pk", "child_id", "receiving_conference_on", "to_authority")
    for pk, child_id, when, authority in rows:
        yield Finding(
            "TRANSFER_OUT_CONFERENCE",
            f"transfer_out:{pk}",
            child_id,
            when,
            f"Moved to {authority}: their transfer-in conference was due on {_d(when)}; "
            "record whether it was held (the plan here ends that day).",
        )


# --- Strategy and conference compliance -----------------------------------------------------


def _strategy_agency(agency: str, code: str, name: str):
    def find(ctx: ScanContext) -> Iterable[Finding]:
        qs = ctx.scope(
            StrategyDiscussion.objects.with_participation().filter(
                referral__closure_date__isnull=True, **{f"has_{agency}": False}
            )
        )
        for pk, child_id, held, reason in qs.values_list(
            "pk", "child_id", "held_at", "missing_agency_reason"
        ):
            held_on = _local(held)
            evidence = f"Strategy discussion on {_d(held_on)}: {name} did not take part."
            if reason:
                evidence += f" Reason recorded: {reason[:200]}"
            yield Finding(code, f"strategy:{pk}", child_id, held_on, evidence)

    return find


def _recent_held_icpcs(ctx: ScanContext):
    return ctx.scope(
        Conference.objects.filter(
            status=ConferenceStatus.HELD,
            conference_type__in=INITIAL_TYPES,
            held_on__gte=ctx.as_of - timedelta(days=365),
            source_system="entered",
        )
    )


def _icpc_without_police(ctx: ScanContext) -> Iterable[Finding]:
    # A sibling-group conference's participants are its lead's.
    police = shared_participants().filter(
        kind=ParticipantKind.AGENCY,
        agency="police",
        status__in=["attended", "sent_report"],
    )
    for pk, child_id, held, chair in (
        _recent_held_icpcs(ctx)
        .exclude(Exists(police))
        .values_list("pk", "child_id", "held_on", "chair_id")
    ):
        yield Finding(
            "ICPC_NO_POLICE",
            f"conference:{pk}",
            child_id,
            held,
            f"Police did not attend or send a report to the ICPC on {_d(held)}.",
            iro_id=chair,
        )


def _icpc_health_does_not_know_child(ctx: ScanContext) -> Iterable[Finding]:
    health = shared_participants().filter(agency="health", status="attended")
    for pk, child_id, held, chair in (
        _recent_held_icpcs(ctx)
        .filter(Exists(health.filter(knows_child=False)))
        .exclude(Exists(health.filter(knows_child=True)))
        .values_list("pk", "child_id", "held_on", "chair_id")
    ):
        yield Finding(
            "ICPC_HEALTH_UNKNOWN_TO_CHILD",
            f"conference:{pk}",
            child_id,
            held,
            f"The health attendee at the ICPC on {_d(held)} did not know the child.",
            iro_id=chair,
        )


def _minutes(ctx: ScanContext) -> Iterable[Finding]:
    rows = ctx.scope(
        Conference.objects.filter(
            status=ConferenceStatus.HELD,
            held_on__isnull=False,
            minutes_distributed_on__isnull=True,
            source_system="entered",
        )
    ).values_list("pk", "child_id", "held_on", "chair_id")
    for pk, child_id, held, chair in rows:
        yield Finding(
            "MINUTES_15",
            f"conference:{pk}",
            child_id,
            timescales.minutes_due(held, ctx.policy),
            f"Minutes of the conference on {_d(held)} have not been distributed.",
            iro_id=chair,
        )


def _late_contributions(ctx: ScanContext) -> Iterable[Finding]:
    """Contributions asked of partner professionals and not received by the due date stored
    when the request was written (documents.ContributionRequest)."""
    rows = ctx.scope(
        ContributionRequest.objects.open().filter(due_date__lt=ctx.as_of).prefetch_related("target")
    )
    for request in rows:
        kind = kind_of(request.target) if request.target is not None else None
        meeting = kind.label.lower() if kind else "meeting"
        yield Finding(
            "CONTRIBUTION_LATE",
            f"contribution:{request.pk}",
            request.child_id,
            request.due_date,
            f"{request.get_kind_display()} asked of {request.professional_name} "
            f"({request.get_agency_display()}) for the {meeting} was due {_d(request.due_date)}.",
        )


# --- The plan -----------------------------------------------------------------------------------


def _open_plans(ctx: ScanContext):
    return ctx.scope(ChildProtectionPlan.objects.filter(end_date__isnull=True))


def _plan_chairs(ctx: ScanContext) -> dict[int, int]:
    """The IRO chairing each open plan's latest conference."""
    return ctx.once("plan_chairs", lambda: _read_plan_chairs(ctx))


def _read_plan_chairs(ctx: ScanContext) -> dict[int, int]:
    chairs: dict[int, int] = {}
    for plan_id, chair in (
        ctx.scope(
            Conference.objects.filter(plan__end_date__isnull=True, chair__isnull=False),
            "plan__child_id",
        )
        .order_by("plan_id", "target_date", "pk")
        .values_list("plan_id", "chair_id")
    ):
        chairs[plan_id] = chair
    return chairs


def _core_groups(ctx: ScanContext) -> Iterable[Finding]:
    plans = _open_plans(ctx).annotate(last_core_group=Max("core_groups__meeting_date"))
    for pk, child_id, start, last in plans.values_list(
        "pk", "child_id", "start_date", "last_core_group"
    ):
        yield Finding(
            "FIRST_CORE_GROUP" if last is None else "CORE_GROUP_INTERVAL",
            f"plan:{pk}",
            child_id,
            timescales.core_group_due(start, last, ctx.policy),
            f"No core group yet for the plan that started {_d(start)}."
            if last is None
            else f"Last core group {_d(last)}.",
        )


def _reviews(ctx: ScanContext) -> Iterable[Finding]:
    plans = _open_plans(ctx).annotate(
        last_review=Max(
            "conferences__held_on",
            filter=Q(
                conferences__conference_type=ConferenceType.REVIEW,
                conferences__status=ConferenceStatus.HELD,
            ),
        )
    )
    chairs = _plan_chairs(ctx)
    first_review = timescales.in_words(ctx.policy)["first_review"]
    for pk, child_id, start, last in plans.values_list(
        "pk", "child_id", "start_date", "last_review"
    ):
        if last is None:
            yield Finding(
                "FIRST_REVIEW",
                f"plan:{pk}",
                child_id,
                timescales.first_review_due(start),
                f"First review conference due {first_review} after the ICPC of {_d(start)}.",
                iro_id=chairs.get(pk),
            )
        else:
            yield Finding(
                "LATER_REVIEW",
                f"plan:{pk}",
                child_id,
                timescales.later_review_due(last),
                f"Last review conference {_d(last)}.",
                iro_id=chairs.get(pk),
            )


def _post_birth_review(ctx: ScanContext) -> Iterable[Finding]:
    """A plan made before the child was born (it started before the date of birth) and no
    review conference held since the birth."""
    review_since_birth = Conference.objects.filter(
        plan=OuterRef("pk"),
        conference_type=ConferenceType.REVIEW,
        status=ConferenceStatus.HELD,
        held_on__gte=OuterRef("child__date_of_birth"),
    )
    plans = (
        _open_plans(ctx)
        .filter(child__date_of_birth__isnull=False, start_date__lt=F("child__date_of_birth"))
        .exclude(Exists(review_since_birth))
    )
    chairs = _plan_chairs(ctx)
    within = timescales.in_words(ctx.policy)["post_birth_review"]
    for pk, child_id, born in plans.values_list("pk", "child_id", "child__date_of_birth"):
        yield Finding(
            "POST_BIRTH_REVIEW",
            f"plan:{pk}",
            child_id,
            timescales.post_birth_review_due(born, ctx.policy),
            f"Born {_d(born)} on a plan made before birth: a review conference is due within "
            f"{within} of the birth.",
            iro_id=chairs.get(pk),
        )


def _statutory_visits(ctx: ScanContext) -> Iterable[Finding]:

    last_visit = (
        Visit.objects.seen()
        .filter(child_id=OuterRef("child_id"), visit_date__gte=OuterRef("start_date"))
        .order_by("-visit_date")
        .values("visit_date")[:1]
    )
    plans = _open_plans(ctx).annotate(last_visit=Subquery(last_visit))
    for pk, child_id, start, last, every in plans.values_list(
        "pk", "child_id", "start_date", "last_visit", "visit_working_days"
    ):
        yield Finding(
            "STATUTORY_VISIT",
            f"plan:{pk}",
            child_id,
            timescales.statutory_visit_due(start, last, ctx.policy, every),
            f"Child last seen on a statutory visit {_d(last)}."
            if last
            else f"No statutory visit with the child seen since the plan started {_d(start)}.",
        )


def _seen_alone(ctx: ScanContext) -> Iterable[Finding]:
    """The conference asked for the child to be seen alone, and at the last visit the child
    was seen but not alone (found again, and gone, with the next visit)."""
    last = (
        Visit.objects.seen()
        .filter(child_id=OuterRef("child_id"), visit_date__gte=OuterRef("start_date"))
        .order_by("-visit_date", "-pk")
    )
    plans = (
        _open_plans(ctx)
        .filter(see_child_alone=True)
        .annotate(
            last_visit=Subquery(last.values("visit_date")[:1]),
            last_alone=Subquery(last.values("seen_alone")[:1]),
        )
        .filter(last_alone=False)
    )
    for pk, child_id, visited in plans.values_list("pk", "child_id", "last_visit"):
        yield Finding(
            "SEEN_ALONE",
            f"plan:{pk}",
            child_id,
            None,
            f"At the last visit ({_d(visited)}) the child was not seen alone; the conference "
            "asked for the child to be seen alone.",
        )


def _oversight(ctx: ScanContext) -> Iterable[Finding]:

    last = (
        ManagementOversight.objects.filter(child_id=OuterRef("child_id"))
        .order_by("-oversight_date")
        .values("oversight_date")[:1]
    )
    plans = _open_plans(ctx).annotate(last_oversight=Subquery(last))
    for pk, child_id, start, last_on in plans.values_list(
        "pk", "child_id", "start_date", "last_oversight"
    ):
        base = max(d for d in (last_on, start) if d)
        yield Finding(
            "MANAGEMENT_OVERSIGHT",
            f"plan:{pk}",
            child_id,
            timescales.next_oversight_due(base, ctx.policy),
            f"Last management oversight {_d(last_on)}."
            if last_on
            else "No management oversight recorded since the plan started.",
        )


def _plan_actions(ctx: ScanContext) -> Iterable[Finding]:
    rows = ctx.scope(
        PlanAction.objects.filter(outcome__plan__end_date__isnull=True).exclude(
            progress=ActionProgress.DONE
        ),
        "outcome__plan__child_id",
    ).values_list("pk", "outcome__plan__child_id", "timescale", "owner", "action")
    for pk, child_id, timescale, owner, action in rows:
        yield Finding(
            "PLAN_ACTION",
            f"action:{pk}",
            child_id,
            timescale,
            f'"{action[:120]}" (owner: {owner}) due {_d(timescale)} is not done.',
        )


def _genogram(ctx: ScanContext) -> Iterable[Finding]:
    from cases.genogram import FAMILY_RELATIONSHIPS

    relatives = FamilyMember.objects.filter(
        child_id=OuterRef("child_id"), relationship__in=FAMILY_RELATIONSHIPS
    )
    for pk, child_id, start in (
        _open_plans(ctx).exclude(Exists(relatives)).values_list("pk", "child_id", "start_date")
    ):
        yield Finding(
            "GENOGRAM_MISSING",
            f"plan:{pk}",
            child_id,
            start,
            "The child is on a plan and no family relationships are recorded: no genogram.",
        )


def _father_not_involved(ctx: ScanContext) -> Iterable[Finding]:
    """A child on a plan whose father is known (recorded as the father), alive, and not kept
    out by a recorded reason, yet not involved: not in the safety plan, never invited to the
    child's conferences, not named at a core group (issue 19: fathers too rarely engaged)."""
    plans = list(_open_plans(ctx).values_list("pk", "child_id", "start_date", "child__person_id"))
    persons = {person for *_, person in plans if person}
    if not persons:
        return
    fathers: dict[int, list[tuple[int, int]]] = {}
    # Subqueries rather than lists of ids: the whole scan's lists run to tens of thousands.
    on_plan = _open_plans(ctx).values("child_id")
    for link_id, child_person, father in (
        Link.objects.current(ctx.as_of)
        .filter(
            relative_id__in=_open_plans(ctx).values("child__person_id"),
            kind=Kind.FATHER,
            involved_in_safety_plan=False,
            not_involved_reason="",
            person__is_deceased=False,
            person__date_of_death__isnull=True,
        )
        .values_list("pk", "relative_id", "person_id")
    ):
        fathers.setdefault(child_person, []).append((link_id, father))
    # Who took part is the person chosen on the participants and core-group forms, never a
    # name (a namesake is not the father; a father renamed is still him).
    involved: dict[int, set[int]] = {}
    # Each child's conferences' invitations: a sibling-group conference's are on its lead.
    shared: dict[int, set[int]] = {}
    for pk, lead_id, child_id in Conference.objects.filter(child_id__in=on_plan).values_list(
        "pk", "group_lead_id", "child_id"
    ):
        shared.setdefault(lead_id or pk, set()).add(child_id)
    invited = Conference.objects.filter(child_id__in=on_plan).values(
        invitations=Coalesce("group_lead_id", "pk")
    )
    for conference_id, person_id in ConferenceParticipant.objects.filter(
        conference_id__in=invited, person__isnull=False
    ).values_list("conference_id", "person_id"):
        for child_id in shared[conference_id]:
            involved.setdefault(child_id, set()).add(person_id)
    for child_id, person_id in CoreGroupMeeting.family_attendees.through.objects.filter(
        coregroupmeeting__plan__child_id__in=on_plan
    ).values_list("coregroupmeeting__plan__child_id", "person_id"):
        involved.setdefault(child_id, set()).add(person_id)
    for _plan, child_id, start, person in plans:
        for link_id, father in fathers.get(person, []):
            if father in involved.get(child_id, set()):
                continue
            yield Finding(
                "FATHER_NOT_INVOLVED",
                f"father:{link_id}",
                child_id,
                start,
                "The child is on a plan and their father has not been involved: not invited "
                "to a conference, not at a core group, not in the safety plan, and no reason "
                "recorded.",
            )


def _re_referrals(ctx: ScanContext) -> Iterable[Finding]:
    open_qs = ctx.scope(Referral.objects.filter(closure_date__isnull=True))
    open_refs = list(open_qs.values_list("pk", "child_id", "received_at"))
    closures: dict[int, list[tuple[date, bool]]] = {}
    # Only the closed episodes of children referred again (not every closure in the authority).
    closed = Referral.objects.filter(
        closure_date__isnull=False, child_id__in=open_qs.values("child_id")
    )
    for child_id, closed_on, stepped in closed.values_list(
        "child_id", "closure_date", "stepped_down_to_early_help"
    ):
        closures.setdefault(child_id, []).append((closed_on, stepped))
    within = timescales.in_words(ctx.policy)["re_referral"]
    for pk, child_id, received in open_refs:
        received_on = _local(received)
        earlier = [
            c
            for c in closures.get(child_id, [])
            if timescales.is_re_referral_after_closure(received_on, [c[0]])
        ]
        if earlier:
            closed_on, stepped = max(earlier)
            how = "stepped down to early help" if stepped else "closed"
            yield Finding(
                "RE_REFERRAL_12M",
                f"referral:{pk}",
                child_id,
                received_on,
                f"Referred again: the previous episode {how} on {_d(closed_on)}, within {within}.",
            )


def _re_referrals_after_step_down(ctx: ScanContext) -> Iterable[Finding]:
    """A child referred again within 12 months of a step-down to Family Help: flagged to the
    manager who agreed the step-down (and the child's team)."""
    open_qs = ctx.scope(Referral.objects.filter(closure_date__isnull=True))
    open_refs = list(open_qs.values_list("pk", "child_id", "received_at"))
    step_downs: dict[int, list[tuple[date, int, str]]] = {}
    rows = StepDown.objects.filter(child_id__in=open_qs.values("child_id")).values_list(
        "child_id", "referral__closure_date", "agreed_by_id", "to_team__name"
    )
    for child_id, closed_on, agreed_by, team in rows:
        step_downs.setdefault(child_id, []).append((closed_on, agreed_by, team))
    within = timescales.in_words(ctx.policy)["re_referral"]
    for pk, child_id, received in open_refs:
        received_on = _local(received)
        earlier = [
            s
            for s in step_downs.get(child_id, [])
            if timescales.is_re_referral_after_closure(received_on, [s[0]])
        ]
        if earlier:
            closed_on, agreed_by, team = max(earlier)
            yield Finding(
                "RE_REFERRAL_AFTER_STEP_DOWN",
                f"referral:{pk}",
                child_id,
                received_on,
                f"Referred again within {within} of the step-down to Family Help ({team}) "
                f"agreed when the episode closed on {_d(closed_on)}.",
                worker_id=agreed_by,
            )


def _family_help_reviews(ctx: ScanContext) -> Iterable[Finding]:
    """An open Family Help plan's next review, by the due date stored when it was written."""
    rows = ctx.scope(
        FamilyHelpPlan.objects.filter(end_date__isnull=True, next_review_due__isnull=False)
    ).values_list("pk", "child_id", "start_date", "next_review_due")
    for pk, child_id, start, due in rows:
        yield Finding(
            "FAMILY_HELP_REVIEW",
            f"fh_plan:{pk}",
            child_id,
            due,
            f"The Family Help plan from {_d(start)} is due for review by {_d(due)}.",
        )


def _return_interview(ctx: ScanContext) -> Iterable[Finding]:
    """A child back from a missing episode and no return home interview offered yet: due 72
    clock hours after the return (the due date is the day those hours run out)."""
    rows = ctx.scope(
        MissingEpisode.objects.filter(
            ended_at__isnull=False, return_interview_offered_at__isnull=True
        )
    ).values_list("pk", "child_id", "ended_at")
    for pk, child_id, ended in rows:
        due = timezone.localtime(timescales.return_interview_due(ended))
        yield Finding(
            "RETURN_INTERVIEW_72H",
            f"missing:{pk}",
            child_id,
            due.date(),
            f"Returned {day_time(ended)} from a missing episode: no "
            f"return home interview offered (due by {day_time(due)}).",
        )


def _iro_caseload(ctx: ScanContext) -> Iterable[Finding]:
    if ctx.child_ids is not None:
        return
    from conferences.selectors import iro_child_counts

    limit = ctx.policy.iro_caseload_warning
    # One grouped count of every child's caseload chair (iro_caseloads() counts the children
    # again for each IRO: a pass over the authority per IRO).
    over = {pk: n for pk, n in iro_child_counts().items() if n > limit}
    iros = (
        User.objects.filter(groups__name=Role.IRO, is_active=True, pk__in=over)
        .distinct()
        .order_by("last_name", "first_name")
    )
    for iro in iros:
        yield Finding(
            "IRO_CASELOAD",
            f"iro:{iro.pk}",
            None,
            None,  # a caseload has no date to meet (a date moving daily would be rewritten daily)
            f"{iro} chairs conferences for {over[iro.pk]} children (warning above {limit}).",
            iro_id=iro.pk,
        )


def _found_once(
    ctx: ScanContext, find: Callable[[ScanContext], Iterable[Finding]], code: str
) -> list[Finding]:
    """One rule's share of what `find` finds for two rules (a plan's first core group or its
    next one), `find` run once a scan for both."""
    found = ctx.once(find.__name__, lambda: list(find(ctx)))
    return [f for f in found if f.rule == code]


RULES: list[Rule] = [
    Rule(
        "REFERRAL_DECISION",
        "Referral decision",
        "A decision on a referral is due within {referral_decision} of receiving it.",
        True,
        _referral_decision,
    ),
    Rule(
        "CONTACT_DECISION",
        "Contact decision",
        "A decision on a contact (no further action, advice, Family Help, referral or a "
        "strategy discussion) is made within {contact_decision} of receiving it.",
        True,
        _contact_decision,
    ),
    Rule(
        "CONTACT_ACKNOWLEDGEMENT",
        "Referrer acknowledged",
        "The referrer is told their contact was received within {acknowledgement} "
        "(Working Together).",
        True,
        _contact_acknowledgement,
    ),
    Rule(
        "AGENCY_CHECK_LATE",
        "Multi-agency check late",
        "Partner agencies answer a front-door check within the local target for its urgency: "
        "red {check_red}, amber {check_amber}, green {check_green} (local).",
        False,
        _agency_checks_late,
        immediate=True,
    ),
    Rule(
        "ASSESSMENT_45",
        "Assessment",
        "An assessment must be completed and authorised within {assessment} of the referral.",
        True,
        _assessment,
    ),
    Rule(
        "ICPC_15",
        "Initial child protection conference",
        "The ICPC must be held within {icpc} of the strategy discussion that started "
        "the section 47 enquiry.",
        True,
        _icpc,
    ),
    Rule(
        "ICPC_LATE_NO_INTERIM_PLAN",
        "Late ICPC without an interim safety plan",
        "Every child waiting for a late ICPC must have an interim safety plan.",
        True,
        _icpc_late_no_interim_plan,
        immediate=True,
    ),
    Rule(
        "TRANSFER_IN_15",
        "Transfer-in conference",
        "A child on another authority's plan who moves here has a transfer-in conference "
        "within {transfer_in} of this authority being notified.",
        True,
        _transfer_in,
    ),
    Rule(
        "TRANSFER_OUT_CONFERENCE",
        "Move to another authority",
        "The plan of a child who moved away ends when the receiving authority's transfer-in "
        "conference is held: confirm it once its date has passed (local).",
        False,
        _transfer_out,
    ),
    Rule(
        "FIRST_CORE_GROUP",
        "First core group",
        "The first core group meets within {first_core_group} of the ICPC (local).",
        False,
        lambda ctx: _found_once(ctx, _core_groups, "FIRST_CORE_GROUP"),
    ),
    Rule(
        "CORE_GROUP_INTERVAL",
        "Core group",
        "Core groups meet at most {core_group_interval} apart (local).",
        False,
        lambda ctx: _found_once(ctx, _core_groups, "CORE_GROUP_INTERVAL"),
    ),
    Rule(
        "FIRST_REVIEW",
        "First review conference",
        "The first review conference is held within {first_review} of the ICPC.",
        True,
        lambda ctx: _found_once(ctx, _reviews, "FIRST_REVIEW"),
    ),
    Rule(
        "LATER_REVIEW",
        "Review conference",
        "Later review conferences are held at most {later_review} apart.",
        True,
        lambda ctx: _found_once(ctx, _reviews, "LATER_REVIEW"),
    ),
    Rule(
        "POST_BIRTH_REVIEW",
        "Review conference after the birth",
        "A child on a plan made before birth has a review conference within "
        "{post_birth_review} of the birth (local).",
        False,
        _post_birth_review,
    ),
    Rule(
        "STATUTORY_VISIT",
        "Statutory visit",
        "A child on a plan is seen at least every {statutory_visit} (local), or as often as "
        "their conference set; any visit where the child was seen counts.",
        False,
        _statutory_visits,
    ),
    Rule(
        "SEEN_ALONE",
        "Child not seen alone",
        "When the conference asked for the child to be seen alone, each visit sees the child "
        "alone, or says why not.",
        False,
        _seen_alone,
        immediate=True,
    ),
    Rule(
        "MANAGEMENT_OVERSIGHT",
        "Management oversight",
        "A manager records oversight of a child on a plan at least every {oversight} (local).",
        False,
        _oversight,
    ),
    Rule(
        "MINUTES_15",
        "Conference minutes",
        "Conference minutes are distributed within {minutes} (local).",
        False,
        _minutes,
    ),
    Rule(
        "CONTRIBUTION_LATE",
        "Contribution from a partner agency late",
        "A professional asked for their information or report sends it by the due date set "
        "when they were asked; a late one is chased (or sent a new link).",
        False,
        _late_contributions,
        immediate=True,
    ),
    Rule(
        "STRATEGY_NO_HEALTH",
        "Strategy discussion without health",
        "Health must take part in every strategy discussion (statutory guidance).",
        True,
        _strategy_agency("health", "STRATEGY_NO_HEALTH", "health"),
        immediate=True,
    ),
    Rule(
        "STRATEGY_NO_POLICE",
        "Strategy discussion without police",
        "Police must take part in every strategy discussion (statutory guidance).",
        True,
        _strategy_agency("police", "STRATEGY_NO_POLICE", "police"),
        immediate=True,
    ),
    Rule(
        "ICPC_NO_POLICE",
        "ICPC without police",
        "Police should attend or send a report to every initial conference.",
        True,
        _icpc_without_police,
        immediate=True,
    ),
    Rule(
        "ICPC_HEALTH_UNKNOWN_TO_CHILD",
        "ICPC health attendee did not know the child",
        "The health professional at an ICPC should be one who knows the child.",
        False,
        _icpc_health_does_not_know_child,
        immediate=True,
    ),
    Rule(
        "PLAN_ACTION",
        "Plan action past its timescale",
        "Every plan action has an owner and a timescale, and is done by then.",
        False,
        _plan_actions,
    ),
    Rule(
        "RETURN_INTERVIEW_72H",
        "Return home interview",
        "A child who has been missing is offered a return home interview within "
        "{return_interview} of returning (clock hours; statutory guidance).",
        True,
        _return_interview,
    ),
    Rule(
        "IRO_CASELOAD",
        "IRO caseload",
        "An IRO's caseload should stay at or below {iro_caseload} children (local; the IRO "
        "Handbook's 50-70 is for looked-after children).",
        False,
        _iro_caseload,
        immediate=True,
        per_child=False,
    ),
    Rule(
        "RE_REFERRAL_12M",
        "Re-referred within 12 months of closure or step-down",
        "A child referred again within {re_referral} of a closure or step-down is reviewed by a "
        "manager (a local measure; the DfE's re-referral counts from the previous referral).",
        True,
        _re_referrals,
        immediate=True,
    ),
    Rule(
        "RE_REFERRAL_AFTER_STEP_DOWN",
        "Re-referred within 12 months of a step-down to Family Help",
        "A child referred again within {re_referral} of a step-down to Family Help is flagged "
        "to the manager who agreed the step-down (a local measure of premature step-down).",
        False,
        _re_referrals_after_step_down,
        immediate=True,
    ),
    Rule(
        "FAMILY_HELP_REVIEW",
        "Family Help plan review",
        "A Family Help plan is reviewed within {family_help_review} of its start, then of each "
        "review (local).",
        False,
        _family_help_reviews,
    ),
    Rule(
        "GENOGRAM_MISSING",
        "Genogram missing",
        "A child on a plan needs their family relationships recorded (the genogram).",
        False,
        _genogram,
        immediate=True,
    ),
    Rule(
        "FATHER_NOT_INVOLVED",
        "Father not involved",
        "A child on a plan whose father is known and alive has him involved (invited to "
        "conferences, at core groups or in the safety plan), or a recorded reason why not.",
        False,
        _father_not_involved,
        immediate=True,
    ),
]

RULES_BY_CODE = {rule.code: rule for rule in RULES}
