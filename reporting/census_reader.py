"""Reading a CIN census file, child by child, into plain records, with every problem found.

Each <Child> is cut out of the file and parsed on its own (with defusedxml: no DTDs, no
entities), so a child whose XML is broken is reported and the children around it still load.
Codes and dates are checked here; how the records fit together is checked by the import.
"""

import codecs
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.db import models

from cases.codes.abuse_category import AbuseCategory
from cases.codes.assessment_factor import AssessmentFactor
from cases.codes.closure_reason import ClosureReason
from cases.codes.disability import Disability
from cases.codes.ethnicity import Ethnicity
from cases.codes.primary_need import PrimaryNeed
from cases.codes.referral_source import ReferralSource
from cases.codes.sex import Sex
from cases.codes.upn_unknown import UPNUnknownReason

from .census import (
    AssessmentRecord,
    ChildRecord,
    CINPlanRecord,
    EpisodeRecord,
    PlanRecord,
    Section47Record,
)

CHILD_OPEN = re.compile(rb"<Child(?=[\s>/])")
CHILD_CLOSE = re.compile(rb"</Child\s*>")
LA_CHILD_ID = re.compile(rb"<LAchildID>\s*([^<]*?)\s*</LAchildID>")
HEADER = re.compile(rb"<Header(?=[\s>]).*?</Header\s*>", re.DOTALL)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRUE_FALSE = {"true": True, "1": True, "false": False, "0": False}


@cache
def _codes(choices: type[models.TextChoices]) -> frozenset[str]:
    # TextChoices.values builds a fresh list on every call; a big file asks hundreds of
    # thousands of times.
    return frozenset(choices.values)


@dataclass
class Problem:
    """Something that stopped a child (or the file) from loading."""

    message: str
    la_child_id: str | None = None
    element: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.la_child_id:
            where.append(f"child {self.la_child_id}")
        if self.line:
            where.append(f"line {self.line}")
        if self.element:
            where.append(self.element)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ChildBlock:
    la_child_id: str | None
    line: int
    record: ChildRecord | None
    problems: list[Problem]


@dataclass
class CensusHeader:
    year: int | None
    reference_date: date | None
    problems: list[Problem]


