"""The CIN census return for one year, built from the records, and written as XML.

Which children and episodes belong in a year (DfE CIN census guidance):

- every CIN episode open at any time in the year: referred on or before 31 March and not closed
  before 1 April; its children are the children in the return;
- the return describes each episode as it stood on 31 March: a closure, authorisation, plan end
  or conference after 31 March is not reported (the episode, assessment or plan is shown open);
- within an episode: the assessments, child in need plans and child protection plans that were
  open at some time in the year; the section 47 enquiries that were under way in the year or
  whose initial conference was held in it; the review conferences held in the year;
- a referral is "no further action" (ReferralNFA) when it was decided so and nothing followed;
  a referral received more than one working day before the year began is never reported as NFA
  (validation rule 8569).

Reads run a fixed number of queries whatever the number of children.
"""

import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import (
    Assessment,
    Child,
    CINPlan,
    PreviousPlanElsewhere,
    Referral,
    previous_plans_count,
)
from conferences.models import (
    INITIAL_TYPES,
    ChildProtectionPlan,
    Conference,
    ConferenceStatus,
    ConferenceType,
)
from strategy.models import S47Outcome, Section47
from timescales import rules as timescales
from timescales.calendar import add_working_days

from .census import (
    COLLECTION,
    NFA_DECISIONS,
    RELEASE,
    SOFTWARE_CODE,
    AssessmentRecord,
    CensusYear,
    ChildRecord,
    CINPlanRecord,
    EpisodeRecord,
    PlanRecord,
    Section47Record,
    iso,
    la_code,
)

NOT_REQUIRED_OUTCOMES = (S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED)


@dataclass
class CensusReturn:
    year: CensusYear
    children: list[ChildRecord]
    generated_at: datetime
    # The year's referrals within 12 months of a previous referral of the child (the DfE
    # re-referral), from every referral held here: the return omits episodes closed before
    # the year began.
    rereferrals_in_year: int = 0

    def counts(self) -> dict[str, int]:
        """The summary a manager checks before sending the return."""
        y = self.year
        episodes = [e for c in self.children for e in c.episodes]
        assessments = [a for e in episodes for a in e.assessments]
        s47s = [s for e in episodes for s in e.section47s]
        plans = [p for e in episodes for p in e.plans]
        icpcs = [s.icpc_date for s in s47s if s.icpc_date] + [
            e.icpc_date for e in episodes if e.icpc_date
        ]
        return {
            "children": len(self.children),
            "episodes": len(episodes),
            "referrals_in_year": sum(1 for e in episodes if e.referral_date >= y.start),
            "rereferrals_within_12_months": self.rereferrals_in_year,
            "nfa_referrals": sum(1 for e in episodes if e.nfa),
            "episodes_closed": sum(1 for e in episodes if e.closure_date),
            "episodes_open_at_year_end": sum(1 for e in episodes if not e.closure_date),
            "assessments": len(assessments),
            "assessments_completed": sum(1 for a in assessments if a.authorised),
            "cin_plans": sum(len(e.cin_plans) for e in episodes),
            "section47s": len(s47s),
            "icpcs": len(icpcs),
            "cp_plans": len(plans),
            "cp_plans_started_in_year": sum(1 for p in plans if p.start >= y.start),
            "cp_plans_open_at_year_end": sum(1 for p in plans if p.end is None),
            "review_conferences": sum(len(p.reviews) for p in plans),
        }


def _local_day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _in_year_or_open(start: date, end: date | None, year: CensusYear) -> bool:
    return start <= year.end and (end is None or end >= year.start)


def _as_at(d: date | None, year: CensusYear) -> date | None:
    """A date as the return sees it on 31 March: later events have not happened yet."""
    return d if d is not None and d <= year.end else None


