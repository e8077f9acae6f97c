"""The CIN census with the front door's contacts recorded: the contacts that were not
referrals are not in it, and it still passes the DfE rules with no errors."""

from reporting.services import census_prepare
from tests.frontdoor.test_returns import record_contacts
from tests.reporting.casework import record_casework
from tests.reporting.test_census_sibling_group import SMALL_RETURN_QUERIES


def test_the_census_with_contacts_passes_the_dfe_rules(world, cin_validator):
    record_casework(world)
    record_contacts(world)
    package = census_prepare(year=2026)
    v = package.validation
    assert v.available and not v.problem, v.problem
    assert not v.crashed_rules
    assert [(i.rule, i.la_child_id, i.message) for i in v.errors] == []
    assert {i.rule for i in v.queries} <= SMALL_RETURN_QUERIES
    assert package.releasable
