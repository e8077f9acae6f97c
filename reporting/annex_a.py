"""Ofsted's Annex A lists (inspection of local authority children's services), as a workbook.

Every list of Ofsted's template is a sheet, with the template's column headings in order and
Ofsted's coded answers ("a) Yes", "b) Female", "e) 2A: Schools" ...). Each list is declared
once in `LISTS`: its number, title, headings, the headings the template requires a value in,
and the one function that gives its rows (`ROW_SOURCES`), so that a list's source can change
without touching the others.

- List 1 contacts (the front door's, whatever was decided), List 3 referrals, List 4
  assessments, List 5 section 47 enquiries and initial conferences, in the six months before
  the as-of date; List 2 early help assessments started, open or completed in those six months;
- List 6 children in need and List 7 children on a child protection plan, at any time in those
  six months (so including those whose episode or plan ended in them); List 7 says whether the
  child was subject to an emergency protection order or in police protection in them;
- counts "in the last 12 months" count the twelve months before the as-of date, except List 3's
  "Number of Referrals in Last 12 Months": each referral's own 12 months (the referrals of the
  child up to and including it, since the same date a year before), so that 2 or more is the
  DfE's re-referral within 12 months;
- Lists 8 (children in care), 9 (care leavers), 10 (adoption) and 11 (adopters) have their
  headings and a note: this system does not hold those records.

The headings and the required ones are pinned to the template, list by list, in
tests/reporting/test_annex_a_template.py (which says where they were taken from).
"""

import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font

from cases.codes.closure_reason import ClosureReason
from cases.codes.primary_need import PrimaryNeed
from cases.models import (
    Assessment,
    Child,
    CINPlan,
    PreviousPlanElsewhere,
    ProtectiveOrder,
    Referral,
    Visit,
    previous_plans_count,
)
from conferences.models import (
    INITIAL_TYPES,
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceStatus,
    ConferenceType,
)
from familyhelp.models import EarlyHelpAssessment
from frontdoor.models import Contact
from strategy.models import S47Outcome, Section47
from timescales import rules as timescales
from wirral_cp.spreadsheets import safe_row

from .census import NFA_DECISIONS

CHILD_COLUMNS = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
]
DISABILITY = "Does the Child have a Disability"
ALLOCATION = ["Allocated Team", "Allocated Worker"]

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
ETHNICITY_ORDER = [
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
]  # fmt: skip
ETHNICITY = {code: f"{chr(ord('a') + i)}) {code}" for i, code in enumerate(ETHNICITY_ORDER)}
SOURCE = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}
CATEGORY = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
SUPPORT_OUTCOMES = {"cin_plan", "strategy", "looked_after"}
NO_SUPPORT_OUTCOMES = {"nfa", "early_help"}


def _coded(label: str) -> str:
    """ "N1 Abuse or neglect" as Ofsted writes it: "N1 - Abuse or neglect"."""
    code, _, text = label.partition(" ")
    return f"{code} - {text}"


NEED = {value: _coded(label) for value, label in PrimaryNeed.choices}
CLOSURE = {value: _coded(label) for value, label in ClosureReason.choices}


NOT_ALLOCATED = "Not allocated"
NOT_HELD = (
    "This system does not hold these records: children in care, care leavers and adoption "
    "are recorded in the authority's looked-after children's system. The headings are "
    "Ofsted's, in order."
)


@dataclass
class AnnexList:
    number: int
    title: str
    columns: list[str]
    rows: list[list]
    required: frozenset[str] = frozenset()
    note: str = ""

    @property
    def sheet_name(self) -> str:
        return f"List {self.number}"

    def blank_required_cells(self) -> list[tuple[int, str]]:
        """(row number, heading) of each cell the template requires a value in that is empty."""
        wanted = [i for i, heading in enumerate(self.columns) if heading in self.required]
        return [
            (n, self.columns[i])
            for n, row in enumerate(self.rows, start=2)
            for i in wanted
            if row[i] is None or row[i] == ""
        ]


@dataclass(frozen=True)
class Window:
    as_of: date

    @property
    def six_months(self) -> date:
        """First day of the six months before the as-of date."""
        return self.as_of - relativedelta(months=6) + timedelta(days=1)

    @property
    def twelve_months(self) -> date:
        return self.as_of - relativedelta(months=12) + timedelta(days=1)

    def day_start(self, d: date) -> datetime:
        return timezone.make_aware(datetime.combine(d, time.min))

    @property
    def after_as_of(self) -> datetime:
        return self.day_start(self.as_of + timedelta(days=1))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else YES if value else NO