def census_build(*, year: int, children: QuerySet[Child] | None = None) -> CensusReturn:
    """The return for the year ending 31 March `year`, for `children` (default: everyone)."""
    y = CensusYear(year)
    referrals = Referral.objects.filter(received_at__lt=_local_day_start(y.end + timedelta(1)))
    referrals = referrals.filter(Q(closure_date__isnull=True) | Q(closure_date__gte=y.start))
    if children is not None:
        referrals = referrals.filter(child__in=children)
    referral_rows = list(
        referrals.values(
            "pk",
            "child_id",
            "received_at",
            "source",
            "primary_need",
            "decision",
            "closure_date",
            "closure_reason",
        )
    )
    referral_ids = [r["pk"] for r in referral_rows]
    child_ids = {r["child_id"] for r in referral_rows}

    assessments = defaultdict(list)
    for row in Assessment.objects.filter(referral_id__in=referral_ids).values(
        "pk", "referral_id", "start_date", "authorised_date", "factors"
    ):
        assessments[row["referral_id"]].append(row)
    cin_plans = defaultdict(list)
    for row in CINPlan.objects.filter(referral_id__in=referral_ids).values(
        "pk", "referral_id", "start_date", "end_date"
    ):
        cin_plans[row["referral_id"]].append(row)
    enquiries = defaultdict(list)
    enquiry_referral = {}
    for row in Section47.objects.filter(referral_id__in=referral_ids).values(
        "pk", "referral_id", "start_date", "outcome", "completion_date"
    ):
        enquiries[row["referral_id"]].append(row)
        enquiry_referral[row["pk"]] = row["referral_id"]

    held_initial = list(
        Conference.objects.filter(
            child_id__in=child_ids,
            status=ConferenceStatus.HELD,
            conference_type__in=INITIAL_TYPES,
            held_on__isnull=False,
        ).values("child_id", "section47_id", "plan_id", "held_on")
    )
    icpc_of_enquiry: dict[int, date] = {}
    plan_enquiry: dict[int, int] = {}
    loose_icpcs = defaultdict(list)  # initial conferences reached without an enquiry here
    for row in held_initial:
        if row["section47_id"] in enquiry_referral:
            held = icpc_of_enquiry.get(row["section47_id"])
            icpc_of_enquiry[row["section47_id"]] = (
                min(held, row["held_on"]) if held else (row["held_on"])
            )
            if row["plan_id"]:
                plan_enquiry[row["plan_id"]] = row["section47_id"]
        elif row["section47_id"] is None:
            loose_icpcs[row["child_id"]].append(row["held_on"])

    plans_by_child = defaultdict(list)
    for row in (
        ChildProtectionPlan.objects.filter(child_id__in=child_ids)
        .order_by("start_date", "pk")
        .values(
            "pk",
            "child_id",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "number_of_previous_plans",
        )
    ):
        plans_by_child[row["child_id"]].append(row)
    elsewhere = defaultdict(list)
    for child_id, start in PreviousPlanElsewhere.objects.filter(child_id__in=child_ids).values_list(
        "child_id", "start_date"
    ):
        elsewhere[child_id].append(start)
    reviews = defaultdict(list)
    for plan_id, held in (
        Conference.objects.filter(
            plan__child_id__in=child_ids,
            conference_type=ConferenceType.REVIEW,
            status=ConferenceStatus.HELD,
            held_on__gte=y.start,
            held_on__lte=y.end,
        )
        .order_by("held_on")
        .values_list("plan_id", "held_on")
    ):
        reviews[plan_id].append(held)

    child_rows = {
        c["pk"]: c
        for c in Child.objects.filter(pk__in=child_ids).values(
            "pk",
            "la_child_id",
            "upn",
            "upn_unknown_reason",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "date_of_death",
            "ethnicity",
            "disabilities",
        )
    }
    referrals_by_child = defaultdict(list)
    for row in referral_rows:
        row["referral_date"] = timezone.localtime(row["received_at"]).date()
        referrals_by_child[row["child_id"]].append(row)

    nfa_cutoff = _working_day_before(y.start)
    children = []
    for child_id, rows in referrals_by_child.items():
        rows.sort(key=lambda r: (r["referral_date"], r["pk"]))
        child = _child_record(child_rows[child_id], y)
        plan_rows = plans_by_child.get(child_id, [])
        for row in rows:
            child.episodes.append(
                _episode_record(
                    row,
                    y,
                    nfa_cutoff=nfa_cutoff,
                    assessments=assessments.get(row["pk"], []),
                    cin_plans=cin_plans.get(row["pk"], []),
                    enquiries=enquiries.get(row["pk"], []),
                    icpc_of_enquiry=icpc_of_enquiry,
                )
            )
        _attach_plans(
            child,
            rows,
            plan_rows,
            plan_enquiry,
            enquiry_referral,
            reviews,
            y,
            elsewhere=elsewhere.get(child_id, []),
        )
        _attach_loose_icpcs(child, loose_icpcs.get(child_id, []), y)
        children.append(child)
    children.sort(key=lambda c: c.la_child_id)
    return CensusReturn(
        year=y,
        children=children,
        generated_at=timezone.now(),
        rereferrals_in_year=_rereferrals_in_year(referral_rows, y),
    )


