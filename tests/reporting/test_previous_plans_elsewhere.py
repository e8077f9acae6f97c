"""Plans in other local authorities, recorded on the child, count in the number of previous
child protection plans: the census export, Annex A list 7 and the child's plan pages.

Hand-worked dates: CWPROTECT1's plan here starts Friday 2 May 2025 (its ICPC). Plans in Sefton
(10 January 2019 to 2 September 2019) and Knowsley (3 March 2022 to 31 January 2023) came
before it: 2 previous plans. A plan here counts too once it is before the plan counted.
"""

import datetime

from auditlog.models import LogEntry
from defusedxml import ElementTree as SafeET
from django.urls import reverse

from cases.models import PreviousPlanElsewhere
from reporting.annex_a import annex_a_build
from reporting.census_export import census_export
from reporting.services import census_prepare
from tests.reporting.casework import record_casework
from tests.reporting.test_census_export import SMALL_RETURN_QUERIES, _child

D = datetime.date


def _record(client, child, la, start, end):
    return client.post(
        reverse("cases:previous-plan-add", args=[child.pk]),
        {"local_authority": la, "start_date": start, "end_date": end, "notes": ""},
    )


def _previous_in_census(la_id: str) -> list[str]:
    _, xml = census_export(year=2026)
    child = _child(SafeET.fromstring(xml), la_id)
    return [p.findtext("NumberOfPreviousCPP") for p in child.iter("ChildProtectionPlans")]


def test_plans_elsewhere_count_in_the_census_annex_a_and_the_plan_page(world, login):
    work = record_casework(world)
    assert _previous_in_census("CWPROTECT1") == ["0"]
    client = login(world.social_worker)
    assert _record(client, work.protected, "Sefton", "2019-01-10", "2019-09-02").status_code == 302
    assert _record(client, work.protected, "Knowsley", "2022-03-03", "2023-01-31").status_code == (
        302
    )
    assert _previous_in_census("CWPROTECT1") == ["2"]

    list_7 = next(a for a in annex_a_build(as_of=D(2025, 9, 30)) if a.number == 7)
    column = list_7.columns.index("Number of Previous Child Protection Plans")
    rows = [r for r in list_7.rows if "CWPROTECT1" in r]
    assert [r[column] for r in rows] == [2]

    page = client.get(reverse("conferences:child-plan", args=[work.protected.pk])).content.decode()
    assert "<td>2</td>" in page
    listed = client.get(reverse("cases:previous-plans", args=[work.protected.pk])).content
    assert b"Knowsley" in listed and b"Sefton" in listed


def test_a_plan_elsewhere_after_the_plan_does_not_count_for_it(world, login):
    work = record_casework(world)
    client = login(world.social_worker)
    # After this plan ended (20 November 2025), a short plan in Wirral's neighbour.
    assert _record(client, work.protected, "Sefton", "2025-12-01", "2026-01-15").status_code == 302
    assert _previous_in_census("CWPROTECT1") == ["0"]


def test_a_previous_plan_has_ended_and_is_audited(world, login):
    client = login(world.social_worker)
    response = _record(client, world.child, "Sefton", "2019-01-10", "2019-01-10")
    assert "must end after the day it started" in response.content.decode()
    response = _record(client, world.child, "", "2019-01-10", "2019-03-01")
    assert response.status_code == 200
    assert not PreviousPlanElsewhere.objects.exists()
    assert _record(client, world.child, "Sefton", "2019-01-10", "2019-03-01").status_code == 302
    plan = PreviousPlanElsewhere.objects.get()
    assert plan.recorded_by == world.social_worker
    entry = LogEntry.objects.get_for_object(plan).get()
    assert entry.actor == world.social_worker
    response = client.post(
        reverse("cases:previous-plan-edit", args=[world.child.pk, plan.pk]),
        {
            "local_authority": "Sefton Council",
            "start_date": "2019-01-10",
            "end_date": "2019-03-01",
            "version": plan.version,
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.local_authority == "Sefton Council" and plan.version == 2
    assert (
        login(world.other_team_worker)
        .get(reverse("cases:previous-plans", args=[world.child.pk]))
        .status_code
        == 404
    )


def test_the_export_with_plans_elsewhere_passes_the_real_validator(world, login, cin_validator):
    work = record_casework(world)
    _record(login(world.social_worker), work.protected, "Sefton", "2019-01-10", "2019-09-02")
    package = census_prepare(year=2026)
    v = package.validation
    assert [(i.rule, i.la_child_id, i.message) for i in v.errors] == []
    assert {i.rule for i in v.queries} <= SMALL_RETURN_QUERIES
