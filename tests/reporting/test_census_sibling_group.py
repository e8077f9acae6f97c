"""A sibling-group ICPC in the CIN census (issue 19 item 4): one conference considered two
children, and each child's census entries are still their own (their own section 47 start and
ICPC target from their own strategy discussion, their own plan and category) and pass the DfE
rules."""

import datetime

from defusedxml import ElementTree as SafeET

from conferences.services import conference_group_add, conference_schedule
from reporting.census_export import census_export
from reporting.services import census_prepare
from tests.reporting.casework import _assess, _child, _hold, _referral, at, request_icpc

D = datetime.date
SMALL_RETURN_QUERIES = {"2887Q"}


def _sibling_group_icpc(world):
    sw, tm, iro, bs = world.social_worker, world.team_manager, world.iro, world.business_support
    children, conferences = [], []
    for la_id, born, strategy_on in [
        ("CWSIBRUBY1", D(2015, 3, 4), D(2025, 12, 1)),
        ("CWSIBLEO1", D(2018, 7, 9), D(2025, 12, 3)),
    ]:
        child = _child(sw, la_id, date_of_birth=born, last_name="Siblingham")
        referral = _referral(child, sw, tm, strategy_on, "strategy", source="2A")
        _assess(child, referral, sw, tm, strategy_on, D(2026, 1, 16), ("17A",), "strategy")
        children.append(child)
        conferences.append(request_icpc(child, referral, sw, tm, strategy_on))
    lead, member = conferences
    conference_group_add(lead=lead, member=member, user=bs, expected_version=lead.version)
    lead.refresh_from_db()
    lead.scheduled_for = at(D(2025, 12, 17), 10)
    lead.venue = "Room 4, Civic Centre"
    lead.chair = iro
    conference_schedule(conference=lead, user=bs, expected_version=lead.version)
    lead.refresh_from_db()
    member.refresh_from_db()
    _hold(lead, iro, D(2025, 12, 17), "plan", "NEG")
    _hold(member, iro, D(2025, 12, 17), "plan", "EMO")
    return children


def _child_element(root, la_id):
    for child in root.iter("Child"):
        if child.findtext("ChildIdentifiers/LAchildID") == la_id:
            return child
    raise AssertionError(f"{la_id} not in the return")


def test_each_child_of_a_sibling_group_icpc_has_their_own_census_entries(world):
    _sibling_group_icpc(world)
    census, xml = census_export(year=2026)
    root = SafeET.fromstring(xml)
    ruby, leo = _child_element(root, "CWSIBRUBY1"), _child_element(root, "CWSIBLEO1")
    for child, start, target, category in [
        (ruby, "2025-12-01", "2025-12-22", "NEG"),
        (leo, "2025-12-03", "2025-12-24", "EMO"),
    ]:
        episode = child.find("CINdetails")
        assert episode.findtext("Section47/S47ActualStartDate") == start
        assert episode.findtext("Section47/InitialCPCtarget") == target
        assert episode.findtext("Section47/DateOfInitialCPC") == "2025-12-17"
        assert episode.findtext("ChildProtectionPlans/CPPstartDate") == "2025-12-17"
        assert episode.findtext("ChildProtectionPlans/InitialCategoryOfAbuse") == category
    assert census.counts()["cp_plans"] == 2


def test_a_sibling_group_icpc_passes_the_real_validator(world, cin_validator):
    _sibling_group_icpc(world)
    package = census_prepare(year=2026)
    v = package.validation
    assert v.available and not v.problem, v.problem
    assert not v.crashed_rules
    assert [(i.rule, i.la_child_id, i.message) for i in v.errors] == []
    assert {i.rule for i in v.queries} <= SMALL_RETURN_QUERIES
    assert package.releasable