def _rereferrals_in_year(referral_rows: list[dict], y: CensusYear) -> int:
    """How many of the year's referrals are re-referrals (timescales.rules.is_re_referral),
    against all the children's referrals of the 12 months before each: one query."""
    in_year = [r for r in referral_rows if r["referral_date"] >= y.start]
    window = timescales.re_referral_window_start(y.start)
    earlier: dict[int, list[tuple[datetime, date]]] = defaultdict(list)
    for child_id, received in Referral.objects.filter(
        child_id__in={r["child_id"] for r in in_year},
        received_at__gte=_local_day_start(window),
        received_at__lt=_local_day_start(y.end + timedelta(1)),
    ).values_list("child_id", "received_at"):
        earlier[child_id].append((received, timezone.localtime(received).date()))
    return sum(
        1
        for r in in_year
        if timescales.is_re_referral(
            r["referral_date"],
            [day for at, day in earlier[r["child_id"]] if at < r["received_at"]],
        )
    )


def _working_day_before(d: date) -> date:
    """The working day before `d` (rule 8569 counts back one working day)."""
    candidate = d - timedelta(days=1)
    while add_working_days(candidate, 1) > d:
        candidate -= timedelta(days=1)
    return candidate


def _child_record(row: dict, y: CensusYear) -> ChildRecord:
    born = row["date_of_birth"]
    expected = row["expected_date_of_birth"]
    sex = row["sex"]
    if born and born > y.end:
        # Born after 31 March: on the census date the child was unborn.
        born, expected, sex = None, born, "U"
    upn = row["upn"] or ""
    return ChildRecord(
        pk=row["pk"],
        la_child_id=row["la_child_id"],
        upn=upn,
        former_upn="",
        upn_unknown="" if upn else row["upn_unknown_reason"] or "",
        birth_date=born,
        expected_birth_date=None if born else expected,
        sex=sex,
        death_date=_as_at(row["date_of_death"], y),
        ethnicity=row["ethnicity"],
        disabilities=list(row["disabilities"] or []),
    )


