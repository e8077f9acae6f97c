"""Synthetic demonstration data. Every name here is invented; no real person or case."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Team, User
from accounts.services import roles_ensure
from cases.codes.ethnicity import Ethnicity
from cases.codes.sex import Sex
from cases.family_people import link_family
from cases.models import (
    Allocation,
    Assessment,
    CaseNote,
    Child,
    CINPlan,
    FamilyMember,
    ManagementOversight,
    Professional,
    ProtectiveOrder,
    Referral,
    ServiceReferral,
    Visit,
)
from cases.services import record_save
from conferences.models import Conference
from conferences.services import conference_schedule, icpc_request
from conferences.timeliness import refresh_timeliness
from familyhelp.models import EarlyHelpAssessment, FamilyHelpPlan, FamilyHelpReview, StepDown
from familyhelp.services import request_from_contact
from frontdoor.models import AgencyCheck, Contact
from monitoring.services import timescales_scan
from strategy.models import Section47, StrategyDiscussion, StrategyParticipant
from strategy.services import section47_start
from timescales import rules as timescales
from timescales.calendar import add_working_days

from .synthetic import generate_authority

DEMO_PASSWORD = settings.DEMO_PASSWORD

DEMO_TEAMS = [
    "North Assessment Team (demo)",
    "South Child Protection Team (demo)",
    "Family Help Team (demo)",
]

# username, first, last, role (None: no role), team index (None: no team), manages team index
DEMO_USERS: list[tuple[str, str, str, Role | None, int | None, int | None]] = [
    ("sw.north", "Sam", "Northfield", Role.SOCIAL_WORKER, 0, None),
    ("sw.north2", "Priya", "Northgate", Role.SOCIAL_WORKER, 0, None),
    ("sw.south", "Tomasz", "Southbank", Role.SOCIAL_WORKER, 1, None),
    ("tm.north", "Morgan", "Managerley", Role.TEAM_MANAGER, 0, 0),
    ("tm.south", "Aisha", "Overseer", Role.TEAM_MANAGER, 1, 1),
    ("fh.worker", "Faye", "Helpwell", Role.SOCIAL_WORKER, 2, None),
    ("tm.familyhelp", "Gus", "Earlyhelp", Role.TEAM_MANAGER, 2, 2),
    ("iro", "Chris", "Chairwell", Role.IRO, None, None),
    ("iro2", "Dana", "Reviewfield", Role.IRO, None, None),
    ("bsupport", "Bea", "Diarykeeper", Role.BUSINESS_SUPPORT, None, None),
    ("senior", "Hari", "Directorson", Role.SENIOR_MANAGER, None, None),
    ("admin", "Ada", "Adminton", Role.ADMINISTRATOR, None, None),
    # No case role: the authority's list of likely duplicate person records, and nothing else.
    ("data.officer", "Dev", "Dataworth", None, None, None),
]

# The permissions a demo user holds besides their role's.
DEMO_PERMISSIONS = {"data.officer": [("people", "review_duplicates")]}

# LA child ID, first, last, sex, date of birth, ethnicity, team index, worker username
DEMO_CHILDREN = [
    ("DEMO0001", "Ruby", "Testwood", Sex.FEMALE, date(2017, 3, 14), Ethnicity.WBRI, 0, "sw.north"),
    ("DEMO0002", "Leo", "Testwood", Sex.MALE, date(2019, 9, 2), Ethnicity.WBRI, 0, "sw.north"),
    (
        "DEMO0003",
        "Amara",
        "Samplebrook",
        Sex.FEMALE,
        date(2012, 1, 30),
        Ethnicity.BAFR,
        0,
        "sw.north2",
    ),
    ("DEMO0004", "Kai", "Fictionley", Sex.MALE, date(2015, 6, 21), Ethnicity.MWBC, 1, "sw.south"),
    (
        "DEMO0005",
        "Zofia",
        "Placeholderova",
        Sex.FEMALE,
        date(2021, 11, 5),
        Ethnicity.WOTH,
        1,
        "sw.south",
    ),
    ("DEMO0006", "Noah", "Inventedale", Sex.MALE, date(2010, 4, 12), Ethnicity.AIND, 1, None),
    (
        "DEMO0007",
        "Mia",
        "Examplecroft",
        Sex.FEMALE,
        date(2016, 2, 9),
        Ethnicity.WIRI,
        0,
        "sw.north2",
    ),
    # Known only through the front door (contacts decided Family Help): never referred.
    (
        "DEMO0008",
        "Ellie",
        "Mockford",
        Sex.FEMALE,
        date(2014, 7, 19),
        Ethnicity.WBRI,
        2,
        "fh.worker",
    ),
    ("DEMO0009", "Theo", "Mockford", Sex.MALE, date(2018, 3, 3), Ethnicity.WBRI, 0, None),
]


def _quiet(step: str) -> None:
    pass


@transaction.atomic
def seed_demo(
    *, authority_children: int = 0, progress: Callable[[str], None] = _quiet
) -> dict[str, int]:
    """Create the demo teams, users and children. Safe to run again: nothing is duplicated.

    With `authority_children`, also (once) a synthetic authority of that many children with
    their referrals, conferences, plans and visits, part of it handed to the demo's named
    staff, and a timescale scan, so every demo user has work on their first screen.
    `progress` hears each step as it starts."""
    progress("Teams, roles and the demo users")
    groups = roles_ensure()
    teams = [Team.objects.get_or_create(name=name)[0] for name in DEMO_TEAMS]
    # The third demo team is the Family Help team: offered for Family Help and step-downs.
    Team.objects.filter(pk=teams[2].pk).update(family_help=True)
    users: dict[str, User] = {}
    for username, first, last, role, team_ix, manages_ix in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.invalid",
                "team": teams[team_ix] if team_ix is not None else None,
                "is_staff": role == Role.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role is not None:
            user.groups.add(groups[role])
        for app_label, codename in DEMO_PERMISSIONS.get(username, []):
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        if manages_ix is not None:
            teams[manages_ix].managers.add(user)
        users[username] = user
    children = {}
    for la_id, first, last, sex, dob, ethnicity, team_ix, worker in DEMO_CHILDREN:
        children[la_id], _ = Child.objects.get_or_create(
            la_child_id=la_id,
            defaults={
                "first_name": first,
                "last_name": last,
                "sex": sex,
                "date_of_birth": dob,
                "ethnicity": ethnicity,
                "disabilities": ["NONE"],
                "upn_unknown_reason": "UN1" if dob.year > 2020 else "UN5",
                "allocated_team": teams[team_ix],
                "allocated_worker": users[worker] if worker else None,
                "address_line_1": "1 Example Street",
                "town": "Demotown",
                "postcode": "ZZ99 9ZZ",
            },
        )
    for child in children.values():
        if not child.allocations.exists() and child.allocated_team_id:
            Allocation.objects.create(
                child=child,
                team=child.allocated_team,
                worker=child.allocated_worker,
                start_date=timezone.localdate() - timedelta(days=60),
                reason="Demo allocation",
            )
            Allocation.objects.filter(child=child).restate()
    progress("The demo children's case records")
    with set_actor(users["sw.north"]):
        _demo_records(children, users, timezone.localdate())
        _late_icpc(children["DEMO0007"], users, timezone.localdate())
        _family_help(children, users, teams, timezone.localdate())
        _front_door(children, users, teams, timezone.localdate())
        # The family entries as persons, relationships and households (Jade is one person,
        # the mother of Ruby and of Leo).
        link_family(
            members=FamilyMember.objects.filter(child__in=children.values()),
            children=Child.objects.filter(pk__in=[c.pk for c in children.values()]),
        )
    refresh_timeliness()
    if authority_children and not Child.objects.filter(la_child_id__startswith="SYN").exists():
        progress(f"A synthetic authority of {authority_children} children")
        generate_authority(children=authority_children)
        progress("Part of it for the demo's workers, managers and IROs")
        _adopt_synthetic(teams, users)
        progress("The timescale scan (alerts and My tasks)")
        timescales_scan()
    return {
        "teams": Team.objects.count(),
        "users": User.objects.count(),
        "children": Child.objects.count(),
    }


def _adopt_synthetic(teams: list[Team], users: dict[str, User]) -> None:
    """Hand part of the synthetic authority to the demo's named staff, so that each README user
    has a caseload, alerts and conferences to chair: a quarter of "Synthetic team 01"'s children
    go to the North team (sw.north and sw.north2, their conferences chaired by iro), a quarter
    of team 02's to the South team (sw.south, iro2). Their records keep their dates."""
    shares = [
        ("Synthetic team 01", teams[0], [users["sw.north"], users["sw.north2"]], users["iro"]),
        ("Synthetic team 02", teams[1], [users["sw.south"]], users["iro2"]),
    ]
    for team_name, team, workers, iro in shares:
        pks = list(
            Child.objects.filter(la_child_id__startswith="SYN", allocated_team__name=team_name)
            .order_by("la_child_id")
            .values_list("pk", flat=True)
        )
        share = pks[: max(1, len(pks) // 4)]
        for i, worker in enumerate(workers):
            Child.objects.filter(pk__in=share[i :: len(workers)]).update(
                allocated_team=team, allocated_worker=worker
            )
        Conference.objects.filter(child_id__in=share).update(chair=iro)


def _late_icpc(mia: Child, users: dict[str, User], today: date) -> None:
    """Mia: a section 47 enquiry whose initial conference is late. The strategy discussion was
    17 working days ago; business support booked the first date the chair (iro) and the police
    could make, after the target, with the reason and an interim safety plan."""
    if mia.referrals.exists():
        return
    sw, tm = users["sw.north2"], users["tm.north"]
    held = add_working_days(today, -17)
    referral = _make(
        Referral,
        child=mia,
        received_at=_at(held, 9),
        source="1A",
        referrer_name="Neighbour (demo)",
        reason="A neighbour heard shouting and a child crying late at night, several nights.",
        primary_need="N1",
        decision="strategy",
        decision_reason="Reasonable cause to suspect significant harm.",
        decided_by=tm,
        decided_at=_at(held, 12),
        created_by=sw,
    )
    discussion = _make(
        StrategyDiscussion,
        child=mia,
        referral=referral,
        held_at=_at(held, 15),
        discussion_type="online",
        chair=tm,
        reason="Repeated reports of shouting and crying; the child has a bruise on her cheek.",
        referrer_invited="invited",
        education_invited="invited",
        s47_decision="start",
        enquiry_type="joint",
        abe_decision="no",
        created_by=sw,
    )
    for agency, service, name in (
        ("social_care", "", "Priya Northgate"),
        ("police", "", "DS Demo Investigator"),
        ("health", "school_nurse", "School nurse (demo)"),
    ):
        _make(
            StrategyParticipant,
            discussion=discussion,
            agency=agency,
            health_service=service,
            name=name,
            participation="attended",
        )
    enquiry = section47_start(discussion=discussion, user=sw)
    enquiry.child_seen_date = held
    enquiry.child_seen_alone = True
    enquiry.full_clean()
    enquiry.save()
    conference = icpc_request(enquiry=Section47.objects.get(pk=enquiry.pk), user=sw)
    conference.chair = users["iro"]
    conference.scheduled_for = _at(add_working_days(today, 2), 10)
    conference.venue = "Demotown Civic Centre, room 2 (demo)"
    conference.late_reason_code = "chair"
    conference.late_reason = "The police investigator and the chair could not attend earlier."
    conference.interim_safety_plan = (
        "Mia stays with her aunt; her mother visits there, supervised, after school."
    )
    conference_schedule(conference=conference, user=users["bsupport"], expected_version=None)


def _family_help(
    children: dict[str, Child], users: dict[str, User], teams: list[Team], today: date
) -> None:
    """Family Help and protective legal events in the demo: Zofia's step-down last year,
    accepted by the Family Help team, with its assessment and plan (she is re-referred now:
    flagged to the manager who agreed the step-down); a school's early help assessment for
    Kai before his referral (Annex A List 2); Noah's step-down waiting for the Family Help
    team; and police protection for Ruby and an emergency protection order for Leo (List 7)."""
    if EarlyHelpAssessment.objects.filter(child__in=children.values()).exists():
        return
    family_help = teams[2]
    tm_south, tm_fh = users["tm.south"], users["tm.familyhelp"]
    zofia, kai, noah = children["DEMO0005"], children["DEMO0004"], children["DEMO0006"]
    ruby, leo = children["DEMO0001"], children["DEMO0002"]

    earlier = Referral.objects.filter(child=zofia, stepped_down_to_early_help=True).first()
    if earlier is not None and earlier.closure_date:
        closed = earlier.closure_date
        _make(
            StepDown,
            child=zofia,
            referral=earlier,
            to_team=family_help,
            reason="Assessment found needs Family Help can meet: routines and nursery.",
            agreed_by=tm_south,
            agreed_at=_at(closed, 16),
            accepted_on=closed + timedelta(days=2),
            accepted_by=tm_fh,
        )
        assessment = _make(
            EarlyHelpAssessment,
            child=zofia,
            start_date=closed + timedelta(days=5),
            completion_date=closed + timedelta(days=20),
            lead_practitioner="Faye Helpwell",
            lead_agency="social_care",
            organisation="Family Help Team (demo)",
            recorded_by=users["fh.worker"],
        )
        plan = _make(
            FamilyHelpPlan,
            child=zofia,
            assessment=assessment,
            start_date=closed + timedelta(days=25),
            end_date=closed + timedelta(days=200),
            lead_practitioner="Faye Helpwell",
            lead_agency="social_care",
            outcomes="Zofia goes to nursery every day, with breakfast; a bedtime routine at home.",
        )
        _make(
            FamilyHelpReview,
            plan=plan,
            review_date=closed + timedelta(days=100),
            due_date=closed + timedelta(days=109),
            in_time=True,
            notes="Nursery attendance up to 90%.",
        )
    _make(
        EarlyHelpAssessment,
        child=kai,
        start_date=today - timedelta(days=120),
        completion_date=today - timedelta(days=100),
        lead_practitioner="Jo Teachwell (demo)",
        lead_agency="education",
        organisation="Demotown Primary School (demo)",
    )
    # Noah: an assessment that found Family Help enough; the step-down waits for the team.
    noah_referral = _make(
        Referral,
        child=noah,
        received_at=_at(today - timedelta(days=70)),
        source="3A",
        reason="GP worried about Noah's low mood and missed appointments.",
        primary_need="N4",
        decision="assessment",
        decided_by=tm_south,
        decided_at=_at(today - timedelta(days=70), 15),
    )
    _make(
        Assessment,
        referral=noah_referral,
        child=noah,
        start_date=today - timedelta(days=69),
        authorised_date=today - timedelta(days=40),
        authorised_by=tm_south,
        factors=["21"],
        outcome="early_help",
    )
    noah_referral.closure_date = today - timedelta(days=2)
    noah_referral.closure_reason = "RC9"
    noah_referral.stepped_down_to_early_help = True
    noah_referral.full_clean()
    noah_referral.save()
    _make(
        StepDown,
        child=noah,
        referral=noah_referral,
        to_team=family_help,
        reason="Noah and his dad agree to Family Help; CAMHS referral made.",
        agreed_by=tm_south,
        agreed_at=_at(today - timedelta(days=2), 16),
    )
    _make(
        ProtectiveOrder,
        child=ruby,
        kind="police",
        start_date=today - timedelta(days=50),
        end_date=today - timedelta(days=48),
        details="Police powers of protection used overnight after an incident at home (demo).",
    )
    _make(
        ProtectiveOrder,
        child=leo,
        kind="epo",
        start_date=today - timedelta(days=47),
        end_date=today - timedelta(days=40),
        details="Emergency protection order, Demotown Family Court (demo).",
    )


def _contact(child: Child, *, recorded_by: User, **fields) -> Contact:
    """A contact as the front door records it: its decision and acknowledgement due dates
    stored from the one rule for each."""
    received = timezone.localtime(fields["received_at"]).date()
    return _make(
        Contact,
        child=child,
        recorded_by=recorded_by,
        decision_due=timescales.contact_decision_due(received),
        acknowledgement_due=timescales.referrer_acknowledgement_due(received),
        **fields,
    )


def _check(contact: Contact, *, user: User, agency: str, urgency: str, sent_at: datetime,
           after_hours: float | None = None, response: str = "", **fields) -> AgencyCheck:  # fmt: skip
    """A multi-agency check sent at `sent_at`, answered `after_hours` later (None: waiting);
    its response due time stored from the local target for its urgency."""
    responded = sent_at + timedelta(hours=after_hours) if after_hours is not None else None
    return _make(
        AgencyCheck,
        contact=contact,
        child=contact.child,
        agency=agency,
        urgency=urgency,
        sent_at=sent_at,
        due_at=timescales.check_response_due(sent_at, urgency),
        responded_at=responded,
        nothing_known=responded is not None and not response,
        response=response,
        requested_by=user,
        **fields,
    )


def _front_door(
    children: dict[str, Child], users: dict[str, User], teams: list[Team], today: date
) -> None:
    """Contacts at the front door, one for each decision, with the referrers acknowledged and
    the agencies checked: Ruby's school contact (strategy discussion) and Amara's health
    visitor's (referral) opened their referrals, Amara's health check came back late; advice to
    Kai's neighbour last spring; no further action on an anonymous call about Mia; Family Help
    for Ellie Mockford (accepted by the Family Help team, her worker fh.worker) and her brother
    Theo (waiting for the team to accept); and a police contact about Leo this morning, waiting
    for a decision. Ellie and Theo are never referred: they are not in the CIN census."""
    if Contact.objects.filter(child__in=children.values()).exists():
        return
    sw, tm, tm_south = users["sw.north"], users["tm.north"], users["tm.south"]
    family_help = teams[2]
    now = timezone.now()

    def referral_of(la_id: str) -> Referral | None:
        return Referral.objects.filter(child=children[la_id]).order_by("received_at").first()

    ruby_referral = referral_of("DEMO0001")
    if ruby_referral is not None:
        at = ruby_referral.received_at
        ruby = _contact(
            children["DEMO0001"],
            recorded_by=sw,
            received_at=at,
            source=ruby_referral.source,
            referrer_name="Designated safeguarding lead (demo)",
            referrer_agency="Demotown Primary (demo)",
            referrer_email="dsl@school.example.invalid",
            reported=ruby_referral.reason,
            consent="not_sought",
            decision="strategy",
            decision_reason="Reasonable cause to suspect significant harm: a strategy "
            "discussion today.",
            decided_by=ruby_referral.decided_by or tm,
            decided_at=ruby_referral.decided_at or at + timedelta(hours=6),
            referral=ruby_referral,
            acknowledged_at=at + timedelta(hours=1),
            acknowledged_by=sw,
            acknowledgement_method="email",
            acknowledged_to="Designated safeguarding lead (demo)",
            outcome_notified_at=at + timedelta(hours=7),
            outcome_notified_by=sw,
            outcome_method="phone",
            outcome_notified_to="Designated safeguarding lead (demo)",
        )
        sent = at + timedelta(hours=1)
        _check(ruby, user=sw, agency="police", urgency="red", sent_at=sent, after_hours=3,
               response="Two call-outs to the address this year; the mother's friend is known "
               "for violence (demo).", requested_from="Public protection unit (demo)")  # fmt: skip
        _check(ruby, user=sw, agency="health", urgency="red", sent_at=sent, after_hours=2.5,
               response="Registered with Demotown Surgery; immunisations up to date (demo).")  # fmt: skip
        _check(ruby, user=sw, agency="education", urgency="amber", sent_at=sent, after_hours=5)

    amara_referral = referral_of("DEMO0003")
    if amara_referral is not None:
        at = amara_referral.received_at
        amara = _contact(
            children["DEMO0003"],
            recorded_by=users["sw.north2"],
            received_at=at,
            source=amara_referral.source,
            referrer_name="Health visitor (demo)",
            referrer_agency="Demotown Health Visiting (demo)",
            referrer_phone="01000 000000",
            reported=amara_referral.reason,
            consent="given",
            decision="referral",
            decision_reason="The mother's low mood and Amara's caring: a child and family "
            "assessment.",
            decided_by=amara_referral.decided_by or tm,
            decided_at=amara_referral.decided_at or at + timedelta(hours=6),
            referral=amara_referral,
            acknowledged_at=at + timedelta(days=1),
            acknowledged_by=users["sw.north2"],
            acknowledgement_method="phone",
            acknowledged_to="Health visitor (demo)",
        )
        sent = at + timedelta(hours=1)
        # Answered 40 hours after it was sent: late against the 24-hour amber target.
        _check(amara, user=users["sw.north2"], agency="health", urgency="amber", sent_at=sent,
               after_hours=40, response="Mother under the GP for depression since the spring; "
               "missed two appointments (demo).")  # fmt: skip
        _check(amara, user=users["sw.north2"], agency="education", urgency="amber",
               sent_at=sent, after_hours=6, response="Attendance 81% this term (demo).")  # fmt: skip
        _check(amara, user=users["sw.north2"], agency="police", urgency="green", sent_at=sent,
               after_hours=20)  # fmt: skip

    at = _at(today - timedelta(days=200), 14)
    _contact(
        children["DEMO0004"],
        recorded_by=users["sw.south"],
        received_at=at,
        source="1B",
        referrer_name="A neighbour (demo)",
        reported="Shouting from the flat late at night; the neighbour asked what she can do.",
        consent="not_relevant",
        decision="advice",
        decision_reason="No concern for Kai's safety described; the neighbour was told how to "
        "call the police in an emergency and to contact us again.",
        decided_by=tm_south,
        decided_at=at + timedelta(hours=3),
        acknowledged_at=at + timedelta(minutes=10),
        acknowledged_by=users["sw.south"],
        acknowledgement_method="phone",
        acknowledged_to="A neighbour (demo)",
        outcome_notified_at=at + timedelta(hours=3, minutes=30),
        outcome_notified_by=users["sw.south"],
        outcome_method="phone",
        outcome_notified_to="A neighbour (demo)",
    )

    at = _at(today - timedelta(days=90), 11)
    mia = _contact(
        children["DEMO0007"],
        recorded_by=users["sw.north2"],
        received_at=at,
        source="9",
        reported="An anonymous caller said Mia is often out on the street after dark.",
        consent="not_relevant",
        decision="nfa",
        decision_reason="Police and school know of no concern; Mia was with her mother at a "
        "family event that evening.",
        decided_by=tm,
        decided_at=at + timedelta(days=1),
    )
    _check(mia, user=users["sw.north2"], agency="police", urgency="green", sent_at=at,
           after_hours=26)  # fmt: skip
    _check(mia, user=users["sw.north2"], agency="education", urgency="green", sent_at=at,
           after_hours=30, response="Good attendance; no concern (demo).")  # fmt: skip

    # Ellie and Theo Mockford: the school and the health visitor, Family Help for both.
    at = _at(today - timedelta(days=64), 11)
    ellie = _contact(
        children["DEMO0008"],
        recorded_by=sw,
        received_at=at,
        source="2A",
        referrer_name="Pastoral lead (demo)",
        referrer_agency="Demotown High School (demo)",
        referrer_email="pastoral@school.example.invalid",
        reported="Ellie is late most days and tired; she says she looks after her brother "
        "while mum works nights.",
        consent="given",
        decision="family_help",
        decision_reason="No safeguarding concern; the family would like help with routines "
        "and childcare: Family Help.",
        decided_by=tm,
        decided_at=at + timedelta(hours=4),
        family_help_team=family_help,
        acknowledged_at=at + timedelta(hours=2),
        acknowledged_by=sw,
        acknowledgement_method="email",
        acknowledged_to="Pastoral lead (demo)",
        outcome_notified_at=at + timedelta(days=1),
        outcome_notified_by=sw,
        outcome_method="email",
        outcome_notified_to="Pastoral lead (demo)",
    )
    _check(ellie, user=sw, agency="education", urgency="green", sent_at=at + timedelta(hours=1),
           after_hours=2, response="Attendance 88%; lateness most mornings (demo).")  # fmt: skip
    request = request_from_contact(ellie, tm)
    if request is not None:
        # Accepted by the Family Help team the day Ellie was allocated to it.
        request.accepted_on = today - timedelta(days=60)
        request.accepted_by = users["tm.familyhelp"]
        record_save(instance=request, user=users["tm.familyhelp"])
        _make(
            EarlyHelpAssessment,
            child=children["DEMO0008"],
            start_date=today - timedelta(days=55),
            lead_practitioner="Faye Helpwell",
            lead_agency="social_care",
            organisation="Family Help Team (demo)",
            summary="Mum wants a routine that lets Ellie be a child: breakfast club, a sitter.",
            recorded_by=users["fh.worker"],
        )

    at = min(now - timedelta(hours=20), _at(today - timedelta(days=1), 10))
    theo = _contact(
        children["DEMO0009"],
        recorded_by=sw,
        received_at=at,
        source="3B",
        referrer_name="Health visitor (demo)",
        referrer_agency="Demotown Health Visiting (demo)",
        reported="Theo's speech is delayed and he has missed his nursery place; mum is "
        "struggling on her own since Ellie's father left.",
        consent="given",
        decision="family_help",
        decision_reason="Needs Family Help can meet, alongside his sister's plan.",
        decided_by=tm,
        decided_at=at + timedelta(hours=3),
        family_help_team=family_help,
        acknowledged_at=at + timedelta(hours=1),
        acknowledged_by=sw,
        acknowledgement_method="email",
        acknowledged_to="Health visitor (demo)",
    )
    _check(theo, user=sw, agency="health", urgency="amber", sent_at=at + timedelta(hours=1),
           after_hours=1, response="Speech and language referral made in the spring (demo).")  # fmt: skip
    request_from_contact(theo, tm)

    at = now - timedelta(hours=3)
    leo = _contact(
        children["DEMO0002"],
        recorded_by=sw,
        received_at=at,
        source="6",
        referrer_name="PC Demo (demo)",
        referrer_agency="Demotown Police (demo)",
        reported="Police called to the home overnight: the mother's friend was there, against "
        "his bail conditions.",
        consent="not_relevant",
    )
    _check(leo, user=sw, agency="police", urgency="red", sent_at=at + timedelta(minutes=30),
           requested_from="Public protection unit (demo)")  # fmt: skip


def demo_allowed() -> bool:
    return settings.DEMO_MODE or settings.DEBUG


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _make(model, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    return obj


def _demo_records(children: dict[str, Child], users: dict[str, User], today: date) -> None:
    """Case records for the demo children, dated relative to today; skipped if already there."""
    if Referral.objects.filter(child__in=children.values()).exists():
        return
    sw, tm = users["sw.north"], users["tm.north"]
    ruby, leo = children["DEMO0001"], children["DEMO0002"]

    # Ruby and Leo: school referral, strategy meeting with all three agencies, joint s47.
    mother = None
    for child in (ruby, leo):
        mother = _make(
            FamilyMember,
            child=child,
            first_name="Jade",
            last_name="Testwood",
            sex="F",
            date_of_birth=date(1992, 5, 1),
            relationship="mother",
            lives_with_child=True,
            parental_responsibility=True,
            involved_in_safety_plan=True,
        )
        father = _make(
            FamilyMember,
            child=child,
            first_name="Mark",
            last_name="Testwood",
            sex="M",
            date_of_birth=date(1989, 2, 11),
            relationship="father",
            lives_with_child=False,
            parental_responsibility=True,
            partner=mother,
            partnership_status="separated",
        )
        mother.partner, mother.partnership_status = father, "separated"
        mother.save()
        _make(
            FamilyMember,
            child=child,
            first_name="Irene",
            last_name="Oldbury",
            sex="F",
            date_of_birth=date(1960, 8, 3),
            relationship="grandmother",
            through_parent=mother,
            involved_in_safety_plan=True,
        )
        other = leo if child is ruby else ruby
        _make(
            FamilyMember,
            child=child,
            first_name=other.first_name,
            last_name=other.last_name,
            sex=other.sex,
            date_of_birth=other.date_of_birth,
            relationship="sibling",
            lives_with_child=True,
        )
        _make(
            Professional,
            child=child,
            name="Dr Ada Examplesurgery",
            agency="health",
            role="GP",
            organisation="Demotown Medical Centre (demo)",
        )
        _make(
            Professional,
            child=child,
            name="Ms Pat Classroom",
            agency="education",
            role="Designated safeguarding lead",
            organisation="Demotown Primary (demo)",
        )
        received = today - timedelta(days=12)
        referral = _make(
            Referral,
            child=child,
            received_at=_at(received, 9),
            source="2A",
            referrer_name="Designated safeguarding lead (demo)",
            reason="Bruising to the upper arm seen at school; the child said "
            "'Dad's friend grabbed me'.",
            primary_need="N1",
            decision="strategy",
            decision_reason="Reasonable cause to suspect significant harm.",
            decided_by=tm,
            decided_at=_at(received, 15),
            created_by=sw,
        )
        discussion = _make(
            StrategyDiscussion,
            child=child,
            referral=referral,
            held_at=_at(received + timedelta(days=1), 11),
            discussion_type="meeting",
            chair=tm,
            reason="Injury and disclosure reported by school.",
            referrer_invited="invited",
            education_invited="invited",
            s47_decision="start",
            enquiry_type="joint",
            abe_decision="yes",
            police_information_sharing="Interview outcome and any arrests.",
            created_by=sw,
        )
        for agency, service, name in (
            ("social_care", "", "Sam Northfield"),
            ("police", "", "DC Demo Officer"),
            ("health", "paediatrician", "Dr Sample Paediatric"),
        ):
            _make(
                StrategyParticipant,
                discussion=discussion,
                agency=agency,
                health_service=service,
                name=name,
                participation="attended",
            )
        enquiry = section47_start(discussion=discussion, user=sw)
        enquiry.child_seen_date = discussion.held_date
        enquiry.child_seen_alone = True
        enquiry.interim_safety_plan = (
            "Children stay with their mother; no contact with the "
            "family friend; grandmother visits daily."
        )
        enquiry.full_clean()
        enquiry.save()
        icpc_request(enquiry=Section47.objects.get(pk=enquiry.pk), user=sw)
        _make(
            Visit,
            child=child,
            visit_date=today - timedelta(days=6),
            visit_type="s47",
            child_seen=True,
            seen_alone=True,
            bedroom_seen=True,
            recorded_by=sw,
            childs_words="I feel safe when Nana is here. I don't want him to come back.",
            observations="Warm interaction with mother; home clean and stocked.",
        )
        _make(
            CaseNote,
            child=child,
            note_type="multi_agency",
            event_date=today - timedelta(days=5),
            subject="Police update",
            text="Family friend arrested and bailed with conditions not to contact the children.",
            is_significant=True,
            author=sw,
        )
        _make(
            ManagementOversight,
            child=child,
            manager=tm,
            oversight_date=today - timedelta(days=4),
            reflection="Good joint working; the children's voices are clear in the record.",
            direction="Hold the ICPC within timescale; obtain the paediatric report first.",
            next_review_date=today + timedelta(days=24),
        )
        _make(
            ServiceReferral,
            child=child,
            service="camhs",
            date_referred=today - timedelta(days=70),
            notes="Sleep problems and nightmares since the incident.",
        )

    # Amara: an assessment under way, mother and her partner at home.
    amara = children["DEMO0003"]
    mum = _make(
        FamilyMember,
        child=amara,
        first_name="Grace",
        last_name="Samplebrook",
        sex="F",
        relationship="mother",
        lives_with_child=True,
        parental_responsibility=True,
    )
    _make(
        FamilyMember,
        child=amara,
        first_name="Tunde",
        last_name="Examplefield",
        sex="M",
        relationship="parents_partner",
        lives_with_child=True,
        partner=mum,
        partnership_status="partners",
    )
    received = today - timedelta(days=20)
    referral = _make(
        Referral,
        child=amara,
        received_at=_at(received),
        source="3B",
        reason="Health visitor concerned about the mother's low mood and the "
        "child's school attendance.",
        primary_need="N3",
        decision="assessment",
        decided_by=tm,
        decided_at=_at(received, 16),
        created_by=users["sw.north2"],
    )
    _make(
        Assessment,
        referral=referral,
        child=amara,
        start_date=received + timedelta(days=1),
        family_history="Mother was known to children's services as a teenager.",
    )
    # Not on a child protection plan: a child in need plan agreed while the assessment is
    # completed, so the demo shows one.
    _make(CINPlan, child=amara, referral=referral, start_date=today - timedelta(days=3))
    _make(
        Visit,
        child=amara,
        visit_date=today - timedelta(days=9),
        visit_type="assessment",
        child_seen=True,
        seen_alone=False,
        reason_not_seen="Child asked for mum to stay.",
        recorded_by=users["sw.north2"],
        childs_words="Mum is sad a lot. I make breakfast.",
    )

    # Kai: police referral; the strategy discussion went ahead without health.
    kai, sw_south, tm_south = children["DEMO0004"], users["sw.south"], users["tm.south"]
    received = today - timedelta(days=8)
    referral = _make(
        Referral,
        child=kai,
        received_at=_at(received),
        source="6",
        reason="Police attended a domestic incident; Kai was present.",
        primary_need="N1",
        decision="strategy",
        decided_by=tm_south,
        decided_at=_at(received, 12),
        created_by=sw_south,
    )
    discussion = _make(
        StrategyDiscussion,
        child=kai,
        referral=referral,
        held_at=_at(received + timedelta(days=1), 14),
        discussion_type="phone",
        chair=tm_south,
        reason="Domestic abuse incident with the child present.",
        missing_agency_reason="GP surgery did not return the call in time.",
        referrer_invited="invited",
        education_invited="invited",
        s47_decision="start",
        enquiry_type="single",
        single_agency_reason="Police are not pursuing a criminal investigation.",
        abe_decision="no",
        created_by=sw_south,
    )
    for agency, name, took_part in (
        ("social_care", "Tomasz Southbank", "attended"),
        ("police", "PC Demo Responder", "attended"),
        ("health", "Practice nurse (demo)", "absent"),
    ):
        _make(
            StrategyParticipant,
            discussion=discussion,
            agency=agency,
            health_service="gp" if agency == "health" else "",
            name=name,
            participation=took_part,
        )
    kai_enquiry = section47_start(discussion=discussion, user=sw_south)
    # Seen on the day of the discussion: an initial conference is asked for only once the
    # child has been seen.
    kai_enquiry.child_seen_date = discussion.held_date
    kai_enquiry.child_seen_alone = True
    kai_enquiry.full_clean()
    kai_enquiry.save()
    # The initial conference is booked within its target, iro2 chairing.
    kai_icpc = icpc_request(enquiry=Section47.objects.get(pk=kai_enquiry.pk), user=sw_south)
    kai_icpc.chair = users["iro2"]
    kai_icpc.scheduled_for = _at(min(add_working_days(today, 3), kai_icpc.target_date), 14)
    kai_icpc.venue = "Demotown Family Centre (demo)"
    conference_schedule(conference=kai_icpc, user=users["bsupport"], expected_version=None)

    # Zofia: stepped down to early help last year, now re-referred and awaiting a decision.
    zofia = children["DEMO0005"]
    first = today - timedelta(days=400)
    earlier = _make(
        Referral,
        child=zofia,
        received_at=_at(first),
        source="5D",
        reason="Early help worker worried about neglect of the home.",
        primary_need="N4",
        decision="assessment",
        decided_by=tm_south,
        decided_at=_at(first, 15),
    )
    _make(
        Assessment,
        referral=earlier,
        child=zofia,
        start_date=first + timedelta(days=1),
        authorised_date=first + timedelta(days=30),
        authorised_by=tm_south,
        factors=["21"],
        outcome="early_help",
    )
    earlier.closure_date = first + timedelta(days=35)
    earlier.closure_reason = "RC9"
    earlier.stepped_down_to_early_help = True
    earlier.full_clean()
    earlier.save()
    _make(
        Referral,
        child=zofia,
        received_at=_at(today - timedelta(days=1), 9),
        source="2A",
        reason="Nursery reports Zofia arriving hungry and in the same clothes all week.",
        primary_need="N1",
        created_by=sw_south,
    )