def _disability(child: Child) -> str:
    codes = child.disabilities or []
    if not codes:
        return UNKNOWN
    return NO if codes == ["NONE"] else YES


def _child_cells(child: Child, as_of: date) -> list:
    return [
        child.la_child_id,
        GENDER.get(child.sex, GENDER["U"]),
        ETHNICITY.get(child.ethnicity, ETHNICITY["NOBT"]),
        child.date_of_birth,
        child.age_on(as_of),
    ]


def _allocation(child: Child) -> list:
    """The template needs a value: "Not allocated" says there is none."""
    return [
        str(child.allocated_team) if child.allocated_team_id else NOT_ALLOCATED,
        str(child.allocated_worker) if child.allocated_worker_id else NOT_ALLOCATED,
    ]


def _children_related(qs):
    return qs.select_related("child__allocated_team", "child__allocated_worker")


def list_1_rows(scope, w: Window) -> list[list]:
    """Every contact the front door received in the six months, whatever was decided, with its
    source."""
    contacts = (
        Contact.objects.filter(
            child__in=scope,
            received_at__gte=w.day_start(w.six_months),
            received_at__lt=w.after_as_of,
        )
        .select_related("child")
        .order_by("received_at", "pk")
    )
    return [
        [*_child_cells(c.child, w.as_of), c.received_date, SOURCE.get(c.source, SOURCE["10"])]
        for c in contacts
    ]


def list_2_rows(scope, w: Window) -> list[list]:
    """Early help assessments started, open or completed in the six months (Family Help)."""
    assessments = (
        EarlyHelpAssessment.objects.filter(child__in=scope, start_date__lte=w.as_of)
        .filter(Q(completion_date__isnull=True) | Q(completion_date__gte=w.six_months))
        .select_related("child")
        .order_by("start_date", "pk")
    )
    rows = []
    for a in assessments:
        completed = (
            a.completion_date if a.completion_date and a.completion_date <= w.as_of else None
        )
        rows.append(
            [
                *_child_cells(a.child, w.as_of),
                a.start_date,
                completed,
                a.organisation or a.get_lead_agency_display(),
            ]
        )
    return rows


def list_3_rows(scope, w: Window) -> list[list]:
    referrals = list(
        _children_related(
            Referral.objects.filter(
                child__in=scope,
                received_at__gte=w.day_start(w.six_months),
                received_at__lt=w.after_as_of,
            )
        ).order_by("received_at", "pk")
    )
    # Each referral's "referrals in the last 12 months" counts the child's referrals in the 12
    # months up to and including its own date (itself included), by the re-referral rule: 2 or
    # more is a DfE re-referral. One read of the children's referrals since the earliest window.
    earliest = timescales.re_referral_window_start(w.six_months)
    dates: dict[int, list[tuple[datetime, date]]] = defaultdict(list)
    for child_id, received in Referral.objects.filter(
        child__in=scope,
        received_at__gte=w.day_start(earliest),
        received_at__lt=w.after_as_of,
    ).values_list("child_id", "received_at"):
        dates[child_id].append((received, timezone.localtime(received).date()))

    def in_last_12_months(r: Referral) -> int:
        return 1 + sum(
            1
            for received, day in dates[r.child_id]
            if received < r.received_at and timescales.is_re_referral(r.referral_date, [day])
        )

    return [
        [
            *_child_cells(r.child, w.as_of),
            r.referral_date,
            SOURCE.get(r.source, SOURCE["10"]),
            _yes_no(r.decision in NFA_DECISIONS),
            in_last_12_months(r),
            *_allocation(r.child),
        ]
        for r in referrals
    ]


def _seen_visits(scope, w: Window) -> dict[int, list[date]]:
    seen = defaultdict(list)
    for child_id, day in (
        Visit.objects.filter(child__in=scope, child_seen=True, visit_date__lte=w.as_of)
        .order_by("visit_date")
        .values_list("child_id", "visit_date")
    ):
        seen[child_id].append(day)
    return seen


