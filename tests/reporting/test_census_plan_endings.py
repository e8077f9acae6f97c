"""Plans ended outside a review and a transfer-in, recorded through the services the forms use,
export to a census return the DfE validator accepts, each with its census reason."""

import datetime

import pytest
from defusedxml import ElementTree as SafeET

from conferences.models import ChildProtectionPlan, TransferIn, TransferOut
from conferences.services_transfers import (
    plan_end_outside_review,
    transfer_in_hold,
    transfer_in_record,
    transfer_out_record,
)
from reporting.census_export import census_export
from reporting.services import census_prepare
from tests.reporting.casework import _assess, _child, _referral, _strategy_to_icpc, record_casework
from tests.reporting.test_census_export import SMALL_RETURN_QUERIES
from tests.reporting.test_census_export import _child as child_element

D = datetime.date


def _plan_child(world, la_id, referred, **fields):
    sw, tm, iro = world.social_worker, world.team_manager, world.iro
    child = _child(sw, la_id, **fields)
    r = _referral(child, sw, tm, referred, "strategy", source="6")
    _assess(child, r, sw, tm, referred, referred + datetime.timedelta(days=21), ("3B",), "strategy")
    _strategy_to_icpc(child, r, sw, tm, iro, referred, referred + datetime.timedelta(days=14))
    return child, ChildProtectionPlan.objects.get(child=child)


def _end(world, plan, reason, day, **extra):
    plan_end_outside_review(
        plan=plan,
        user=world.social_worker,
        reason=reason,
        end_date=day,
        details="Synthetic: confirmed by the worker.",
        **extra,
    )


def record_endings(world) -> None:
    sw, tm, iro = world.social_worker, world.team_manager, world.iro
    # Died on Monday 2 March 2026.
    _, plan = _plan_child(world, "CWDIED1", D(2025, 9, 1), date_of_birth=D(2015, 6, 3))
    _end(world, plan, "died", D(2026, 3, 2))
    # Reached 18 on Saturday 14 February 2026, transferred to adult services.
    _, plan = _plan_child(world, "CWEIGHTEEN1", D(2025, 9, 8), date_of_birth=D(2008, 2, 14))
    _end(world, plan, "reached_18", D(2026, 2, 14), closure_reason="RC6")
    # Became looked after on Friday 16 January 2026: the episode stays open.
    _, plan = _plan_child(world, "CWLAC1", D(2025, 10, 6), date_of_birth=D(2013, 4, 9))
    _end(world, plan, "looked_after", D(2026, 1, 16))
    # Left the country on Friday 30 January 2026.
    _, plan = _plan_child(world, "CWABROAD1", D(2025, 10, 13), date_of_birth=D(2017, 1, 5))
    _end(world, plan, "left_country", D(2026, 1, 30))
    # Moved to another authority on Monday 2 February 2026; its transfer-in conference held on
    # Thursday 19 February 2026.
    child, plan = _plan_child(world, "CWMOVED1", D(2025, 10, 20), date_of_birth=D(2012, 7, 7))
    transfer_out_record(
        transfer=TransferOut(
            plan=plan,
            child=child,
            to_authority="Synthetic County Council",
            moved_on=D(2026, 2, 2),
            receiving_conference_on=D(2026, 2, 19),
            receiving_conference_held=True,
        ),
        user=sw,
    )
    # Moved here on another authority's plan: notified Tuesday 16 December 2025, conference
    # due Friday 9 January 2026 (Christmas, Boxing Day, New Year's Day), held Thursday 8th.
    child = _child(sw, "CWMOVEDIN1", date_of_birth=D(2014, 9, 22))
    r = _referral(child, sw, tm, D(2025, 12, 16), "assessment", source="5C", need="N1")
    _assess(child, r, sw, tm, D(2025, 12, 17), D(2026, 1, 23), ("4B",), "")
    transfer = transfer_in_record(
        transfer=TransferIn(
            child=child,
            from_authority="Synthetic Borough Council",
            notified_on=D(2025, 12, 16),
            other_plan_start=D(2025, 6, 2),
            other_category="EMO",
        ),
        user=sw,
    )
    conference = transfer.conference
    assert conference.target_date == D(2026, 1, 9)
    conference.chair = iro
    conference.held_on = D(2026, 1, 8)
    conference.decision = "plan"
    conference.category = "EMO"
    conference.decision_reasons = "Continuing emotional harm."
    conference.save()
    transfer_in_hold(conference=conference, user=iro, expected_version=conference.version)


def test_endings_and_a_transfer_in_pass_the_real_validator(world, cin_validator):
    record_casework(world)
    record_endings(world)
    package = census_prepare(year=2026)
    v = package.validation
    assert v.available and not v.problem, v.problem
    assert not v.crashed_rules
    assert [(i.rule, i.la_child_id, i.message) for i in v.errors] == []
    assert {i.rule for i in v.queries} <= SMALL_RETURN_QUERIES, [
        (i.rule, i.la_child_id, i.message) for i in v.queries
    ]
    assert package.releasable


@pytest.mark.parametrize(
    ("la_id", "end", "reason"),
    [
        ("CWDIED1", "2026-03-02", "RC2"),
        ("CWEIGHTEEN1", "2026-02-14", "RC6"),
        ("CWABROAD1", "2026-01-30", "RC7"),
        ("CWMOVED1", "2026-02-19", "RC5"),
        ("CWLAC1", "2026-01-16", None),
    ],
)
def test_each_ending_is_in_the_return_with_its_census_reason(world, la_id, end, reason):
    record_endings(world)
    _, xml = census_export(year=2026)
    child = child_element(SafeET.fromstring(xml), la_id)
    details = child.find("CINdetails")
    assert details.findtext("ChildProtectionPlans/CPPendDate") == end
    assert details.findtext("ReasonForClosure") == reason
    assert details.findtext("CINclosureDate") == (end if reason else None)
    if la_id == "CWDIED1":
        assert child.findtext("ChildIdentifiers/PersonDeathDate") == "2026-03-02"


def test_the_transfer_in_is_the_episodes_initial_conference_and_counts_the_other_plan(world):
    record_endings(world)
    _, xml = census_export(year=2026)
    details = child_element(SafeET.fromstring(xml), "CWMOVEDIN1").find("CINdetails")
    assert details.findtext("DateOfInitialCPC") == "2026-01-08"
    plan = details.find("ChildProtectionPlans")
    assert plan.findtext("CPPstartDate") == "2026-01-08"
    assert plan.findtext("InitialCategoryOfAbuse") == "EMO"
    assert plan.findtext("NumberOfPreviousCPP") == "1"
