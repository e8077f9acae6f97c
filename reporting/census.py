"""What the CIN census return is: its year, its element names, and the values it carries.

The DfE children in need census covers 1 April to 31 March; the return for "year 2026" is the
year ending 31 March 2026 (its ReferenceDate). Element names follow the DfE XML specification
as `csc-validator-be-cin` reads it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

COLLECTION = "CIN"
SOFTWARE_CODE = "Local Authority"
RELEASE = "wirral-cp 1"
# The DfE number of the local authority making the return (Wirral is 344).
DEFAULT_LA_CODE = "344"
# A referral decided as no further action, or stepped straight down to early help, is a
# "referral with no further action" (ReferralNFA) unless work followed it.
NFA_DECISIONS = ("nfa", "early_help")


def la_code() -> str:
    return str(getattr(settings, "CENSUS_LA_CODE", DEFAULT_LA_CODE))


@dataclass(frozen=True)
class CensusYear:
    """The census year ending 31 March of `year`."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    @property
    def ruleset(self) -> str:
        """The validator's rule set for this collection, e.g. cin2025_26 for year 2026."""
        return f"cin{self.year - 1}_{self.year % 100:02d}"

    def __str__(self) -> str:
        return f"1 April {self.year - 1} to 31 March {self.year}"


def latest_census_year(today: date) -> int:
    """The most recent census year that has ended (the return now due): 2026 from 31 March
    2026 to 30 March 2027."""
    return today.year if today >= date(today.year, 3, 31) else today.year - 1


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# --- The return as plain data: built by the export, read by the import ------------------------


@dataclass
class PlanRecord:
    start: date
    end: date | None
    initial_category: str
    latest_category: str
    previous_plans: int | None
    reviews: list[date] = field(default_factory=list)
    pk: int | None = None


@dataclass
class Section47Record:
    start: date
    target: date | None
    icpc_date: date | None
    icpc_not_required: bool
    pk: int | None = None


@dataclass
class AssessmentRecord:
    start: date
    authorised: date | None
    factors: list[str] = field(default_factory=list)
    pk: int | None = None


@dataclass
class CINPlanRecord:
    start: date
    end: date | None
    pk: int | None = None


@dataclass
class EpisodeRecord:
    referral_date: date
    source: str
    primary_need: str
    closure_date: date | None
    closure_reason: str
    nfa: bool
    icpc_date: date | None = None  # an initial conference not reached through an enquiry
    assessments: list[AssessmentRecord] = field(default_factory=list)
    cin_plans: list[CINPlanRecord] = field(default_factory=list)
    section47s: list[Section47Record] = field(default_factory=list)
    plans: list[PlanRecord] = field(default_factory=list)
    pk: int | None = None


@dataclass
class ChildRecord:
    la_child_id: str
    upn: str
    former_upn: str
    upn_unknown: str
    birth_date: date | None
    expected_birth_date: date | None
    sex: str
    death_date: date | None
    ethnicity: str
    disabilities: list[str]
    episodes: list[EpisodeRecord] = field(default_factory=list)
    pk: int | None = None