def list_4_rows(scope, w: Window) -> list[list]:
    assessments = list(
        _children_related(
            Assessment.objects.filter(child__in=scope, start_date__lte=w.as_of).filter(
                Q(authorised_date__isnull=True) | Q(authorised_date__gte=w.six_months)
            )
        ).order_by("start_date", "pk")
    )
    seen = _seen_visits(scope, w)
    rows = []
    for a in assessments:
        authorised = a.authorised_date
        if authorised and authorised > w.as_of:
            authorised = None
        until = authorised or w.as_of
        child_seen = any(a.start_date <= d <= until for d in seen.get(a.child_id, []))
        if a.outcome in SUPPORT_OUTCOMES:
            support = YES
        elif a.outcome in NO_SUPPORT_OUTCOMES:
            support = NO
        else:
            support = UNKNOWN if authorised else ""
        rows.append(
            [
                *_child_cells(a.child, w.as_of),
                _disability(a.child),
                a.start_date,
                _yes_no(child_seen),
                authorised,
                support,
                *_allocation(a.child),
            ]
        )
    return rows


def _held_icpcs(scope, w: Window):
    return Conference.objects.filter(
        child__in=scope,
        conference_type__in=INITIAL_TYPES,
        status=ConferenceStatus.HELD,
        held_on__lte=w.as_of,
    )


def list_5_rows(scope, w: Window) -> list[list]:
    icpc_by_enquiry = {}
    icpcs_in_year = defaultdict(int)
    for s47_id, child_id, held, decision in (
        _held_icpcs(scope, w)
        .order_by("held_on")
        .values_list("section47_id", "child_id", "held_on", "decision")
    ):
        if s47_id and s47_id not in icpc_by_enquiry:
            icpc_by_enquiry[s47_id] = (held, decision)
        if held >= w.twelve_months:
            icpcs_in_year[child_id] += 1
    in_window = [pk for pk, (held, _) in icpc_by_enquiry.items() if w.six_months <= held <= w.as_of]
    enquiries = list(
        _children_related(
            Section47.objects.filter(child__in=scope, start_date__lte=w.as_of).filter(
                Q(start_date__gte=w.six_months) | Q(pk__in=in_window)
            )
        ).order_by("start_date", "pk")
    )
    s47s_in_year = defaultdict(int)
    for child_id in Section47.objects.filter(
        child__in=scope, start_date__gte=w.twelve_months, start_date__lte=w.as_of
    ).values_list("child_id", flat=True):
        s47s_in_year[child_id] += 1
    rows = []
    for s in enquiries:
        held, decision = icpc_by_enquiry.get(s.pk, (None, ""))
        ended = s.completion_date and s.completion_date <= w.as_of
        if held:
            unnecessary = NO
        elif ended and s.outcome in (S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED):
            unnecessary = YES
        else:
            unnecessary = ""
        rows.append(
            [
                *_child_cells(s.child, w.as_of),
                _disability(s.child),
                s.start_date,
                unnecessary,
                held,
                _yes_no(decision == ConferenceDecision.PLAN) if held else "",
                s47s_in_year[s.child_id],
                icpcs_in_year[s.child_id],
                *_allocation(s.child),
            ]
        )
    return rows


def _open_on(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or end > day)


def list_6_rows(scope, w: Window) -> list[list]:
    episodes = list(
        _children_related(
            Referral.objects.filter(child__in=scope, received_at__lt=w.after_as_of).filter(
                Q(closure_date__isnull=True) | Q(closure_date__gte=w.six_months)
            )
        ).order_by("received_at", "pk")
    )
    child_ids = {e.child_id for e in episodes}
    plans = defaultdict(list)
    for child_id, start, end in ChildProtectionPlan.objects.filter(
        child_id__in=child_ids
    ).values_list("child_id", "start_date", "end_date"):
        plans[child_id].append((start, end))
    cin_plans = defaultdict(list)
    for referral_id, start, end in CINPlan.objects.filter(child_id__in=child_ids).values_list(
        "referral_id", "start_date", "end_date"
    ):
        cin_plans[referral_id].append((start, end))
    open_assessments = set(
        Assessment.objects.filter(child_id__in=child_ids, start_date__lte=w.as_of)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gt=w.as_of))
        .values_list("referral_id", flat=True)
    )
    seen = _seen_visits(scope.filter(pk__in=child_ids), w)
    rows = []
    for e in episodes:
        closed = e.closure_date if e.closure_date and e.closure_date <= w.as_of else None
        if closed:
            status = "e) Closed episode"
        elif any(_open_on(s, end, w.as_of) for s, end in plans[e.child_id]):
            status = "b) Child Protection plan"
        elif any(_open_on(s, end, w.as_of) for s, end in cin_plans[e.pk]):
            status = "c) Child in need plan"
        elif e.pk in open_assessments:
            status = "d) Open assessment"
        else:
            status = "c) Child in need plan"
        last_seen = seen.get(e.child_id, [])
        rows.append(
            [
                *_child_cells(e.child, w.as_of),
                _disability(e.child),
                e.referral_date,
                NEED.get(e.primary_need, NEED["N0"]),
                last_seen[-1] if last_seen else None,
                closed,
                CLOSURE.get(e.closure_reason, "") if closed else "",
                status,
                *_allocation(e.child),
            ]
        )
    return rows


