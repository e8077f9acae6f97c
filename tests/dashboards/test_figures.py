"""The declarations: every figure reaches the JSON, the page and a drill-down from its one
declaration, and a share's drill-down can list its whole denominator, met or not."""

import csv
import io

import pytest
from django.urls import reverse

from cases.services import child_restrict
from conferences.models import ConferenceParticipant, CoreGroupMeeting
from dashboards.figures import FIGURES, POPULATIONS, Card, Column
from dashboards.figures.base import figure
from tests.cases.factories import ChildFactory, ReferralFactory, VisitFactory
from tests.conferences.factories import ConferenceFactory, PlanFactory
from tests.dashboards.test_measures import D, _icpc, icpcs, measures  # noqa: F401
from tests.documents.helpers import share_report
from tests.strategy.factories import StrategyDiscussionFactory, full_participation, london

PERIOD = {"from": "2018-09-01", "to": "2018-09-30"}
SHARES = sorted(key for key, f in FIGURES.items() if f.is_share)


@pytest.fixture
def varied(world, icpcs):  # noqa: F811
    """The three ICPCs (one in timescale, two late), and some of everything else, met and
    not: a plan, visits, a late review, strategy discussions with and without health."""
    plan = PlanFactory(child=world.child, start_date=D(2018, 9, 14))
    VisitFactory(child=world.child, visit_date=D(2018, 9, 20), seen_alone=False)
    VisitFactory(child=world.child, visit_date=D(2018, 9, 28), seen_alone=True)
    CoreGroupMeeting.objects.create(
        plan=plan, meeting_date=D(2018, 9, 20), attendees="x", recorded_by=world.iro
    )
    # Another child's plan from 3 September: its first visit and core group come too late.
    other = PlanFactory(child=ChildFactory(allocated_team=world.team), start_date=D(2018, 9, 3))
    VisitFactory(child=other.child, visit_date=D(2018, 9, 28))
    CoreGroupMeeting.objects.create(
        plan=other, meeting_date=D(2018, 9, 28), attendees="x", recorded_by=world.iro
    )
    for target, held in ((D(2018, 9, 20), D(2018, 9, 21)), (D(2018, 9, 25), D(2018, 9, 25))):
        review = ConferenceFactory(
            child=world.child,
            section47=None,
            plan=plan,
            conference_type="review",
            target_date=target,
            status="held",
            held_on=held,
        )
        share_report(review, D(2018, 9, 19))
    ConferenceParticipant.objects.create(
        conference=icpcs[0], kind="agency", agency="police", name="DC", status="attended"
    )
    for health in ("attended", None):
        referral = ReferralFactory(child=world.child, received_at=london(2018, 9, 4))
        discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 9, 5))
        full_participation(discussion, health=health)
    for conference, knew in zip(icpcs, (True, False), strict=False):
        ConferenceParticipant.objects.create(
            conference=conference,
            kind="agency",
            agency="health",
            name="HV",
            status="attended",
            knows_child=knew,
        )
    return icpcs


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def _la_ids(qs, kind) -> list[str]:
    path = "plan__child__la_child_id" if kind == "core_group" else "child__la_child_id"
    return sorted(qs.values_list(path, flat=True))


@pytest.mark.parametrize("key", SHARES)
def test_a_share_lists_its_whole_denominator_each_met_or_not(world, varied, login, key):
    share = FIGURES[key]
    m = measures(D(2018, 9, 1), D(2018, 9, 30))
    denominator, numerator = m.population(share.of), m.population(share.population)
    client = login(world.senior_manager)
    url = reverse("dashboards:drill", args=[key])
    header, *rows = _csv(client.get(url, {**PERIOD, "all": "1", "format": "csv"}))
    assert header[-1] == "Met"
    assert len(rows) == m.count(share.of) == denominator.count()
    assert sorted(row[1] for row in rows) == _la_ids(denominator, share.kind)
    met = [row for row in rows if row[-1] == "Yes"]
    assert len(met) == m.count(share.population)
    assert sorted(row[1] for row in met) == _la_ids(numerator, share.kind)
    assert all(row[-1] in ("Yes", "No") for row in rows)
    page = client.get(url, {**PERIOD, "all": "1"})
    assert len(page.context["rows"]) == len(rows)
    content = page.content.decode()
    assert f"{len(met)} met" in content and '<th scope="col">Met</th>' in content
    assert "all=1&amp;format=csv" in content  # the CSV of the same list
    # The numerator's own drill-down links to this one.
    assert "all=1" in client.get(url, PERIOD).content.decode()


