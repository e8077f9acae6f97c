"""Pre-birth casework in the census: a child still unborn on 31 March is returned with the
expected date of birth (and sex "U"); a child whose birth was recorded on the record made before
birth is returned with the real date of birth, the pre-birth conference as the initial one. The
export of both, made through the services the forms use, passes the real DfE validator."""

import datetime

from defusedxml import ElementTree as SafeET

from cases.services import child_birth_record
from cases.services_episodes import assessment_authorise
from reporting.census_export import census_export
from reporting.services import census_prepare
from tests.reporting.casework import _assess, _child, _hold, _referral, _strategy_to_icpc

D = datetime.date
SMALL_RETURN_QUERIES = {"2887Q"}


def _unborn(world, la_id, expected):
    return _child(
        world.social_worker,
        la_id,
        first_name="",
        sex="U",
        ethnicity="NOBT",
        date_of_birth=None,
        expected_date_of_birth=expected,
        upn_unknown_reason="UN1",
        disabilities=[],
    )


def record_pre_birth_casework(world):
    sw, tm, iro = world.social_worker, world.team_manager, world.iro
    # Born in the year: pre-birth conference 24 Oct 2025, born 15 Dec, reviewed 13 Jan 2026.
    born = _unborn(world, "CWPREBORN1", D(2025, 12, 20))
    r = _referral(born, sw, tm, D(2025, 10, 6), "strategy", source="3D", need="N1")
    assessment = _assess(born, r, sw, tm, D(2025, 10, 7), None, (), "")
    icpc = _strategy_to_icpc(born, r, sw, tm, iro, D(2025, 10, 7), D(2025, 10, 24))
    born = child_birth_record(
        child=born,
        user=sw,
        date_of_birth=D(2025, 12, 15),
        sex="M",
        ethnicity="WBRI",
        first_name="Jonah",
        last_name="Preborn",
    )
    assessment.refresh_from_db()
    assessment.factors, assessment.outcome = ["3B"], "strategy"
    assessment.save()
    assessment_authorise(assessment=assessment, user=tm, authorised_date=D(2025, 12, 16))
    review = icpc.plan.conferences.get(conference_type="review", status="requested")
    _hold(review, iro, D(2026, 1, 13), "continue", "NEG")
    # Still unborn on 31 March: pre-birth conference 2 Feb 2026, expected 10 May 2026.
    unborn = _unborn(world, "CWPREBIRTH2", D(2026, 5, 10))
    r = _referral(unborn, sw, tm, D(2026, 1, 12), "strategy", source="3D", need="N1")
    _assess(unborn, r, sw, tm, D(2026, 2, 2), None, (), "")
    _strategy_to_icpc(unborn, r, sw, tm, iro, D(2026, 1, 13), D(2026, 2, 2))
    return born, unborn


def _identifiers(root, la_id):
    for child in root.iter("Child"):
        if child.findtext("ChildIdentifiers/LAchildID") == la_id:
            return child
    raise AssertionError(f"{la_id} not in the return")


def test_pre_birth_children_are_returned_with_the_right_date(world):
    record_pre_birth_casework(world)
    _, xml = census_export(year=2026)
    root = SafeET.fromstring(xml)
    born = _identifiers(root, "CWPREBORN1")
    assert born.findtext("ChildIdentifiers/PersonBirthDate") == "2025-12-15"
    assert born.findtext("ChildIdentifiers/ExpectedPersonBirthDate") is None
    assert born.findtext("ChildIdentifiers/Sex") == "M"
    assert born.findtext("CINdetails/Section47/DateOfInitialCPC") == "2025-10-24"
    plan = born.find("CINdetails/ChildProtectionPlans")
    assert plan.findtext("CPPstartDate") == "2025-10-24"
    assert [r.text for r in plan.findall("Reviews/CPPreviewDate")] == ["2026-01-13"]
    unborn = _identifiers(root, "CWPREBIRTH2")
    assert unborn.findtext("ChildIdentifiers/PersonBirthDate") is None
    assert unborn.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == "2026-05-10"
    assert unborn.findtext("ChildIdentifiers/Sex") == "U"
    assert unborn.findtext("CINdetails/ChildProtectionPlans/CPPstartDate") == "2026-02-02"


def test_pre_birth_export_passes_the_real_validator(world, cin_validator):
    record_pre_birth_casework(world)
    package = census_prepare(year=2026)
    v = package.validation
    assert v.available and not v.problem, v.problem
    assert not v.crashed_rules
    assert [(i.rule, i.la_child_id, i.message) for i in v.errors] == []
    assert {i.rule for i in v.queries} <= SMALL_RETURN_QUERIES