def list_7_rows(scope, w: Window) -> list[list]:
    plans = list(
        ChildProtectionPlan.objects.filter(child__in=scope, start_date__lte=w.as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=w.six_months))
        .select_related("child__allocated_team", "child__allocated_worker")
        .order_by("start_date", "pk")
    )
    child_ids = {p.child_id for p in plans}
    earlier = defaultdict(list)
    for child_id, start in ChildProtectionPlan.objects.filter(child_id__in=child_ids).values_list(
        "child_id", "start_date"
    ):
        earlier[child_id].append(start)
    elsewhere = defaultdict(list)
    for child_id, start in PreviousPlanElsewhere.objects.filter(child_id__in=child_ids).values_list(
        "child_id", "start_date"
    ):
        elsewhere[child_id].append(start)
    statutory = {}
    for child_id, day, alone in (
        Visit.objects.statutory()
        .filter(child_id__in=child_ids, visit_date__lte=w.as_of)
        .order_by("visit_date", "pk")
        .values_list("child_id", "visit_date", "seen_alone")
    ):
        statutory[child_id] = (day, alone)
    reviews = {}
    for plan_id, held in (
        Conference.objects.filter(
            plan_id__in=[p.pk for p in plans],
            conference_type=ConferenceType.REVIEW,
            status=ConferenceStatus.HELD,
            held_on__lte=w.as_of,
        )
        .order_by("held_on")
        .values_list("plan_id", "held_on")
    ):
        reviews[plan_id] = held
    # Emergency protection orders and police protection in force at any time in the six months.
    protected = set(
        ProtectiveOrder.objects.filter(child_id__in=child_ids)
        .in_force_between(w.six_months, w.as_of)
        .values_list("child_id", flat=True)
    )
    rows = []
    for p in plans:
        visit = statutory.get(p.child_id)
        previous = previous_plans_count(
            start=p.start_date,
            recorded=p.number_of_previous_plans,
            here=earlier[p.child_id],
            elsewhere=elsewhere[p.child_id],
        )
        rows.append(
            [
                *_child_cells(p.child, w.as_of),
                _disability(p.child),
                p.start_date,
                CATEGORY.get(p.initial_category, ""),
                CATEGORY.get(p.latest_category, ""),
                visit[0] if visit else None,
                _yes_no(visit[1]) if visit else "",
                reviews.get(p.pk),
                p.end_date if p.end_date and p.end_date <= w.as_of else None,
                _yes_no(p.child_id in protected),
                previous,
                *_allocation(p.child),
            ]
        )
    return rows


# --- The template: every list, its headings in order, and where its rows come from ----------


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    columns: list[str]
    # Headings the template requires a value in (it allows the others to be blank).
    required: frozenset[str] = field(default_factory=frozenset)
    note: str = ""


CHILD_REQUIRED = {"Child Unique ID", "Gender", "Ethnicity"}
ALLOCATION_REQUIRED = set(ALLOCATION)
EPO = (
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
    "Months (Y/N)"
)
UASC_IN_CARE = "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"
SECOND_PERIOD = (
    "Is this a second or subsequent period of being a Looked After Child within the last 12 "
    "months (Y/N)"
)
MISSING = (
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
)
ABSENT = "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"

