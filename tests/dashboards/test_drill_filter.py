"""Drill-downs (#23 item 14): a share's card opens its whole denominator with a met / not met
column and a filter, the page links back to the dashboard it came from with the same period
and scope, and no code is shown raw."""

import pytest
from django.urls import reverse

from tests.dashboards.test_figures import PERIOD, varied  # noqa: F401
from tests.dashboards.test_measures import icpcs  # noqa: F401

DRILL = reverse("dashboards:drill", args=["icpc_in_timescale"])


def _la_ids(response) -> list[str]:
    return sorted(row[1] for row in response.context["rows"])


def test_the_filter_lists_met_not_met_or_all(world, varied, login):  # noqa: F811
    client = login(world.senior_manager)
    every = client.get(DRILL, {**PERIOD, "all": "1"})
    assert len(every.context["rows"]) == 3
    met = client.get(DRILL, {**PERIOD, "all": "1", "met": "yes"})
    not_met = client.get(DRILL, {**PERIOD, "all": "1", "met": "no"})
    assert [row[-1] for row in met.context["rows"]] == ["Yes"]
    assert [row[-1] for row in not_met.context["rows"]] == ["No", "No"]
    assert sorted(_la_ids(met) + _la_ids(not_met)) == _la_ids(every)
    content = not_met.content.decode()
    # The totals are the whole denominator's, whatever is shown.
    assert "3 records, 1 met" in content
    assert "Showing 2 not met" in content
    # The filter is a form that works without JavaScript, keeping the period.
    assert '<select class="form-select" id="id_met" name="met">' in content
    assert '<input type="hidden" name="from" value="2018-09-01">' in content
    # The CSV is of what is shown.
    csv = client.get(DRILL, {**PERIOD, "all": "1", "met": "no", "format": "csv"})
    assert len(csv.getvalue().decode().strip().splitlines()) == 1 + 2


def test_an_unknown_filter_is_not_found(world, varied, login):  # noqa: F811
    client = login(world.senior_manager)
    assert client.get(DRILL, {**PERIOD, "all": "1", "met": "maybe"}).status_code == 404


def test_cards_open_the_whole_denominator(world, varied, login):  # noqa: F811
    page = login(world.senior_manager).get(reverse("dashboards:service"), PERIOD)
    content = page.content.decode()
    assert f'href="{DRILL}?from=2018-09-01&amp;to=2018-09-30&amp;all=1"' in content
    count = reverse("dashboards:drill", args=["icpc_held"])
    assert f'href="{count}?from=2018-09-01&amp;to=2018-09-30"' in content


@pytest.mark.parametrize(
    "persona, params, dashboard",
    [
        ("senior_manager", {}, "dashboards:service"),
        ("senior_manager", {"team": "team"}, "dashboards:team"),
        ("team_manager", {}, "dashboards:team"),
        ("iro", {}, "dashboards:iro"),
    ],
)
def test_the_drill_down_links_back_to_its_dashboard_with_the_period(
    world,
    varied,  # noqa: F811
    login,
    persona,
    params,
    dashboard,
):
    if params.get("team"):
        params = {"team": world.team.pk}
    response = login(world.persona(persona)).get(DRILL, {**PERIOD, **params, "all": "1"})
    back = response.context["back_url"]
    assert back.startswith(reverse(dashboard) + "?")
    assert "from=2018-09-01" in back and "to=2018-09-30" in back
    if params.get("team"):
        assert f"team={world.team.pk}" in back
    assert login(world.persona(persona)).get(back).status_code == 200
    assert f'href="{back.replace("&", "&amp;")}"' in response.content.decode()


def test_codes_are_shown_as_words(world, varied, login):  # noqa: F811
    client = login(world.senior_manager)
    rows = client.get(reverse("dashboards:drill", args=["icpc_held"]), PERIOD).context["rows"]
    assert {row[3] for row in rows} == {"Initial child protection conference"}
    plans = client.get(reverse("dashboards:drill", args=["plans_started"]), PERIOD)
    assert all(row[-1] in ("Neglect",) for row in plans.context["rows"]), plans.context["rows"]
