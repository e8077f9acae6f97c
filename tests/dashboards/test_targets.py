"""Local targets (#23 item 13): an administrator sets a target for a figure; the card shows the
figure against it with its status in words and colour (never colour alone), and the charts'
colours carry meaning."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.services import roles_ensure
from dashboards.models import Direction, FigureTarget, Status
from tests.dashboards.test_figures import PERIOD
from tests.dashboards.test_measures import icpcs  # noqa: F401


@pytest.mark.parametrize(
    "direction, target, value, expected",
    [
        (Direction.HIGHER, 90, 95.0, Status.MET),
        (Direction.HIGHER, 90, 90.0, Status.MET),
        (Direction.HIGHER, 90, 85.0, Status.NEAR),
        (Direction.HIGHER, 90, 84.9, Status.NOT_MET),
        (Direction.LOWER, 20, 20.0, Status.MET),
        (Direction.LOWER, 20, 25.0, Status.NEAR),
        (Direction.LOWER, 20, 25.1, Status.NOT_MET),
        (Direction.HIGHER, 90, None, None),
    ],
)
def test_status_against_the_target(direction, target, value, expected):
    rule = FigureTarget(figure="icpc_in_timescale", target=Decimal(target), direction=direction)
    assert rule.status(value) == expected


def _card(response, key):
    for section in response.context["sections"]:
        for card in section["cards"]:
            if card["key"] == key:
                return card
    raise AssertionError(key)


def test_the_card_shows_the_figure_against_its_target_in_words(world, icpcs, login):  # noqa: F811
    FigureTarget.objects.create(figure="icpc_in_timescale", target=90)
    response = login(world.senior_manager).get(reverse("dashboards:service"), PERIOD)
    card = _card(response, "icpc_in_timescale")
    assert card["value"] == pytest.approx(33.3)
    assert card["status"] == Status.NOT_MET
    content = response.content.decode()
    assert 'Target 90%: <span class="badge text-bg-danger">Not met</span>' in content
    # A figure with no target says nothing about one.
    assert _card(response, "icpc_held")["target"] is None


def test_near_and_met_read_differently(world, icpcs, login):  # noqa: F811
    target = FigureTarget.objects.create(figure="icpc_in_timescale", target=35)
    client = login(world.senior_manager)
    content = client.get(reverse("dashboards:service"), PERIOD).content.decode()
    assert 'Target 35%: <span class="badge text-bg-warning">Near</span>' in content
    target.target = 30
    target.save()
    content = client.get(reverse("dashboards:service"), PERIOD).content.decode()
    assert 'Target 30%: <span class="badge text-bg-success">Met</span>' in content


def test_chart_colours_carry_meaning(world, icpcs, login):  # noqa: F811
    FigureTarget.objects.create(figure="strategy_with_health", target=100, near_margin=0)
    response = login(world.senior_manager).get(reverse("dashboards:service"), PERIOD)
    charts = response.context["charts"]
    met, not_met = charts["icpc"]["colours"]
    assert met != not_met
    summary = response.context["summary"]
    health = charts["agencies"]["colours"][0]
    if summary["strategy_with_health_pct"] is None:
        assert health == "#0b4f8a"
    else:
        assert health == (met if summary["strategy_with_health_pct"] >= 100 else not_met)
    # The other bars have no target: one neutral colour, not a rainbow that means nothing.
    assert set(charts["agencies"]["colours"][1:]) == {"#0b4f8a"}
    data = json.loads(
        response.content.decode()
        .split('id="dashboard-charts" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert data["icpc"]["colours"] == [met, not_met]


def test_an_administrator_sets_a_target_with_a_clear_message_for_a_bad_one(world, login):
    roles_ensure()
    client = login(world.administrator)
    add = reverse("admin:dashboards_figuretarget_add")
    bad = {
        "figure": "icpc_in_timescale",
        "target": "150",
        "direction": "higher",
        "near_margin": "5",
    }
    response = client.post(add, bad)
    assert response.status_code == 200
    assert "A percentage target is between 0 and 100." in response.content.decode()
    assert not FigureTarget.objects.exists()
    response = client.post(add, {**bad, "target": "90"})
    assert response.status_code == 302
    assert FigureTarget.objects.get().target == 90