LISTS: list[ListSpec] = [
    ListSpec(
        1,
        "Contacts",
        [*CHILD_COLUMNS, "Date of Contact", "Contact Source"],
        frozenset(CHILD_REQUIRED | {"Date of Contact", "Contact Source"}),
    ),
    ListSpec(
        2,
        "Early help",
        [
            *CHILD_COLUMNS,
            "Assessment start date",
            "Assessment completion date",
            "Organisation completing assessment",
        ],
        frozenset(CHILD_REQUIRED | {"Assessment start date", "Organisation completing assessment"}),
    ),
    ListSpec(
        3,
        "Referrals",
        [
            *CHILD_COLUMNS,
            "Date of referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            *ALLOCATION,
        ],
        frozenset(
            CHILD_REQUIRED
            | ALLOCATION_REQUIRED
            | {
                "Date of referral",
                "Referral Source",
                "Referral NFA?",
                "Number of Referrals in Last 12 Months",
            }
        ),
    ),
    ListSpec(
        4,
        "Assessments",
        [
            *CHILD_COLUMNS,
            DISABILITY,
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Was the child assessed as requiring LA children's social care support?",
            *ALLOCATION,
        ],
        frozenset(
            CHILD_REQUIRED
            | ALLOCATION_REQUIRED
            | {
                DISABILITY,
                "Continuous Assessment Start Date",
                "Child Seen During Continuous Assessment",
            }
        ),
    ),
    ListSpec(
        5,
        "Section 47 enquiries and ICPCs",
        [
            *CHILD_COLUMNS,
            DISABILITY,
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            "Date of Initial Child Protection Conference",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            *ALLOCATION,
        ],
        frozenset(
            CHILD_REQUIRED
            | ALLOCATION_REQUIRED
            | {
                DISABILITY,
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "Number of Section 47 Enquiries in the last 12 months",
                "Number of ICPCs in the last 12 months",
            }
        ),
    ),
    ListSpec(
        6,
        "Children in need",
        [
            *CHILD_COLUMNS,
            DISABILITY,
            "CIN Start Date",
            "Primary Need Code",
            "Date Child Was Last Seen",
            "CIN Closure Date",
            "Reason for Closure",
            "Case Status",
            *ALLOCATION,
        ],
        frozenset(
            CHILD_REQUIRED | ALLOCATION_REQUIRED | {DISABILITY, "Primary Need Code", "Case Status"}
        ),
    ),
    ListSpec(
        7,
        "Child protection plans",
        [
            *CHILD_COLUMNS,
            DISABILITY,
            "Child Protection Plan Start Date",
            "Initial Category of Abuse",
            "Latest Category of Abuse",
            "Date of the Last Statutory Visit",
            "Was the Child Seen Alone?",
            "Date of latest review conference",
            "Child Protection Plan End Date",
            EPO,
            "Number of Previous Child Protection Plans",
            *ALLOCATION,
        ],
        frozenset(
            CHILD_REQUIRED
            | ALLOCATION_REQUIRED
            | {
                DISABILITY,
                "Child Protection Plan Start Date",
                "Initial Category of Abuse",
                "Latest Category of Abuse",
                EPO,
                "Number of Previous Child Protection Plans",
            }
        ),
    ),
    ListSpec(
        8,
        "Children in care",
        [
            *CHILD_COLUMNS,
            UASC_IN_CARE,
            DISABILITY,
            "Date Started to be Looked After",
            "Child's Category of Need",
            SECOND_PERIOD,
            "Start date of current legal status",
            "Child's Legal Status",
            "Date of Latest Statutory Review",
            "Date of Last Social Work Visit",
            "What is the permanence plan for this child?",
            "Date of Last IRO Visit / Contact to the Child",
            "Date of Last Health Assessment",
            "Date of Last Dental Check",
            "Number of Placements in the Last 12 months",
            "Date Ceased to be Looked After",
            "Reason Ceased to be Looked After",
            "Start Date of Most Recent Placement",
            "Placement Type",
            "Placement Provider",
            "Placement postcode",
            "URN of Placement",
            "Placement Location",
            "LA of Placement",
            MISSING,
            ABSENT,
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            *ALLOCATION,
        ],
        frozenset(
            CHILD_REQUIRED
            | ALLOCATION_REQUIRED
            | {
                UASC_IN_CARE,
                DISABILITY,
                "Date Started to be Looked After",
                "Child's Category of Need",
                SECOND_PERIOD,
                "Start date of current legal status",
                "Child's Legal Status",
                "Number of Placements in the Last 12 months",
                "Start Date of Most Recent Placement",
                "Placement Type",
                "Placement Provider",
                "Placement postcode",
                "Placement Location",
                "LA of Placement",
                MISSING,
                ABSENT,
            }
        ),
        note=NOT_HELD,
    ),
    ListSpec(
        9,
        "Care leavers",
        [
            *CHILD_COLUMNS,
            "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
            DISABILITY,
            *ALLOCATION,
            "Allocated Personal Advisor",
            "Eligibility Category",
            "Latest Pathway Plan Review Date",
            "LA in Touch",
            "Latest Date of Contact",
            "Type of Accommodation",
            "Suitability of Accommodation",
            "Activity Status",
        ],
        frozenset(
            CHILD_REQUIRED
            | ALLOCATION_REQUIRED
            | {DISABILITY, "Allocated Personal Advisor", "Eligibility Category", "LA in Touch"}
        ),
        note=NOT_HELD,
    ),
    ListSpec(
        10,
        "Adoption",
        [
            "Child Unique ID",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
            DISABILITY,
            "Date the Child Entered Care",
            "Date of Decision that Child Should be Placed for Adoption",
            "Date of Placement Order",
            "Date of Matching Child and Prospective Adopters",
            "Date Placed for Adoption",
            "Date of Adoption Order",
            "Date of Decision that Child Should No Longer be Placed for Adoption",
            "Reason Why Child No Longer Placed for Adoption",
            "Date the child was placed for fostering in FFA or concurrent planning placement",
        ],
        frozenset(
            CHILD_REQUIRED
            | {
                DISABILITY,
                "Date the Child Entered Care",
                "Date of Decision that Child Should be Placed for Adoption",
            }
        ),
        note=NOT_HELD,
    ),
    ListSpec(
        11,
        "Adopters",
        [
            "Individual adopter identifier",
            "Family identifier",
            "Gender",
            "Ethnicity",
            "Disability",
            "Is the (prospective) adopter fostering for adoption?",
            "Date enquiry received",
            "Date Stage 1 started",
            "Date Stage 1 ended",
            "Date Stage 2 started",
            "Date Stage 2 ended",
            "Date application submitted",
            "Date application approved",
            "Date adopter matched with child(ren)",
            "Date child/children placed with adopter(s)",
            "No. of children placed",
            "Date of Adoption Order",
            "Date of leaving adoption process",
            "Reason for leaving adoption process",
        ],
        frozenset(
            {
                "Individual adopter identifier",
                "Gender",
                "Ethnicity",
                "Disability",
                "Is the (prospective) adopter fostering for adoption?",
                "Date enquiry received",
            }
        ),
        note=NOT_HELD,
    ),
]

