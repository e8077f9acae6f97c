"""The channel matrix: every outbound channel, for every persona, goes through the one door.

Three children, each with an alert, a held ICPC (in September 2018) and a plan with an action:
- `visible`: Team A's, allocated to `social_worker`, chaired by `iro`;
- `stranger`: Team B's, allocated to `other_team_worker`, chaired by `other_iro`;
- `secret`: Team A's, restricted to `social_worker` alone, chaired by `iro`.

For each channel (email digest, drill-down page and CSV, metrics JSON, family plan PDF, the
diary, My tasks, the child list, Annex A xlsx, the CIN census page) and each persona, a child
outside the persona's reach is absent, and the restricted child is masked for everyone not named
on it; a statutory return alone counts every child, and only its producers may fetch one.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Child
from cases.services import child_restrict
from monitoring.notifications import digests_send
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.conferences.factories import ActionFactory, ConferenceFactory, hold
from tests.personas import STAFF
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

D = datetime.date

# Who reaches each child (besides the restriction).
REACHES_STRANGER = {"other_team_worker", "other_manager", "other_iro", "senior_manager"}
NAMED_ON_SECRET = {"social_worker"}
REACHES_SECRET = {"social_worker", "same_team_worker", "team_manager", "iro", "senior_manager"}


@dataclass
class Marked:
    child: Child
    surname: str
    action: str
    plan_id: int


def _child(world, *, team, worker, chair, surname, action) -> Marked:
    child = ChildFactory(allocated_team=team, allocated_worker=worker, last_name=surname)
    referral = ReferralFactory(child=child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    conference = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    plan = hold(conference, chair=chair, held_on=D(2018, 9, 13)).plan
    # An action long past its date: an alert whose evidence carries the action's words.
    ActionFactory(outcome__plan=plan, action=action, timescale=D(2018, 10, 1))
    return Marked(child, surname, action, plan.pk)


@pytest.fixture
def three(world):
    visible = _child(
        world,
        team=world.team,
        worker=world.social_worker,
        chair=world.iro,
        surname="Ambervale",
        action="Visible action Marigold",
    )
    stranger = _child(
        world,
        team=world.other_team,
        worker=world.other_team_worker,
        chair=world.other_iro,
        surname="Brackenthwaite",
        action="Stranger action Juniper",
    )
    secret = _child(
        world,
        team=world.team,
        worker=world.social_worker,
        chair=world.iro,
        surname="Quillfeatherstone",
        action="Secret action Zanzibar",
    )
    child_restrict(
        child=secret.child, user=world.team_manager, restricted=True, people=[world.social_worker]
    )
    timescales_scan(as_of=D(2018, 11, 1))
    return {"visible": visible, "stranger": stranger, "secret": secret}


def _markers(marked: Marked) -> list[str]:
    return [marked.surname, marked.child.la_child_id, marked.action]


def _assert_door(text: str, persona: str, three: dict, channel: str) -> None:
    """The stranger is absent unless reached; the secret child masked unless named."""
    if persona not in REACHES_STRANGER:
        for marker in _markers(three["stranger"]):
            assert marker not in text, (channel, persona, marker)
    if persona not in NAMED_ON_SECRET:
        for marker in _markers(three["secret"]):
            assert marker not in text, (channel, persona, marker)


# --- Email ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_digest_email(world, three, persona):
    user = world.persona(persona)
    user.email = f"{persona}@example.invalid"
    user.save()
    digests_send(day=D(2018, 11, 1))
    bodies = [m.body + m.subject for m in mail.outbox if m.to == [user.email]]
    for body in bodies:
        _assert_door(body, persona, three, "email")
    if persona == "social_worker":
        # Named on the restriction: the secret child's alert arrives in full.
        assert bodies and three["secret"].child.la_child_id in bodies[0]
    if persona in ("team_manager", "same_team_worker"):
        # The restricted child's alert is there, masked.
        assert bodies and "Restricted record" in bodies[0]


# --- Dashboards: drill-down page and CSV, metrics JSON -----------------------------------------

DRILL_SCOPES: dict[str, dict[str, str]] = {
    # persona: query that persona may ask for
    "team_manager": {},
    "other_manager": {},
    "iro": {},
    "other_iro": {},
    "senior_manager": {},
}


@pytest.mark.parametrize("fmt", ["html", "csv"])
@pytest.mark.parametrize("key", ["icpc_held", "open_alerts"])
@pytest.mark.parametrize("persona", STAFF)
def test_drill_down_page_and_csv(world, three, login, persona, key, fmt):
    client = login(world.persona(persona))
    params = {"from": "2018-09-01", "to": "2018-11-01", "as_of": "2018-11-01"}
    if fmt == "csv":
        params["format"] = "csv"
    response = client.get(reverse("dashboards:drill", args=[key]), params)
    if persona not in DRILL_SCOPES:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = response.getvalue().decode()
    _assert_door(text, persona, three, f"drill {key} {fmt}")
    # The channel carries what it should: the persona's own children, and the restricted one
    # counted as a masked row.
    if persona in ("team_manager", "iro", "senior_manager"):
        assert three["visible"].child.la_child_id in text
        assert "Restricted record" in text
    if persona == "senior_manager":
        assert three["stranger"].child.la_child_id in text


@pytest.mark.parametrize("persona", STAFF)
def test_drill_down_for_another_scope_is_a_404(world, three, login, persona):
    """Asking for a team or an IRO outside one's own work answers 404, page and CSV alike."""
    client = login(world.persona(persona))
    url = reverse("dashboards:drill", args=["icpc_held"])
    for scope in ({"team": world.other_team.pk}, {"iro": world.other_iro.pk}):
        for extra in ({}, {"format": "csv"}):
            response = client.get(url, {"from": "2018-09-01", "to": "2018-11-01", **scope, **extra})
            expected = 200 if persona == "senior_manager" else 404
            if persona == "other_manager" and "team" in scope:
                expected = 200
            if persona == "other_iro" and "iro" in scope:
                expected = 200
            assert response.status_code == expected, (persona, scope, extra)


