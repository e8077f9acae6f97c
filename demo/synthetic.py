"""A large synthetic authority for benchmarks: tens of thousands of children, made quickly.

Every name is invented (drawn from short lists of made-up surnames); no real person or case.
Records are written with bulk_create in batches, bypassing per-row validation for speed, but
the data follows the same rules the forms enforce (dates in order, one open plan, one open
enquiry, census codes), so scans and dashboards behave as they would on real data.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Team, User
from cases.models import (
    Assessment,
    Child,
    FamilyMember,
    ManagementOversight,
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
from strategy.models import Section47, StrategyDiscussion, StrategyParticipant
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


@transaction.atomic
def generate_authority(
    *, children: int, seed: int = 2026, as_of: date | None = None, prefix: str = "Synthetic"
) -> Counts:
    """Create `children` synthetic children with referrals, enquiries, conferences and plans."""
    rng = random.Random(seed)
    as_of = as_of or timezone.localdate()
    n_teams = max(2, children // 1000)
    teams, workers, iros = _staff(n_teams, prefix)
    managers = [team.managers.first() for team in teams]
    late_reasons = [code for code, _ in LateReason.choices]
    start_index = Child.objects.filter(la_child_id__startswith="SYN").count()

    child_rows = []
    for i in range(children):
        sex = rng.choice("FM")
        team = teams[i % len(teams)]
        dob = as_of - timedelta(days=rng.randint(365, 17 * 365))
        child_rows.append(
            Child(
                la_child_id=f"SYN{start_index + i:08d}",
                first_name=rng.choice(FIRST[sex]),
                last_name=rng.choice(SURNAMES),
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
    Child.objects.bulk_create(child_rows, batch_size=BATCH)

    referrals, family = [], []
    for child in child_rows:
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
                    first_name="Parent",
                    last_name=child.last_name,
                    sex="F",
                    relationship="mother",
                    lives_with_child=True,
                    parental_responsibility=True,
                )
            )
            family.append(
                FamilyMember(
                    child=child,
                    first_name="Parent",
                    last_name=child.last_name,
                    sex="M",
                    relationship="father",
                    lives_with_child=rng.random() < 0.5,
                    parental_responsibility=True,
                )
            )
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    FamilyMember.objects.bulk_create(family, batch_size=BATCH)

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
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)

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
    StrategyDiscussion.objects.bulk_create(discussions, batch_size=BATCH)
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
    StrategyParticipant.objects.bulk_create(participants, batch_size=BATCH)
    Section47.objects.bulk_create(enquiries, batch_size=BATCH)

    conferences, plans, enquiry_updates = [], [], []
    for e in enquiries:
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
            enquiry_updates.append(e)
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
                    late_reason_code=late_reasons[len(conferences) % len(late_reasons)]
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
            late_reason_code=late_reasons[len(conferences) % len(late_reasons)]
            if held > target
            else "",
            late_reason="Synthetic: the reason in words." if held > target else "",
            interim_safety_plan="Synthetic interim plan." if held > target else "",
            interim_plan_agreed_by=managers[len(conferences) % len(managers)]
            if held > target
            else None,
            interim_plan_agreed_at=_aware(target) if held > target else None,
        )
        if conference.minutes_distributed_on > as_of:
            conference.minutes_distributed_on = None
        conferences.append(conference)
        e.outcome = "icpc"
        e.completion_date = held
        enquiry_updates.append(e)
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
    Section47.objects.bulk_update(
        enquiry_updates, ["outcome", "outcome_rationale", "completion_date"], batch_size=BATCH
    )
    ChildProtectionPlan.objects.bulk_create(plans, batch_size=BATCH)
    for c in conferences:
        if c.plan is not None:
            c.plan_id = c.plan.pk
    Conference.objects.bulk_create(conferences, batch_size=BATCH)

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
    ConferenceParticipant.objects.bulk_create(conf_participants, batch_size=BATCH)
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
    Conference.objects.bulk_create(reviews, batch_size=BATCH)
    CoreGroupMeeting.objects.bulk_create(core_groups, batch_size=BATCH)
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    ManagementOversight.objects.bulk_create(oversight, batch_size=BATCH)
    PlanOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
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
    PlanAction.objects.bulk_create(actions, batch_size=BATCH)
    # Loaded in bulk, past the services: store each visit's and core group's timeliness as
    # recording them one by one would.
    refresh_timeliness()

    return Counts(
        children=len(child_rows),
        referrals=len(referrals),
        discussions=len(discussions),
        section47s=len(enquiries),
        conferences=len(conferences) + len(reviews),
        plans=len(plans),
        visits=len(visits),
        extra={
            "core_groups": len(core_groups),
            "actions": len(actions),
            "participants": len(participants) + len(conf_participants),
        },
    )


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