def test_the_denominator_finds_the_late_conferences(world, varied, login):
    _header, *rows = _csv(
        login(world.senior_manager).get(
            reverse("dashboards:drill", args=["icpc_in_timescale"]),
            {**PERIOD, "all": "1", "format": "csv"},
        )
    )
    met = {row[1]: row[-1] for row in rows}
    assert met.pop(world.child.la_child_id) == "Yes"
    assert sorted(met.values()) == ["No", "No"]  # the two late ones, named


def test_a_count_has_no_denominator_to_list(world, icpcs, login):  # noqa: F811
    response = login(world.senior_manager).get(
        reverse("dashboards:drill", args=["icpc_held"]), {**PERIOD, "all": "1"}
    )
    assert response.status_code == 404


def test_a_restricted_child_is_counted_met_but_not_named(world, icpcs, login):  # noqa: F811
    child_restrict(
        child=world.child, user=world.team_manager, restricted=True, people=[world.social_worker]
    )
    client = login(world.team_manager)
    url = reverse("dashboards:drill", args=["icpc_in_timescale"])
    params = {**PERIOD, "team": world.team.pk, "all": "1"}
    _header, *rows = _csv(client.get(url, {**params, "format": "csv"}))
    # The team's two ICPCs: the restricted child's, in timescale, and a late one.
    masked = [row for row in rows if row[0] == "Restricted record"]
    assert [(row[1], row[-1]) for row in masked] == [("", "Yes")]
    assert [row[-1] for row in rows if row not in masked] == ["No"]
    content = client.get(url, params).content.decode()
    assert "Restricted record" in content
    assert world.child.last_name not in content and world.child.la_child_id not in content


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_every_figure_reaches_the_json_the_page_and_its_drill_down(world, icpcs, login, key):  # noqa: F811
    declared = FIGURES[key]
    client = login(world.senior_manager)
    summary = client.get(reverse("dashboards:metrics-json"), PERIOD).json()
    if "count" in declared.json:
        assert summary[key] == measures(D(2018, 9, 1), D(2018, 9, 30)).count(declared.population)
    if "pct" in declared.json:
        assert f"{key}_pct" in summary
    page = client.get(reverse("dashboards:service"), PERIOD).content.decode()
    drill = reverse("dashboards:drill", args=[key])
    if declared.card or declared.column:
        assert f'href="{drill}?' in page
    if declared.card:
        assert f">{declared.card.label}</h3>" in page
    if declared.column:
        assert f'<th scope="col">{declared.column.label}</th>' in page
    assert client.get(drill, PERIOD).status_code == 200
    assert client.get(drill, {**PERIOD, "all": "1"}).status_code == (
        200 if declared.is_share else 404
    )


@pytest.fixture
def new_figure():
    """A figure declared as a new one would be, taken out again afterwards."""
    declared = figure(
        "icpc_with_health_attendee",
        "ICPCs with a health attendee",
        "icpcs_with_health_attendee",
        of="icpcs_held",
        card=Card("icpc", 45, "Health attendee at the ICPC"),
        column=Column(25, "ICPCs with health %"),
    )
    yield declared
    del FIGURES[declared.key]


def test_a_new_figure_is_one_declaration(world, icpcs, login, new_figure):  # noqa: F811
    ConferenceParticipant.objects.create(
        conference=icpcs[0], kind="agency", agency="health", status="attended", name="HV"
    )
    client = login(world.senior_manager)
    assert client.get(reverse("dashboards:metrics-json"), PERIOD).json()[
        "icpc_with_health_attendee_pct"
    ] == pytest.approx(33.3)
    page = client.get(reverse("dashboards:service"), PERIOD)
    content = page.content.decode()
    assert ">Health attendee at the ICPC</h3>" in content and "33.3%" in content
    assert '<th scope="col">ICPCs with health %</th>' in content
    rows = {row["team"].pk: row for row in page.context["teams"] if row["team"]}
    assert rows[world.team.pk]["icpc_with_health_attendee_pct"] == 50.0
    drill = reverse("dashboards:drill", args=["icpc_with_health_attendee"])
    _header, *listed = _csv(client.get(drill, {**PERIOD, "format": "csv"}))
    assert [row[1] for row in listed] == [world.child.la_child_id]
    _header, *every = _csv(client.get(drill, {**PERIOD, "all": "1", "format": "csv"}))
    assert len(every) == 3 and [row[-1] for row in every].count("Yes") == 1


def test_every_population_is_declared_whole():
    for name, population in POPULATIONS.items():
        assert population.row_kind in {
            "conference",
            "plan",
            "strategy",
            "core_group",
            "visit",
            "section47",
            "referral",
            "alert",
            "missing",
            "contribution",
            "agency_check",
        }, name