@pytest.mark.parametrize("persona", STAFF)
def test_metrics_json(world, three, login, persona):
    client = login(world.persona(persona))
    params = {"from": "2018-09-01", "to": "2018-11-01"}
    response = client.get(reverse("dashboards:metrics-json"), params)
    if persona not in DRILL_SCOPES:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    _assert_door(response.content.decode(), persona, three, "json")
    figures = response.json()
    if persona in ("team_manager", "iro"):
        # Team A's or the IRO's own: the visible and the secret child, not the stranger.
        assert figures["icpc_held"] == 2
    for scope in ({"team": world.other_team.pk}, {"iro": world.other_iro.pk}):
        other = client.get(reverse("dashboards:metrics-json"), {**params, **scope})
        allowed = (
            persona == "senior_manager"
            or (persona == "other_manager" and "team" in scope)
            or (persona == "other_iro" and "iro" in scope)
        )
        assert other.status_code == (200 if allowed else 404), (persona, scope)


# --- PDF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_family_plan_pdf(world, three, login, persona):
    client = login(world.persona(persona))
    for name, marked in three.items():
        url = reverse("conferences:family-plan-pdf", args=[marked.child.pk, marked.plan_id])
        response = client.get(url)
        reaches = (
            persona in REACHES_STRANGER
            if name == "stranger"
            else persona in NAMED_ON_SECRET
            if name == "secret"
            else persona in REACHES_SECRET
        )
        if not reaches:
            assert response.status_code == 404, (persona, name)
            assert marked.surname not in response.content.decode(errors="replace")
        else:
            assert response.status_code == 200, (persona, name)
            assert response["Content-Type"] == "application/pdf"


# --- Lists: the diary, My tasks, the child list, the IRO caseload ---------------------------


@pytest.mark.parametrize(
    "page",
    ["conferences:diary", "monitoring:my-tasks", "cases:child-list", "conferences:iro-caseload"],
)
@pytest.mark.parametrize("persona", STAFF)
def test_lists(world, three, login, persona, page):
    response = login(world.persona(persona)).get(reverse(page), {"status": "held"})
    if response.status_code == 404:
        return  # the page is not for this role (the permission matrix says which)
    assert response.status_code == 200
    text = response.content.decode()
    if page == "conferences:diary" and persona == "business_support":
        # Business support arrange every conference: names, but never the restricted child's.
        for marker in _markers(three["secret"]):
            assert marker not in text
        return
    _assert_door(text, persona, three, page)


# --- Statutory returns: every child, for their producers only --------------------------------


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.endswith(".xml") and "sharedStrings" in name or "worksheets" in name
        )


@pytest.mark.parametrize("persona", STAFF)
def test_annex_a_xlsx(world, three, login, persona):
    response = login(world.persona(persona)).get(
        reverse("reporting:annex-a-download"), {"as_of": "2018-12-31"}
    )
    if persona != "senior_manager":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = _xlsx_text(response.content)
    for marked in three.values():
        assert marked.child.la_child_id in text


@pytest.mark.parametrize("persona", STAFF)
def test_census_page(world, three, login, persona):
    response = login(world.persona(persona)).get(reverse("reporting:census"), {"year": "2019"})
    if persona != "senior_manager":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    from cases.access import children_for_returns
    from reporting.services import census_prepare

    package = census_prepare(year=2019, children=children_for_returns(world.senior_manager))
    xml = package.xml.decode() if isinstance(package.xml, bytes) else package.xml
    for marked in three.values():
        assert marked.child.la_child_id in xml
