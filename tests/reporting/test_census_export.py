"""The census export of casework recorded through the system's own services passes the real
DfE validator, and says what it found."""

import datetime

from defusedxml import ElementTree as SafeET

from reporting.census_export import census_export
from reporting.services import census_prepare
from tests.reporting.casework import record_casework

# Return-level queries that any small return raises (fewer than 8 children with no disability
# recorded): genuinely unusual for a real authority's return, not a defect in the data.
SMALL_RETURN_QUERIES = {"2887Q"}


def _child(root, la_id):
    for child in root.iter("Child"):
        if child.findtext("ChildIdentifiers/LAchildID") == la_id:
            return child
    raise AssertionError(f"{la_id} not in the return")


def test_export_of_recorded_casework_passes_the_real_validator(world, cin_validator):
    record_casework(world)
    package = census_prepare(year=2026)
    v = package.validation
    assert v.available and not v.problem, v.problem
    assert not v.crashed_rules
    assert [(i.rule, i.la_child_id, i.message) for i in v.errors] == []
    assert {i.rule for i in v.queries} <= SMALL_RETURN_QUERIES
    assert package.releasable


def test_export_reports_the_year_as_at_31_march(world):
    work = record_casework(world)
    census, xml = census_export(year=2026)
    root = SafeET.fromstring(xml)
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    ids = [c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")]
    assert sorted(ids) == sorted(
        c.la_child_id
        for c in (work.assessed, work.protected, work.nfa, work.open_plan, work.unborn)
    )
    protected = _child(root, "CWPROTECT1")
    episode = protected.find("CINdetails")
    assert episode.findtext("CINclosureDate") == "2026-02-02"
    assert episode.findtext("ReferralNFA") == "0"
    enquiry = episode.find("Section47")
    assert enquiry.findtext("S47ActualStartDate") == "2025-04-15"
    assert enquiry.findtext("DateOfInitialCPC") == "2025-05-02"
    plan = episode.find("ChildProtectionPlans")
    assert plan.findtext("CPPstartDate") == "2025-05-02"
    assert plan.findtext("CPPendDate") == "2025-11-20"
    assert [r.text for r in plan.findall("Reviews/CPPreviewDate")] == ["2025-07-31", "2025-11-20"]
    assert episode.findtext("CINPlanDates/CINPlanStartDate") == "2025-11-20"
    nfa = _child(root, "CWNFA1").find("CINdetails")
    assert nfa.findtext("ReferralNFA") == "1"
    unborn = _child(root, "CWUNBORN1").find("ChildIdentifiers")
    assert unborn.findtext("ExpectedPersonBirthDate") == "2026-05-20"
    assert unborn.findtext("Sex") == "U"
    counts = census.counts()
    assert counts["children"] == 5
    assert counts["cp_plans"] == 2
    assert counts["cp_plans_open_at_year_end"] == 1
    assert counts["icpcs"] == 2


def test_events_after_31_march_are_not_in_the_return(world):
    work = record_casework(world)
    referral = work.unborn.referrals.get()
    assessment = referral.assessments.get()
    assessment.authorised_date = datetime.date(2026, 4, 20)
    assessment.factors = ["3B"]
    assessment.save()
    _, xml = census_export(year=2026)
    episode = _child(SafeET.fromstring(xml), "CWUNBORN1").find("CINdetails")
    assert episode.findtext("Assessments/AssessmentActualStartDate") == "2026-02-17"
    assert episode.find("Assessments/AssessmentAuthorisationDate") is None
    assert episode.find("Assessments/FactorsIdentifiedAtAssessment") is None


def test_episodes_closed_before_the_year_are_left_out(world):
    record_casework(world)
    _, xml = census_export(year=2027)
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in SafeET.fromstring(xml).iter("Child")}
    # Closed in 2025-26: not children in need in 2026-27.
    assert "CWASSESSED1" not in ids and "CWPROTECT1" not in ids and "CWNFA1" not in ids
    assert {"CWOPENPLAN1", "CWUNBORN1"} <= ids


def test_validation_errors_name_the_child_and_link_to_the_record(world, cin_validator):
    work = record_casework(world)
    # A plan recorded outside the services, starting before the referral (rule 1105).
    from conferences.models import ChildProtectionPlan

    ChildProtectionPlan.objects.filter(child=work.open_plan).update(
        start_date=datetime.date(2025, 11, 20)
    )
    package = census_prepare(year=2026)
    errors = [i for i in package.validation.errors if i.rule == "1105"]
    assert errors and errors[0].la_child_id == "CWOPENPLAN1"
    assert errors[0].child_pk == work.open_plan.pk
    assert not package.releasable


def test_rereferrals_count_the_previous_referral_even_when_it_is_not_in_the_return(db):
    """Year to 31 Mar 2026. Child A: referred Sun 2 Feb 2025 and closed Mon 3 Mar 2025 (before
    the year, so not in the return); referred again Sun 1 Feb 2026: within 12 months of that
    referral (the window opens 1 Feb 2025), a re-referral. Child B: referred 31 Jan 2025,
    closed 3 Mar 2025, again Sun 1 Feb 2026: a day more than 12 months, not one."""
    from reporting.census_export import census_build
    from tests.cases.factories import ChildFactory, ReferralFactory
    from tests.strategy.factories import london

    for first in (london(2025, 2, 2), london(2025, 1, 31)):
        child = ChildFactory()
        ReferralFactory(
            child=child, received_at=first, decision="nfa", closure_date=datetime.date(2025, 3, 3)
        )
        ReferralFactory(child=child, received_at=london(2026, 2, 1), decision="nfa")
    counts = census_build(year=2026).counts()
    assert counts["referrals_in_year"] == 2
    assert counts["rereferrals_within_12_months"] == 1
