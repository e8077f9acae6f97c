"""Every national code set in cases/codes/ against the DfE CIN census 2025 to 2026 code lists, as
the DfE validation rules (the `csc-validator-be-cin` package, its rule set `cin2025_26`) hold
them, and the labels the census guide gives the codes that were wrong here."""

import ast
import os
from pathlib import Path

import pytest

from cases.codes.abuse_category import AbuseCategory
from cases.codes.assessment_factor import AssessmentFactor
from cases.codes.closure_reason import ClosureReason
from cases.codes.disability import Disability
from cases.codes.ethnicity import Ethnicity
from cases.codes.primary_need import PrimaryNeed
from cases.codes.referral_source import ReferralSource
from cases.codes.sex import Sex
from cases.codes.upn_la import UPN_LA_CODES
from cases.codes.upn_unknown import UPNUnknownReason
from reporting.validation import validator_python

# The validator's rule sets build on the year before: a rule's current text is in the latest
# year's folder, up to 2025-26, that holds it.
YEARS = ["cin2025_26", "cin2024_25", "cin2023_24", "cin2022_23"]
RETIRED_FACTORS = {"18A", "19A"}  # queried by rules 8945Q and 8950Q: not offered


@pytest.fixture(scope="module")
def rules_dir() -> Path:
    python = validator_python()
    venv = python.parent.parent if python else None
    found = sorted(venv.glob("lib/python*/site-packages/cin_validator/rules")) if venv else []
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("The CIN census validator is not installed (.ci/run makes .venv-cin).")
        pytest.skip("The CIN census validator (.venv-cin) is not installed here.")
    return found[0]


def validator_list(rules_dir: Path, rule: str, name: str) -> set[str]:
    """The list of codes the rule's `validate` assigns to `name`."""
    for year in YEARS:
        path = rules_dir / year / f"rule_{rule}.py"
        if path.exists():
            break
    else:
        raise AssertionError(f"rule {rule} is not in the validator")
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            return {
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
    raise AssertionError(f"rule {rule} assigns no list {name}")


def codes(choices) -> set[str]:
    return set(choices.values)


@pytest.mark.parametrize(
    "choices, rule, name",
    [
        (ReferralSource, "8866", "valid_referrals"),
        (PrimaryNeed, "8650", "PriNeed_list"),
        (ClosureReason, "8640", "valid_reason"),
        (AbuseCategory, "8905", "abuse_cats"),
        (AbuseCategory, "8910", "abuse_cats"),
        (Ethnicity, "4220", "eth_list"),
        (Disability, "8540", "valid_dis"),
        (Sex, "4180", "valid_sex_codes"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_code_set_is_the_census_list(rules_dir, choices, rule, name):
    assert codes(choices) == validator_list(rules_dir, rule, name)


def test_assessment_factors_are_the_census_list_without_the_retired_codes(rules_dir):
    census = validator_list(rules_dir, "8897Q", "factors_list")
    assert census >= RETIRED_FACTORS
    assert codes(AssessmentFactor) == census - RETIRED_FACTORS


def test_upn_unknown_reasons_are_the_census_list(rules_dir):
    # Rule 8770Q lists the reasons that excuse a missing UPN for a child of school age: all but
    # UN1 (under 6 and not yet at school).
    listed = validator_list(rules_dir, "8770Q", "upnunknown_reasons")
    assert codes(UPNUnknownReason) == listed | {"UN1"}


def test_upn_la_codes_are_the_census_list(rules_dir):
    """Rule 1530 builds its list with `LA_list.extend(range(...))` and literal lists: each
    argument is evaluated with nothing but `range` and `str` to hand."""
    source = (rules_dir / "cin2023_24" / "rule_1530.py").read_text()
    listed: list = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "extend"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "LA_list"
        ):
            expression = compile(ast.Expression(node.args[0]), "rule_1530", "eval")
            listed.extend(eval(expression, {"__builtins__": {}, "range": range, "str": str}))  # noqa: S307
    assert len(listed) > 100
    assert {f"{int(code):03d}" for code in listed} == UPN_LA_CODES


@pytest.mark.parametrize(
    "choices, code, label",
    [
        (AssessmentFactor, "24A", "24A Child criminal exploitation"),
        (AssessmentFactor, "18B", "18B Abuse or neglect – physical abuse: child on child"),
        (AssessmentFactor, "18C", "18C Abuse or neglect – physical abuse: adult on child"),
        (AssessmentFactor, "19B", "19B Abuse or neglect – sexual abuse: child on child"),
        (AssessmentFactor, "19C", "19C Abuse or neglect – sexual abuse: adult on child"),
        (AssessmentFactor, "20", "20 Other"),
        (AssessmentFactor, "21", "21 No factors identified"),
        (AssessmentFactor, "11A", "11A Child sexual exploitation"),
        (ClosureReason, "RC8", "RC8 Case closed after assessment, no further action"),
        (ClosureReason, "RC9", "RC9 Case closed after assessment, referred to early help"),
        (PrimaryNeed, "N9", "N9 Cases other than children in need"),
        (UPNUnknownReason, "UN7", "UN7 – Referral with no further action"),
    ],
)
def test_label(choices, code, label):
    assert dict(choices.choices)[code] == label


def test_every_label_starts_with_its_code_where_the_census_shows_it():
    for choices in (AssessmentFactor, ClosureReason, PrimaryNeed, ReferralSource):
        for value, label in choices.choices:
            assert label.split(" ", 1)[0] == value, (choices.__name__, value, label)


def test_only_one_factor_is_other():
    others = [v for v, label in AssessmentFactor.choices if label.endswith(" Other")]
    assert others == ["20"]