def as_utf8(data: bytes) -> tuple[bytes, Problem | None]:
    """The file's bytes as UTF-8, which the reading below (by byte patterns) needs.

    Census files are UTF-8, but some case systems write UTF-16; XML tells the two apart by a
    byte order mark or, without one, by how the opening "<?" is spelt. Line breaks survive the
    conversion, so line numbers still point into the file as sent.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(b"<\x00?\x00"):
        encoding = "utf-16-le"
    elif data.startswith(b"\x00<\x00?"):
        encoding = "utf-16-be"
    else:
        return data, None
    try:
        return data.decode(encoding).encode("utf-8"), None
    except UnicodeDecodeError as error:
        return b"", Problem(f"The file looks like UTF-16 but is not ({error}).")


def read_header(data: bytes) -> CensusHeader:
    match = HEADER.search(data)
    if not match:
        return CensusHeader(None, None, [Problem("The file has no <Header>: is it a CIN census?")])
    try:
        header = SafeET.fromstring(match.group(0))
    except (SafeET.ParseError, DefusedXmlException) as error:
        return CensusHeader(None, None, [Problem(f"The <Header> is not valid XML ({error}).")])
    problems = []
    collection = (header.findtext("CollectionDetails/Collection") or "").strip()
    if collection and collection != "CIN":
        problems.append(Problem(f'The file is a "{collection}" return, not a CIN census.'))
    year_text = (header.findtext("CollectionDetails/Year") or "").strip()
    reference_text = (header.findtext("CollectionDetails/ReferenceDate") or "").strip()
    year = int(year_text) if year_text.isdigit() else None
    reference = _parse_date(reference_text)
    return CensusHeader(year, reference, problems)


def read_children(data: bytes):
    """Yield a ChildBlock for every <Child> in the file (UTF-8: see as_utf8), in order."""
    starts = [m.start() for m in CHILD_OPEN.finditer(data)]
    line, counted_to = 1, 0
    for index, start in enumerate(starts):
        stop = starts[index + 1] if index + 1 < len(starts) else len(data)
        chunk = data[start:stop]
        # A running count: counting from the top for every child made big files quadratic.
        line += data.count(b"\n", counted_to, start)
        counted_to = start
        found = LA_CHILD_ID.search(chunk)
        la_id = found.group(1).decode("utf-8", "replace") if found else None
        closes = list(CHILD_CLOSE.finditer(chunk))
        if not closes:
            yield ChildBlock(la_id, line, None, [_malformed(la_id, line, "no closing </Child>")])
            continue
        chunk = chunk[: closes[-1].end()]
        try:
            element = SafeET.fromstring(chunk)
        except (SafeET.ParseError, DefusedXmlException) as error:
            yield ChildBlock(la_id, line, None, [_malformed(la_id, line, str(error))])
            continue
        reader = _ChildReader(la_id, line)
        record = reader.child(element)
        yield ChildBlock(record.la_child_id or la_id, line, record, reader.problems)


def _malformed(la_id: str | None, line: int, detail: str) -> Problem:
    return Problem(f"This child's XML is malformed ({detail}).", la_id, "Child", line)


def _parse_date(text: str) -> date | None:
    if not ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class _ChildReader:
    def __init__(self, la_id: str | None, line: int) -> None:
        self.la_id = la_id
        self.line = line
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, self.la_id, path, self.line))

    def text(self, parent: Element, tag: str) -> str:
        value = parent.findtext(tag)
        return value.strip() if value else ""

    def date(self, parent: Element, tag: str, path: str, *, required: bool = False):
        raw = self.text(parent, tag)
        if not raw:
            if required:
                self.problem(f"{path}/{tag}", "This date is missing.")
            return None
        parsed = _parse_date(raw)
        if parsed is None:
            self.problem(f"{path}/{tag}", f'"{raw}" is not a date (YYYY-MM-DD).')
        return parsed

    def code(self, parent, tag, path, choices, *, required=False, what="code") -> str:
        raw = self.text(parent, tag)
        if not raw:
            if required:
                self.problem(f"{path}/{tag}", f"The {what} is missing.")
            return ""
        if raw not in _codes(choices):
            self.problem(f"{path}/{tag}", f'"{raw}" is not a valid {what}.')
            return ""
        return raw

    def flag(self, parent, tag, path, *, default: bool = False) -> bool:
        raw = self.text(parent, tag).lower()
        if not raw:
            return default
        if raw not in TRUE_FALSE:
            self.problem(f"{path}/{tag}", f'"{raw}" is not true, false, 1 or 0.')
            return default
        return TRUE_FALSE[raw]

    def child(self, element: Element) -> ChildRecord:
        ids = element.find("ChildIdentifiers")
        chars = element.find("ChildCharacteristics")
        if ids is None:
            self.problem("ChildIdentifiers", "The child has no ChildIdentifiers.")
            ids = Element("ChildIdentifiers")
        if chars is None:
            chars = Element("ChildCharacteristics")
        la_id = self.text(ids, "LAchildID")
        self.la_id = la_id or self.la_id
        if not la_id:
            self.problem("ChildIdentifiers/LAchildID", "The LA child ID is missing.")
        elif len(la_id) > 20 or not la_id.isalnum():
            self.problem(
                "ChildIdentifiers/LAchildID",
                f'"{la_id}" is not an LA child ID (letters and digits, at most 20).',
            )
        path = "ChildIdentifiers"
        disabilities = []
        for d in chars.findall("Disabilities/Disability"):
            code = (d.text or "").strip()
            if code not in _codes(Disability):
                self.problem(
                    "ChildCharacteristics/Disabilities/Disability",
                    f'"{code}" is not a valid disability code.',
                )
            else:
                disabilities.append(code)
        record = ChildRecord(
            la_child_id=la_id,
            upn=self.text(ids, "UPN").upper(),
            former_upn=self.text(ids, "FormerUPN"),
            upn_unknown=self.code(ids, "UPNunknown", path, UPNUnknownReason, what="UPN reason"),
            birth_date=self.date(ids, "PersonBirthDate", path),
            expected_birth_date=self.date(ids, "ExpectedPersonBirthDate", path),
            sex=self.code(ids, "Sex", path, Sex, required=True, what="sex code") or "U",
            death_date=self.date(ids, "PersonDeathDate", path),
            ethnicity=self.code(
                chars, "Ethnicity", "ChildCharacteristics", Ethnicity, what="ethnicity code"
            )
            or "NOBT",
            disabilities=disabilities,
        )
        for n, cin in enumerate(element.findall("CINdetails"), start=1):
            record.episodes.append(self.episode(cin, f"CINdetails[{n}]"))
        if not record.episodes:
            self.problem("CINdetails", "The child has no CIN episode.")
        return record

    def episode(self, cin: Element, path: str) -> EpisodeRecord:
        episode = EpisodeRecord(
            referral_date=self.date(cin, "CINreferralDate", path, required=True),
            source=self.code(
                cin, "ReferralSource", path, ReferralSource, required=True, what="referral source"
            ),
            primary_need=self.code(cin, "PrimaryNeedCode", path, PrimaryNeed, what="need code"),
            closure_date=self.date(cin, "CINclosureDate", path),
            closure_reason=self.code(
                cin, "ReasonForClosure", path, ClosureReason, what="reason for closure"
            ),
            nfa=self.flag(cin, "ReferralNFA", path),
            icpc_date=self.date(cin, "DateOfInitialCPC", path),
        )
        for n, a in enumerate(cin.findall("Assessments"), start=1):
            where = f"{path}/Assessments[{n}]"
            factors = []
            for f in a.findall("FactorsIdentifiedAtAssessment/AssessmentFactors"):
                code = (f.text or "").strip()
                if code not in _codes(AssessmentFactor):
                    self.problem(
                        f"{where}/FactorsIdentifiedAtAssessment/AssessmentFactors",
                        f'"{code}" is not a valid assessment factor.',
                    )
                else:
                    factors.append(code)
            episode.assessments.append(
                AssessmentRecord(
                    start=self.date(a, "AssessmentActualStartDate", where, required=True),
                    authorised=self.date(a, "AssessmentAuthorisationDate", where),
                    factors=factors,
                )
            )
        for n, p in enumerate(cin.findall("CINPlanDates"), start=1):
            where = f"{path}/CINPlanDates[{n}]"
            episode.cin_plans.append(
                CINPlanRecord(
                    start=self.date(p, "CINPlanStartDate", where, required=True),
                    end=self.date(p, "CINPlanEndDate", where),
                )
            )
        for n, s in enumerate(cin.findall("Section47"), start=1):
            where = f"{path}/Section47[{n}]"
            episode.section47s.append(
                Section47Record(
                    start=self.date(s, "S47ActualStartDate", where, required=True),
                    target=self.date(s, "InitialCPCtarget", where),
                    icpc_date=self.date(s, "DateOfInitialCPC", where),
                    icpc_not_required=self.flag(s, "ICPCnotRequired", where),
                )
            )
        for n, p in enumerate(cin.findall("ChildProtectionPlans"), start=1):
            where = f"{path}/ChildProtectionPlans[{n}]"
            previous_text = self.text(p, "NumberOfPreviousCPP")
            previous = int(previous_text) if previous_text.isdigit() else None
            if previous_text and previous is None:
                self.problem(
                    f"{where}/NumberOfPreviousCPP", f'"{previous_text}" is not a whole number.'
                )
            reviews = []
            for r in p.findall("Reviews/CPPreviewDate"):
                raw = (r.text or "").strip()
                parsed = _parse_date(raw)
                if parsed is None:
                    self.problem(
                        f"{where}/Reviews/CPPreviewDate", f'"{raw}" is not a date (YYYY-MM-DD).'
                    )
                else:
                    reviews.append(parsed)
            episode.plans.append(
                PlanRecord(
                    start=self.date(p, "CPPstartDate", where, required=True),
                    end=self.date(p, "CPPendDate", where),
                    initial_category=self.code(
                        p,
                        "InitialCategoryOfAbuse",
                        where,
                        AbuseCategory,
                        required=True,
                        what="category of abuse",
                    ),
                    latest_category=self.code(
                        p,
                        "LatestCategoryOfAbuse",
                        where,
                        AbuseCategory,
                        required=True,
                        what="category of abuse",
                    ),
                    previous_plans=previous,
                    reviews=sorted(set(reviews)),
                )
            )
        return episode