def _episode_record(
    row: dict,
    y: CensusYear,
    *,
    nfa_cutoff: date,
    assessments: list[dict],
    cin_plans: list[dict],
    enquiries: list[dict],
    icpc_of_enquiry: dict[int, date],
) -> EpisodeRecord:
    closure = _as_at(row["closure_date"], y)
    had_work = bool(assessments or cin_plans or enquiries)
    episode = EpisodeRecord(
        pk=row["pk"],
        referral_date=row["referral_date"],
        source=row["source"],
        primary_need=row["primary_need"] or "",
        closure_date=closure,
        closure_reason=row["closure_reason"] if closure else "",
        nfa=(
            row["decision"] in NFA_DECISIONS and not had_work and row["referral_date"] >= nfa_cutoff
        ),
    )
    for a in sorted(assessments, key=lambda a: (a["start_date"], a["pk"])):
        if a["start_date"] > y.end:
            continue
        authorised = _as_at(a["authorised_date"], y)
        if authorised and authorised < y.start:
            continue
        episode.assessments.append(
            AssessmentRecord(
                pk=a["pk"],
                start=a["start_date"],
                authorised=authorised,
                factors=list(a["factors"] or []) if authorised else [],
            )
        )
    for p in sorted(cin_plans, key=lambda p: (p["start_date"], p["pk"])):
        if _in_year_or_open(p["start_date"], p["end_date"], y):
            episode.cin_plans.append(
                CINPlanRecord(pk=p["pk"], start=p["start_date"], end=_as_at(p["end_date"], y))
            )
    for s in sorted(enquiries, key=lambda s: (s["start_date"], s["pk"])):
        if s["start_date"] > y.end:
            continue
        icpc = _as_at(icpc_of_enquiry.get(s["pk"]), y)
        ended = _as_at(s["completion_date"], y)
        not_required = icpc is None and ended is not None and s["outcome"] in NOT_REQUIRED_OUTCOMES
        finished = icpc or (ended if not_required else None)
        if finished and finished < y.start:
            continue
        episode.section47s.append(
            Section47Record(
                pk=s["pk"],
                start=s["start_date"],
                target=timescales.icpc_due(s["start_date"]),
                icpc_date=icpc,
                icpc_not_required=not_required,
            )
        )
    return episode


def _attach_plans(
    child, rows, plan_rows, plan_enquiry, enquiry_referral, reviews, y, *, elsewhere=()
) -> None:
    """Each plan open in the year goes in the episode its initial conference's enquiry belongs
    to, or else the episode open on the day it started."""
    episodes = {e.pk: e for e in child.episodes}
    for plan in plan_rows:
        if not _in_year_or_open(plan["start_date"], plan["end_date"], y):
            continue
        episode = episodes.get(enquiry_referral.get(plan_enquiry.get(plan["pk"])))
        if episode is None:
            containing = [
                e
                for e in child.episodes
                if e.referral_date <= plan["start_date"]
                and (e.closure_date is None or plan["start_date"] <= e.closure_date)
            ]
            episode = containing[-1] if containing else None
        if episode is None:
            continue
        end = _as_at(plan["end_date"], y)
        previous = previous_plans_count(
            start=plan["start_date"],
            recorded=plan["number_of_previous_plans"],
            here=[p["start_date"] for p in plan_rows],
            elsewhere=elsewhere,
        )
        episode.plans.append(
            PlanRecord(
                pk=plan["pk"],
                start=plan["start_date"],
                end=end,
                initial_category=plan["initial_category"],
                latest_category=plan["latest_category"],
                previous_plans=previous,
                reviews=[
                    r
                    for r in reviews.get(plan["pk"], [])
                    if r > plan["start_date"] and (end is None or r <= end)
                ],
            )
        )


def _attach_loose_icpcs(child: ChildRecord, held: list[date], y: CensusYear) -> None:
    """An initial conference held in the year without an enquiry in this system (for example
    a transfer-in) is reported on its episode (CINdetails DateOfInitialCPC), once."""
    for day in sorted(held):
        if not (y.start <= day <= y.end):
            continue
        for episode in reversed(child.episodes):
            if episode.referral_date <= day and (
                episode.closure_date is None or day <= episode.closure_date
            ):
                if episode.icpc_date is None and not any(
                    s.icpc_date == day for s in episode.section47s
                ):
                    episode.icpc_date = day
                break


# --- XML ----------------------------------------------------------------------------------------


def _add(parent: ET.Element, tag: str, value) -> None:
    if value is None or value == "":
        return
    ET.SubElement(parent, tag).text = value if isinstance(value, str) else iso(value)


def _bool(value: bool) -> str:
    # 1 and 0 rather than true and false: every validation rule reads these (rules 2885 and
    # 8740 compare the enquiry flag with "1" and "0" only).
    return "1" if value else "0"