RowSource = Callable[[QuerySet[Child], Window], list[list]]

# The one function per list that gives its rows: a list's source is changed here, alone.
ROW_SOURCES: dict[int, RowSource] = {
    1: list_1_rows,
    2: list_2_rows,
    3: list_3_rows,
    4: list_4_rows,
    5: list_5_rows,
    6: list_6_rows,
    7: list_7_rows,
}


def annex_a_build(*, as_of: date, children: QuerySet[Child] | None = None) -> list[AnnexList]:
    """Every list of the template for the six months before `as_of`, for `children` (default:
    everyone): lists 1 to 7 filled, lists 8 to 11 with their headings and a note."""
    scope = children if children is not None else Child.objects.all()
    w = Window(as_of)
    built = []
    for spec in LISTS:
        source = ROW_SOURCES.get(spec.number)
        rows = source(scope, w) if source else []
        assert all(len(row) == len(spec.columns) for row in rows), spec.number
        built.append(
            AnnexList(spec.number, spec.title, spec.columns, rows, spec.required, spec.note)
        )
    return built


def annex_a_workbook(lists: list[AnnexList]) -> bytes:
    """The lists as an .xlsx workbook, one sheet per list, headings in the first row; an
    "About" sheet last says where each list comes from (and which this system does not hold)."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for annex in lists:
        sheet = book.create_sheet(annex.sheet_name)
        sheet.append(safe_row(annex.columns))
        for cell in sheet[1]:
            cell.font = bold
        if annex.note:
            # Below the headings would be read as a record: the note is the first heading's.
            sheet["A1"].comment = Comment(annex.note, "Annex A export")
        for row in annex.rows:
            sheet.append(safe_row(row))
        for column_cells in sheet.iter_cols(min_row=2):
            for cell in column_cells:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
        for index, heading in enumerate(annex.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(12, len(heading) + 2), 45)
        sheet.freeze_panes = "A2"
    about = book.create_sheet("About")
    about.append(["List", "Title", "Rows", "Source"])
    for cell in about[1]:
        cell.font = bold
    for annex in lists:
        source = annex.note or "Filled from this system."
        about.append(safe_row([annex.sheet_name, annex.title, len(annex.rows), source]))
    about.column_dimensions["D"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