def census_xml(census: CensusReturn) -> bytes:
    """The return as the DfE XML message: Message / Header / Children / Child."""
    y = census.year
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", COLLECTION)
    _add(details, "Year", str(y.year))
    _add(details, "ReferenceDate", y.end)
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la_code())
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", "001")
    _add(source, "DateTime", timezone.localtime(census.generated_at).strftime("%Y-%m-%dT%H:%M:%S"))
    content = ET.SubElement(ET.SubElement(header, "Content"), "CBDSLevels")
    _add(content, "CBDSLevel", "Child")
    children = ET.SubElement(message, "Children")
    for child in census.children:
        children.append(_child_xml(child))
    ET.indent(message)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True)


def _child_xml(child: ChildRecord) -> ET.Element:
    element = ET.Element("Child")
    ids = ET.SubElement(element, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    _add(ids, "UPN", child.upn)
    _add(ids, "FormerUPN", child.former_upn)
    _add(ids, "UPNunknown", child.upn_unknown)
    _add(ids, "PersonBirthDate", child.birth_date)
    _add(ids, "ExpectedPersonBirthDate", child.expected_birth_date)
    _add(ids, "Sex", child.sex)
    _add(ids, "PersonDeathDate", child.death_date)
    characteristics = ET.SubElement(element, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", child.ethnicity)
    if child.disabilities:
        disabilities = ET.SubElement(characteristics, "Disabilities")
        for code in child.disabilities:
            _add(disabilities, "Disability", code)
    for episode in child.episodes:
        element.append(_episode_xml(episode))
    return element


def _episode_xml(episode: EpisodeRecord) -> ET.Element:
    element = ET.Element("CINdetails")
    _add(element, "CINreferralDate", episode.referral_date)
    _add(element, "ReferralSource", episode.source)
    _add(element, "PrimaryNeedCode", episode.primary_need)
    _add(element, "CINclosureDate", episode.closure_date)
    _add(element, "ReasonForClosure", episode.closure_reason)
    _add(element, "DateOfInitialCPC", episode.icpc_date)
    _add(element, "ReferralNFA", _bool(episode.nfa))
    for a in episode.assessments:
        assessment = ET.SubElement(element, "Assessments")
        _add(assessment, "AssessmentActualStartDate", a.start)
        _add(assessment, "AssessmentAuthorisationDate", a.authorised)
        if a.factors:
            factors = ET.SubElement(assessment, "FactorsIdentifiedAtAssessment")
            for code in a.factors:
                _add(factors, "AssessmentFactors", code)
    for p in episode.cin_plans:
        plan = ET.SubElement(element, "CINPlanDates")
        _add(plan, "CINPlanStartDate", p.start)
        _add(plan, "CINPlanEndDate", p.end)
    for s in episode.section47s:
        enquiry = ET.SubElement(element, "Section47")
        _add(enquiry, "S47ActualStartDate", s.start)
        _add(enquiry, "InitialCPCtarget", s.target)
        _add(enquiry, "DateOfInitialCPC", s.icpc_date)
        _add(enquiry, "ICPCnotRequired", _bool(s.icpc_not_required))
    for p in episode.plans:
        plan = ET.SubElement(element, "ChildProtectionPlans")
        _add(plan, "CPPstartDate", p.start)
        _add(plan, "CPPendDate", p.end)
        _add(plan, "InitialCategoryOfAbuse", p.initial_category)
        _add(plan, "LatestCategoryOfAbuse", p.latest_category)
        _add(plan, "NumberOfPreviousCPP", str(p.previous_plans or 0))
        if p.reviews:
            reviews = ET.SubElement(plan, "Reviews")
            for held in p.reviews:
                _add(reviews, "CPPreviewDate", held)
    return element


def census_export(
    *, year: int, children: QuerySet[Child] | None = None
) -> tuple[CensusReturn, bytes]:
    census = census_build(year=year, children=children)
    return census, census_xml(census)
